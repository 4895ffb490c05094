"""The token pages under /account/api-tokens/ (namespace "api") and the API itself under
/api/v1/ (namespace "api-v1", its URL names those of the operations)."""

from django.urls import include, path

from api import views
from api.v1 import api

token_pages = [
    path("", views.tokens, name="tokens"),
    path("<int:pk>/revoke/", views.token_revoke_view, name="token-revoke"),
]

urlpatterns = [
    path("account/api-tokens/", include((token_pages, "api"))),
    path("api/v1/", api.urls),
]

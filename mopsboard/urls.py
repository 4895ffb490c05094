"""Root URLs: the apps' own URLconfs, Django's auth views and the admin. No two apps
claim the same path, so their order here does not matter."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("backlog.urls")),
    path("raci/", include("raci.urls")),
    path("", include("capacity.urls")),
]

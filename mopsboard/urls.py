"""Root URLs: the apps' own URLconfs, Django's auth views and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("raci/", include("raci.urls")),
    path("", include("capacity.urls")),
    path("", include("backlog.urls")),
]

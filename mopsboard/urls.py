"""Root URLs: the apps' own URLconfs, Django's auth views and the admin. No two apps
claim the same path, so their order here does not matter."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from mopsboard import views

handler500 = "mopsboard.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("healthz/worker", views.worker_health, name="healthz-worker"),
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/", include("mail.password_urls")),
    path("admin/", admin.site.urls),
    path("", include("backlog.urls")),
    path("raci/", include("raci.urls")),
    path("", include("conversation.urls")),
    path("", include("capacity.urls")),
    path("goals/", include("goals.urls")),
    path("", include("imports.urls")),
    path("mail/", include("mail.urls")),
    path("", include("intake.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("api.urls")),
    path("webhooks/", include("webhooks.urls")),
]

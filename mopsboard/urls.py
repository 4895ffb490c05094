"""Root URLs: the apps' own URLconfs, Django's auth views and the admin. No two apps
claim the same path, so their order here does not matter."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from mopsboard import views

handler500 = "mopsboard.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
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
    path("admin/", admin.site.urls),
    path("", include("backlog.urls")),
    path("raci/", include("raci.urls")),
    path("", include("capacity.urls")),
]

# Resetting a password by email needs a mail server; without one the lead sets a new
# password (the login page says so) and these pages do not exist.
if settings.MOPSBOARD_EMAIL_ENABLED:
    urlpatterns.append(
        path(
            "accounts/",
            include(
                [
                    path(
                        "password_reset/",
                        auth_views.PasswordResetView.as_view(),
                        name="password_reset",
                    ),
                    path(
                        "password_reset/done/",
                        auth_views.PasswordResetDoneView.as_view(),
                        name="password_reset_done",
                    ),
                    path(
                        "reset/<uidb64>/<token>/",
                        auth_views.PasswordResetConfirmView.as_view(),
                        name="password_reset_confirm",
                    ),
                    path(
                        "reset/done/",
                        auth_views.PasswordResetCompleteView.as_view(),
                        name="password_reset_complete",
                    ),
                ]
            ),
        )
    )

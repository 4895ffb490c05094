"""Password reset by email, under /accounts/ beside Django's other account pages (their
names are Django's own, unnamespaced, because its views reverse them so)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from mail.views import QueuedPasswordResetForm, mail_enabled

urlpatterns = [
    path(
        "password_reset/",
        mail_enabled(auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm)),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        mail_enabled(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        mail_enabled(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        mail_enabled(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]

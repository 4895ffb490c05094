"""Emails that carry a private link: a password reset, a requester's link to all their
requests. Whoever holds such a link is let in, so it is never kept: the email keeps its
template and the ids it is written from, and the worker writes its text, with a fresh
link, as it sends it. No page, admin view, export or backup can show what is not there;
and a link sent late, or sent again after a failure, still has its whole life ahead."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

# How each private template's context is written from the ids kept with its email; an app
# that sends one adds its own in AppConfig.ready(), so the workers know it too.
CONTEXTS: dict[str, Callable[[dict], dict]] = {}


class Unwritable(Exception):
    """The email's link cannot be written: the account or person it was for is gone."""


def private_template_register(template: str, context: Callable[[dict], dict]) -> None:
    CONTEXTS[template] = context


def private_text(template: str, ids: dict) -> tuple[str, str]:
    """The text and HTML of a private email, with a link made now."""
    try:
        context = CONTEXTS[template](ids)
    except (KeyError, ObjectDoesNotExist) as gone:
        raise Unwritable("No one to link to: the account or person is gone.") from gone
    return render_to_string(f"{template}.txt", context), render_to_string(
        f"{template}.html", context
    )


def password_reset_context(ids: dict) -> dict:
    """A reset link on the site's own address (MOPSBOARD_SITE_URL), never on the Host the
    request came with, which its sender chooses."""
    user = get_user_model().objects.get(pk=ids["user"])
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return {"user": user, "url": settings.MOPSBOARD_SITE_URL + path}

"""Middleware of mopsboard's own."""

import re
import time
import uuid

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control
from django_htmx.http import HttpResponseClientRedirect

from mopsboard import logs

# A proxy's request id is kept when it looks like one (no spaces, no line breaks).
REQUEST_ID = re.compile(r"^[\w.:-]{1,128}$")


def request_id(get_response):
    """Give each request an id (the proxy's X-Request-ID when it sends one), in every log
    line and in the response's X-Request-ID header, so a report can be found in the logs."""

    def middleware(request):
        given = request.headers.get("X-Request-ID", "")
        request.id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        token = logs.current_request.set(request)
        try:
            response = get_response(request)
        finally:
            logs.current_request.reset(token)
        response["X-Request-ID"] = request.id
        return response

    return middleware


def security_headers(get_response):
    """Permissions-Policy on every answer; pages for a signed-in person are never kept by
    a shared cache, and always asked for again."""

    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_cache=True)
        return response

    return middleware


# How often an active session's expiry is pushed back: saving it on every request would
# write to the database every time.
SESSION_REFRESH_SECONDS = 300


def session_idle_limit(get_response):
    """A session lasts SESSION_COOKIE_AGE since its last request, not since the login."""

    def middleware(request):
        session = getattr(request, "session", None)
        known = session is not None and session.session_key
        if known and int(time.time()) - session.get("seen", 0) > SESSION_REFRESH_SECONDS:
            mark_seen(session)  # a modified session is saved with a fresh expiry
        return get_response(request)

    return middleware


def mark_seen(session) -> None:
    session["seen"] = int(time.time())


def session_seen_at_login(sender, request, user, **kwargs) -> None:
    """A session starts seen, so the first page after logging in does not save it again."""
    mark_seen(request.session)


def client_ip(request) -> str:
    """The client's address for login throttling: MOPSBOARD_PROXY_COUNT hops from the
    right of X-Forwarded-For behind proxies, REMOTE_ADDR without."""
    hops = settings.MOPSBOARD_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if hops and len(forwarded) >= hops and forwarded[-hops]:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def htmx_login_redirect(get_response):
    """Send an htmx request whose session has expired to the login page as a whole page.

    Otherwise htmx follows the redirect itself and swaps the login form into the
    fragment it was updating, such as one card of the board. After logging in, the
    person comes back to the page they were on, not to the fragment's URL (which may
    only answer a POST).
    """
    login_url = resolve_url(settings.LOGIN_URL)

    def middleware(request):
        response = get_response(request)
        if (
            request.htmx
            and response.status_code == 302
            and response["Location"].startswith(login_url)
        ):
            back_to = request.htmx.current_url_abs_path or "/"
            return HttpResponseClientRedirect(redirect_to_login(back_to)["Location"])
        return response

    return middleware

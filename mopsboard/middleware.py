"""Middleware of mopsboard's own."""

from django.conf import settings
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


def htmx_login_redirect(get_response):
    """Send an htmx request whose session has expired to the login page as a whole page.

    Otherwise htmx follows the redirect itself and swaps the login form into the
    fragment it was updating, such as one card of the board.
    """
    login_url = resolve_url(settings.LOGIN_URL)

    def middleware(request):
        response = get_response(request)
        if (
            request.htmx
            and response.status_code == 302
            and response["Location"].startswith(login_url)
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response

    return middleware

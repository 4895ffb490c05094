"""Middleware of mopsboard's own."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


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

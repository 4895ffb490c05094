"""How a view answers: the whole page, or one named partial of it for htmx; an action's
address opened as a page."""

import functools

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers


def render_page(request, template: str, context: dict, *, partial: str, status: int = 200):
    """Render `partial` of `template` for an htmx request, the whole page otherwise.

    A history-restore request (the back button after htmx pushed a URL) always gets
    the page, because htmx will put the response in place of the whole body. The answer
    varies on the htmx headers, so no cache serves a fragment where a page was asked for.
    """
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    return varies_on_htmx(render(request, template, context, status=status))


def varies_on_htmx(response, *, target: bool = False):
    """Say the response differs for htmx requests (and by their target, if it does)."""
    patch_vary_headers(
        response, ["HX-Request", "HX-History-Restore-Request", *(["HX-Target"] if target else [])]
    )
    return response


def private_page(response, *, referrer: str = "no-referrer"):
    """A page opened from a secret link (a share link, a requester's page, an email's
    preferences link): for the person holding it, never cached, indexed or referred on.

    A page with a form keeps `same-origin`: under `no-referrer` the browser posts with
    `Origin: null`, which CSRF protection rightly refuses; the link still never leaves
    for another site."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = referrer
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def too_many_requests(request, refused):
    """The page for a rate limit reached (mopsboard.ratelimit.RateLimited): what happened,
    and when to try again, also as Retry-After for programs."""
    minutes = -(-refused.retry_after // 60)
    response = render(
        request, "429.html", {"message": refused.message, "minutes": minutes}, status=429
    )
    response["Retry-After"] = str(refused.retry_after)
    return private_page(response)


def get_goes_to(page):
    """For a view that acts on a POST: a GET of its address (the address bar after the
    action, a reload, a bookmark) goes to the page the action belongs to, not the
    browser's bare 405. `page` is that page's URL name, or a function of the view's URL
    arguments that gives its address. Put it below login_required and above the
    permission check: the page checks its own, and the redirect tells nothing.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "GET":
                return redirect(page(*args, **kwargs) if callable(page) else page)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def done_undoably(request, message: str, *, change: str) -> None:
    """Say `message` with an Undo button (base.html's messages; `z` presses it) for the
    person's `change` (its history context's id), shown while it can be undone. The
    session keeps the change for the message, which carries only text."""
    seconds = settings.MOPSBOARD_UNDO_SECONDS
    if not seconds:
        messages.success(request, message)
        return
    request.session["undo"] = {"change": change, "seconds": seconds}
    messages.success(request, message, extra_tags="undo")

"""How a view answers: the whole page, or one named partial of it for htmx."""

from django.shortcuts import render


def render_page(request, template: str, context: dict, *, partial: str, status: int = 200):
    """Render `partial` of `template` for an htmx request, the whole page otherwise.

    A history-restore request (the back button after htmx pushed a URL) always gets
    the page, because htmx will put the response in place of the whole body.
    """
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    return render(request, template, context, status=status)

"""A person's email preferences and one-click unsubscribe, opened from any email they
get: the signed link is their key, no account needed."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mopsboard.rendering import private_page
from notifications import services
from notifications.forms import NotifyForm
from people.models import Person


def _person(token: str) -> Person:
    try:
        return services.person_from_token(token)
    except Person.DoesNotExist as missing:
        raise Http404("This link does not work: it may have been mistyped.") from missing


@require_http_methods(["GET", "POST"])
def preferences(request, token):
    person = _person(token)
    form = NotifyForm(request.POST or None, initial={"notify": person.notify})
    saved = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.notify_set(person=person, notify=form.cleaned_data["notify"])
            saved = True
        else:
            status = 422
    context = {"person": person, "form": form, "saved": saved, "token": token}
    page = render(request, "notifications/preferences.html", context, status=status)
    return private_page(page, referrer="same-origin")


# Mail programs send the one-click unsubscribe (RFC 8058) as a bare POST with no CSRF
# token; the signed link is what proves it comes from the person's own email.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    person = _person(token)
    if request.method == "POST":
        services.notify_set(person=person, notify=Person.Notify.NEVER)
    context = {"person": person, "done": request.method == "POST", "token": token}
    page = render(request, "notifications/unsubscribe.html", context)
    return private_page(page, referrer="same-origin")

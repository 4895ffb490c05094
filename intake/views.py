"""Intake pages: the lead's intake links; the request form, public (through a link) and
signed in; the receipt; the requester's pages, which open without an account."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conversation.forms import ReplyForm
from conversation.services import reply_post
from intake import services
from intake.forms import IntakeLinkForm, RequestForm
from intake.models import IntakeLink
from intake.selectors import following_page, request_page, requester_requests, standing
from intake.tracking import (
    following_from_token,
    person_id_from_requester_token,
    request_path,
    task_id_from_confirm_token,
    task_id_from_tracking_token,
    tracking_token,
)
from mail.services import email_queue
from mopsboard.errors import NotFound
from mopsboard.links import link_revoke_page, links_page
from mopsboard.middleware import client_ip
from mopsboard.ratelimit import RateLimited, rate_limit
from mopsboard.rendering import get_goes_to, private_page, too_many_requests
from people.models import Person

can_manage_links = permission_required("intake.add_intakelink", raise_exception=True)
MINE_PAGE_SIZE = 50
HOUR = 3600


# --- The lead's intake links ----------------------------------------------------------


@require_GET
@login_required
@can_manage_links
def intake_links(request):
    return _intake_links_page(request, IntakeLinkForm())


def _intake_links_page(request, form, *, status: int = 200):
    links = IntakeLink.objects.select_related("created_by", "category")
    return links_page(request, "intake/intake_links.html", links, form, status=status)


@require_POST
@login_required
@can_manage_links
def intake_link_create(request):
    form = IntakeLinkForm(request.POST)
    if not form.is_valid():
        return _intake_links_page(request, form, status=422)
    link = services.intake_link_create(by=request.user, **form.cleaned_data)
    messages.success(request, f"Intake link for {link.label} created. Copy it from the list.")
    return redirect("intake:links")


@require_http_methods(["GET", "POST"])
@login_required
@can_manage_links
def intake_link_revoke(request, pk):
    """Ask first, then close the link for good."""
    return link_revoke_page(
        request,
        get_object_or_404(IntakeLink, pk=pk, revoked_at__isnull=True),
        kind="intake link",
        consequence="Whoever has it will be told it no longer works. Requests already sent "
        "through it stay as they are, and their requesters can still follow them.",
        revoke=services.intake_link_revoke,
        back_to=reverse("intake:links"),
    )


# --- The request form -----------------------------------------------------------------


def _gone(request, message: str):
    """A link that does not (or no longer) work: a page that says so, with no way into
    the app for someone without an account."""
    return private_page(render(request, "intake/gone.html", {"message": message}, status=404))


@require_http_methods(["GET", "POST"])
def link_form(request, token):
    """The public request form of an intake link: no account needed."""
    try:
        link = IntakeLink.open(token, today=timezone.localdate())
    except IntakeLink.DoesNotExist:
        return _gone(
            request,
            "This request link no longer works: it may have expired or been withdrawn. Ask "
            "the person who gave it to you for a new one.",
        )
    if request.method == "POST":
        try:
            _count_request(request, link)
        except RateLimited as refused:
            return too_many_requests(request, refused)
    return _request_form(request, link=link, by=None, initial={"category": link.category})


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("backlog.add_task", raise_exception=True)
def request_form(request):
    """The same form for a team member signed in, on their own or someone else's behalf:
    their name and address are filled in to start with."""
    person = Person.objects.filter(user=request.user).first()
    initial = {
        "name": person.name if person else request.user.get_full_name() or "",
        "email": person.email if person and person.email else request.user.email,
        "team": person.title if person else "",
    }
    return _request_form(request, link=None, by=request.user, initial=initial)


def _count_request(request, link: IntakeLink) -> None:
    """Every POST to a public form counts, refused or not: by address, then by link."""
    rate_limit(
        f"intake:ip:{client_ip(request)}",
        limit=settings.MOPSBOARD_INTAKE_PER_IP_HOUR,
        seconds=HOUR,
        message="You have sent a lot of requests from this network in the last hour, more "
        "than the form takes.",
    )
    rate_limit(
        f"intake:link:{link.pk}",
        limit=settings.MOPSBOARD_INTAKE_PER_LINK_HOUR,
        seconds=HOUR,
        message="This request link has taken as many requests as it can in an hour.",
    )


def _request_form(request, *, link: IntakeLink | None, by, initial: dict):
    form = RequestForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound:
        if form.is_spam:
            return _see_other("intake:sent")
        if form.is_valid():
            task = services.request_submit(link=link, by=by, **form.request_fields())
            # To a page of its own, so reloading the receipt sends nothing again.
            return _see_other("intake:receipt", tracking_token(task))
    context = {
        "form": form,
        "link": link,
        "sla_days": settings.MOPSBOARD_TRIAGE_SLA_DAYS,
        "public": link is not None,
    }
    response = render(
        request, "intake/request_form.html", context, status=422 if form.is_bound else 200
    )
    # The link's address stays out of caches and search engines; the form keeps CSRF.
    return private_page(response, referrer="same-origin") if link else response


def _see_other(name: str, *args):
    """After a POST, the page to GET (303 See Other)."""
    response = redirect(name, *args)
    response.status_code = 303
    return response


# --- The requester's pages ------------------------------------------------------------


def _request_page(
    request, token: str, template: str, *, status: int = 200, referrer="no-referrer", **context
):
    try:
        page = request_page(task_id_from_tracking_token(token), today=timezone.localdate())
    except NotFound as missing:
        return _gone(request, missing.message)
    context = {"page": page, "task": page.task, "token": token, **context}
    return private_page(render(request, template, context, status=status), referrer=referrer)


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The link emailed to a public request's requester: their request's page, asking
    whether they sent it; their yes confirms it. Opening it is not a yes, as mail
    scanners open links too."""
    try:
        task_id = task_id_from_confirm_token(token)
        if request.method == "POST":
            task = services.request_confirm(task_id=task_id)
            messages.success(request, "Thank you: the team now knows this request is yours.")
            return _see_other("intake:request", tracking_token(task))
        page = request_page(task_id, today=timezone.localdate())
    except NotFound as missing:
        return _gone(request, missing.message)
    context = {
        "page": page,
        "task": page.task,
        "token": tracking_token(page.task),
        "confirm_token": token,
    }
    return private_page(render(request, "intake/request.html", context), referrer="same-origin")


@require_GET
def receipt(request, token):
    """After sending: where to follow the request, and that an email is on its way."""
    return _request_page(request, token, "intake/receipt.html")


@require_GET
def sent(request):
    """What a program that filled the honeypot is told: it looks like a receipt."""
    return private_page(render(request, "intake/receipt.html", {"page": None}))


@require_GET
def request_status(request, token):
    """One request, as its requester reads it: no account, only the link. Its answer form
    keeps CSRF, so the page keeps a same-origin referrer (private_page)."""
    return _request_page(
        request, token, "intake/request.html", reply_form=ReplyForm(), referrer="same-origin"
    )


@require_http_methods(["GET", "POST"])
@get_goes_to(lambda token: reverse("intake:request", args=[token]))
def reply(request, token):
    """The requester's answer to the team, from their request's page: the link is their
    key, and every POST counts against the intake form's limits, refused or not."""
    try:
        task_id = task_id_from_tracking_token(token)
    except NotFound as missing:
        return _gone(request, missing.message)
    try:
        _count_reply(request, task_id)
    except RateLimited as refused:
        return too_many_requests(request, refused)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _request_page(
            request,
            token,
            "intake/request.html",
            reply_form=form,
            status=422,
            referrer="same-origin",
        )
    try:
        reply_post(task_id=task_id, **form.cleaned_data)
    except NotFound as missing:
        return _gone(request, missing.message)
    messages.success(request, "Thank you: your answer is with the team.")
    return _see_other("intake:request", token)


def _count_reply(request, task_id: int) -> None:
    rate_limit(
        f"reply:ip:{client_ip(request)}",
        limit=settings.MOPSBOARD_INTAKE_PER_IP_HOUR,
        seconds=HOUR,
        message="You have sent a lot from this network in the last hour, more than the "
        "team's pages take.",
    )
    rate_limit(
        f"reply:request:{task_id}",
        limit=settings.MOPSBOARD_REPLIES_PER_REQUEST_HOUR,
        seconds=HOUR,
        message="This request has had as many answers as it takes in an hour.",
    )


@require_GET
def following(request, token):
    """One request as someone on its RACI reads it from the link in their email, without
    an account: where it stands and who does it, nothing of its requester's."""
    try:
        cell, page = following_page(following_from_token(token), today=timezone.localdate())
    except NotFound as missing:
        return _gone(request, missing.message)
    context = {"page": page, "task": page.task, "cell": cell}
    return private_page(render(request, "intake/following.html", context))


# No CSRF check: the request's page sends no referrer (it holds the secret link), so the
# browser posts this form with "Origin: null", which Django's check refuses. Nor is there
# anything for a forged request to ride on: no session is read, the token in the address
# is the only credential, and the email goes to the address the team already has.
@csrf_exempt
@require_POST
def requests_email(request, token):
    """Email the requester a link to all their requests (which expires), to the address
    the team has for them: whoever holds this page's link can ask, only they receive it."""
    try:
        page = request_page(task_id_from_tracking_token(token), today=timezone.localdate())
    except NotFound as missing:
        return _gone(request, missing.message)
    person = page.task.requester
    if person is None or not person.email:
        messages.error(request, "The team has no email address for this request's requester.")
        return redirect("intake:request", token)
    try:
        for key, limit in (
            (f"requests-email:ip:{client_ip(request)}", settings.MOPSBOARD_INTAKE_PER_IP_HOUR),
            (f"requests-email:person:{person.pk}", settings.MOPSBOARD_REQUESTS_EMAILS_PER_HOUR),
        ):
            rate_limit(
                key,
                limit=limit,
                seconds=HOUR,
                message="We have sent this link a few times in the last hour already; "
                "please look for it in your inbox.",
            )
    except RateLimited as refused:
        return too_many_requests(request, refused)
    email_queue(
        to=person.email,
        subject="Your requests to the marketing operations team",
        template="intake/requests_link",
        # The link opens the person's requests: like a password reset link, it is written
        # only as the email is sent, and never kept.
        context={"person": person.pk},
        event="Link to all their requests",
        private=True,
    )
    # Not the address itself: whoever holds this page's link may not be its owner.
    messages.success(
        request,
        "We have emailed a link to all your requests to the address the team has for you. "
        f"It works for {settings.MOPSBOARD_REQUESTS_LINK_DAYS} days.",
    )
    return _see_other("intake:request", token)


@require_GET
def mine(request, token):
    """Every request from one requester, each linked to its own page."""
    try:
        person, tasks = requester_requests(person_id_from_requester_token(token))
    except NotFound as missing:
        return _gone(request, missing.message)
    page = Paginator(tasks, MINE_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for task in page:
        task.tracking_path = request_path(task)
        task.headline, _ = standing(task, wait=task.triage_wait(today))
    return private_page(render(request, "intake/mine.html", {"person": person, "page": page}))

"""The Mail page: every email sent, its state, and "send again" for what failed; and
password reset, whose email goes through the same queue."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from mail import services
from mail.filters import EmailFilter
from mail.models import Email
from mopsboard.middleware import client_ip
from mopsboard.ratelimit import RateLimited, rate_limit

can_read_mail = permission_required("mail.view_email", raise_exception=True)
can_resend = permission_required("mail.resend_email", raise_exception=True)
PAGE_SIZE = 50
HOUR = 3600


@require_GET
@login_required
@can_read_mail
def mail_list(request):
    mail_filter = EmailFilter(request.GET, queryset=Email.objects.defer("text", "html", "headers"))
    query = request.GET.copy()
    query.pop("page", None)
    status = 200 if mail_filter.is_valid() else 422
    return render(
        request,
        "mail/mail.html",
        {
            "filter": mail_filter,
            "page": Paginator(mail_filter.qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query.urlencode(),
            "failed": Email.objects.filter(status=Email.Status.FAILED).count(),
        },
        status=status,
    )


@require_GET
@login_required
@can_read_mail
def email_detail(request, pk):
    return render(request, "mail/email.html", {"email": get_object_or_404(Email, pk=pk)})


@require_POST
@login_required
@can_resend
def email_resend(request, pk):
    email = get_object_or_404(Email, pk=pk)
    try:
        services.email_resend(email=email)
    except services.NotFailed as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"“{email.subject}” to {email.to} is queued again.")
    return redirect(email)


def mail_enabled(view):
    """Password reset exists only where its email can be delivered."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.MOPSBOARD_EMAIL_ENABLED:
            raise Http404("Password reset by email is not set up: ask your team lead.")
        return view(request, *args, **kwargs)

    return wrapped


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, its email delivered by the queue and listed on the Mail page,
    its link written only as it is sent (mail.private). A few resets an hour from one
    network and for one account: past that, nothing is sent and the page says the same,
    so it tells no one whether an account exists."""

    def save(self, *, request, **kwargs):
        try:
            rate_limit(
                f"password-reset:ip:{client_ip(request)}",
                limit=settings.MOPSBOARD_PASSWORD_RESETS_PER_IP_HOUR,
                seconds=HOUR,
                message="Too many password resets from this network.",
            )
        except RateLimited:
            return
        super().save(request=request, **kwargs)

    def get_users(self, email):
        for user in super().get_users(email):
            try:
                rate_limit(
                    f"password-reset:account:{user.pk}",
                    limit=settings.MOPSBOARD_PASSWORD_RESETS_PER_HOUR,
                    seconds=HOUR,
                    message="Too many password resets for this account.",
                )
            except RateLimited:
                continue
            yield user

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        services.email_queue(
            to=context["email"],
            subject=render_to_string(subject_template_name, context),
            template="mail/password_reset",
            context={"user": context["user"].pk},
            event="Password reset",
            private=True,
        )

"""Links that open a page without an account (a RACI share link, an intake link): a row
the lead names, can let expire and can revoke, opened by a signed token; and the parts
of the lead's pages that list and revoke them."""

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db import models
from django.shortcuts import redirect, render
from django.utils import timezone

LINKS_PAGE_SIZE = 50


class SignedLinkQuerySet(models.QuerySet):
    def live(self, today):
        """Links that still open: not revoked, not past their expiry date."""
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=today)
        )


class SignedLink(models.Model):
    """The token is the row's id signed with the secret key (HMAC-SHA256) and the
    subclass's own SALT, so nothing secret is stored, the lead can copy a link again at
    any time, and one kind of link's token never opens another kind. Revoking or
    expiring the row closes it."""

    SALT: str

    expires_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = SignedLinkQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return self.label

    @property
    def token(self) -> str:
        return signing.Signer(salt=self.SALT).sign(str(self.pk))

    def is_expired(self, today) -> bool:
        return self.expires_on is not None and self.expires_on < today

    @classmethod
    def open(cls, token: str, *, today):
        """The live link for `token`; DoesNotExist for a tampered, revoked or expired one."""
        try:
            pk = signing.Signer(salt=cls.SALT).unsign(token)
        except signing.BadSignature as error:
            raise cls.DoesNotExist("Tampered link.") from error
        return cls.objects.live(today).get(pk=pk)


def links_page(request, template: str, links: models.QuerySet, form, *, status: int = 200):
    """The lead's list of links, paged, with the form for a new one (its errors shown)."""
    page = Paginator(links, LINKS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "today": timezone.localdate()}
    return render(request, template, context, status=status)


def link_revoke_page(request, link: SignedLink, *, kind: str, consequence: str, revoke, back_to):
    """Ask first (GET), then revoke the link for good with `revoke` (POST) and go back to
    the list. `kind` names the link ("link", "intake link"); `consequence` says what
    revoking does to whoever has it."""
    if request.method == "GET":
        context = {"link": link, "kind": kind, "consequence": consequence, "back_to": back_to}
        return render(request, "link_revoke.html", context)
    revoke(link=link)
    messages.success(request, f"The {kind} for {link.label} no longer opens.")
    return redirect(back_to)

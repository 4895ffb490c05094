"""Intake links: the lead's public doors into the triage inbox, one per audience."""

from django.db import models
from django.urls import reverse

from mopsboard.links import SignedLink


class IntakeLink(SignedLink):
    """A link to the request form for people without an account (Sales, Events, an
    agency). What comes in through it lands in the triage inbox, its history naming the
    link."""

    SALT = "intake.intake-link"

    label = models.CharField(
        max_length=120, help_text="Who it is for, e.g. Sales requests. Shown in your list."
    )
    category = models.ForeignKey(
        "backlog.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Picked in advance on the form; the requester can change it.",
    )

    class Meta(SignedLink.Meta):
        pass

    def get_absolute_url(self):
        return reverse("intake:link-form", args=[self.token])

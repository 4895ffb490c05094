"""A person: a team member with weekly hours, or a stakeholder who asks for work."""

from django.conf import settings
from django.db import models


class PersonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def team(self):
        """The active team: the people whose hours are planned and reviewed."""
        return self.filter(kind=Person.Kind.TEAM, is_active=True)


class Person(models.Model):
    class Notify(models.TextChoices):
        """How often this person wants email about the requests they follow."""

        AT_ONCE = "at_once", "At once"
        DAILY = "daily", "In a daily digest"
        NEVER = "never", "Never"

    class Kind(models.TextChoices):
        TEAM = "team", "Team member"
        STAKEHOLDER = "stakeholder", "Stakeholder"

    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    title = models.CharField(
        max_length=120, blank=True, help_text="Job title or team, e.g. Demand generation."
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TEAM)
    weekly_capacity_hours = models.PositiveSmallIntegerField(
        default=32, help_text="Hours a week this person can give the team; 0 for stakeholders."
    )
    is_active = models.BooleanField(default=True)
    notify = models.CharField(
        "Email me", max_length=8, choices=Notify.choices, default=Notify.AT_ONCE
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Changes to their tasks recorded after it are new to them (capacity's My work).
    work_seen_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When this person last marked the changes on My work as seen.",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekly_capacity_hours__lte=168),
                name="person_capacity_within_a_week",
            )
        ]

    def __str__(self):
        return self.name

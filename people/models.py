"""A person: a team member with weekly hours, or a stakeholder who asks for work."""

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models.lookups import IContains


def _accent_table() -> tuple[str, str]:
    """Latin letters with accents (U+00C0 to U+024F), and the letter each is written on,
    from Unicode's own decompositions: "é" is "e". Letters without one (ø, ł, ß) stay."""
    accented, plain = [], []
    for char in map(chr, range(0xC0, 0x250)):
        base, *marks = unicodedata.normalize("NFD", char)
        if marks and base.isascii() and all(unicodedata.combining(mark) for mark in marks):
            accented.append(char)
            plain.append(base)
    return "".join(accented), "".join(plain)


ACCENTED, PLAIN = _accent_table()
WITHOUT_ACCENTS = str.maketrans(ACCENTED, PLAIN)


def without_accents(expression) -> models.Func:
    """PostgreSQL's translate() with the table above: the unaccent extension is not in every
    server (the embedded one has none), translate() is."""
    return models.Func(
        expression,
        models.Value(ACCENTED),
        models.Value(PLAIN),
        function="translate",
        output_field=models.CharField(),
    )


class PersonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def team(self):
        """The active team: the people whose hours are planned and reviewed."""
        return self.filter(kind=Person.Kind.TEAM, is_active=True)

    def matching(self, text: str):
        """People whose name or email holds `text`, in any case and with or without
        accents: "zoe" finds Zoë, "ZOË" finds zoe@example.com."""
        text = text.translate(WITHOUT_ACCENTS)
        return self.filter(
            IContains(without_accents("name"), text) | IContains(without_accents("email"), text)
        )


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

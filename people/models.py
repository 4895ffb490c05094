"""A person: a team member with weekly hours, or a stakeholder who asks for work."""

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models.functions import Replace
from django.db.models.lookups import IContains

# Letters Unicode gives no decomposition, as a keyboard without them writes them.
OWN_LETTERS = {
    "ß": "ss",
    "ẞ": "SS",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
}


def _folds() -> dict[str, str]:
    """Latin letters with accents (U+00C0 to U+024F, and U+1E00 to U+1EFF as Vietnamese
    writes them) and the letter each is written on, from Unicode's own decompositions:
    "é" is "e"; and the letters above."""
    folds = {}
    for char in map(chr, [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]):
        base, *marks = unicodedata.normalize("NFD", char)
        if marks and base.isascii() and all(unicodedata.combining(mark) for mark in marks):
            folds[char] = base
    return folds | OWN_LETTERS


FOLDS = _folds()
FOLDED = str.maketrans(FOLDS)


def name_key(text: str) -> str:
    """A name or email as people are compared, case, accents and spacing aside: "Jürgen
    Groß" is "jurgen gross". The one rule for finding a person, in Python (an import) and
    in SQL (without_accents, the people search)."""
    return " ".join(text.split()).translate(FOLDED).casefold()


def without_accents(expression) -> models.Func:
    """FOLDS in PostgreSQL: translate() for a letter written as one, replace() for one
    written as two ("ß" is "ss"). The unaccent extension is not in every server (the
    embedded one has none), translate() is. Case is left to the lookup (icontains)."""
    singles = {char: plain for char, plain in FOLDS.items() if len(plain) == 1}
    folded = models.Func(
        expression,
        models.Value("".join(singles)),
        models.Value("".join(singles.values())),
        function="translate",
        output_field=models.CharField(),
    )
    for char, plain in FOLDS.items():
        if len(plain) > 1:
            folded = Replace(folded, models.Value(char), models.Value(plain))
    return folded


class PersonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def team(self):
        """The active team: the people whose hours are planned and reviewed."""
        return self.filter(kind=Person.Kind.TEAM, is_active=True)

    def matching(self, text: str):
        """People whose name or email holds `text`, in any case and with or without
        accents, as name_key compares them: "zoe" finds Zoë, "gross" finds Groß."""
        text = name_key(text)
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

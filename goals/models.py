"""A goal, its steps (key results) and the check-ins of its KPI; which tasks serve it."""

import calendar
import datetime
import hashlib
import json
from decimal import Decimal

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse

from mopsboard.links import SignedLink
from mopsboard.validators import date_in_range

KPI_DIGITS = {"max_digits": 14, "decimal_places": 2}


class Unit(models.TextChoices):
    PERCENT = "percent", "%"
    COUNT = "count", "count"
    CURRENCY = "currency", "currency"
    HOURS = "hours", "hours"


class Direction(models.TextChoices):
    UP = "up", "Up is good"
    DOWN = "down", "Down is good"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    ACHIEVED = "achieved", "Achieved"
    MISSED = "missed", "Missed"


def fingerprint(row: models.Model) -> str:
    """A digest of a row's stored values: goals, steps and check-ins keep no version number,
    so the API's ETag is this, and a write sent with an older one is refused."""
    values = {field.attname: field.value_to_string(row) for field in row._meta.concrete_fields}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:20]


# What the lead may set in place of the computed status: a draft is a draft.
OVERRIDE_CHOICES = [(s.value, s.label) for s in Status if s != Status.DRAFT]


class GoalQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived=False)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["created_at"],
)
class Goal(models.Model):
    title = models.CharField(max_length=200)
    short_name = models.CharField(
        max_length=30, help_text="A few words, shown on the board's cards, e.g. Email leads +40%."
    )
    description = models.TextField(blank=True, max_length=10_000)
    owner = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="goals",
        verbose_name="Accountable",
        help_text="The one person who answers for the goal, as RACI's A.",
    )
    kpi_name = models.CharField(
        "KPI", max_length=120, blank=True, help_text="What is measured, e.g. Email-sourced leads."
    )
    unit = models.CharField(max_length=8, choices=Unit.choices, blank=True)
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.UP)
    baseline = models.DecimalField(**KPI_DIGITS, null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True, validators=[date_in_range])
    target = models.DecimalField(**KPI_DIGITS, null=True, blank=True)
    deadline = models.DateField(null=True, blank=True, validators=[date_in_range])
    status_override = models.CharField(
        "Status set by the lead",
        max_length=10,
        choices=OVERRIDE_CHOICES,
        blank=True,
        help_text="Leave empty to let the status follow the figures.",
    )
    status_note = models.TextField(
        "Why", blank=True, max_length=2_000, help_text="Needed when the lead sets the status."
    )
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    tasks = models.ManyToManyField("backlog.Task", blank=True, related_name="goals")

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["archived", "deadline", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__isnull=True)
                | Q(baseline_date__isnull=True)
                | Q(deadline__gt=models.F("baseline_date")),
                name="goal_deadline_after_baseline",
                violation_error_message="The deadline comes after the baseline's date.",
            ),
            models.CheckConstraint(
                condition=Q(status_override="") | ~Q(status_note=""),
                name="goal_override_has_note",
                violation_error_message="Say why, when you set the status yourself.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("goals:detail", args=[self.pk])

    def takes_check_ins_from(self, user) -> bool:
        """The lead checks in on any goal; a member on the goals they are Accountable for."""
        return user.has_perm("goals.change_goal") or (
            user.has_perm("goals.add_checkin") and self.owner.user_id == user.pk
        )

    def meets(self, value: Decimal, target: Decimal | None = None) -> bool:
        """Whether `value` of the KPI meets `target` (the goal's by default), in the
        direction that is good."""
        target = self.target if target is None else target
        if self.direction == Direction.DOWN:
            return value <= target
        return value >= target

    @property
    def missing(self) -> list[tuple[str, str]]:
        """The SMART letters this goal still lacks, each with what would give it."""
        missing = []
        if self.target is None:
            missing.append(("S", "Specific: set the target the KPI must reach."))
        elif self.baseline is not None and self.target == self.baseline:
            missing.append(("S", "Specific: the target is the baseline; set one to reach."))
        if not (self.kpi_name and self.unit and self.baseline is not None and self.baseline_date):
            missing.append(
                ("M", "Measurable: name the KPI, its unit, its baseline and the baseline's date.")
            )
        if self.deadline is None:
            missing.append(("T", "Time-bound: set the deadline."))
        return missing

    @property
    def is_draft(self) -> bool:
        return bool(self.missing)

    @property
    def baseline_label(self) -> str:
        return self.format_value(self.baseline)

    @property
    def target_label(self) -> str:
        return self.format_value(self.target)

    def format_value(self, value: Decimal | None) -> str:
        """A KPI value with its unit: "1,250 count" reads badly, so a count is bare."""
        if value is None:
            return "-"
        number = f"{value.normalize():,f}"
        if self.unit == Unit.PERCENT:
            return f"{number}%"
        if self.unit == Unit.HOURS:
            return f"{number} h"
        if self.unit == Unit.CURRENCY:
            return f"{number} (currency)"
        return number


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Step(models.Model):
    """A smaller goal under a goal (a key result): its own KPI target, or done/not done.
    One level only: a step with steps of its own would be a goal."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="goal_steps")
    due_date = models.DateField(validators=[date_in_range])
    target = models.DecimalField(
        **KPI_DIGITS,
        null=True,
        blank=True,
        help_text="In the goal's KPI; leave empty for a step that is simply done or not.",
    )
    reached = models.DecimalField(
        "Value reached", **KPI_DIGITS, null=True, blank=True, help_text="The latest figure."
    )
    done = models.BooleanField(default=False)
    tasks = models.ManyToManyField("backlog.Task", blank=True, related_name="goal_steps")

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        """A step with a target is done when its value reaches it, the goal's way."""
        if self.target is not None:
            return self.reached is not None and self.goal.meets(self.reached, self.target)
        return self.done


# Which tasks serve a goal or a step: each link made or undone is kept, with who made it
# and through which door, and the task's history reads it (GoalsConfig.ready). The links
# are many-to-many rows, tracked through proxies as django-pghistory's docs show.
@pghistory.track(
    pghistory.InsertEvent("linked"),
    pghistory.DeleteEvent("unlinked"),
    obj_field=None,
    model_name="GoalTaskEvent",
)
class GoalTask(Goal.tasks.through):
    class Meta:
        proxy = True


@pghistory.track(
    pghistory.InsertEvent("linked"),
    pghistory.DeleteEvent("unlinked"),
    obj_field=None,
    model_name="StepTaskEvent",
)
class StepTask(Step.tasks.through):
    class Meta:
        proxy = True


class Suggestion(models.Model):
    """The goal a requester says their request serves (the intake form), until the lead
    confirms it in triage, which links them, or rejects it."""

    task = models.OneToOneField(
        "backlog.Task", on_delete=models.CASCADE, related_name="goal_suggestion"
    )
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="suggestions")

    def __str__(self):
        return f"{self.task} may serve {self.goal}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CheckIn(models.Model):
    """The KPI's value on a date, with a note: who entered it, and when, is kept."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="check_ins")
    on = models.DateField("Date", validators=[date_in_range])
    value = models.DecimalField(**KPI_DIGITS)
    note = models.TextField(blank=True, max_length=2_000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["on"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "on"],
                name="goal_one_check_in_a_day",
                violation_error_message="That day has a check-in already; edit it instead.",
            )
        ]

    def __str__(self):
        return f"{self.goal}: {self.value} on {self.on:%-d %B %Y}"


class GoalShareLink(SignedLink):
    """A read-only page of the goals for leadership, without an account: every active
    goal, or only those chosen."""

    SALT = "goals.share-link"

    label = models.CharField(
        max_length=120, help_text="Who the link is for, e.g. Marketing leadership."
    )
    goals = models.ManyToManyField(
        Goal, blank=True, related_name="+", help_text="None ticked: every active goal."
    )
    # Made for the goals ticked: it never widens to every goal once they are deleted.
    narrowed = models.BooleanField(default=False)

    class Meta(SignedLink.Meta):
        pass

    def get_absolute_url(self):
        return reverse("goals:shared", args=[self.token])


def next_check_in(latest: datetime.date) -> datetime.date:
    """Check-ins come monthly: the same day next month, or its month's last day."""
    year, month = divmod(latest.year * 12 + latest.month, 12)  # the next month, from 0
    day = min(latest.day, calendar.monthrange(year, month + 1)[1])
    return datetime.date(year, month + 1, day)

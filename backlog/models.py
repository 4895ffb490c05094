"""Tasks, their impact/effort scores and the quadrant those scores put them in."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pghistory
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull
from django.utils import timezone

from mopsboard.counts import capped_counts
from mopsboard.reversing import reverse_ids
from mopsboard.validators import date_in_range
from mopsboard.weeks import (
    earliest_within_working_days,
    working_days_after,
    working_days_between,
    working_days_label,
)

SCORE_RANGE = range(1, 6)


class Quadrant(models.TextChoices):
    """Where impact and effort put a task. Values are the stable slugs used in CSV and HTML."""

    QUICK_WIN = "quick-win", "Quick win"
    MAJOR_PROJECT = "major-project", "Major project"
    FILL_IN = "fill-in", "Fill-in"
    MONEY_PIT = "money-pit", "Money pit"

    @property
    def action(self) -> str:
        return QUADRANT_ACTIONS[self]

    @property
    def meaning(self) -> str:
        """What the quadrant means for the person who asked, in their words rather than
        the team's (said after the quadrant's name)."""
        return QUADRANT_MEANINGS[self]

    @property
    def high_impact(self) -> bool:
        return self in (Quadrant.QUICK_WIN, Quadrant.MAJOR_PROJECT)

    @property
    def high_effort(self) -> bool:
        return self in (Quadrant.MAJOR_PROJECT, Quadrant.MONEY_PIT)

    @classmethod
    def from_sides(cls, *, high_impact: bool, high_effort: bool) -> "Quadrant":
        if high_impact:
            return cls.MAJOR_PROJECT if high_effort else cls.QUICK_WIN
        return cls.MONEY_PIT if high_effort else cls.FILL_IN


QUADRANT_ACTIONS = {
    Quadrant.QUICK_WIN: "Do now",
    Quadrant.MAJOR_PROJECT: "Plan",
    Quadrant.FILL_IN: "If time allows",
    Quadrant.MONEY_PIT: "Defer to new year",
}

QUADRANT_MEANINGS = {
    Quadrant.QUICK_WIN: "High impact for little effort: we will do it soon.",
    Quadrant.MAJOR_PROJECT: "Worth doing, and a large piece of work: we will plan it as a "
    "project, week by week.",
    Quadrant.FILL_IN: "A small job with a smaller impact: we will do it when there is "
    "time between larger pieces of work.",
    Quadrant.MONEY_PIT: "A lot of work for the impact we expect: it will probably wait "
    "until the new year, or be declined.",
}


def quadrant_split() -> int:
    return settings.MOPSBOARD_QUADRANT_SPLIT


def quadrant_of(impact: int | None, effort: int | None) -> Quadrant | None:
    """The quadrant for a pair of scores; None while the task is unscored."""
    if impact is None or effort is None:
        return None
    split = quadrant_split()
    return Quadrant.from_sides(high_impact=impact >= split, high_effort=effort >= split)


def scores_for_quadrant(impact: int, effort: int, quadrant: Quadrant) -> tuple[int, int]:
    """The scores closest to (impact, effort) that fall in `quadrant`.

    Each score that sits on the wrong side of the split moves just across it, so a
    card dragged to another quadrant changes as little as it can.
    """
    split = quadrant_split()
    if quadrant.high_impact != (impact >= split):
        impact = split if quadrant.high_impact else split - 1
    if quadrant.high_effort != (effort >= split):
        effort = split if quadrant.high_effort else split - 1
    return impact, effort


def default_estimate_hours(effort: int | None) -> int | None:
    return settings.MOPSBOARD_EFFORT_HOURS.get(effort)


def estimate_expression(prefix: str = "") -> models.Expression:
    """A task's estimate in SQL: the hours entered, else the default for its effort.

    `prefix` reaches the task through a relation, e.g. "task__" from an assignment.
    """
    return Coalesce(
        F(f"{prefix}estimate_hours"),
        Case(
            *(
                When(**{f"{prefix}effort": effort}, then=Value(Decimal(hours)))
                for effort, hours in settings.MOPSBOARD_EFFORT_HOURS.items()
            ),
            default=Value(Decimal(0)),
        ),
        output_field=models.DecimalField(max_digits=8, decimal_places=2),
    )


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the team's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class TriageWait:
    """A request's wait for its first triage, in working days, against the SLA's."""

    days: int
    sla_days: int
    due_on: datetime.date

    @property
    def over(self) -> bool:
        return self.days > self.sla_days

    @property
    def label(self) -> str:
        return working_days_label(self.days)


def new_year_after(today: datetime.date) -> datetime.date:
    return datetime.date(today.year + 1, 1, 1)


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    NEW = "new", "New"
    BACKLOG = "backlog", "Backlog"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DEFERRED = "deferred", "Deferred"
    DECLINED = "declined", "Declined"


# The status menu's moves, the domain's rule read by the menu, its form and its service:
# from each status, the ones a person may set directly. Planning needs a week, deferring
# a date and declining a reason, so each has a form of its own; scoring takes a request
# out of triage.
STATUS_MOVES: dict[Status, tuple[Status, ...]] = {
    Status.NEW: (),
    Status.BACKLOG: (Status.IN_PROGRESS, Status.DONE),
    Status.PLANNED: (Status.BACKLOG, Status.IN_PROGRESS, Status.DONE),
    Status.IN_PROGRESS: (Status.BACKLOG, Status.DONE),
    Status.DONE: (Status.BACKLOG, Status.IN_PROGRESS),
    Status.DEFERRED: (Status.BACKLOG,),
    Status.DECLINED: (Status.BACKLOG,),
}


def status_moves_refusal(status: Status) -> str:
    """Why the status menu refuses a move from `status`, and what it allows instead."""
    moves = STATUS_MOVES[Status(status)]
    if not moves:
        return "Score impact and effort first: unscored work stays in triage."
    allowed = " or ".join(move.label.lower() for move in moves)
    return f"From {Status(status).label.lower()} it can go to {allowed}."


# The most requests waiting in triage the inbox counts one by one (TaskManager.triage_waiting).
TRIAGE_COUNTED = 1000

# Work the team still means to do: what the board shows unless a status filter says otherwise.
OPEN_STATUSES = (Status.BACKLOG, Status.PLANNED, Status.IN_PROGRESS)


def _quadrant_condition(quadrant: Quadrant, split: int) -> Q:
    impact = Q(impact__gte=split) if quadrant.high_impact else Q(impact__lt=split)
    effort = Q(effort__gte=split) if quadrant.high_effort else Q(effort__lt=split)
    return impact & effort


def _left_triage():
    """The task's history events outside triage: any means it has been triaged."""
    # The history's model is made by pghistory from Task's, below this module's querysets.
    return (
        apps.get_model("backlog", "TaskEvent")
        .objects.filter(pgh_obj_id=models.OuterRef("pk"))
        .exclude(status=Status.NEW)
    )


class TaskQuerySet(models.QuerySet):
    def with_quadrant(self):
        """Annotate `quadrant_slug` ("" when unscored): quadrant_of, in SQL, for filters and CSV."""
        split = quadrant_split()
        return self.annotate(
            quadrant_slug=Case(
                *(
                    When(_quadrant_condition(quadrant, split), then=Value(quadrant.value))
                    for quadrant in Quadrant
                ),
                default=Value(""),
                output_field=models.CharField(),
            )
        )

    def in_quadrant(self, quadrant: Quadrant):
        return self.filter(_quadrant_condition(quadrant, quadrant_split()))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def in_triage(self):
        return self.filter(status=Status.NEW)

    def with_triage_history(self):
        """Annotate `was_triaged`: whether the task ever left the triage inbox. A request
        back from deferral has; the triage SLA counts only the wait for a first triage.

        Written as "its first such event IS NOT NULL" rather than EXISTS: PostgreSQL
        answers an EXISTS in the select list with a hash of every task's history, built
        before the page's LIMIT applies, and this probes the
        history's index once for each row shown."""
        return self.annotate(was_triaged=IsNull(Subquery(_left_triage().values("pk")[:1]), False))

    def over_triage_sla(self, today: datetime.date):
        """Requests still waiting for their first triage longer than the SLA allows
        (MOPSBOARD_TRIAGE_SLA_DAYS working days), oldest first. None of them was
        triaged, so `was_triaged` is set without asking the history again."""
        earliest = earliest_within_working_days(today, settings.MOPSBOARD_TRIAGE_SLA_DAYS)
        return (
            self.in_triage()
            .filter(~models.Exists(_left_triage()), created_at__lt=start_of_day(earliest))
            .annotate(was_triaged=Value(False))
            .order_by("created_at", "id")
        )

    def due_back(self, today: datetime.date):
        """Deferred work whose return date has come: the daily `return_deferred` command
        puts it back in triage, and until then the inbox lists it with the rest."""
        return self.filter(status=Status.DEFERRED, deferred_until__lte=today).order_by(
            "deferred_until", "id"
        )

    def by_priority(self):
        """The board's order: highest impact, then least effort, then soonest due, then oldest."""
        return self.order_by(
            models.F("impact").desc(nulls_last=True),
            models.F("effort").asc(nulls_last=True),
            models.F("due_date").asc(nulls_last=True),
            "created_at",
            "id",
        )

    def for_cards(self):
        """What a card shows: no description, which can be long, and the requester."""
        return self.select_related("requester").defer("description")


# The columns of TaskQuerySet.by_priority(), as the indexes that serve it list them.
PRIORITY_INDEX = (
    models.F("impact").desc(nulls_last=True),
    "effort",
    "due_date",
    "created_at",
    "id",
)


class TaskManager(models.Manager.from_queryset(TaskQuerySet)):
    def triage_waiting(self) -> int:
        """How many requests wait in triage, counted up to TRIAGE_COUNTED + 1 (shown as
        "1,000+"): past a thousand the number tells the lead nothing more, and every score
        asks it again."""
        waiting = self.filter(status=Status.NEW)
        return capped_counts({"waiting": waiting}, cap=TRIAGE_COUNTED)["waiting"]


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["updated_at"],
    meta={
        "indexes": [
            # The weekly review asks what changed since the last one: a week's updates, quickly.
            models.Index(
                fields=["pgh_created_at"],
                name="task_event_updated",
                condition=Q(pgh_label="update"),
            ),
            # Whether a request was ever triaged (the triage SLA), from the index alone.
            models.Index(
                fields=["pgh_obj_id"],
                name="task_event_left_triage",
                condition=~Q(status=Status.NEW),
            ),
        ]
    },
)
class Task(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10_000)
    requester = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    # Anyone can type any address into the public form: the requester is who the address
    # says only once its owner has followed the link emailed to it.
    requester_confirmed = models.BooleanField(
        default=True,
        help_text="False for a request from the public form until its requester follows "
        "the link emailed to their address.",
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    due_date = models.DateField(null=True, blank=True, validators=[date_in_range])
    impact = models.PositiveSmallIntegerField(null=True, blank=True)
    effort = models.PositiveSmallIntegerField(null=True, blank=True)
    estimate_hours = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Leave empty to use the default for the effort score.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    planned_week = models.DateField(
        null=True,
        blank=True,
        validators=[date_in_range],
        help_text="Monday of the ISO week the task is planned into.",
    )
    deferred_until = models.DateField(null=True, blank=True, validators=[date_in_range])
    declined_reason = models.TextField(blank=True, max_length=2_000)
    # Bumped by every write; an edit made against an older version is refused (see services).
    version = models.PositiveIntegerField(default=1)

    objects = TaskManager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(impact__isnull=True, effort__isnull=True)
                    | Q(impact__range=(1, 5), effort__range=(1, 5))
                ),
                name="task_scores_both_set_and_1_to_5",
                violation_error_message="Impact and effort are both scored 1 to 5, or both empty.",
            ),
            models.CheckConstraint(
                condition=Q(estimate_hours__isnull=True) | Q(estimate_hours__gt=0),
                name="task_estimate_positive",
                violation_error_message="An estimate is a number of hours above 0.",
            ),
            models.CheckConstraint(
                condition=~Q(status="deferred") | Q(deferred_until__isnull=False),
                name="task_deferred_has_return_date",
                violation_error_message="Deferred work needs the date it comes back.",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(declined_reason=""),
                name="task_declined_has_reason",
                violation_error_message="Declined work needs a reason the requester can read.",
            ),
            # Work the team commits to is scored; a request may be deferred or declined
            # straight from triage without a score.
            models.CheckConstraint(
                condition=Q(status__in=["new", "deferred", "declined"]) | Q(impact__isnull=False),
                name="task_scored_when_committed",
                violation_error_message="Score impact and effort first: only a request in "
                "triage, deferred or declined goes unscored.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="task_triage_order"),
            # The weekly load reads the work planned into a few weeks out of all tasks.
            models.Index(
                fields=["planned_week"],
                name="task_planned_week",
                condition=Q(status__in=["planned", "in_progress"]),
            ),
            models.Index(
                *PRIORITY_INDEX,
                name="task_board_priority",
                condition=Q(status__in=["backlog", "planned", "in_progress"]),
            ),
            # The same order over every status, for the RACI matrix's pages.
            models.Index(*PRIORITY_INDEX, name="task_priority"),
            # What comes back from deferral soonest: the Deferred page and the review.
            models.Index(
                fields=["deferred_until"],
                name="task_deferred_until",
                condition=Q(status="deferred"),
            ),
            # Newest first, the default order, and "new since the last review".
            models.Index(fields=["created_at"], name="task_created"),
            # Open work past its due date, soonest first, for the weekly review.
            models.Index(
                fields=["due_date"],
                name="task_open_due",
                condition=Q(
                    due_date__isnull=False,
                    status__in=["new", "backlog", "planned", "in_progress"],
                ),
            ),
            # The fill-ins spare hours suggest (capacity.fill_ins), most impact an hour
            # first, then soonest due: the best few are read without the rest of the
            # backlog. Its first column is the suggestions' order, expression for
            # expression, else PostgreSQL cannot read it in that order. Every quadrant:
            # which ones hold fill-ins depends on MOPSBOARD_QUADRANT_SPLIT.
            models.Index(
                (F("impact") / estimate_expression()).desc(),
                F("due_date").asc(nulls_last=True),
                "id",
                name="task_fill_in_candidates",
                condition=Q(status="backlog", planned_week__isnull=True),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_ids("backlog:task-detail", self.pk)

    @property
    def quadrant(self) -> Quadrant | None:
        return quadrant_of(self.impact, self.effort)

    @property
    def awaiting_triage(self) -> bool:
        """New, or deferred with its return date come: scoring it takes it to the backlog."""
        return self.status == Status.NEW or (
            self.status == Status.DEFERRED and self.deferred_until <= timezone.localdate()
        )

    def triage_wait(self, today: datetime.date) -> "TriageWait | None":
        """How long this request has waited for its first triage; None once it has left
        the inbox (or came back to it from deferral). Needs with_triage_history()."""
        if self.status != Status.NEW or self.was_triaged:
            return None
        received = timezone.localdate(self.created_at)
        sla = settings.MOPSBOARD_TRIAGE_SLA_DAYS
        return TriageWait(
            days=working_days_between(received, today),
            sla_days=sla,
            due_on=working_days_after(received, sla),
        )

    @property
    def estimate(self):
        if self.estimate_hours is not None:
            return self.estimate_hours
        return default_estimate_hours(self.effort)

    @property
    def estimate_label(self) -> str:
        """ "2.5 h", "40 h" or "no estimate": cheaper than a template filter on a big board."""
        if self.estimate is None:
            return "no estimate"
        return f"{Decimal(self.estimate).normalize():f} h"

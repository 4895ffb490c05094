"""The year in review: what the year brought in, what the team finished and the hours
it delivered against its capacity, for planning the next year."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Aggregate, Count, Exists, F, FloatField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractMonth, Least, TruncDate
from django.utils import timezone

from backlog.models import Quadrant, Status, Task, TaskEvent, estimate_expression, start_of_day
from capacity.models import TimeOff
from mopsboard.weeks import WorkingDaysBetween, earliest_within_working_days, week_of
from people.models import Person

# The first year the year in review goes back to.
FIRST_YEAR = 2000


def first_done_at() -> Subquery:
    """When a task's status first became done, from the history: a task counts as done in
    the year of that moment."""
    return Subquery(
        TaskEvent.objects.filter(pgh_obj=OuterRef("pk"), status=Status.DONE)
        .order_by("pgh_created_at")
        .values("pgh_created_at")[:1]
    )


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The year's first moment and the next year's, in the app's time zone."""
    return (
        timezone.make_aware(datetime.datetime(year, 1, 1)),
        timezone.make_aware(datetime.datetime(year + 1, 1, 1)),
    )


class Median(Aggregate):
    """PostgreSQL's median of an expression, for "days from request to done"."""

    function = "PERCENTILE_CONT"
    name = "median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


@dataclass
class YearRow:
    """One line of a breakdown: a category, quadrant, requester or month."""

    name: str
    received: int = 0
    done: int = 0
    hours_done: Decimal = Decimal(0)


@dataclass
class YearInReview:
    year: int
    received: int
    done: int
    deferred: int
    declined: int
    median_days_to_done: float | None
    hours_done: Decimal
    capacity_hours: Decimal
    weeks: int
    breakdowns: dict[str, list[YearRow]]
    # The triage SLA: the median wait for a first triage, in working days, and the share
    # of requests triaged within MOPSBOARD_TRIAGE_SLA_DAYS (still waiting past it: missed).
    median_working_days_to_triage: float | None = None
    within_sla_percent: int | None = None
    sla_days: int = 0

    @property
    def delivered_percent(self) -> int | None:
        return round(self.hours_done / self.capacity_hours * 100) if self.capacity_hours else None


def year_in_review(year: int, *, today: datetime.date) -> YearInReview:
    """What the year brought in and what the team finished, for planning the next one.

    A task counts as done in the year its status first became done (from the history).
    Capacity is today's team's weekly hours over the year's weeks so far, less time off.
    A dozen queries whatever the size of the backlog.
    The triage figures: see _triage_figures.
    """
    start, end = year_bounds(year)
    tasks = Task.objects.with_quadrant().annotate(done_at=first_done_at())
    received = tasks.filter(created_at__gte=start, created_at__lt=end)
    done = tasks.filter(status=Status.DONE, done_at__gte=start, done_at__lt=end)
    in_year = {"pgh_created_at__gte": start, "pgh_created_at__lt": end}

    def moved_into(status):
        """Tasks whose status changed to `status` within the year (once each)."""
        earlier = TaskEvent.objects.filter(
            Q(pgh_created_at__lt=OuterRef("pgh_created_at"))
            | Q(pgh_created_at=OuterRef("pgh_created_at"), pgh_id__lt=OuterRef("pgh_id")),
            pgh_obj_id=OuterRef("pgh_obj_id"),
        ).order_by("-pgh_created_at", "-pgh_id")
        return (
            TaskEvent.objects.filter(status=status, pgh_label__in=["insert", "update"], **in_year)
            .annotate(previous=Subquery(earlier.values("status")[:1]))
            .exclude(previous=status)
            .values("pgh_obj_id")
            .distinct()
            .count()
        )

    triage = _triage_figures(received, today=today)
    totals = done.aggregate(
        hours=Sum(estimate_expression()), median=Median(F("done_at") - F("created_at"))
    )
    mondays = [
        monday
        for monday in (
            week_of(datetime.date(year, 1, 4)) + datetime.timedelta(weeks=n) for n in range(53)
        )
        if monday.isocalendar().year == year and monday <= today
    ]
    team = Person.objects.filter(kind=Person.Kind.TEAM, is_active=True)
    weekly = team.aggregate(hours=Sum("weekly_capacity_hours"))["hours"] or 0
    # A week off takes a person's hours to nothing, not below.
    off = TimeOff.objects.filter(person__in=team, week__in=mondays).aggregate(
        hours=Sum(Least("hours", "person__weekly_capacity_hours"))
    )["hours"]
    return YearInReview(
        year=year,
        received=received.count(),
        done=done.count(),
        deferred=moved_into(Status.DEFERRED),
        declined=moved_into(Status.DECLINED),
        median_days_to_done=(
            round(totals["median"].total_seconds() / 86400, 1)
            if totals["median"] is not None
            else None
        ),
        hours_done=totals["hours"] or Decimal(0),
        capacity_hours=Decimal(weekly * len(mondays) - (off or 0)),
        weeks=len(mondays),
        breakdowns={
            "category": _breakdown(received, done, "category__name", "No category"),
            "quadrant": _breakdown(received, done, "quadrant_slug", "Not scored", Quadrant),
            "requester": _breakdown(received, done, "requester__name", "No requester"),
            "month": _months(received, done, year),
        },
        **triage,
    )


def _triage_figures(received, *, today: datetime.date) -> dict:
    """How soon the year's requests had their first triage: when each first left status
    new, from the history. Only requests that arrived unscored count (work the team
    added already scored was never waiting). One query."""
    sla = settings.MOPSBOARD_TRIAGE_SLA_DAYS
    first_left_new = (
        TaskEvent.objects.filter(pgh_obj=OuterRef("pk"))
        .exclude(status=Status.NEW)
        .order_by("pgh_created_at", "pgh_id")
        .values("pgh_created_at")[:1]
    )
    arrived_new = TaskEvent.objects.filter(
        pgh_obj=OuterRef("pk"), pgh_label="insert", status=Status.NEW
    )
    late = start_of_day(earliest_within_working_days(today, sla))
    figures = (
        received.filter(Exists(arrived_new))
        .annotate(triaged_at=Subquery(first_left_new))
        .annotate(waited=WorkingDaysBetween(TruncDate("created_at"), TruncDate("triaged_at")))
        .aggregate(
            median=Median("waited", output_field=FloatField()),
            within=Count("pk", filter=Q(waited__lte=sla)),
            missed=Count("pk", filter=Q(waited__gt=sla) | Q(triaged_at=None, created_at__lt=late)),
        )
    )
    counted = figures["within"] + figures["missed"]
    return {
        "median_working_days_to_triage": (
            None if figures["median"] is None else round(figures["median"], 1)
        ),
        "within_sla_percent": round(figures["within"] / counted * 100) if counted else None,
        "sla_days": sla,
    }


def _breakdown(received, done, field, nameless, choices=None) -> list[YearRow]:
    """Received and done (with hours) per value of `field`, most received first."""
    rows: dict[str, YearRow] = {}

    def row(value):
        name = (choices(value).label if choices else value) if value else nameless
        return rows.setdefault(name, YearRow(name))

    for value, count in received.order_by().values_list(field).annotate(n=Count("pk")):
        row(value).received = count
    for value, count, hours in (
        done.order_by().values_list(field).annotate(n=Count("pk"), h=Sum(estimate_expression()))
    ):
        row(value).done, row(value).hours_done = count, hours or Decimal(0)
    return sorted(rows.values(), key=lambda r: (-r.received, -r.done, r.name))


def _months(received, done, year) -> list[YearRow]:
    months = {m: YearRow(datetime.date(year, m, 1).strftime("%b")) for m in range(1, 13)}
    for month, count in (
        received.order_by()
        .annotate(m=ExtractMonth("created_at"))
        .values_list("m")
        .annotate(n=Count("pk"))
    ):
        months[month].received = count
    for month, count, hours in (
        done.order_by()
        .annotate(m=ExtractMonth("done_at"))
        .values_list("m")
        .annotate(n=Count("pk"), h=Sum(estimate_expression()))
    ):
        months[month].done, months[month].hours_done = count, hours or Decimal(0)
    return list(months.values())

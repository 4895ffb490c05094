"""Writes to capacity: planning a task into a week, a person's hours and time off, a
recorded review, what a person has seen on My work."""

import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from backlog.models import Status, Task
from backlog.services import task_update
from capacity.agenda import review_figures, review_since
from capacity.horizon import MAX_WEEKS, horizon, room_before_due
from capacity.load import Overload, overloads_if_planned
from capacity.models import PlannedHours, PlannedHoursEvent, Review, TimeOff
from capacity.signals import review_recorded
from mopsboard.errors import Conflict, DomainError
from mopsboard.templatetags.hours import hours_text
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import RESPONSIBLE_ROLES, Assignment


class OverCapacity(Conflict):
    """Planning would push someone over their hours; `overloads` says who, in which
    week and by how much."""

    def __init__(self, task: Task, week: datetime.date, overloads: list[Overload]):
        over = ", ".join(
            f"{o.person} at {hours_text(o.load)} of {hours_text(o.capacity)} h"
            + (f" in {week_label(o.week)}" if o.week != week else "")
            for o in overloads
        )
        super().__init__(f"“{task.title}” is not planned: {week_label(week)} would put {over}.")
        self.task, self.week, self.overloads = task, week, overloads


class PlanRefused(DomainError):
    """Work that cannot be planned: finished or declined, or into a week gone by."""


# The longest span a task is planned over: half a year.
MAX_SPAN_WEEKS = 26
# Hours are spread in tenths, as estimates are written.
TENTH = Decimal("0.1")
# The lead's hours per week for a span under way would rewrite the weeks gone by.
UNDER_WAY = (
    "It is under way since {week}: leave the hours empty, and what is left of its estimate "
    "is spread over the weeks from this one."
)


def span_weeks(first: datetime.date, last: datetime.date | None) -> list[datetime.date]:
    """The Mondays from `first` to `last` (just `first` when there is no `last`)."""
    weeks = ((last or first) - first).days // 7 + 1
    return [first + datetime.timedelta(weeks=n) for n in range(weeks)]


def hours_spread(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` hours shared in proportion to `weights`, in tenths that add up to `total`
    exactly: the tenths rounding leaves over go to the largest remainders, earliest first.
    Equal shares when no weight is above 0."""
    if not any(weight > 0 for weight in weights):
        weights = [Decimal(1)] * len(weights)
    tenths = int(Decimal(total) / TENTH)
    exact = [tenths * Decimal(weight) / sum(weights) for weight in weights]
    shares = [int(share) for share in exact]
    by_remainder = sorted(range(len(exact)), key=lambda n: (shares[n] - exact[n], n))
    for n in by_remainder[: tenths - sum(shares)]:
        shares[n] += 1
    return [share * TENTH for share in shares]


def _hours_free(task: Task, weeks: list[datetime.date]) -> list[Decimal]:
    """Each week's hours the task's Responsible people have, less their time off."""
    people = list(
        Person.objects.filter(
            assignments__task=task, assignments__role__in=RESPONSIBLE_ROLES
        ).values_list("pk", "weekly_capacity_hours")
    )
    hours = {}
    away = dict(
        TimeOff.objects.filter(person__in=[pk for pk, _ in people], week__in=weeks)
        .values("week")
        .annotate(hours=Sum("hours"))
        .values_list("week", "hours")
    )
    for week in weeks:
        hours[week] = Decimal(max(sum(h for _, h in people) - away.get(week, 0), 0))
    return [hours[week] for week in weeks]


def plan_hours(
    *, task: Task, weeks: list[datetime.date], hours: list[Decimal] | None = None
) -> dict[datetime.date, Decimal]:
    """How a task's estimate falls over `weeks`: the lead's `hours` for each week, or,
    without them, spread by the hours its Responsible people have each week (a week where
    they are away gets less; evenly when nobody is Responsible). A span moved to other
    weeks of the same length keeps each week's share. A span under way keeps the hours of
    its weeks gone by, and what is left of the estimate is spread over the rest."""
    if hours is not None:
        return dict(zip(weeks, hours, strict=True))
    present = dict(
        PlannedHours.objects.filter(task=task).order_by("week").values_list("week", "hours")
    )
    this_week = week_of(timezone.localdate())
    gone = {week: present.get(week, Decimal(0)) for week in weeks if week < this_week}
    ahead = weeks[len(gone) :]
    moved = task.planned_week not in (None, weeks[0]) and len(present) == len(weeks)
    left = max(Decimal(task.estimate or 0) - sum(gone.values(), Decimal(0)), Decimal(0))
    spread = hours_spread(left, list(present.values()) if moved else _hours_free(task, ahead))
    return gone | dict(zip(ahead, spread, strict=True))


def task_plan(
    *,
    task: Task,
    version: int,
    week: datetime.date,
    until: datetime.date | None = None,
    hours: list[Decimal] | None = None,
    allow_over: bool = False,
    by,
    via: str,
) -> Task:
    """Commit a task to an ISO week (its Monday), or to the span of weeks from `week` to
    `until`, its estimate spread over them (plan_hours); work under way keeps its status.
    The task's `planned_week` is the first week; its version guards the whole plan.

    Refused (OverCapacity) when that would put a Responsible person over their hours in
    any week, unless `allow_over`: the person planning has seen the warning.
    """
    if task.status in (Status.DONE, Status.DECLINED):
        raise PlanRefused(
            f"“{task.title}” is {task.get_status_display().lower()}: reopen it before planning it."
        )
    if task.impact is None:
        raise PlanRefused(
            f"Score “{task.title}” first: unscored work stays in triage until it is scored."
        )
    this_week = week_of(timezone.localdate())
    # A span under way keeps its first week, gone by: only a new start can't be one.
    under_way = week < this_week and week == task.planned_week
    if week < this_week and not under_way:
        raise PlanRefused(
            f"{week_label(week)} is over: plan “{task.title}” into this week or a later one."
        )
    weeks = span_weeks(week, until)
    if not 0 < len(weeks) <= MAX_SPAN_WEEKS or weeks[-1] < this_week:
        raise PlanRefused(
            f"Plan “{task.title}” over 1 to {MAX_SPAN_WEEKS} weeks, ending on or after "
            f"{week_label(max(week, this_week))}."
        )
    if hours is not None and under_way:
        raise PlanRefused(UNDER_WAY.format(week=week_label(week)))
    if hours is not None and (
        len(hours) != len(weeks) or sum(hours) != Decimal(task.estimate or 0)
    ):
        raise PlanRefused(
            f"Give “{task.title}” {len(weeks)} weeks' hours that add up to its "
            f"{task.estimate_label}."
        )
    plan = plan_hours(task=task, weeks=weeks, hours=hours)
    # The weeks gone by are as they were: only the weeks ahead can put anyone over.
    ahead = {week: week_hours for week, week_hours in plan.items() if week >= this_week}
    if under_way and not any(ahead.values()):
        raise PlanRefused(
            f"All {task.estimate_label} of “{task.title}” were planned into weeks gone by: "
            "raise its estimate to plan more, or move it to start this week or later."
        )
    if not allow_over and (overloads := overloads_if_planned(task, ahead)):
        raise OverCapacity(task, week, overloads)
    status = Status.IN_PROGRESS if task.status == Status.IN_PROGRESS else Status.PLANNED
    with transaction.atomic():
        task = task_update(
            task=task, version=version, by=by, via=via, status=status, planned_week=week
        )
        plan_replace(task=task, hours=plan)
    return task


def task_plan_before_due(
    *, task: Task, version: int, allow_over: bool = False, by, via: str
) -> Task:
    """The fix for a due date at risk: plan the task into the weeks from this week to its
    due date where its Responsible people have free hours (capacity.horizon.room_before_due),
    the soonest first, through task_plan. More hours than are free are spread over those
    weeks in proportion to their free hours, so planning gives its over-capacity warning
    and `allow_over` plans anyway. Refused when no week before the date has a free hour."""
    if task.due_date is None:
        raise PlanRefused(f"“{task.title}” has no due date to plan it before.")
    this_week = week_of(timezone.localdate())
    weeks = (week_of(task.due_date) - this_week).days // 7 + 1
    if weeks < 1:
        raise PlanRefused(
            f"“{task.title}” was due {task.due_date:%-d %B}: plan it into a week yourself."
        )
    grid = horizon(start=this_week, weeks=min(weeks, MAX_WEEKS))
    task.responsible = list(
        Assignment.objects.filter(task=task, role__in=RESPONSIBLE_ROLES)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    room = room_before_due(grid, task)
    if not room:
        raise PlanRefused(
            f"No week before “{task.title}” is due ({task.due_date:%-d %B}) has free hours: "
            "move other work out of those weeks, or plan it yourself."
        )
    estimate = Decimal(task.estimate or 0)
    if estimate > sum(room.values()):
        # More than is free: every free week takes its share, and planning warns.
        plan = dict(zip(room, hours_spread(estimate, list(room.values())), strict=True))
    else:
        # The soonest free hours first: the work is done as early as they allow.
        plan, left = {}, estimate
        for week, free in room.items():
            if left <= 0:
                break
            plan[week] = min(free, left)
            left -= plan[week]
    span = span_weeks(min(plan), max(plan))
    hours = [plan.get(week, Decimal(0)) for week in span]
    return task_plan(
        task=task,
        version=version,
        week=span[0],
        until=span[-1],
        hours=hours,
        allow_over=allow_over,
        by=by,
        via=via,
    )


def plan_replace(*, task: Task, hours: dict[datetime.date, Decimal]) -> None:
    """Make `hours` the task's whole plan, week by week."""
    PlannedHours.objects.filter(task=task).delete()
    PlannedHours.objects.bulk_create(
        PlannedHours(task=task, week=week, hours=week_hours) for week, week_hours in hours.items()
    )


def plan_follows_week(*, tasks: list[Task]) -> None:
    """After a door that sets only the week (an import, the demo, unplanning, deferring):
    a task out of any week has no plan; a task in a week its plan does not have is
    planned into that one week, its whole estimate there. Told by backlog's signals."""
    planned = {task.pk: task for task in tasks if task.planned_week}
    PlannedHours.objects.filter(
        task__in=[task.pk for task in tasks if task.pk not in planned]
    ).delete()
    has_week = set(
        PlannedHours.objects.filter(
            task__in=list(planned), week__in=[t.planned_week for t in planned.values()]
        ).values_list("task_id", "week")
    )
    moved = [task for task in planned.values() if (task.pk, task.planned_week) not in has_week]
    PlannedHours.objects.filter(task__in=moved).delete()
    PlannedHours.objects.bulk_create(
        PlannedHours(task=task, week=task.planned_week, hours=Decimal(task.estimate or 0))
        for task in moved
    )


def plan_restore(*, task: Task, change: str) -> None:
    """Put the task's plan back as it was before `change` (its history context's id), for
    its undo: the rows the change made go, the rows it removed or changed come back. A
    change that left the plan alone leaves it alone. Told by raci's signals."""
    first, last = {}, {}
    events = PlannedHoursEvent.objects.filter(pgh_context_id=change, task=task.pk).order_by(
        "pgh_id"
    )
    for event in events:
        first.setdefault(event.pgh_obj_id, event)
        last[event.pgh_obj_id] = event
    PlannedHours.objects.filter(
        pk__in=[row for row, event in last.items() if event.pgh_label != "delete"]
    ).delete()
    PlannedHours.objects.bulk_create(
        PlannedHours(task=task, week=was.week, hours=was.hours)
        for was in map(_row_before, first.values())
        if was is not None
    )


def _row_before(event: PlannedHoursEvent) -> PlannedHoursEvent | None:
    """A plan row as it was before `event` changed it (None: it was not there)."""
    if event.pgh_label == "insert":
        return None
    if event.pgh_label == "delete":
        return event
    return (
        PlannedHoursEvent.objects.filter(pgh_obj_id=event.pgh_obj_id, pgh_id__lt=event.pgh_id)
        .order_by("-pgh_id")
        .first()
    )


def task_unplan(*, task: Task, version: int, by, via: str) -> Task:
    # Work in no week has nothing to take out; a request in triage has no place in the
    # backlog either (the database refuses unscored work there).
    if task.planned_week is None:
        raise PlanRefused(f"“{task.title}” is not planned into a week.")
    return task_update(task=task, version=version, by=by, via=via, status=Status.BACKLOG)


def person_capacity_set(*, person: Person, hours: int) -> Person:
    Person.objects.filter(pk=person.pk).update(weekly_capacity_hours=hours)
    person.weekly_capacity_hours = hours
    return person


def time_off_set(*, person: Person, week: datetime.date, hours: int, note: str = "") -> None:
    """Record `hours` off in `week` for `person`; 0 hours removes it."""
    if not hours:
        TimeOff.objects.filter(person=person, week=week).delete()
        return
    TimeOff.objects.update_or_create(
        person=person, week=week, defaults={"hours": hours, "note": note}
    )


def work_seen(*, person: Person, until: datetime.datetime) -> None:
    """Mark the changes to `person`'s tasks up to `until` (when their My work page was
    read) as seen. Never later than now, and never back: an older page's button, pressed
    after a newer one's, does not bring back what was seen."""
    until = min(until, timezone.now())
    Person.objects.filter(
        Q(work_seen_at__isnull=True) | Q(work_seen_at__lt=until), pk=person.pk
    ).update(work_seen_at=until)
    person.refresh_from_db(fields=["work_seen_at"])


# The advisory lock's key: "mopsrevw" read as one 64-bit number.
REVIEW_LOCK = 0x6D6F7073_72657677


def review_record(
    *,
    held_on: datetime.date,
    attendees: list[Person],
    notes: str,
    decisions: str,
    by,
) -> Review:
    """Record a review with the figures as they are now, so it reads the same next year.

    It looks back from the last recorded review; the next one will look back from this.
    Two leads recording at once take turns (a transaction-level advisory lock), so the
    second looks back from the first.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REVIEW_LOCK])
        since = review_since(timezone.now())
        review = Review.objects.create(
            held_on=held_on,
            since=since,
            notes=notes,
            decisions=decisions,
            recorded_by=by,
            # The figures the room saw are today's, even for a review written up later.
            figures=review_figures(today=timezone.localdate(), since=since),
        )
        review.attendees.set(attendees)
        review_recorded.send(sender=Review, review=review, by=by)
    return review

"""Writes to capacity: planning a task into a week, a person's hours and time off, a
recorded review, what a person has seen on My work."""

import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from backlog.models import Status, Task
from backlog.services import task_update
from capacity.agenda import review_figures, review_since
from capacity.load import Overload, overloads_if_planned
from capacity.models import Review, TimeOff
from capacity.signals import review_recorded
from mopsboard.errors import Conflict, DomainError
from mopsboard.templatetags.hours import hours_text
from mopsboard.weeks import week_label, week_of
from people.models import Person


class OverCapacity(Conflict):
    """Planning would push someone over their hours; `overloads` says who and by how much."""

    def __init__(self, task: Task, week: datetime.date, overloads: list[Overload]):
        over = ", ".join(
            f"{o.person} at {hours_text(o.load)} of {hours_text(o.capacity)} h" for o in overloads
        )
        super().__init__(f"“{task.title}” is not planned: {week_label(week)} would put {over}.")
        self.task, self.week, self.overloads = task, week, overloads


class PlanRefused(DomainError):
    """Work that cannot be planned: finished or declined, or into a week gone by."""


def task_plan(
    *, task: Task, version: int, week: datetime.date, allow_over: bool = False, by, via: str
) -> Task:
    """Commit a task to an ISO week (its Monday); work under way keeps its status.

    Refused (OverCapacity) when that would put a Responsible person over their hours,
    unless `allow_over`: the person planning has seen the warning and plans anyway.
    """
    if task.status in (Status.DONE, Status.DECLINED):
        raise PlanRefused(
            f"“{task.title}” is {task.get_status_display().lower()}: reopen it before planning it."
        )
    if task.impact is None:
        raise PlanRefused(
            f"Score “{task.title}” first: unscored work stays in triage until it is scored."
        )
    if week < week_of(timezone.localdate()):
        raise PlanRefused(
            f"{week_label(week)} is over: plan “{task.title}” into this week or a later one."
        )
    if not allow_over and (overloads := overloads_if_planned(task, week)):
        raise OverCapacity(task, week, overloads)
    status = Status.IN_PROGRESS if task.status == Status.IN_PROGRESS else Status.PLANNED
    return task_update(task=task, version=version, by=by, via=via, status=status, planned_week=week)


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

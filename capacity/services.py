"""Writes to capacity: a person's weekly hours, their time off, a recorded review."""

import datetime

from django.db import connection, transaction
from django.utils import timezone

from capacity.models import Review, TimeOff
from capacity.selectors import review_figures, review_since
from raci.models import Person


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
    return review

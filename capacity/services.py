"""Writes to capacity: a person's weekly hours and their time off."""

import datetime

from capacity.models import TimeOff
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

"""Working days: weekends skipped, in Python and in SQL alike."""

import datetime

import pytest
from django.db.models import DateField, Value

from backlog.models import Task
from mopsboard.weeks import (
    WorkingDaysBetween,
    earliest_within_working_days,
    working_days_after,
    working_days_between,
    working_days_label,
)
from tests.factories import TaskFactory

MONDAY = datetime.date(2026, 11, 23)
FRIDAY = datetime.date(2026, 11, 27)
SATURDAY, SUNDAY = datetime.date(2026, 11, 28), datetime.date(2026, 11, 29)
NEXT_MONDAY = datetime.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (MONDAY, MONDAY, 0),
        (MONDAY, FRIDAY, 4),
        (FRIDAY, NEXT_MONDAY, 1),
        (FRIDAY, SATURDAY, 0),
        (FRIDAY, SUNDAY, 0),
        (SATURDAY, SUNDAY, 0),
        (SATURDAY, NEXT_MONDAY, 1),
        (SUNDAY, NEXT_MONDAY, 1),
        (MONDAY, NEXT_MONDAY, 5),
        (MONDAY, MONDAY + datetime.timedelta(weeks=3), 15),
        (NEXT_MONDAY, FRIDAY, -1),
    ],
)
def test_working_days_between_skips_weekends(start, end, days):
    assert working_days_between(start, end) == days


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        (MONDAY, 2, datetime.date(2026, 11, 25)),
        (datetime.date(2026, 11, 26), 2, NEXT_MONDAY),  # Thursday + 2 = Monday
        (FRIDAY, 1, NEXT_MONDAY),
        (SATURDAY, 1, NEXT_MONDAY),
        (MONDAY, 0, MONDAY),
    ],
)
def test_working_days_after_lands_on_a_weekday(start, days, end):
    assert working_days_after(start, days) == end
    if days:
        assert working_days_between(start, end) == days


def test_the_earliest_day_within_a_number_of_working_days():
    # On a Monday, two working days back reaches the Thursday before: Friday and Monday.
    assert earliest_within_working_days(NEXT_MONDAY, 2) == datetime.date(2026, 11, 26)
    # Anything received the day before that is over.
    assert working_days_between(datetime.date(2026, 11, 25), NEXT_MONDAY) == 3
    assert earliest_within_working_days(SATURDAY, 0) == SATURDAY - datetime.timedelta(days=1)


def test_labels():
    assert working_days_label(1) == "1 working day"
    assert working_days_label(3) == "3 working days"


@pytest.mark.django_db
def test_sql_counts_like_python_over_every_pair_of_days_in_three_weeks():
    TaskFactory()
    days = [MONDAY - datetime.timedelta(days=3) + datetime.timedelta(days=n) for n in range(21)]
    for start in days:
        values = Task.objects.annotate(
            **{
                f"d{n}": WorkingDaysBetween(
                    Value(start, output_field=DateField()), Value(end, output_field=DateField())
                )
                for n, end in enumerate(days)
            }
        ).values(*(f"d{n}" for n in range(len(days))))[0]
        assert [values[f"d{n}"] for n in range(len(days))] == [
            working_days_between(start, end) for end in days
        ], start

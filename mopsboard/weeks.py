"""ISO weeks, as mopsboard names them: by their Monday, written "2026-W48"."""

import datetime
import re

WEEK_INPUT = re.compile(r"^(\d{4})-W(\d{2})$")


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s ISO week: how mopsboard names a week."""
    return day - datetime.timedelta(days=day.weekday())


def week_from_input(value: str) -> datetime.date:
    """The Monday of an ISO week written as the browser's week picker does ("2026-W48").

    ValueError for anything else, week 53 of a 52-week year included.
    """
    match = WEEK_INPUT.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a week like 2026-W48.")
    year, week = map(int, match.groups())
    return datetime.date.fromisocalendar(year, week, 1)


def week_label(monday: datetime.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def this_and_next_week(today: datetime.date) -> list[datetime.date]:
    """The two weeks capacity is planned and reviewed in."""
    return [week_of(today), week_of(today) + datetime.timedelta(days=7)]


def plan_shortcuts(today: datetime.date) -> list[tuple[str, str]]:
    """The week picker's shortcuts, as ("This week", "2026-W48") and ("Next week", ...)."""
    return list(
        zip(("This week", "Next week"), map(week_label, this_and_next_week(today)), strict=True)
    )

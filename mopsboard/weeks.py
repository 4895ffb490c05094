"""ISO weeks, as mopsboard names them: by their Monday, written "2026-W48"."""

import datetime
import re

from django.db.models import Func, IntegerField

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


# --- Working days: Monday to Friday (public holidays are not known to mopsboard) -------

# A Monday before any date mopsboard keeps: working days are counted from it.
WORKING_DAYS_EPOCH = datetime.date(1900, 1, 1)


def _working_days_to(day: datetime.date) -> int:
    """Working days from the epoch up to and including `day` (a weekend day adds none)."""
    weeks, rest = divmod((day - WORKING_DAYS_EPOCH).days, 7)
    return weeks * 5 + min(rest + 1, 5)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`: 0 on the same day, 1 from
    Friday to the Monday after, 3 from Monday to Thursday. Negative when `end` is earlier."""
    return _working_days_to(end) - _working_days_to(start)


def working_days_label(days: int) -> str:
    """ "1 working day", "3 working days"."""
    return f"{days} working day{'' if days == 1 else 's'}"


def working_days_after(start: datetime.date, days: int) -> datetime.date:
    """The day `days` working days after `start`: 2 after a Thursday is the Monday."""
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        days -= day.weekday() < 5
    return day


def earliest_within_working_days(today: datetime.date, days: int) -> datetime.date:
    """The first day from which `today` is at most `days` working days on: anything that
    arrived before it has waited longer than `days` working days."""
    day = today
    while working_days_between(day - datetime.timedelta(days=1), today) <= days:
        day -= datetime.timedelta(days=1)
    return day


class WorkingDaysBetween(Func):
    """working_days_between in SQL, for two date expressions (a median over a year's
    requests is then one aggregate, not a row per request read into Python)."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        start, end = (self._working_days_to(compiler, e) for e in self.get_source_expressions())
        return f"({end[0]} - {start[0]})", [*end[1], *start[1]]

    @staticmethod
    def _working_days_to(compiler, expression) -> tuple[str, list]:
        """_working_days_to in SQL: the date is named twice, so its parameters are too."""
        sql, params = compiler.compile(expression)
        days = f"(({sql}) - DATE '{WORKING_DAYS_EPOCH.isoformat()}')"
        return f"(5 * ({days} / 7) + LEAST(MOD({days}, 7) + 1, 5))", [*params, *params]

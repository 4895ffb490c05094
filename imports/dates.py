"""Dates as a spreadsheet writes them, and which way round a column writes them: a column's
day and month come in one order, told by all its values together (12/31 is month first,
31.12 day first); where every value reads both ways, the lead is asked."""

import datetime
import re
from collections.abc import Iterable

DAY_FIRST, MONTH_FIRST = "day-first", "month-first"
ORDERS = {DAY_FIRST: "day first", MONTH_FIRST: "month first"}
EXAMPLES = {DAY_FIRST: "31/12/2026", MONTH_FIRST: "12/31/2026"}
# A week as the export writes a planned week (imports.forms.PlannedWeekField reads it).
ISO_WEEK = re.compile(r"\d{4}-W\d{2}")
MONTHS = {
    name: number
    for number, month in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
    for name in (month, month[:3], "sept" if number == 9 else month)
}
WEEKDAYS = {
    name
    for day in ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    for name in (day, day[:3])
}
# A time of day after a date, as spreadsheets and tools write a date-and-time cell (Jira's
# "12:00 AM", Trello's "T17:00:00.000Z"): left aside.
TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"
CLOCK = re.compile(rf"{TIME}$")
YEAR_FIRST = re.compile(rf"(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){TIME}")
YEAR_LAST = re.compile(rf"(\d{{1,2}})([-/.])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){TIME}")
WORDS = re.compile(r"(\d+)(?:st|nd|rd|th)?|([a-z]+)")
# A spreadsheet's serial number of a day (its 1900 date system) from 2000 to 2100, the
# dates mopsboard takes.
SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")
SERIAL_ZERO = datetime.date(1899, 12, 30)
SERIALS = range(36526, 73416)


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _year(digits: str) -> int:
    # Two digits are this century's: mopsboard takes dates from 2000 to 2100.
    return int(digits) + 2000 if len(digits) == 2 else int(digits)


def _named_month(value: str) -> datetime.date | None:
    """ "3 Feb 2027", "February 3rd, 2027", "Wed 3-Feb-27", "2027 Feb 3"."""
    words = WORDS.findall(value.lower())
    numbers = [number for number, _ in words if number]
    names = [name for _, name in words if name and name not in WEEKDAYS]
    if len(numbers) != 2 or len(names) != 1 or names[0] not in MONTHS:
        return None
    first, second = numbers
    year, day = (first, second) if len(first) == 4 else (second, first)
    if len(day) > 2 or len(year) not in (2, 4):
        return None
    return _date(_year(year), MONTHS[names[0]], int(day))


def parse(value: str, order: str) -> datetime.date | None:
    """The date a cell writes, its day and month read in `order` where they are numbers;
    None when it is not a date that way. Takes ISO dates (2026-12-31), d/m/y, m/d/y, d.m.y
    and d-m-y with two- or four-digit years, English month names and serial numbers."""
    value = value.strip()
    if match := YEAR_FIRST.fullmatch(value):
        return _date(int(match[1]), int(match[3]), int(match[4]))
    if match := YEAR_LAST.fullmatch(value):
        first, second = int(match[1]), int(match[3])
        day, month = (first, second) if order == DAY_FIRST else (second, first)
        return _date(_year(match[4]), month, day)
    if match := SERIAL.fullmatch(value):
        serial = int(match[1])
        return SERIAL_ZERO + datetime.timedelta(days=serial) if serial in SERIALS else None
    return _named_month(CLOCK.sub("", value))


def candidate_orders(values: Iterable[str]) -> list[str]:
    """The orders in which every one of a column's values is a date."""
    values = set(values)
    return [order for order in ORDERS if all(parse(value, order) for value in values)]


def _two_dates(value: str) -> bool:
    day_first, month_first = parse(value, DAY_FIRST), parse(value, MONTH_FIRST)
    return None not in (day_first, month_first) and day_first != month_first


def ambiguous_values(values: Iterable[str]) -> list[str]:
    """The values that are a different date in each order (2/3/2027), in the column's order."""
    return [value for value in dict.fromkeys(values) if _two_dates(value)]


def column_order(values: Iterable[str]) -> str | None:
    """The order a column writes its dates in; None when the lead must say, as every value
    reads both ways and some as two different dates. Where no order reads every value, the
    one that reads most (day first on a tie); the others are then the column's problems."""
    values = set(values)
    candidates = candidate_orders(values)
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        return None if ambiguous_values(values) else DAY_FIRST
    return max(ORDERS, key=lambda order: sum(parse(value, order) is not None for value in values))


def other(order: str) -> str:
    return MONTH_FIRST if order == DAY_FIRST else DAY_FIRST

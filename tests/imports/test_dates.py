"""How a column's dates and hours read (imports.dates, imports.numbers): every format a
sheet writes a date in reads back as the date, a column's values together settle which way
round it reads, and a column that reads two ways is never guessed."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imports import dates, numbers
from imports.dates import DAY_FIRST, MONTH_FIRST

# strftime formats a sheet writes dates in, each with the order its day and month read in
# (None: it reads the same either way round).
FORMATS = [
    ("%Y-%m-%d", None),
    ("%Y/%m/%d", None),
    ("%d/%m/%Y", DAY_FIRST),
    ("%d/%m/%y", DAY_FIRST),
    ("%d.%m.%Y", DAY_FIRST),
    ("%d.%m.%y", DAY_FIRST),
    ("%d-%m-%Y", DAY_FIRST),
    ("%m/%d/%Y", MONTH_FIRST),
    ("%m/%d/%y", MONTH_FIRST),
    ("%m-%d-%Y", MONTH_FIRST),
    ("%d %b %Y", None),
    ("%d %B %Y", None),
    ("%b %d, %Y", None),
    ("%B %d %Y", None),
    ("%a %d-%b-%y", None),
    ("%A, %B %d, %Y", None),
    ("%Y-%m-%d %H:%M:%S", None),
    # Jira's "03/Feb/27 12:00 AM", Trello's "2027-02-03T17:00:00.000Z".
    ("%d/%b/%y %I:%M %p", None),
    ("%Y-%m-%dT%H:%M:%S.000Z", None),
    ("%m/%d/%Y %I:%M %p", MONTH_FIRST),
]
# Two-digit years are this century's; mopsboard takes dates from 2000 to 2100.
DAYS = st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31))
FORMAT = st.sampled_from(FORMATS)


def _written(day: datetime.date, fmt: str) -> str:
    # Unpadded too, as a spreadsheet writes 2/3/2027.
    return day.strftime(fmt.replace("%d", str(day.day)).replace("%m", str(day.month)))


@given(day=DAYS, written=FORMAT)
def test_any_date_written_in_a_format_reads_back(day, written):
    fmt, order = written
    for text in {day.strftime(fmt), _written(day, fmt)}:
        assert dates.parse(text, order or DAY_FIRST) == day, text
        assert (order or DAY_FIRST) in dates.candidate_orders([text])


@given(day=DAYS)
def test_a_spreadsheet_serial_number_reads_as_its_day(day):
    serial = (day - datetime.date(1899, 12, 30)).days
    assert dates.parse(str(serial), DAY_FIRST) == dates.parse(f"{serial}.25", MONTH_FIRST) == day


@given(days=st.lists(DAYS, min_size=1, max_size=20), written=FORMAT, settler=DAYS)
def test_one_value_past_the_twelfth_settles_a_column(days, written, settler):
    fmt, order = written
    if order is None:
        return
    settler = settler.replace(day=max(settler.day, 13))
    values = [day.strftime(fmt) for day in [*days, settler]]
    assert dates.candidate_orders(values) == [order]
    assert dates.column_order(values) == order
    assert [dates.parse(value, order) for value in values] == [*days, settler]


@given(
    days=st.lists(st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 12)), min_size=1),
    fmt=st.sampled_from(["%d/%m/%Y", "%m/%d/%Y", "%d.%m.%y", "%m-%d-%Y"]),
)
def test_a_column_that_reads_two_ways_always_asks(days, fmt):
    days = [day.replace(day=min(day.day, 12)) for day in days]
    values = [day.strftime(fmt) for day in days]
    if all(day.day == day.month for day in days):
        # 05/05/2027 is the same date either way round: nothing to ask.
        assert dates.column_order(values) == DAY_FIRST
    else:
        assert dates.candidate_orders(values) == [DAY_FIRST, MONTH_FIRST]
        assert dates.column_order(values) is None
        assert dates.ambiguous_values(values)


def test_mixed_columns():
    # ISO dates, names and serial numbers read the same either way round.
    assert dates.column_order(["2027-03-01", "3 Feb 2027", "46387", "12/31/2026"]) == MONTH_FIRST
    assert dates.column_order(["2027-03-01", "31.12.2026", "2/3/2027"]) == DAY_FIRST
    assert dates.column_order(["2027-03-01", "3 Feb 2027", "46387"]) == DAY_FIRST
    # No order reads all: the one that reads most, the others are the column's problems.
    assert dates.column_order(["12/31/2026", "11/30/2026", "31/12/2026"]) == MONTH_FIRST
    assert dates.candidate_orders(["31/12/2026", "12/31/2026"]) == []


@pytest.mark.parametrize(
    "value", ["", "soon", "32/13/2026", "31/02/2027", "2026-W48", "Feb 2027", "1 2 3", "12345"]
)
def test_what_is_not_a_date(value):
    assert dates.parse(value, DAY_FIRST) is None and dates.parse(value, MONTH_FIRST) is None


@pytest.mark.parametrize(
    ("value", "point", "comma"),
    [
        ("2", Decimal("2"), Decimal("2")),
        ("2.5", Decimal("2.5"), None),
        ("2,5", None, Decimal("2.5")),
        ("2,5 h", None, Decimal("2.5")),
        ("1.5 hours", Decimal("1.5"), None),
        ("12h", Decimal("12"), Decimal("12")),
        ("3 Hrs.", Decimal("3"), Decimal("3")),
        ("1,250", Decimal("1250"), Decimal("1.250")),
        ("1.250,5", None, Decimal("1250.5")),
        ("1,250.5", Decimal("1250.5"), None),
        ("1 250,5", None, Decimal("1250.5")),
        (".5", Decimal("0.5"), None),
        ("1,2,3", None, None),
        ("two", None, None),
    ],
)
def test_hours_with_a_decimal_point_or_comma(value, point, comma):
    assert numbers.parse(value, numbers.POINT) == point
    assert numbers.parse(value, numbers.COMMA) == comma


def test_a_column_of_hours_reads_with_the_mark_its_values_tell():
    assert numbers.column_mark(["2,5", "4", ""], delimiter=",") == numbers.COMMA
    assert numbers.column_mark(["1.5 hours", "4"], delimiter=";") == numbers.POINT
    # Either way, or neither: the file's separator tells.
    assert numbers.column_mark(["4", "1,250"], delimiter=";") == numbers.COMMA
    assert numbers.column_mark(["4", "1,250"], delimiter=",") == numbers.POINT
    assert numbers.column_mark(["2,5", "3,5", "1.5"], delimiter=",") == numbers.COMMA


@given(hours=st.decimals(Decimal("0.5"), Decimal("2000"), places=1))
def test_any_number_of_hours_written_either_way_reads_back(hours):
    point = f"{hours:,}"
    comma = point.replace(",", " ").replace(".", ",")
    assert numbers.parse(point, numbers.POINT) == hours
    assert numbers.parse(f"{comma} h", numbers.COMMA) == hours

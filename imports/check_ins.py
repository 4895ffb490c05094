"""A goal's check-ins from a CSV of `date,value,note`: read with the import's own reading
of files, dates and numbers, each row checked by the goal page's check-in form. Either
every row is good and they are recorded together, or nothing is and each problem is
listed with its row, column and value."""

from dataclasses import dataclass

from goals.forms import CheckInForm
from goals.models import CheckIn, Goal
from imports import dates, numbers
from imports.reading import decode, delimiter_of, header_key, read_headers, rows
from mopsboard.errors import DomainError

COLUMNS = ("date", "value", "note")
# The check-in's fields, by the column that holds them.
FIELDS = {"on": "date", "value": "value", "note": "note"}


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    value: str
    message: str


class CheckInsRefused(DomainError):
    """Rows that cannot be recorded; none were."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"Nothing was recorded: the file has {len(problems)} problems.")
        self.problems = problems


def check_ins_read(*, goal: Goal, content: bytes) -> list[CheckIn]:
    """The check-ins a CSV gives `goal`: new ones, and the goal's own check-in of a date
    it repeats, with its new value and note (the history keeps what it said). Raises
    UnreadableFile, or CheckInsRefused with every problem."""
    text, _ = decode(content)
    delimiter = delimiter_of(text)
    headers = [header_key(header) for header in read_headers(text, delimiter)]
    missing = [column for column in COLUMNS[:2] if column not in headers]
    if missing:
        raise CheckInsRefused(
            [
                Problem(1, column, "", f"The first line names no “{column}” column.")
                for column in missing
            ]
        )
    # A column is read once, where it first appears; the others are left aside.
    mapping = [
        header if header in COLUMNS and header not in headers[:place] else ""
        for place, header in enumerate(headers)
    ]
    read = list(rows(text, delimiter=delimiter, mapping=mapping))
    problems = [Problem(row.line, "", "", row.problem) for row in read if row.problem]
    read = [
        (row.line, {column: row.values.get(column, "").strip() for column in COLUMNS})
        for row in read
        if not row.problem
    ]
    days = [cells["date"] for _, cells in read]
    order = dates.column_order(days)
    # Where the column does not tell which way its dates read, those that read as two
    # different dates are asked again, in a way that cannot be misread.
    two_ways = set() if order else set(dates.ambiguous_values(days))
    order = order or dates.DAY_FIRST
    mark = numbers.column_mark((cells["value"] for _, cells in read), delimiter=delimiter)
    stored = {check_in.on: check_in for check_in in goal.check_ins.all()}
    check_ins, seen = [], {}
    for line, cells in read:
        found = []
        day = dates.parse(cells["date"], order)
        if cells["date"] in two_ways:
            found.append(("date", "It reads as two dates: write it as 2026-12-31."))
        elif day is None:
            found.append(("date", "Not a date: write it as 2026-12-31."))
        elif day in seen:
            found.append(("date", f"Line {seen[day]} has this date too."))
        value = numbers.parse(cells["value"], mark)
        if value is None:
            found.append(("value", "Not a number, such as 1250 or 12.5."))
        if not found:
            seen[day] = line
            form = CheckInForm(
                {"on": day, "value": value, "note": cells["note"]},
                goal=goal,
                instance=stored.get(day) or CheckIn(goal=goal),
            )
            if form.is_valid():
                check_ins.append(form.instance)
            found = [
                (FIELDS.get(name, ""), message)
                for name, messages in form.errors.items()
                for message in messages
            ]
        problems += [
            Problem(line, column, cells.get(column, ""), message) for column, message in found
        ]
    if not read and not problems:
        problems.append(Problem(2, "", "", "The file has no figures under its first line."))
    if problems:
        raise CheckInsRefused(problems)
    return check_ins

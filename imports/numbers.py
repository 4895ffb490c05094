"""Numbers of hours as a spreadsheet writes them ("2,5 h", "1.5 hours", "1,250"), and which
mark a column writes its decimals with, told by all its values together."""

import re
from collections.abc import Iterable
from decimal import Decimal

POINT, COMMA = "decimal-point", "decimal-comma"
MARKS = {POINT: "decimal point", COMMA: "decimal comma"}
EXAMPLES = {POINT: "2.5 or 1,250.5", COMMA: "2,5 or 1.250,5"}
UNIT = re.compile(r"\s*(?:h|hrs?|hours?)\.?$", re.IGNORECASE)
# Thousands are grouped by the other mark, a space, a no-break space or an apostrophe.
GROUPED = {
    POINT: re.compile(r"\d{1,3}(?:([, \u00a0\u202f'])\d{3})(?:\1\d{3})*(?:\.\d+)?|\d*\.?\d+"),
    COMMA: re.compile(r"\d{1,3}(?:([. \u00a0\u202f'])\d{3})(?:\1\d{3})*(?:,\d+)?|\d*,?\d+"),
}


def parse(value: str, mark: str) -> Decimal | None:
    """The number a cell writes, its decimals after `mark`; None when it is not a number
    that way. A unit of hours after it is left aside."""
    number = UNIT.sub("", value.strip())
    if not GROUPED[mark].fullmatch(number):
        return None
    decimal = "." if mark == POINT else ","
    digits = "".join(c for c in number if c.isdigit() or c == decimal)
    return Decimal(digits.replace(",", "."))


def candidate_marks(values: Iterable[str]) -> list[str]:
    """The marks with which every one of a column's values is a number."""
    values = set(values)
    return [mark for mark in MARKS if all(parse(value, mark) is not None for value in values)]


def _two_numbers(value: str) -> bool:
    point, comma = parse(value, POINT), parse(value, COMMA)
    return None not in (point, comma) and point != comma


def ambiguous_values(values: Iterable[str]) -> list[str]:
    """The values that are a different number with each mark (1,250), in the column's order."""
    return [value for value in dict.fromkeys(values) if _two_numbers(value)]


def column_mark(values: Iterable[str], *, delimiter: str) -> str:
    """The mark a column writes its decimals with. Where its values read either way (2,
    1,250) or neither, the mark the file's separator tells: a semicolon between cells is
    the way of spreadsheets whose decimals have a comma."""
    values = set(values)
    candidates = candidate_marks(values)
    if len(candidates) == 1:
        return candidates[0]
    likely = COMMA if delimiter == ";" else POINT
    if candidates:
        return likely
    fits = {mark: sum(parse(value, mark) is not None for value in values) for mark in MARKS}
    return likely if fits[POINT] == fits[COMMA] else max(fits, key=fits.get)


def other(mark: str) -> str:
    return COMMA if mark == POINT else POINT

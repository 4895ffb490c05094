"""Reading a spreadsheet saved as CSV: its encoding, its separator, which column holds
which field of a task, and its rows with their line numbers."""

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from imports import dates, numbers
from mopsboard.errors import DomainError

# A task's fields an import fills, with the headers a spreadsheet may give each: the
# export's own name first, then common synonyms (compared in lower case, spaces, dashes
# and underscores alike).
FIELDS = {
    "title": ("Title", ["title", "task", "name", "summary", "subject", "request", "task name"]),
    "description": (
        "Description",
        ["description", "details", "notes", "body", "what is needed", "request details"],
    ),
    "requester": (
        "Requester",
        [
            "requester",
            "requestor",
            "requested by",
            "asked by",
            "submitted by",
            "stakeholder",
            "reporter",
        ],
    ),
    "category": ("Category", ["category", "type", "work type", "kind", "area"]),
    "impact": (
        "Impact (1 to 5)",
        ["impact", "impact score", "value", "business value", "priority", "importance"],
    ),
    "effort": (
        "Effort (1 to 5)",
        [
            "effort",
            "effort score",
            "size",
            "complexity",
            "story points",
            "points",
            "t shirt size",
            "tshirt size",
        ],
    ),
    "status": ("Status", ["status", "state", "stage"]),
    "estimate_hours": (
        "Estimate (hours)",
        ["estimate hours", "estimate", "hours", "estimated hours", "est hours", "estimate h"],
    ),
    "planned_week": ("Planned week", ["planned week", "week", "planned for", "planned"]),
    "due_date": ("Due date", ["due date", "due", "deadline", "due by", "needed by"]),
    "deferred_until": (
        "Deferred until",
        ["deferred until", "defer until", "deferred to", "comes back", "return date"],
    ),
    "responsible": (
        "Responsible (R)",
        ["responsible", "assignee", "assignees", "assigned to", "owner", "owners"],
    ),
    "accountable": ("Accountable (A)", ["accountable", "approver", "approved by"]),
    "declined_reason": (
        "Reason declined",
        ["declined reason", "reason declined", "decline reason", "reason for declining"],
    ),
}
# The fields whose column writes its cells its own way: dates with the day or the month
# first (imports.dates), hours with a decimal point or comma (imports.numbers).
DATE_FIELDS = ("planned_week", "due_date", "deferred_until")
HOURS_FIELDS = ("estimate_hours",)
# Columns of the export that an import leaves out: the database gives a new task its own
# id and creation time, and the quadrant follows from the scores; an imported task is
# planned into its first week whole (a span is planned again on its page).
EXPORT_ONLY = {"id", "quadrant", "created at", "planned until", "planned hours by week"}
MAX_COLUMNS = 100
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
ZIP_START = b"PK\x03\x04"


class UnreadableFile(DomainError):
    """Not a CSV file in an encoding the import reads; the message says what to do."""


def header_key(header: str) -> str:
    """A header as compared with the synonyms: "Due_Date", "due-date " and "Due date:"
    are the same."""
    return re.sub(r"[\s_\-]+", " ", re.sub(r"[^\w\s\-]", "", header)).strip().lower()


SYNONYMS = {
    header_key(synonym): field for field, (_, synonyms) in FIELDS.items() for synonym in synonyms
}


def decode(content: bytes) -> tuple[str, str]:
    """The text of an uploaded file and the encoding it was read with: UTF-8 with or
    without a byte-order mark, else Windows-1252. Anything else is refused with a message
    that says how to save it."""
    save_as = "Save it from your spreadsheet as “CSV UTF-8” and upload that."
    if content.startswith(ZIP_START):
        raise UnreadableFile(f"This is a workbook (such as .xlsx), not a CSV file. {save_as}")
    if content.startswith(UTF16_BOMS):
        raise UnreadableFile(f"This file is in UTF-16, which the import does not read. {save_as}")
    if b"\x00" in content:
        raise UnreadableFile(
            f"This file holds binary data (or text in UTF-16 or UTF-32), not CSV text. {save_as}"
        )
    if content.startswith(UTF8_BOM):
        encoding = "utf-8-sig"
    else:
        try:
            content.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"This file is neither UTF-8 nor Windows-1252 text (byte {error.start + 1} "
            f"cannot be read). {save_as}"
        ) from error
    if re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        raise UnreadableFile(f"This file holds control characters, not CSV text. {save_as}")
    return text, encoding


def delimiter_of(text: str) -> str:
    """Comma, semicolon (spreadsheets where a comma is the decimal point) or tab."""
    first_line = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def read_headers(text: str, delimiter: str) -> list[str]:
    try:
        headers = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    except csv.Error as error:
        raise UnreadableFile(f"The first line cannot be read as CSV: {error}.") from error
    if not any(header.strip() for header in headers):
        raise UnreadableFile("The first line should name the columns, and it is empty.")
    if len(headers) > MAX_COLUMNS:
        raise UnreadableFile(
            f"The first line names {len(headers)} columns; an import takes at most "
            f"{MAX_COLUMNS}. Leave out the columns that are not about the tasks."
        )
    return [header.strip() for header in headers]


def guess_mapping(
    headers: list[str], *, columns: dict[str, str] | None = None
) -> tuple[list[str], bool]:
    """The field each column probably holds ("" for none), and whether every column was
    recognised (a field is taken by its first column only). `columns`: a tool's own
    headers and their fields (imports.presets), read first; given them, a column that
    is neither theirs nor a synonym is the tool's own business, left out."""
    mapping, taken, recognised = [], set(), True
    for header in headers:
        key = header_key(header)
        field = (columns or {}).get(key) or SYNONYMS.get(key, "")
        if field in taken:
            field = ""
        if not field and key not in EXPORT_ONLY and columns is None:
            recognised = False
        mapping.append(field)
        taken.add(field)
    return mapping, recognised


def readings_of(field: str) -> dict[str, str]:
    """The ways a column of this field may read ({} for a field read one way)."""
    if field in DATE_FIELDS:
        return dates.ORDERS
    if field in HOURS_FIELDS:
        return numbers.MARKS
    return {}


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]
    # Set when the row cannot be read as the first line's columns.
    problem: str = ""


def unescaped(cell: str) -> str:
    """A cell as typed: the export puts an apostrophe before text that a spreadsheet
    would run as a formula (mopsboard.exports); reading its own export takes it off."""
    if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS:
        return cell[1:]
    return cell


def rows(text: str, *, delimiter: str, mapping: list[str]) -> Iterator[Row]:
    """Each data row as {field: cell}, with the line it starts on; blank rows are skipped.
    A row with more filled cells than there are columns comes with a problem instead,
    and so does a line the CSV reader cannot read, which ends the rows."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader, None)
    line = reader.line_num + 1
    columns = len(mapping)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Row(line, {}, f"From here on the file cannot be read as CSV: {error}.")
            return
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if any(cell.strip() for cell in cells[columns:]):
            problem = f"This row has {len(cells)} cells; the first line names {columns}."
            yield Row(start, {}, problem)
            continue
        yield Row(
            start,
            {field: unescaped(cell) for field, cell in zip(mapping, cells, strict=False) if field},
        )


def first_values(head: bytes, *, encoding: str, delimiter: str, count: int = 3) -> list:
    """The first `count` values of each column, from the first bytes of the file."""
    text = head.decode(encoding, errors="replace")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    headers = next(reader, [])
    values = [[] for _ in headers]
    for cells in itertools.islice(reader, count):
        for column, cell in zip(values, cells, strict=False):
            if cell.strip():
                column.append(cell.strip()[:40])
    return values


def line_count(content: bytes) -> int:
    """About how many rows a file has (a cell may hold a line break), before reading it."""
    return max(content.count(b"\n") - (1 if content.endswith(b"\n") else 0), 0)

"""What the values of a column of scores, statuses or categories become: a score from 1
to 5, a status, a category's name. Known without a question when the value says it
itself ("4", "In progress", a category's name), when the tool's preset knows it (Jira's
"Highest"), or when the lead said it before for the same tool's same column (ValueMapping); else
suggested ("High" is impact 5) and asked on the columns page, or, with no suggestion, left
as it is: each row with it is then a problem naming the value, until the lead says what
it becomes. Never a guess: a suggestion is not read until the lead confirms it."""

from backlog.models import Status
from imports.models import ValueMapping

VALUE_FIELDS = ("impact", "effort", "status", "category")
# The values of a column listed on its page; past these, a value is read as it is (and a
# score or status it is not is a problem of its row).
MAX_VALUES = 50
VALUE_LENGTH = ValueMapping._meta.get_field("value").max_length
SCORES = [(str(score), str(score)) for score in range(1, 6)]
STATUS_NAMES = {
    **{status.value: status.value for status in Status},
    **{status.label.casefold(): status.value for status in Status},
    **{status.value.replace("_", " "): status.value for status in Status},
}
LEVELS = {
    "highest": "5",
    "critical": "5",
    "urgent": "5",
    "very high": "5",
    "high": "5",
    "medium": "3",
    "normal": "3",
    "moderate": "3",
    "low": "1",
    "very low": "1",
    "lowest": "1",
}
SUGGESTED = {
    "impact": LEVELS,
    "effort": {
        **LEVELS,
        "xs": "1",
        "extra small": "1",
        "s": "2",
        "small": "2",
        "m": "3",
        "l": "4",
        "large": "4",
        "xl": "5",
        "extra large": "5",
        "xxl": "5",
    },
    "status": {
        "to do": "backlog",
        "todo": "backlog",
        "open": "backlog",
        "not started": "backlog",
        "doing": "in_progress",
        "started": "in_progress",
        "active": "in_progress",
        "working on it": "in_progress",
        "complete": "done",
        "completed": "done",
        "closed": "done",
        "resolved": "done",
    },
}
# Story points grow as Fibonacci's numbers do: suggested onto effort's 1 to 5.
STORY_POINTS = {"1": "1", "2": "2", "3": "3", "5": "4", "8": "5", "13": "5", "20": "5", "21": "5"}
SCORES_UNPAIRED = (
    "Impact and effort are scored together: choose a column for each, or leave both out "
    "(the tasks then wait in triage)."
)


def scores_unpaired(mapping: list[str]) -> bool:
    """Whether a file's columns fill impact or effort without the other."""
    return ("impact" in mapping) != ("effort" in mapping)


def value_key(value: str) -> str:
    """A value as its meaning is looked up: case and spacing aside."""
    return " ".join(value.split()).casefold()


def is_points(header_key: str) -> bool:
    return "point" in header_key


def value_choices(field: str) -> list[tuple[str, str]]:
    """What a value of the field may become (a category is typed instead)."""
    if field == "status":
        return list(Status.choices)
    return SCORES


def _own(field: str, key: str, *, points: bool) -> str | None:
    """The meaning a value says itself."""
    if field == "status":
        return STATUS_NAMES.get(key)
    if points:
        return None
    return key if key in dict(SCORES) else None


def entries_of(
    field: str,
    values: list[str],
    *,
    header_key: str,
    known: dict[str, str],
    chosen: dict[str, str],
) -> list[dict]:
    """Each of a column's first values with what it becomes and whether the lead is asked:
    `chosen`, the lead's answers on this import, then what the value says itself, then
    `known` (what the lead said before for this tool's column, then the tool's preset), else a
    suggestion, asked, or nothing."""
    points = is_points(header_key)
    entries = []
    for value in values[:MAX_VALUES]:
        key = value_key(value)
        if len(key) > VALUE_LENGTH:
            continue  # no score, status or category: its row's problem says so
        if key in chosen:
            entries.append({"value": value, "becomes": chosen[key], "asked": False})
            continue
        if key in known:
            entries.append({"value": value, "becomes": known[key], "asked": False})
            continue
        if field == "category":
            # As written: the row's own checks (a name's length, hidden characters) see it.
            entries.append({"value": value, "becomes": value, "asked": False})
            continue
        own = _own(field, key, points=points)
        if own is not None:
            entries.append({"value": value, "becomes": own, "asked": False})
            continue
        suggested = (STORY_POINTS if points else SUGGESTED.get(field, {})).get(key, "")
        # A suggestion waits for the lead to confirm it; a value with none is left as it
        # is, and each row with it is a problem that names it (or the lead says here).
        entries.append({"value": value, "becomes": suggested, "asked": bool(suggested)})
    return entries


def known_values(
    tool: str, field: str, column: str, preset_values: dict[str, str]
) -> dict[str, str]:
    """What the values of a tool's column are known to become: the lead's word for that
    column (by its header's key) before the preset's. Only that column's: "5" in
    "Story points" means 4, in "Size" it means itself."""
    remembered = ValueMapping.objects.filter(tool=tool, field=field, column=column).values_list(
        "value", "becomes"
    )
    return {**preset_values, **dict(remembered)}


def values_remember(*, tool: str, answers: list[tuple[str, str, list[dict]]]) -> None:
    """Keep what the lead said each value of a column becomes ((field, header's key,
    entries) a column), for the next import from the same tool with that column (an
    import from before tools were told apart has none)."""
    if not tool:
        return
    ValueMapping.objects.bulk_create(
        [
            ValueMapping(
                tool=tool,
                field=field,
                column=column,
                value=value_key(entry["value"]),
                becomes=entry["becomes"],
            )
            for field, column, entries in answers
            for entry in entries
            if entry["becomes"]
        ],
        update_conflicts=True,
        unique_fields=["tool", "field", "column", "value"],
        update_fields=["becomes", "updated_at"],
    )


def tables(fields: list[str], values: list) -> dict[str, dict[str, str]]:
    """{field: {value's key: what it becomes}} from an import's mapping and values."""
    return {
        field: {
            value_key(entry["value"]): entry["becomes"] for entry in entries if entry["becomes"]
        }
        for field, entries in zip(fields, values, strict=False)
        if field in VALUE_FIELDS and entries
    }

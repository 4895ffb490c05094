"""The CSV exports of the tools teams leave, recognised by their headers: which column
fills which field of a task, and what their values mean where the tool fixes them (Jira's
priorities, monday.com's statuses). A preset's file is mapped without a question where it
is unambiguous; its other columns (ids, links, counts) are left out. Headers as each
tool's help pages describe its CSV export; a custom field is matched by its name."""

import hashlib
from dataclasses import dataclass, field

from imports.reading import header_key


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    # Headers every export of the tool has, together found in no other tool's.
    signature: tuple[str, ...]
    # Header → field; a header not listed is read by the usual synonyms, else left out.
    columns: dict[str, str]
    # Field → {value → what it becomes}, values as imports.mapping.value_key writes them.
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    # Recognised by the byte-order mark Excel writes rather than by headers.
    by_mark: bool = False

    @property
    def column_keys(self) -> dict[str, str]:
        return {header_key(header): field for header, field in self.columns.items()}


PRESETS = [
    Preset(
        "jira",
        "Jira",
        ("Issue key", "Issue Type", "Summary"),
        {
            "Summary": "title",
            "Description": "description",
            "Reporter": "requester",
            "Issue Type": "category",
            "Priority": "impact",
            "Custom field (Story Points)": "effort",
            "Custom field (Story point estimate)": "effort",
            "Status": "status",
            "Assignee": "responsible",
            "Due date": "due_date",
        },
        {
            "impact": {"highest": "5", "high": "4", "medium": "3", "low": "2", "lowest": "1"},
            "effort": {"1": "1", "2": "2", "3": "3", "5": "4", "8": "5", "13": "5", "21": "5"},
            "status": {"to do": "backlog", "in progress": "in_progress", "done": "done"},
        },
    ),
    Preset(
        "asana",
        "Asana",
        ("Task ID", "Section/Column", "Assignee Email"),
        {
            "Name": "title",
            "Notes": "description",
            "Assignee": "responsible",
            "Due Date": "due_date",
        },
    ),
    Preset(
        "trello",
        "Trello",
        ("Card ID", "Card Name", "List Name"),
        {
            "Card Name": "title",
            "Card Description": "description",
            "Members": "responsible",
            "Due Date": "due_date",
        },
    ),
    Preset(
        "monday",
        "monday.com",
        ("Name", "Subitems", "Person", "Status"),
        {"Name": "title", "Person": "responsible", "Status": "status", "Date": "due_date"},
        {
            "impact": {"critical ⚠️": "5", "critical": "5", "high": "4", "medium": "3", "low": "1"},
            "status": {
                "working on it": "in_progress",
                "stuck": "in_progress",
                "done": "done",
                "not started": "backlog",
            },
        },
    ),
    Preset(
        "smartsheet",
        "Smartsheet",
        ("Task Name", "Assigned To", "% Complete", "Predecessors"),
        {
            "Task Name": "title",
            "Assigned To": "responsible",
            "Status": "status",
            "End Date": "due_date",
            "Comments": "description",
        },
        {"status": {"not started": "backlog", "in progress": "in_progress", "complete": "done"}},
    ),
    Preset(
        "wrike",
        "Wrike",
        ("Title", "Assigned To", "Importance", "Parent Folders"),
        {
            "Title": "title",
            "Description": "description",
            "Assigned To": "responsible",
            "Importance": "impact",
            "Status": "status",
            "Due Date": "due_date",
            "Author": "requester",
        },
        {
            "impact": {"high": "5", "normal": "3", "low": "1"},
            "status": {"active": "in_progress", "completed": "done"},
        },
    ),
    Preset("excel", "Excel (CSV UTF-8)", (), {}, by_mark=True),
]
BY_KEY = {preset.key: preset for preset in PRESETS}


def preset_of(tool: str) -> Preset | None:
    return BY_KEY.get(tool.partition(":")[0])


def recognise(headers: list[str], *, encoding: str) -> Preset | None:
    """The tool whose export these headers are; Excel's "CSV UTF-8" by its byte-order
    mark when no tool's headers match."""
    keys = {header_key(header) for header in headers}
    for preset in PRESETS:
        if preset.signature and {header_key(h) for h in preset.signature} <= keys:
            return preset
    return BY_KEY["excel"] if encoding == "utf-8-sig" else None


def tool_of(headers: list[str], preset: Preset | None) -> str:
    """What a file's values are remembered under: its tool, else its columns ("jira",
    "excel:…", "columns:…")."""
    if preset and not preset.by_mark:
        return preset.key
    columns = "\n".join(sorted(header_key(header) for header in headers))
    return (
        f"{preset.key if preset else 'columns'}:{hashlib.sha256(columns.encode()).hexdigest()[:16]}"
    )

"""The import's jobs, run by the task queue's workers: check every row, and write the
tasks through backlog.services, all or nothing.

All or nothing, in batches. The write reads the file again and checks every row with the
same form as the check did (people, categories or rules may have changed since), and
writes each batch of good rows with one tasks_create, all inside ONE transaction: a bad
row, an error or a worker that dies rolls the whole import back, so a failed import
leaves no task behind, no one sees half an import, and a job run again starts clean
(a run after a worker that stopped counts from the first row again, and says it restarted).
Each batch's history context carries the same `import_id` and reason, so every task's
history names the import. Rows written so far are counted on a second database
connection, outside the transaction, so the page can show them while the tasks wait to
commit together.

The transaction checks its foreign keys statement by statement, not at the commit where
Django's deferrable constraints put them: each task and role written would queue a check
until then, and the longer that queue, the slower every row's history trigger (pghistory's
INSERT of the event) ran. A batch of 1,000 tasks with their 1,250 roles went from 0.2 s at
the start to about 2 s after 40,000 rows; checked as they go, the batches keep their pace,
and 100,000 rows with 124,757 roles are written in 81 s rather than 201 s (make bench on a
2-CPU machine; 90 s wanted, bench/README.md). The undo, deleting as many tasks in one
transaction, checks them the same way (325 s then, 57 s now). Far larger files would want
batches committed one by one, and the import's tasks deleted again on a failure.

A planned week is written with its task, as the export recorded it, not through
capacity.services.task_plan: that refuses weeks gone by and finished work, and weighs the
Responsible people's hours, where an imported task may record work done months ago. The
app sits directly above capacity in the layers all the same. Its RACI (the columns of
Responsible and Accountable people) is written with it, through
raci.services.assignments_create, in the same transaction.
"""

import contextlib
import datetime
import itertools
import logging
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from backlog.models import Category
from backlog.services import tasks_create, tasks_delete
from imports import dates, numbers
from imports.forms import Names, TaskRowForm
from imports.mapping import VALUE_FIELDS, entries_of, known_values, tables, value_key
from imports.models import Import
from imports.people import ROLE_FIELDS, names_in
from imports.presets import preset_of
from imports.reading import DATE_FIELDS, FIELDS, decode, header_key, readings_of, rows
from imports.selectors import import_tasks, import_tasks_changed
from imports.signals import import_written
from people.models import Person, name_key
from raci.services import assignments_create

logger = logging.getLogger(__name__)
VIA = "import"
SAMPLE_ROWS = 10
# Values of a column shown to say how it reads, and the length of a value in a problem.
SHOWN_VALUES = 3
PROBLEM_VALUE_LENGTH = 100
# The advisory lock a write holds, with the import's id: "mops" as a number.
WRITE_LOCK = 0x6D6F7073


@app.task(queue="imports")
def check(import_id: int):
    import_check(import_id=import_id)


@app.task(queue="imports")
def write(import_id: int):
    import_write(import_id=import_id)


@app.task(queue="imports")
def undo(import_id: int, keep_changed: bool):
    import_undo_run(import_id=import_id, keep_changed=keep_changed)


@app.periodic(cron="45 3 * * *")
@app.task(queueing_lock="remove-abandoned-imports")
def remove_abandoned_imports(timestamp: int):
    """Daily: imports never written, a week after their upload, go with their files."""
    Import.objects.abandoned(before=timezone.now() - Import.ABANDONED_AFTER).delete()


def _batches(
    imp: Import, names: Names
) -> Iterator[tuple[int, list[dict], list[list[tuple]], list[dict]]]:
    """The file's rows, a batch at a time: how many, the valid rows as a task's fields and
    their RACI, the problems, each with the value as written; one in a column of dates or
    hours, or of listed values, also with the column's index, as changing how the column
    reads or what its values become may fix it."""
    text, _ = decode(bytes(imp.content))
    columns = {
        field: (header, index)
        for index, (header, field) in enumerate(zip(imp.headers, imp.mapping, strict=True))
    }
    all_rows = rows(text, delimiter=imp.delimiter, mapping=imp.mapping)
    form = TaskRowForm(names=names, readings=imp.field_readings, mapped=imp.mapping)
    meanings = tables(imp.mapping, imp.values)
    while batch := list(itertools.islice(all_rows, settings.MOPSBOARD_IMPORT_BATCH_ROWS)):
        valid, raci, problems = [], [], []
        for row in batch:
            if row.problem:
                problems.append({"line": row.line, "column": "", "message": row.problem})
                continue
            fields = form.check(_meant(row.values, meanings))
            if fields is not None:
                valid.append(fields)
                raci.append(form.roles())
                continue
            for field, errors in form.errors.items():
                header, index = columns.get(field) or (
                    f"{FIELDS[field][0]} (no column)" if field in FIELDS else "",
                    None,
                )
                where = {"line": row.line, "column": header}
                if field in row.values:
                    where["value"] = row.values[field][:PROBLEM_VALUE_LENGTH]
                if index is not None and readings_of(field):
                    where["column_index"] = index
                if index is not None and field in VALUE_FIELDS and _listed(imp, index):
                    where["values_index"] = index
                problems.extend({**where, "message": message} for message in errors)
        yield len(batch), valid, raci, problems


def _listed(imp: Import, index: int) -> bool:
    """Whether the columns page lists the values of the column."""
    return index < len(imp.values) and bool(imp.values[index])


def _meant(values: dict, meanings: dict[str, dict[str, str]]) -> dict:
    """A row's cells with each listed value as what it becomes (imports.mapping)."""
    if not meanings:
        return values
    meant = dict(values)
    for field, table in meanings.items():
        if field in meant:
            meant[field] = table.get(value_key(meant[field]), meant[field])
    return meant


def _read_columns(imp: Import) -> tuple[list, list, list[str]]:
    """What the check asks the lead about before it reads a row, in one pass over the file
    when anything is to be read:

    - how each column of dates or hours reads: as the lead chose, else as all its values
      tell (imports.dates, imports.numbers), with a few of them to show; a column of dates
      that reads two ways waits for the lead ("reading": "");
    - what the values of each column of scores, statuses or categories become
      (imports.mapping), a value the lead is to say or confirm "asked";
    - the new people the columns of RACI roles name.
    """
    readings = [
        entry if entry and entry["chosen"] and entry["reading"] in readings_of(field) else None
        for field, entry in itertools.zip_longest(imp.mapping, imp.readings[: len(imp.mapping)])
    ]
    unread = {
        field: index
        for index, field in enumerate(imp.mapping)
        if readings_of(field) and readings[index] is None
    }
    listed = {field: index for index, field in enumerate(imp.mapping) if field in VALUE_FIELDS}
    raci = [field for field in imp.mapping if field in ROLE_FIELDS]
    values = {field: {} for field in [*unread, *listed, *raci]}
    if values:
        text, _ = decode(bytes(imp.content))
        for row in rows(text, delimiter=imp.delimiter, mapping=imp.mapping):
            for field, seen in values.items():
                if value := row.values.get(field, "").strip():
                    seen[value] = None
    for field, index in unread.items():
        seen = list(values[field])
        if field in DATE_FIELDS:
            seen = [value for value in seen if not dates.ISO_WEEK.fullmatch(value)]
            reading = dates.column_order(seen) or ""
            differ = dates.ambiguous_values(seen)
        else:
            reading = numbers.column_mark(seen, delimiter=imp.delimiter)
            differ = numbers.ambiguous_values(seen)
        examples = (differ or seen)[:SHOWN_VALUES]
        readings[index] = {"reading": reading, "chosen": False, "examples": examples}
    return readings, _listed_values(imp, listed, values), _new_people(raci, values)


def _listed_values(imp: Import, listed: dict[str, int], values: dict) -> list:
    preset = preset_of(imp.tool)
    entries = [None] * len(imp.mapping)
    for field, index in listed.items():
        before = imp.values[index] if index < len(imp.values) else None
        spellings = {}
        for value in values[field]:
            spellings.setdefault(value_key(value), value)
        column = header_key(imp.headers[index])
        entries[index] = entries_of(
            field,
            list(spellings.values()),
            header_key=column,
            known=known_values(
                imp.tool, field, column, preset.values.get(field, {}) if preset else {}
            ),
            chosen={
                value_key(entry["value"]): entry["becomes"]
                for entry in before or []
                if not entry["asked"]
            },
        )
    return entries


def _new_people(raci: list[str], values: dict) -> list[str]:
    names = Names()
    for field in raci:
        for cell in values[field]:
            for name in names_in(cell):
                # A name several people have is its rows' problem, found by the check.
                with contextlib.suppress(ValidationError):
                    names.person(name)
    return sorted(person.name for person in names.new_people.values())


def import_check(*, import_id: int) -> None:
    """Check every row as the task form would, and keep the report: how each column of
    dates and hours reads, the problems (line, column, value, message), the first rows as
    they will be written, the people and categories to be made. A column of dates that
    reads two ways stops it first, back at its columns for the lead to say which. Run by
    the worker; nothing is written but the Import. Reading the columns takes one more pass
    over the file (about 1.5 s for 100,000 rows)."""
    imp = Import.objects.filter(pk=import_id, state=Import.State.CHECKING).first()
    if imp is None:
        return
    Import.objects.filter(pk=imp.pk).update(
        rows_checked=0, reported_at=timezone.now(), restarted_at=_restarted_at(imp)
    )
    try:
        _check(imp)
    except Exception as error:
        logger.exception("%s could not be checked.", imp.label)
        _finish(imp, Import.State.FAILED, error=f"The check stopped: {error}"[:500])


def _check(imp: Import) -> None:
    imp.readings, imp.values, new_people = _read_columns(imp)
    confirmed = {name_key(name) for name in imp.people_confirmed}
    asked_people = [name for name in new_people if name_key(name) not in confirmed]
    if imp.questions or imp.value_questions or asked_people:
        # Never a guess: the lead says how a column reads, what its values become and
        # whether its new people are added, and the rows are checked then.
        Import.objects.filter(pk=imp.pk, state=Import.State.CHECKING).update(
            state=Import.State.MAPPING,
            readings=imp.readings,
            values=imp.values,
            new_people=asked_people,
        )
        return
    Import.objects.filter(pk=imp.pk).update(readings=imp.readings, values=imp.values)
    names, checked, problems, sample = Names(), 0, [], []
    for count, valid, raci, batch_problems in _batches(imp, names):
        checked += count
        problems.extend(batch_problems)
        sample.extend(
            _shown(fields, roles)
            for fields, roles in zip(valid[: SAMPLE_ROWS - len(sample)], raci, strict=False)
        )
        Import.objects.filter(pk=imp.pk).update(rows_checked=checked, reported_at=timezone.now())
    Import.objects.filter(pk=imp.pk, state=Import.State.CHECKING).update(
        state=Import.State.CHECKED,
        rows_total=checked,
        rows_checked=checked,
        **_report(problems),
        sample=sample,
        new_people=sorted(person.name for person in names.new_people.values()),
        new_categories=sorted(category.name for category in names.new_categories.values()),
    )


def _restarted_at(imp: Import) -> datetime.datetime | None:
    """When the step under way starts over: now, if a worker before this one reported on
    it (that worker stopped, and mopsboard.tasks.retry_stalled_jobs queued the job again;
    its count of rows is void, as nothing it did is kept)."""
    return timezone.now() if imp.reported_at else imp.restarted_at


def _report(problems: list[dict]) -> dict:
    return {
        "problems": problems[: settings.MOPSBOARD_IMPORT_PROBLEMS_KEPT],
        "problem_count": len(problems),
    }


def _shown(fields: dict, roles: list[tuple]) -> dict:
    """A row as the preview shows it."""
    status = fields["status"]
    return {
        "title": fields["title"],
        "requester": str(fields["requester"] or ""),
        "raci": ", ".join(f"{person} ({role})" for person, role in roles),
        "category": str(fields["category"] or ""),
        "scores": f"{fields['impact']} / {fields['effort']}" if fields["impact"] else "",
        "status": status.label if status else "",
        "estimate": str(fields["estimate_hours"] or ""),
        "week": fields["planned_week"].isoformat() if fields["planned_week"] else "",
        "due": fields["due_date"].isoformat() if fields["due_date"] else "",
    }


class _StillWrong(Exception):
    """Rows that no longer pass (something changed since the check): nothing is written."""

    def __init__(self, problems: list[dict], checked: int):
        super().__init__(f"{len(problems)} problems")
        self.problems, self.checked = problems, checked


class _Tally:
    """Rows written so far, and when, for the page that polls. Counted on a connection of
    its own: the tasks wait in one transaction to commit together, and nothing it writes
    is seen by anyone until then."""

    def __init__(self, imp: Import):
        self.import_id = imp.pk
        self.restarted_at = _restarted_at(imp)
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, written: int) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE imports_import SET rows_written = %s, reported_at = %s, "
                "restarted_at = %s WHERE id = %s",
                [written, timezone.now(), self.restarted_at, self.import_id],
            )

    def close(self) -> None:
        self.connection.close()


def import_write(*, import_id: int) -> None:
    """Write every row of a checked import as a task, all or nothing (see the module's
    docstring). Run by the worker; ends done, back at checked with the problems found,
    or failed with the reason, and in the last two cases with no task written."""
    imp = Import.objects.filter(pk=import_id, state=Import.State.WRITING).first()
    if imp is None:
        return
    tally = _Tally(imp)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [WRITE_LOCK, imp.pk])
                if not cursor.fetchone()[0]:
                    return  # Another worker is writing this import.
            _references_checked_as_written()
            tally(0)
            written = _write(imp, tally)
    except _StillWrong as wrong:
        _finish(imp, Import.State.CHECKED, rows_checked=wrong.checked, **_report(wrong.problems))
    except Exception as error:
        logger.exception("%s failed; nothing was written.", imp.label)
        _finish(imp, Import.State.FAILED, error=f"Nothing was imported: {error}"[:500])
    else:
        _finish(imp, Import.State.DONE, rows_written=written, finished_at=timezone.now())
        # Committed: whoever the rows gave a part in the work hears of it (notifications).
        import_written.send(sender=Import, imp=imp)
    finally:
        tally.close()


def _references_checked_as_written() -> None:
    """Until the transaction ends, PostgreSQL checks each statement's foreign keys as it
    runs rather than all at the commit, where Django's deferrable constraints would put
    them (see the module's docstring for why an import's long transaction wants that)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _write(imp: Import, tally: _Tally) -> int:
    names, checked, written, problems = Names(), 0, 0, []
    history = {"reason": imp.label, "import_id": imp.pk}
    for count, valid, raci, batch_problems in _batches(imp, names):
        checked += count
        problems.extend(batch_problems)
        # After a problem nothing more is written; the rest is checked for the report.
        if not problems:
            _save_new(names)
            made = tasks_create(
                tasks=valid,
                by=imp.created_by,
                via=VIA,
                history=history,
            )
            roles = [
                (task, person, role)
                for task, roles in zip(made, raci, strict=True)
                for person, role in roles
            ]
            if roles:
                assignments_create(roles=roles, by=imp.created_by, via=VIA, history=history)
            written += len(valid)
        tally(written)
    if problems:
        raise _StillWrong(problems, checked)
    return written


def _save_new(names: Names) -> None:
    """The people and categories the rows so far named for the first time."""
    Person.objects.bulk_create([p for p in names.new_people.values() if p.pk is None])
    Category.objects.bulk_create([c for c in names.new_categories.values() if c.pk is None])


def _finish(imp: Import, state: str, **fields) -> None:
    rows_written = fields.pop("rows_written", 0)
    Import.objects.filter(pk=imp.pk).update(state=state, rows_written=rows_written, **fields)


def import_undo_run(*, import_id: int, keep_changed: bool) -> None:
    """Remove the tasks of an import whose undo was asked (imports.services.import_undo),
    with their RACI, through backlog's tasks_delete (recorded in each task's history as
    the undo of the import; no news or webhook, as for any delete), in one transaction.
    Tasks changed since stay if `keep_changed`; if some changed after the lead asked
    without, nothing is removed and the import is back at done, saying why. The people
    and categories it added stay too: they may be on other tasks by now. Run by the
    worker; on an error nothing is removed."""
    imp = Import.objects.filter(pk=import_id, state=Import.State.UNDOING).first()
    if imp is None:
        return
    back = {"state": Import.State.DONE, "undone_by": None}
    try:
        with transaction.atomic():
            if not Import.objects.select_for_update().filter(pk=imp.pk, state=Import.State.UNDOING):
                return  # Another worker undid it.
            _references_checked_as_written()
            _undo(imp, keep_changed=keep_changed)
    except _ChangedSince as changed:
        Import.objects.filter(pk=imp.pk).update(
            **back,
            error=f"{changed.count} of its tasks changed after the undo was asked: nothing "
            "was removed. Undo again to see them.",
        )
    except Exception as error:
        logger.exception("The undo of %s failed; nothing was removed.", imp.label)
        Import.objects.filter(pk=imp.pk).update(
            **back, error=f"The undo stopped, nothing was removed: {error}"[:500]
        )


class _ChangedSince(Exception):
    def __init__(self, count: int):
        super().__init__(f"{count} tasks changed")
        self.count = count


def _undo(imp: Import, *, keep_changed: bool) -> None:
    # Locked, so an edit waits for the undo, then finds its task gone.
    every = set(import_tasks(imp).select_for_update().values_list("pk", flat=True))
    changed = set(import_tasks_changed(imp).values_list("pk", flat=True))
    if changed and not keep_changed:
        raise _ChangedSince(len(changed))
    removed, gone, size = 0, sorted(every - changed), settings.MOPSBOARD_IMPORT_BATCH_ROWS
    # A batch at a time, as they were written: Django's delete holds its tasks in memory.
    for start in range(0, len(gone), size):
        removed += tasks_delete(
            tasks=gone[start : start + size],
            by=imp.undone_by,
            via=VIA,
            history={"reason": f"Undo of {imp.label}"},
        )
    Import.objects.filter(pk=imp.pk).update(
        state=Import.State.UNDONE,
        undone_at=timezone.now(),
        rows_undone=removed,
        rows_kept=len(changed),
    )

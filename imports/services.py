"""Writes of an import through its pages: taking the upload, choosing its columns,
asking for the check and the write, which the task queue's worker does (imports.tasks).

Both run on the worker whatever the file's size: one way for every import, a request
that never waits on 100,000 rows, and an import that carries on when the tab is closed.
The page polls the Import for its progress.

And the way back: the undo of an import written (on the worker too), the delete of one
never written.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from imports.mapping import scores_unpaired, values_remember
from imports.models import Import
from imports.presets import recognise, tool_of
from imports.reading import (
    decode,
    delimiter_of,
    guess_mapping,
    header_key,
    line_count,
    read_headers,
)
from imports.selectors import import_tasks_changed
from imports.tasks import check, undo, write
from mopsboard.errors import Conflict


class NotReady(Conflict):
    """The import is not at the step the lead asked for (a check or a write under way,
    or already imported)."""

    def __init__(self, imp: Import, step: str):
        super().__init__(f"{imp.label} is {imp.get_state_display().lower()}: it cannot {step}.")


def import_start(*, upload, by) -> Import:
    """Keep the uploaded file and read its first line. When every column is recognised
    the rows are checked at once; otherwise the import waits for its columns.
    Raises UnreadableFile for a file that is not CSV text in an encoding it reads."""
    content = upload.read()
    text, encoding = decode(content)
    delimiter = delimiter_of(text)
    headers = read_headers(text, delimiter)
    preset = recognise(headers, encoding=encoding)
    own_columns = preset.column_keys if preset and not preset.by_mark else None
    mapping, recognised = guess_mapping(headers, columns=own_columns)
    imp = Import.objects.create(
        tool=tool_of(headers, preset),
        filename=upload.name[:255],
        content=content,
        encoding=encoding,
        delimiter=delimiter,
        headers=headers,
        mapping=mapping,
        rows_total=line_count(content),
        created_by=by,
    )
    # Impact and effort are scored together: a file with one of them waits for the lead.
    if recognised and "title" in mapping and not scores_unpaired(mapping):
        _queue(imp, Import.State.CHECKING, step="be checked")
    return imp


def import_map(
    *,
    imp: Import,
    mapping: list[str],
    readings: dict[int, str],
    values: dict[int, list[dict]] | None = None,
    people_confirmed: list[str] | None = None,
) -> Import:
    """Take the lead's choice of columns, of how the columns of dates and hours the check
    read read (`readings`, by column), of what the values of the columns of scores,
    statuses and categories become (`values`, by column: remembered for the next import
    from the same tool, under the column's header) and of the new people to add
    (`people_confirmed`), and check the rows again with them; any other column is read
    from its values again."""
    values = values or {}
    chosen = [None] * len(mapping)
    for index, reading in readings.items():
        found = imp.readings[index]
        # A reading left as the check found it stays found, and is found again.
        chosen[index] = {
            **found,
            "reading": reading,
            "chosen": found["chosen"] or reading != found["reading"],
        }
    with transaction.atomic():
        imp = _queue(
            imp,
            Import.State.CHECKING,
            step="have its columns changed",
            mapping=mapping,
            readings=chosen,
            values=[values.get(index) for index in range(len(mapping))],
            # Agreed once, for this file: a later change of its columns does not ask again.
            people_confirmed=[*imp.people_confirmed, *(people_confirmed or [])],
        )
        values_remember(
            tool=imp.tool,
            answers=[
                (mapping[index], header_key(imp.headers[index]), entries)
                for index, entries in values.items()
            ],
        )
    return imp


def import_commit(*, imp: Import) -> Import:
    """Write the tasks of an import checked without a problem."""
    if imp.problem_count:
        raise NotReady(imp, step="be imported before its problems are fixed")
    return _queue(imp, Import.State.WRITING, step="be imported")


# Where each next step may start from: a write only from a check that found nothing.
_STARTS = {
    Import.State.CHECKING: Q(
        state__in=(Import.State.MAPPING, Import.State.CHECKED, Import.State.FAILED)
    ),
    Import.State.WRITING: Q(state=Import.State.CHECKED, problem_count=0),
}


def _queue(imp: Import, state: str, *, step: str, **changes) -> Import:
    # The job is queued in the same transaction as the state it starts from, so the two
    # never disagree; a second click finds the state moved on and is refused.
    if state == Import.State.CHECKING:
        changes.update(problems=[], problem_count=0, sample=[], new_people=[], new_categories=[])
    with transaction.atomic():
        if not Import.objects.filter(_STARTS[state], pk=imp.pk).update(
            state=state,
            rows_checked=0,
            rows_written=0,
            reported_at=None,
            restarted_at=None,
            error="",
            finished_at=None,
            **changes,
        ):
            imp.refresh_from_db()
            raise NotReady(imp, step=step)
        (check if state == Import.State.CHECKING else write).defer(import_id=imp.pk)
    imp.refresh_from_db()
    return imp


class UndoneAlready(Conflict):
    def __init__(self, imp: Import):
        who = imp.undone_by or "someone"
        when = timezone.localtime(imp.undone_at).strftime("%-d %b %Y %H:%M")
        super().__init__(f"{imp.label} was undone already, by {who} on {when}.")


class TasksChangedSince(Conflict):
    """Some of the import's tasks changed since it was written: the undo waits for the
    lead's word to remove only the others."""

    def __init__(self, imp: Import, changed: int):
        super().__init__(
            f"{changed} of the tasks of {imp.label} changed since it was imported: "
            "confirm to remove only the others and keep these."
        )
        self.changed = changed


def import_undo(*, imp: Import, by, keep_changed: bool = False) -> Import:
    """Ask for the undo of an import written: its tasks are removed by the queue's worker
    (imports.tasks.import_undo_run), as the write ran there, since removing 100,000 of them
    outlasts a request. Tasks changed since are someone's work: while there are any the
    undo is refused (TasksChangedSince) unless `keep_changed`, and then they stay. Once
    only: an undo queued or done refuses another."""
    with transaction.atomic():
        imp = _imports().select_for_update(of=("self",)).get(pk=imp.pk)
        if imp.state == Import.State.UNDONE:
            raise UndoneAlready(imp)
        if imp.state != Import.State.DONE:
            raise NotReady(imp, step="be undone")
        changed = import_tasks_changed(imp).count()
        if changed and not keep_changed:
            raise TasksChangedSince(imp, changed)
        Import.objects.filter(pk=imp.pk).update(
            state=Import.State.UNDOING, undone_by=by, reported_at=None, error=""
        )
        undo.defer(import_id=imp.pk, keep_changed=keep_changed)
    imp.refresh_from_db()
    return imp


def import_delete(*, imp: Import) -> None:
    """Delete an import never written (NotReady otherwise), its file with it."""
    if not Import.objects.abandoned().filter(pk=imp.pk).delete()[0]:
        raise NotReady(imp, step="be deleted")


def _imports():
    return Import.objects.defer("content").select_related("undone_by")

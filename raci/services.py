"""Writes to the RACI: one cell at a time, never two Accountable, recorded in history;
and the undo of a change to a task or its RACI (it needs both)."""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from pghistory.models import Context

from backlog.models import Task, TaskEvent
from backlog.services import task_update
from backlog.signals import Change, send_task_changed
from mopsboard.errors import Conflict, NotFound
from mopsboard.history import history_context
from mopsboard.templatetags.hours import hours_text
from mopsboard.weeks import week_label
from people.models import Person
from people.services import person_for
from raci.models import (
    ACCOUNTABLE_ROLES,
    RESPONSIBLE_ROLES,
    Assignment,
    AssignmentEvent,
    Role,
    ShareLink,
)
from raci.signals import change_undone

# Who would be over their hours in a task's planned week if a person were made Responsible
# for it too: capacity's rule, which capacity gives here at start-up (CapacityConfig.ready),
# as it adds planning to the task actions; the RACI sits below capacity and cannot import
# it. Each check answers a list of overloads (`person`, `load` and `capacity` in hours).
RESPONSIBLE_CHECKS: dict[str, Callable[[Task, Person], list]] = {}


class CellChanged(Conflict):
    """Someone changed this cell since the editor saw it; `current` is its role now."""

    def __init__(self, current: str):
        super().__init__(f"The cell is {current or 'empty'} now.")
        self.current = current


class OverCapacity(Conflict):
    """Making the person Responsible would put them over their hours in the task's week."""

    def __init__(self, task: Task, overloads: list):
        over = ", ".join(
            f"{o.person} would be at {hours_text(o.load)} of {hours_text(o.capacity)} h "
            f"in {week_label(o.week)}"
            for o in overloads
        )
        super().__init__(f"{over}.")
        self.overloads = overloads


class AccountableTaken(Conflict):
    """Another person is already Accountable for the task."""

    def __init__(self, holder: Assignment):
        super().__init__(f"{holder.person} is Accountable.")
        self.holder = holder


def assignment_set(
    *,
    task,
    person,
    role: str,
    expected: str,
    move_accountable: bool = False,
    check_capacity: bool = False,
    by,
    via: str,
) -> tuple[Person, str] | None:
    """Give `person` the `role` on `task` ("" takes them off it).

    `expected` is the role the editor saw; if the cell holds something else now the
    change is refused (CellChanged) rather than written over. With `check_capacity`,
    making someone Responsible (R or A/R) who was not is refused (OverCapacity) when it
    would put them over their hours in the task's planned week: the editor has seen the
    warning when they ask again without it. Giving A or A/R while
    someone else holds it raises AccountableTaken, unless `move_accountable`: then, in
    the same transaction, the previous holder keeps only their R (from A/R) or leaves
    the task (from A); that person and their new role are returned. The database's
    one-Accountable constraint settles a race between two editors: the second gets
    AccountableTaken too. Two editors filling the same empty cell at once: the second
    gets CellChanged with the first one's role.
    """
    try:
        with transaction.atomic(), history_context(by, via=via):
            cell = Assignment.objects.select_for_update().filter(task=task, person=person).first()
            if (cell.role if cell else "") != expected:
                raise CellChanged(cell.role if cell else "")
            if check_capacity and role in RESPONSIBLE_ROLES and expected not in RESPONSIBLE_ROLES:
                checks = RESPONSIBLE_CHECKS.values()
                if overloads := [o for check in checks for o in check(task, person)]:
                    raise OverCapacity(task, overloads)
            moved = None
            if role in ACCOUNTABLE_ROLES:
                moved = _make_room_for_accountable(task, person, move=move_accountable)
            # The cell read above is locked (or, empty, is the INSERT's to race for):
            # written as it stands, with no savepoints around it.
            if cell is None and role:
                Assignment.objects.create(task=task, person=person, role=role)
            elif cell is not None and not role:
                cell.delete()
            elif cell is not None:
                cell.role = role
                cell.save(update_fields=["role"])
            told = [(person, role, expected)]
            if moved:
                # The previous Accountable's cell changed too: A/R kept its R, A left.
                holder, held = moved
                told.append(
                    (holder, held, Role.ACCOUNTABLE_RESPONSIBLE if held else Role.ACCOUNTABLE)
                )
            for changed, now, was in told:
                send_task_changed(
                    task=task,
                    before=task,
                    by=by,
                    via=via,
                    changes=[Change.RACI_CHANGED],
                    person=changed,
                    role=now,
                    previous=was,
                )
    except IntegrityError as race:
        # Another editor's transaction got there first: the whole change was rolled back.
        raise _lost_race(task, person, role) from race
    return moved


def stakeholder_add(
    *,
    task,
    name: str,
    email: str,
    role: str,
    move_accountable: bool = False,
    check_capacity: bool = False,
    by,
    via: str,
) -> Person:
    """Give `role` on `task` to the person with this email address, or to a new
    stakeholder by that name and address. Refused as `assignment_set` refuses, and then
    no person is added either; someone already on the task is refused (CellChanged with
    their role) rather than given another.
    """
    with transaction.atomic():
        person = person_for(name=name, email=email)
        assignment_set(
            task=task,
            person=person,
            role=role,
            expected="",
            move_accountable=move_accountable,
            check_capacity=check_capacity,
            by=by,
            via=via,
        )
    return person


def assignments_create(
    *, roles: list[tuple], by, via: str, history: dict | None = None
) -> list[Assignment]:
    """The RACI of new tasks (an import) in one INSERT: (task, person, role) each, recorded
    in the history as made by `by` through `via`. Callers give a task one Accountable at
    most (the rows are checked first); the database's one-Accountable constraint refuses
    the whole INSERT otherwise, as it refuses a person twice on one task."""
    with transaction.atomic(), history_context(by, via=via, **(history or {})):
        return Assignment.objects.bulk_create(
            [Assignment(task=task, person=person, role=role) for task, person, role in roles]
        )


def _lost_race(task, person, role: str) -> Conflict:
    """What beat a change to the cell: someone else made Accountable, or the cell set."""
    holder = (
        Assignment.objects.select_related("person")
        .filter(task=task, role__in=ACCOUNTABLE_ROLES)
        .exclude(person=person)
        .first()
    )
    if role in ACCOUNTABLE_ROLES and holder is not None:
        return AccountableTaken(holder)
    cell = Assignment.objects.filter(task=task, person=person).first()
    return CellChanged(cell.role if cell else "")


def _make_room_for_accountable(task, person, *, move: bool) -> tuple[Person, str] | None:
    holder = (
        Assignment.objects.select_for_update()
        .select_related("person")
        .filter(task=task, role__in=ACCOUNTABLE_ROLES)
        .exclude(person=person)
        .first()
    )
    if holder is None:
        return None
    if not move:
        raise AccountableTaken(holder)
    if holder.role == Role.ACCOUNTABLE_RESPONSIBLE:
        holder.role = Role.RESPONSIBLE
        holder.save(update_fields=["role"])
        return holder.person, Role.RESPONSIBLE
    holder.delete()
    return holder.person, ""


def share_link_create(*, label: str, query: str, expires_on: datetime.date | None, by) -> ShareLink:
    return ShareLink.objects.create(label=label, query=query, expires_on=expires_on, created_by=by)


def share_link_revoke(*, link: ShareLink) -> None:
    ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


class NothingToUndo(NotFound):
    def __init__(self):
        super().__init__("There is no such change to undo.")


class UndoRefused(Conflict):
    """An undo itself, not the undoer's own change, too late, or undone already."""


# A task's fields an undo puts back: all its history keeps but its id and its version
# (which moves on).
RESTORED_FIELDS = [
    field.attname
    for field in TaskEvent._meta.concrete_fields
    if not field.name.startswith("pgh_") and field.name not in ("id", "version")
]


def task_change_undo(*, change: str, by) -> Task:
    """Take back `change` (the id of its history context: what one action did to one
    task's fields and RACI cells), if `by` made it less than MOPSBOARD_UNDO_SECONDS ago on
    a page that offered to undo it, and it is not undone yet, nor an undo itself.

    The state before it is read from the history and written back through the services,
    through the change's own door, recorded as its undo (the history's "Undone"): the
    version moves on, so a tab loaded before still conflicts; webhooks hear of the change
    back as of any other; the news of the change, still waiting, is cancelled
    (notifications); a plan's weeks come back (capacity, told by change_undone). Anything
    changed since: StaleEdit or CellChanged, nothing undone."""
    task_events = list(TaskEvent.objects.filter(pgh_context_id=change).order_by("pgh_id"))
    cell_events = list(AssignmentEvent.objects.filter(pgh_context_id=change).order_by("pgh_id"))
    made = Context.objects.filter(pk=change).first()
    tasks = {event.pgh_obj_id for event in task_events} | {e.task_id for e in cell_events}
    if made is not None and made.metadata.get("undoes"):
        # The news of what it took back was cancelled: undoing it would make that change
        # again and tell nobody of it.
        raise UndoRefused("That was an undo; make the change again instead.")
    if (
        made is None
        or not made.metadata.get("offers_undo")
        or len(tasks) != 1
        or any(event.pgh_label != "update" for event in task_events)
    ):
        raise NothingToUndo()
    if made.metadata.get("user") != by.pk:
        raise UndoRefused("Only the person who made a change can undo it.")
    seconds = settings.MOPSBOARD_UNDO_SECONDS
    if made.created_at < timezone.now() - datetime.timedelta(seconds=seconds):
        raise UndoRefused(f"Too late to undo: a change can be undone for {seconds} seconds.")
    task = Task.objects.select_related("requester", "category").filter(pk=tasks.pop()).first()
    if task is None:
        raise NothingToUndo()
    if _undone(task, change):
        raise UndoRefused(f"That change to “{task.title}” is undone already.")
    via = made.metadata["via"]
    with (
        transaction.atomic(),
        history_context(by, via=via, reason="Undone", undoes=str(change)),
    ):
        if task_events:
            task = _task_restore(task, task_events, by=by, via=via)
        _cells_restore(task, cell_events, by=by, via=via)
        change_undone.send(sender=Task, task=task, change=str(change), by=by, via=via)
    return task


def _undone(task: Task, change: str) -> bool:
    undo = {"pgh_context__metadata__undoes": str(change)}
    return (
        TaskEvent.objects.filter(pgh_obj_id=task.pk, **undo).exists()
        or AssignmentEvent.objects.filter(task_id=task.pk, **undo).exists()
    )


def _task_restore(task: Task, events: list, *, by, via: str) -> Task:
    """The task's fields as its history has them before `events`, written back if it is
    still as `events` left it."""
    after = events[-1]
    before = (
        TaskEvent.objects.filter(pgh_obj_id=task.pk, pgh_id__lt=events[0].pgh_id)
        .order_by("-pgh_id")
        .first()
    )
    restored = {
        name: getattr(before, name)
        for name in RESTORED_FIELDS
        if getattr(before, name) != getattr(after, name)
    }
    return task_update(task=task, version=after.version, by=by, via=via, **restored)


def _cells_restore(task: Task, events: list, *, by, via: str) -> None:
    """Each RACI cell `events` touched, back to its role before them if it still holds
    the one they left; an Accountable given back last, once the A is free."""
    cells = {}
    for event in events:
        role = "" if event.pgh_label == "delete" else event.role
        if event.person_id not in cells:
            cells[event.person_id] = [_role_before(event), role]
        cells[event.person_id][1] = role
    people = Person.objects.in_bulk(cells)
    for person_id, (before, after) in sorted(
        cells.items(), key=lambda cell: cell[1][0] in ACCOUNTABLE_ROLES
    ):
        if before == after:
            continue
        assignment_set(
            task=task, person=people[person_id], role=before, expected=after, by=by, via=via
        )


def _role_before(event) -> str:
    """The role a cell held before `event` changed it ("" for none)."""
    if event.pgh_label == "insert":
        return ""
    if event.pgh_label == "delete":
        return event.role
    previous = (
        AssignmentEvent.objects.filter(pgh_obj_id=event.pgh_obj_id, pgh_id__lt=event.pgh_id)
        .order_by("-pgh_id")
        .first()
    )
    return previous.role

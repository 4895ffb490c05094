"""Writes to the RACI: one cell at a time, never two Accountable, recorded in history."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from backlog.signals import Change, send_task_changed
from mopsboard.errors import Conflict
from mopsboard.history import history_context
from people.models import Person
from raci.models import ACCOUNTABLE_ROLES, Assignment, Role, ShareLink


class CellChanged(Conflict):
    """Someone changed this cell since the editor saw it; `current` is its role now."""

    def __init__(self, current: str):
        super().__init__(f"The cell is {current or 'empty'} now.")
        self.current = current


class AccountableTaken(Conflict):
    """Another person is already Accountable for the task."""

    def __init__(self, holder: Assignment):
        super().__init__(f"{holder.person} is Accountable.")
        self.holder = holder


def assignment_set(
    *, task, person, role: str, expected: str, move_accountable: bool = False, by, via: str
) -> tuple[Person, str] | None:
    """Give `person` the `role` on `task` ("" takes them off it).

    `expected` is the role the editor saw; if the cell holds something else now the
    change is refused (CellChanged) rather than written over. Giving A or A/R while
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
            send_task_changed(
                task=task,
                before=task,
                by=by,
                via=via,
                changes=[Change.RACI_CHANGED],
                person=person,
                role=role,
            )
    except IntegrityError as race:
        # Another editor's transaction got there first: the whole change was rolled back.
        raise _lost_race(task, person, role) from race
    return moved


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

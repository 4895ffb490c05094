"""What a spare-hours suggestion's buttons write (capacity.fill_ins suggests): plan it,
making the person Responsible where nobody was, or not this week. Apart from
capacity.services, which the review's agenda (and so the suggestions) sits under."""

import datetime

from django.db import transaction

from backlog.models import Task
from capacity.models import SuggestionDismissal
from capacity.services import task_plan
from mopsboard.errors import Conflict
from people.models import Person
from raci.models import RESPONSIBLE_ROLES, Assignment, Role
from raci.services import assignment_set


class SuggestionTaken(Conflict):
    """Someone else became Responsible for a suggested fill-in since it was suggested."""


def suggestion_plan(
    *, task: Task, person: Person, week: datetime.date, version: int, by, via: str
) -> Task:
    """Plan a suggested fill-in into `week` for `person`, making them Responsible first
    where nobody was, in one transaction: refused as planning is (task_plan), over
    capacity included, and then the RACI change is undone with it."""
    with transaction.atomic():
        roles = dict(
            Assignment.objects.select_for_update()
            .filter(task=task)
            .values_list("person_id", "role")
        )
        responsible = [pk for pk, role in roles.items() if role in RESPONSIBLE_ROLES]
        if responsible and person.pk not in responsible:
            raise SuggestionTaken(
                f"Someone else is Responsible for “{task.title}” now: it is theirs to plan."
            )
        if not responsible:
            current = roles.get(person.pk, "")
            # One role a person on a task: the Accountable keeps theirs and does the work too.
            role = Role.ACCOUNTABLE_RESPONSIBLE if current == Role.ACCOUNTABLE else Role.RESPONSIBLE
            assignment_set(task=task, person=person, role=role, expected=current, by=by, via=via)
        return task_plan(task=task, version=version, week=week, by=by, via=via)


def suggestion_dismiss(*, task: Task, person: Person, week: datetime.date, by) -> None:
    """Stop suggesting `task` to `person` in `week` ("Not this week"); other weeks keep it."""
    SuggestionDismissal.objects.get_or_create(
        task=task, person=person, week=week, defaults={"dismissed_by": by}
    )

"""The check constraints tested in Python (mopsboard.constraints) answer as PostgreSQL
does, for every constraint of a task, NULLs included."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from backlog.models import Status, Task
from mopsboard.constraints import (
    UnsupportedCondition,
    _checks,
    condition_fields,
    violated_check_constraints,
)

pytestmark = pytest.mark.django_db

CHECKS = [c for c in Task._meta.constraints if isinstance(c, models.CheckConstraint)]


def _in_the_database(constraint, task) -> bool:
    try:
        constraint.validate(Task, task)
    except ValidationError:
        return False
    return True


def test_every_task_constraint_is_answered_as_the_database_answers():
    grid = itertools.product(
        [None, 0, 5, 6],  # impact
        [None, 3],  # effort
        [None, Decimal("0"), Decimal("2.5")],  # estimate
        [Status.NEW, Status.BACKLOG, Status.DEFERRED, Status.DECLINED],
        [None, datetime.date(2027, 1, 4)],  # deferred until
        ["", "No budget"],  # declined reason
    )
    checked = 0
    for impact, effort, estimate, status, until, reason in grid:
        task = Task(
            title="x",
            impact=impact,
            effort=effort,
            estimate_hours=estimate,
            status=status,
            deferred_until=until,
            declined_reason=reason,
        )
        python = violated_check_constraints(
            Task, {field.name: getattr(task, field.attname) for field in Task._meta.fields}
        )
        for constraint in CHECKS:
            assert (constraint not in python) == _in_the_database(constraint, task), (
                constraint.name,
                impact,
                effort,
                estimate,
                status,
                until,
                reason,
            )
            checked += 1
    assert checked == 4 * 2 * 3 * 4 * 2 * 2 * len(CHECKS)


def test_a_condition_it_cannot_evaluate_is_refused_rather_than_guessed():
    constraint = models.CheckConstraint(
        condition=models.Q(title__startswith="x"), name="title_starts_with_x"
    )
    Task._meta.constraints.append(constraint)
    _checks.cache_clear()
    try:
        with pytest.raises(UnsupportedCondition):
            violated_check_constraints(Task, {"title": "x"})
    finally:
        Task._meta.constraints.remove(constraint)
        _checks.cache_clear()


def test_the_fields_a_condition_reads_in_order():
    names = {c.name: condition_fields(c.condition) for c in CHECKS}
    assert names["task_deferred_has_return_date"] == ("status", "deferred_until")
    # Q() keeps its keyword arguments in alphabetical order.
    assert names["task_scores_both_set_and_1_to_5"] == ("effort", "impact")

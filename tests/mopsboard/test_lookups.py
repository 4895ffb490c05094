"""`any_of`: the rows `__in` finds, with the list sent as one array."""

import pytest
from django.contrib.postgres.expressions import ArraySubquery

from backlog.models import Task
from raci.models import Assignment
from tests.factories import AssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds_on_a_key_and_a_foreign_key():
    tasks = TaskFactory.create_batch(4)
    for task in tasks:
        AssignmentFactory(task=task)
    chosen = [tasks[0].pk, tasks[2].pk, 10**9]
    assert set(Task.objects.filter(pk__any_of=chosen)) == set(Task.objects.filter(pk__in=chosen))
    assert set(Assignment.objects.filter(task_id__any_of=chosen)) == set(
        Assignment.objects.filter(task_id__in=chosen)
    )
    assert Assignment.objects.filter(task__any_of=chosen).count() == 2


def test_any_of_an_empty_list_finds_nothing():
    TaskFactory()
    assert not Task.objects.filter(pk__any_of=[]).exists()


def test_any_of_sends_the_list_as_one_parameter():
    ids = [3, 1, 2]
    sql, params = Task.objects.filter(pk__any_of=ids).order_by().query.sql_with_params()
    assert sql.endswith('WHERE "backlog_task"."id" = ANY(%s)')
    assert params == ([3, 1, 2],)


def test_any_of_an_array_subquery_finds_what_in_finds():
    tasks = TaskFactory.create_batch(3, impact=4, effort=2)
    for task in tasks:
        AssignmentFactory(task=task)
    Task.objects.filter(pk=tasks[1].pk).update(status="planned", planned_week="2026-11-23")
    planned = Task.objects.filter(status="planned").order_by().values("pk")
    found = Assignment.objects.filter(task__any_of=ArraySubquery(planned))
    assert set(found) == set(Assignment.objects.filter(task__in=planned))
    assert [assignment.task_id for assignment in found] == [tasks[1].pk]
    sql, _ = found.query.sql_with_params()
    assert '"raci_assignment"."task_id" = ANY((ARRAY(SELECT' in sql

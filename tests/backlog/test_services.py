"""Writes to tasks: database constraints, version checks and the history they leave."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from pghistory.models import Events

from backlog import services
from backlog.models import Quadrant, Status, Task
from backlog.selectors import task_history
from tests.factories import TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "changes",
    [
        {"impact": 0},
        {"impact": 6},
        {"effort": 0},
        {"effort": 6},
        {"impact": None},
        {"status": Status.DEFERRED, "deferred_until": None},
        {"status": Status.DECLINED, "declined_reason": ""},
        {"estimate_hours": 0},
    ],
    ids=lambda changes: ",".join(f"{k}={v}" for k, v in changes.items()),
)
def test_constraints_hold_when_forms_are_bypassed(changes):
    task = TaskFactory(impact=3, effort=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(**changes)


def test_a_scored_backlog_task_cannot_lose_its_scores_in_bulk_create():
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.bulk_create([Task(title="x", status=Status.BACKLOG)])


def test_creating_an_unscored_request_puts_it_in_triage():
    task = services.task_create(by=None, title="Audit users not logged in for 90 days", via="task")
    assert task.status == Status.NEW
    assert task.quadrant is None


def test_scoring_in_triage_moves_the_request_to_the_backlog():
    task = TaskFactory(unscored=True)
    task = services.task_rescore(
        task=task, version=task.version, impact=5, effort=1, by=None, via="task"
    )
    assert (task.status, task.quadrant, task.version) == (Status.BACKLOG, Quadrant.QUICK_WIN, 2)


def test_a_stale_version_is_refused_and_the_newer_values_kept():
    task = TaskFactory(impact=2, effort=4)
    first = services.task_rescore(task=task, version=1, impact=5, effort=1, by=None, via="task")
    with pytest.raises(services.StaleEdit) as stale:
        services.task_rescore(task=task, version=1, impact=1, effort=5, by=None, via="task")
    assert stale.value.current.version == first.version == 2
    task.refresh_from_db()
    assert (task.impact, task.effort) == (5, 1)


def test_moving_to_a_quadrant_rescores_minimally():
    task = TaskFactory(impact=2, effort=5)
    task = services.task_move_to_quadrant(
        task=task, version=task.version, quadrant=Quadrant.QUICK_WIN, by=None, via="task"
    )
    assert (task.impact, task.effort) == (3, 2)


def test_defer_and_decline_record_date_and_reason():
    task = TaskFactory()
    until = datetime.date(2027, 1, 4)
    task = services.task_defer(task=task, version=task.version, until=until, by=None, via="task")
    assert (task.status, task.deferred_until) == (Status.DEFERRED, until)
    task = services.task_decline(
        task=task, version=task.version, reason="Out of scope", by=None, via="task"
    )
    assert (task.status, task.declined_reason) == (Status.DECLINED, "Out of scope")


def test_history_records_who_changed_what():
    lead = UserFactory(username="priya")
    task = TaskFactory(impact=2, effort=4, title="Bounce management campaign")
    services.task_rescore(task=task, version=task.version, impact=4, effort=2, by=lead, via="task")
    latest = task_history(task)[0]
    assert latest.who == "priya"
    assert ("impact", 2, 4) in latest.changes
    assert ("effort", 4, 2) in latest.changes


def test_history_records_bulk_updates_row_by_row():
    tasks = TaskFactory.create_batch(3, effort=1)
    Task.objects.update(effort=4)
    for task in tasks:
        updates = Events.objects.tracks(task).filter(pgh_label="update")
        assert [event.pgh_diff["effort"] for event in updates] == [[1, 4]]


def test_history_keeps_a_deleted_task():
    task = TaskFactory()
    task_id = task.pk
    services.task_delete(task=task, by=None, via="task")
    assert Events.objects.tracks(Task(pk=task_id)).filter(pgh_label="delete").count() == 1


def test_history_names_the_requester_not_its_id():
    from tests.factories import PersonFactory

    task = TaskFactory(requester=PersonFactory(name="Dana Whitfield"))
    services.task_edit(
        task=task, version=1, by=None, requester=PersonFactory(name="Marco Rossi"), via="task"
    )
    assert ("requester", "Dana Whitfield", "Marco Rossi") in task_history(task)[0].changes


def test_leaving_deferred_or_declined_clears_the_date_and_reason():
    task = TaskFactory()
    task = services.task_defer(
        task=task, version=1, until=datetime.date(2027, 1, 4), by=None, via="task"
    )
    task = services.task_decline(task=task, version=2, reason="Out of scope", by=None, via="task")
    assert task.deferred_until is None
    task = services.task_set_status(
        task=task, version=3, status=Status.BACKLOG, by=None, via="task"
    )
    assert (task.status, task.declined_reason, task.deferred_until) == (Status.BACKLOG, "", None)


def test_editing_a_task_deleted_meanwhile_is_refused_as_gone():
    task = TaskFactory()
    Task.objects.filter(pk=task.pk).delete()
    with pytest.raises(services.TaskGone, match="was deleted"):
        services.task_rescore(task=task, version=1, impact=1, effort=1, by=None, via="task")


def test_deferred_work_returns_to_triage_on_its_date_and_not_before():
    today = datetime.date(2027, 1, 1)
    due = TaskFactory(status=Status.DEFERRED, deferred_until=today)
    later = TaskFactory(status=Status.DEFERRED, deferred_until=today + datetime.timedelta(days=1))
    assert services.deferred_tasks_return(today=today) == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, due.deferred_until, due.version) == (Status.NEW, None, 2)
    assert later.status == Status.DEFERRED
    entry = task_history(due)[0]
    assert (entry.label, entry.who) == ("Came back from deferral", "system")


def test_return_deferred_command_reports_how_many_came_back():
    from io import StringIO

    from django.core.management import call_command

    TaskFactory(status=Status.DEFERRED, deferred_until=datetime.date(2020, 1, 1))
    out = StringIO()
    call_command("return_deferred", stdout=out)
    assert out.getvalue().strip() == "1 deferred task back in triage."


def test_a_changed_task_is_given_back_as_stored_without_reading_it_again(
    django_assert_num_queries,
):
    from decimal import Decimal

    from tests.factories import CategoryFactory, PersonFactory

    task = Task.objects.select_related("requester", "category").get(pk=TaskFactory().pk)
    requester, category = PersonFactory(name="Dana"), CategoryFactory(name="Events")
    # The UPDATE, in a savepoint inside the test's transaction: no read of the task.
    with django_assert_num_queries(3):
        changed = services.task_edit(
            task=task,
            version=task.version,
            by=None,
            via="task",
            title="Webinar <b>page</b>",
            requester=requester,
            category=category,
            estimate_hours=Decimal("4"),
            due_date=datetime.date(2027, 1, 15),
        )
    stored = Task.objects.select_related("requester", "category").get(pk=task.pk)
    fields = [field.attname for field in Task._meta.concrete_fields]
    assert [getattr(changed, name) for name in fields] == [getattr(stored, name) for name in fields]
    assert str(changed.estimate_hours) == str(stored.estimate_hours) == "4.0"
    assert (changed.requester.name, changed.category.name) == ("Dana", "Events")
    assert task.title != changed.title and task.version == changed.version - 1

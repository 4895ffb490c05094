"""The way back from an import: undone while its tasks are as it wrote them (or, with the
lead's word, only those), once; an import never written deleted by the lead, or by the
daily job a week after its upload."""

import datetime

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backlog.models import Task, TaskEvent
from backlog.services import task_rescore
from imports import tasks as import_tasks
from imports.models import Import
from imports.tasks import remove_abandoned_imports
from mail.models import Email
from notifications.models import Notification
from people.models import Person
from raci.models import Assignment, AssignmentEvent, Role
from raci.services import assignment_set
from tests.factories import CommentFactory, EndpointFactory, ImportFactory, PersonFactory
from tests.imports.conftest import committed, csv_bytes, run_import_jobs, uploaded
from webhooks.models import Delivery

pytestmark = pytest.mark.django_db

HEADER = ["Title", "Requester", "Impact", "Effort", "Responsible", "Accountable"]


def _imported(client, count: int = 3) -> Import:
    """An import of `count` tasks, each with Rosa Responsible and Amir Accountable, and a
    requester it adds as a new stakeholder."""
    for name in ("Rosa Diaz", "Amir Haddad"):
        # Once: a name two people have is a row's problem.
        if not Person.objects.filter(name=name).exists():
            PersonFactory(name=name)
    rows = [
        [f"Clean up list upload {n}", "Sam Events", "4", "2", "Rosa Diaz", "Amir Haddad"]
        for n in range(count)
    ]
    imp = uploaded(client, csv_bytes([HEADER, *rows]))
    committed(client, imp)
    assert imp.state == Import.State.DONE and imp.rows_written == count, imp.problems
    return imp


def _undo(client, imp: Import, **data):
    """Ask for the undo and let the worker do it."""
    response = _ask_undo(client, imp, **data)
    run_import_jobs()
    return response


def _ask_undo(client, imp: Import, **data):
    return client.post(reverse("imports:undo", args=[imp.pk]), data)


def test_an_untouched_import_is_undone_with_its_raci_and_history(lead_client, lead):
    imp = _imported(lead_client)
    page = lead_client.get(imp.get_absolute_url()).content.decode()
    assert reverse("imports:undo", args=[imp.pk]) in page

    asks = lead_client.get(reverse("imports:undo", args=[imp.pk])).content.decode()
    assert "Its 3 tasks leave the board" in asks
    response = _undo(lead_client, imp)

    assert response.status_code == 302
    assert not Task.objects.exists() and not Assignment.objects.exists()
    # The stakeholder it added stays: a person is not the import's to take back.
    assert Person.objects.filter(name="Sam Events").exists()
    deleted = TaskEvent.objects.filter(pgh_label="delete").select_related("pgh_context")
    assert deleted.count() == 3
    context = deleted[0].pgh_context.metadata
    assert context["reason"] == f"Undo of {imp.label}"
    assert (context["user"], context["via"]) == (lead.pk, "import")
    assert AssignmentEvent.objects.filter(pgh_label="delete").count() == 6
    imp.refresh_from_db()
    assert imp.state == Import.State.UNDONE and imp.rows_undone == 3
    page = lead_client.get(imp.get_absolute_url()).content.decode()
    assert "Undone by lead at" in page and "3 of the 3 tasks" in page


def test_changed_tasks_stop_the_undo_until_the_lead_keeps_them(lead_client, lead):
    imp = _imported(lead_client, count=4)
    first, second, third, _ = Task.objects.order_by("pk")
    task_rescore(task=first, version=first.version, impact=5, effort=1, by=lead, via="task")
    assignment_set(
        task=second,
        person=PersonFactory(name="Kim Lee"),
        role=Role.CONSULTED,
        expected="",
        by=lead,
        via="raci",
    )
    CommentFactory(task=third)

    refused = _undo(lead_client, imp)

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "3 of the tasks of" in page and "confirm to remove only the others" in page
    for task in (first, second, third):
        assert task.title in page
    assert Task.objects.count() == 4
    assert lead_client.get(reverse("imports:undo", args=[imp.pk])).status_code == 200

    response = _undo(lead_client, imp, keep_changed="on")

    assert response.status_code == 302
    assert set(Task.objects.all()) == {first, second, third}
    imp.refresh_from_db()
    assert (imp.state, imp.rows_undone, imp.rows_kept) == (Import.State.UNDONE, 1, 3)
    page = lead_client.get(imp.get_absolute_url()).content.decode()
    assert "1 of the 4 tasks" in page and "3 changed since kept" in page
    listed = lead_client.get(reverse("imports:list")).content.decode()
    assert "Undone: 1 removed, 3 kept" in listed


def test_the_undo_runs_on_the_worker_while_the_page_says_so(lead_client, htmx_client):
    imp = _imported(lead_client)

    response = _ask_undo(lead_client, imp)

    # Queued: the request removes nothing, however many tasks there are.
    assert response.status_code == 302 and response.url == imp.get_absolute_url()
    imp.refresh_from_db()
    assert imp.state == Import.State.UNDOING and Task.objects.count() == 3
    page = lead_client.get(imp.get_absolute_url()).content.decode()
    assert "Undoing…" in page and 'hx-trigger="every 1s"' in page
    again = _ask_undo(lead_client, imp)
    assert again.status_code == 409
    assert f"{imp.label} is undoing: it cannot be undone." in again.content.decode()

    assert run_import_jobs() == 1
    assert not Task.objects.exists()
    fragment = htmx_client.get(imp.get_absolute_url()).content.decode()
    assert fragment.lstrip().startswith('<section id="import-state"') and "every 1s" not in fragment
    assert "Undone by lead at" in fragment and "3 of the 3 tasks" in fragment


def test_a_task_changed_while_the_undo_waits_stops_it(lead_client, lead):
    imp = _imported(lead_client)
    _ask_undo(lead_client, imp)
    task = Task.objects.order_by("pk").first()
    task_rescore(task=task, version=task.version, impact=5, effort=1, by=lead, via="task")

    run_import_jobs()

    imp.refresh_from_db()
    assert imp.state == Import.State.DONE and Task.objects.count() == 3
    page = lead_client.get(imp.get_absolute_url()).content.decode()
    assert "1 of its tasks changed after the undo was asked: nothing was removed." in page
    assert _undo(lead_client, imp).status_code == 409
    assert _undo(lead_client, imp, keep_changed="on").status_code == 302
    assert list(Task.objects.all()) == [task]


def test_an_import_is_undone_once(lead_client):
    imp = _imported(lead_client)
    _undo(lead_client, imp)

    again = _undo(lead_client, imp)

    assert again.status_code == 409
    assert f"{imp.label} was undone already, by lead on" in again.content.decode()


def test_an_import_not_written_cannot_be_undone(lead_client):
    imp = ImportFactory(checked=True)
    assert _undo(lead_client, imp).status_code == 409
    assert lead_client.get(reverse("imports:undo", args=[imp.pk])).status_code == 302


def test_a_viewer_cannot_undo(lead_client, viewer_client):
    imp = _imported(lead_client)
    assert _undo(viewer_client, imp).status_code == 403
    assert Task.objects.count() == 3


def test_an_undo_sends_no_news_and_no_webhook(lead_client):
    """A deleted task is news to no one, through any door: the undo of an import neither."""
    imp = _imported(lead_client)
    EndpointFactory()
    deliveries, emails = Delivery.objects.count(), Email.objects.count()
    last_news = Notification.objects.aggregate(last=Max("pk"))["last"] or 0

    _undo(lead_client, imp)

    assert not Task.objects.exists()
    assert Delivery.objects.count() == deliveries and Email.objects.count() == emails
    assert not Notification.objects.filter(pk__gt=last_news).exists()


def test_an_undo_of_a_thousand_tasks_deletes_them_in_bulk(lead_client):
    small, large = _imported(lead_client, count=10), _imported(lead_client, count=1000)

    with CaptureQueriesContext(connection) as few:
        _undo(lead_client, small)
    with CaptureQueriesContext(connection) as many:
        _undo(lead_client, large)

    assert not Task.objects.exists()
    # Django deletes the tasks themselves 100 to a query; all else is the same: no query
    # a task, nor one for each task's RACI.
    assert len(many) - len(few) <= 1000 // 100, len(many)


def test_a_row_left_pointing_at_a_removed_task_stops_the_undo_at_that_batch(
    lead_client, settings, monkeypatch
):
    """The undo checks what points at its tasks batch by batch, as it deletes them, not
    all at the commit: a row written meanwhile that still names a task it removed stops it
    there, with nothing removed. Checked as it goes, its last batch is as fast as its first
    (imports/tasks.py)."""
    settings.MOPSBOARD_IMPORT_BATCH_ROWS = 2
    imp = _imported(lead_client, count=6)
    first = Task.objects.order_by("pk").first()
    real, batches = import_tasks.tasks_delete, []

    def a_comment_on_a_removed_task(**kwargs):
        batches.append(kwargs)
        if len(batches) == 2:
            CommentFactory(task=first)
        return real(**kwargs)

    monkeypatch.setattr(import_tasks, "tasks_delete", a_comment_on_a_removed_task)
    _undo(lead_client, imp)

    assert len(batches) == 2
    imp.refresh_from_db()
    assert imp.state == Import.State.DONE
    assert imp.error.startswith("The undo stopped, nothing was removed: ")
    assert Task.objects.count() == 6


def test_the_lead_deletes_an_import_never_written(lead_client):
    imp = ImportFactory(checked=True)

    response = lead_client.post(reverse("imports:delete", args=[imp.pk]))

    assert response.status_code == 302 and response.url == reverse("imports:list")
    assert not Import.objects.exists()


def test_an_import_written_is_not_deleted(lead_client):
    imp = _imported(lead_client)
    page = lead_client.get(imp.get_absolute_url()).content.decode()
    assert reverse("imports:delete", args=[imp.pk]) not in page

    assert lead_client.post(reverse("imports:delete", args=[imp.pk])).status_code == 409
    assert Import.objects.filter(pk=imp.pk).exists() and Task.objects.count() == 3


def test_imports_abandoned_a_week_are_removed_by_the_daily_job():
    week_ago = timezone.now() - datetime.timedelta(days=7, minutes=1)
    old_unmapped = ImportFactory(created_at=week_ago)
    old_checked = ImportFactory(checked=True, created_at=week_ago)
    old_failed = ImportFactory(state=Import.State.FAILED, created_at=week_ago)
    recent = ImportFactory(created_at=timezone.now() - datetime.timedelta(days=6))
    written = ImportFactory(state=Import.State.DONE, created_at=week_ago)
    undone = ImportFactory(state=Import.State.UNDONE, created_at=week_ago)
    checking = ImportFactory(state=Import.State.CHECKING, created_at=week_ago)

    remove_abandoned_imports(timestamp=int(timezone.now().timestamp()))

    assert set(Import.objects.all()) == {recent, written, undone, checking}
    assert not Import.objects.filter(pk__in=[old_unmapped.pk, old_checked.pk, old_failed.pk])

"""The review's agenda: exactly what changed since the last review, read from the history,
checked at each heading's boundary."""

import datetime

import pytest
from django.utils import timezone

from backlog import services
from backlog.models import Status, TaskEvent
from capacity.agenda import RETURNING_SOON_DAYS, review_figures, review_since
from mopsboard.weeks import week_of
from people.models import Person
from raci.models import Role
from tests.factories import AssignmentFactory, PersonFactory, ReviewFactory, TaskFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_WEEK = week_of(TODAY)
# Events made inside a test carry the test transaction's start time, which is later.
SINCE = timezone.now() - datetime.timedelta(days=1)
BEFORE = SINCE - datetime.timedelta(microseconds=1)


def existing(**fields):
    """A task that came in before the last review, with its history dated so."""
    return TaskFactory(created_at=BEFORE - datetime.timedelta(days=3), **fields)


def happened_at(moment, *tasks):
    """Date everything recorded so far about `tasks` at `moment`."""
    TaskEvent.objects.filter(pgh_obj__in=tasks).update(pgh_created_at=moment)


def agenda(since=SINCE):
    return {
        heading["key"]: [item["title"] for item in heading["items"]]
        for heading in review_figures(today=TODAY, since=since)["agenda"]
    }


def test_new_requests_start_exactly_at_the_last_review():
    TaskFactory(title="At the review", created_at=SINCE)
    TaskFactory(title="Just before", created_at=BEFORE)
    assert agenda()["new"] == ["At the review"]


def test_moving_across_the_split_is_a_quadrant_move_and_within_it_a_rescore(lead):
    crosses = existing(title="Crosses", impact=3, effort=2)  # quick win at split 3
    stays = existing(title="Stays", impact=5, effort=2)
    early = existing(title="Moved before the review", impact=3, effort=2)
    triaged = existing(title="Triaged", unscored=True)
    services.task_rescore(task=early, version=1, impact=2, effort=2, by=lead, via="task")
    happened_at(BEFORE, crosses, stays, early, triaged)
    services.task_rescore(
        task=crosses, version=1, impact=2, effort=2, by=lead, via="task"
    )  # fill-in
    services.task_rescore(task=stays, version=1, impact=4, effort=1, by=lead, via="task")
    services.task_rescore(task=triaged, version=1, impact=4, effort=4, by=lead, via="task")
    items = review_figures(today=TODAY, since=SINCE)["agenda"]
    moved = next(heading for heading in items if heading["key"] == "moved")
    assert {item["title"]: item["detail"] for item in moved["items"]} == {
        "Crosses": "Quick win → Fill-in",
        "Triaged": "Triage → Major project",
    }
    assert agenda()["rescored"] == ["Stays"]


def test_a_change_undone_within_the_week_is_not_on_the_agenda(lead):
    task = existing(impact=4, effort=2)
    happened_at(BEFORE, task)
    task = services.task_rescore(task=task, version=1, impact=1, effort=5, by=lead, via="task")
    services.task_rescore(task=task, version=2, impact=4, effort=2, by=lead, via="task")
    assert agenda()["moved"] == agenda()["rescored"] == []


def test_finished_counts_work_done_since_and_not_before(lead):
    done_now = existing(title="Done since", status=Status.IN_PROGRESS, planned_week=THIS_WEEK)
    done_before = existing(title="Done before", status=Status.DONE, planned_week=THIS_WEEK)
    happened_at(BEFORE, done_now, done_before)
    services.task_set_status(task=done_now, version=1, status=Status.DONE, by=lead, via="task")
    assert agenda()["finished"] == ["Done since"]


def test_work_that_came_in_and_was_finished_since_is_finished_too(lead):
    """Its hours were delivered: it is a new request and finished work."""
    came_in = TaskFactory(title="Came in and done", created_at=SINCE, planned_week=THIS_WEEK)
    services.task_set_status(task=came_in, version=1, status=Status.DONE, by=lead, via="task")
    items = agenda()
    assert items["finished"] == ["Came in and done"]
    assert items["new"] == ["Came in and done"]


def test_overdue_is_past_its_due_date_or_planned_for_a_past_week():
    TaskFactory(title="Due yesterday", due_date=TODAY - datetime.timedelta(days=1))
    TaskFactory(title="Due today", due_date=TODAY)
    TaskFactory(title="Done late", status=Status.DONE, due_date=TODAY - datetime.timedelta(days=9))
    last_week = THIS_WEEK - datetime.timedelta(days=7)
    TaskFactory(title="Slipped", status=Status.PLANNED, planned_week=last_week)
    TaskFactory(title="This week", status=Status.PLANNED, planned_week=THIS_WEEK)
    assert agenda()["overdue"] == ["Due yesterday"]
    assert agenda()["slipped"] == ["Slipped"]


def test_deferred_work_back_since_or_due_back_within_two_weeks():
    soon = TODAY + datetime.timedelta(days=RETURNING_SOON_DAYS)
    TaskFactory(title="Due back soon", status=Status.DEFERRED, deferred_until=soon)
    TaskFactory(
        title="Not yet",
        status=Status.DEFERRED,
        deferred_until=soon + datetime.timedelta(days=1),
    )
    back = existing(title="Came back", status=Status.DEFERRED, deferred_until=TODAY)
    happened_at(BEFORE, back)
    assert services.deferred_tasks_return(today=TODAY) == 1
    assert agenda()["returned"] == ["Came back", "Due back soon"]


def test_raci_gaps_are_listed_for_committed_work_only():
    planned = TaskFactory(title="Planned, no A", status=Status.PLANNED, planned_week=THIS_WEEK)
    AssignmentFactory(task=planned, role=Role.RESPONSIBLE)
    TaskFactory(title="Backlog, no A")
    whole = TaskFactory(title="Planned, whole", status=Status.PLANNED, planned_week=THIS_WEEK)
    AssignmentFactory(task=whole, role=Role.ACCOUNTABLE_RESPONSIBLE)
    assert agenda()["raci"] == ["Planned, no A"]


def test_over_capacity_starts_above_capacity_not_at_it():
    full = PersonFactory(name="Exactly full", kind=Person.Kind.TEAM, weekly_capacity_hours=8)
    over = PersonFactory(name="Half an hour over", kind=Person.Kind.TEAM, weekly_capacity_hours=8)
    for person, hours in ((full, 8), (over, 8.5)):
        task = TaskFactory(status=Status.PLANNED, planned_week=THIS_WEEK, estimate_hours=hours)
        AssignmentFactory(task=task, person=person, role=Role.RESPONSIBLE)
    assert agenda()["over"] == ["Half an hour over"]


def test_each_heading_lists_twenty_and_counts_the_rest():
    for n in range(23):
        TaskFactory(title=f"Request {n:02d}", created_at=SINCE)
    new = review_figures(today=TODAY, since=SINCE)["agenda"][0]
    assert (new["count"], len(new["items"]), new["more"]) == (23, 20, 3)


def test_the_agenda_starts_where_the_last_review_was_recorded():
    now = timezone.now()
    assert review_since(now) == now - datetime.timedelta(days=7)
    ReviewFactory(recorded_at=now - datetime.timedelta(days=3))
    latest = ReviewFactory(recorded_at=now - datetime.timedelta(days=1))
    assert review_since(now) == latest.recorded_at


def test_requests_waiting_past_the_triage_sla_are_on_the_agenda(lead):
    TaskFactory(unscored=True, title="Waiting long", created_at=SINCE - datetime.timedelta(days=9))
    TaskFactory(unscored=True, title="Just in", created_at=timezone.now())
    triaged = TaskFactory(
        unscored=True, title="Scored late", created_at=BEFORE - datetime.timedelta(days=9)
    )
    services.task_rescore(task=triaged, version=1, impact=3, effort=3, by=lead, via="triage")
    headings = {
        heading["key"]: heading for heading in review_figures(today=TODAY, since=SINCE)["agenda"]
    }
    over = headings["over_sla"]
    assert over["title"] == "Waiting for triage longer than 2 working days"
    assert [item["title"] for item in over["items"]] == ["Waiting long"]
    assert over["items"][0]["detail"].endswith("working days ago")

"""The demo data: loads twice without doubling, and gives every page something true."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from backlog.models import Quadrant, Task, TaskEvent
from capacity.agenda import review_figures, review_since
from capacity.models import Review
from raci.models import ShareLink
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_a_team_a_backlog_and_last_weeks_review_once():
    mine = TaskFactory(title="A real request")
    recorded = list(TaskEvent.objects.filter(pgh_obj=mine).values_list("pgh_created_at"))
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert Task.objects.count() >= 40
    assert {task.quadrant for task in Task.objects.all()} >= set(Quadrant)
    assert Task.objects.filter(impact__isnull=True).exists()
    assert ShareLink.objects.count() == 1
    review = Review.objects.get()
    assert review.figures["people"] and review.decisions
    agenda = review_figures(today=timezone.localdate(), since=review_since(timezone.now()))[
        "agenda"
    ]
    counts = {heading["key"]: heading["count"] for heading in agenda}
    for key in ("new", "moved", "finished", "returned", "raci", "over"):
        assert counts[key], key
    # The demo's history is dated back; what was there before keeps its dates.
    assert list(TaskEvent.objects.filter(pgh_obj=mine).values_list("pgh_created_at")) == recorded


def test_the_demo_history_has_nothing_dated_in_the_future():
    from raci.models import AssignmentEvent

    call_command("seed_demo", verbosity=0)
    now = timezone.now()
    assert not TaskEvent.objects.filter(pgh_created_at__gt=now).exists()
    assert not AssignmentEvent.objects.filter(pgh_created_at__gt=now).exists()


def test_the_demo_has_intake_links_and_requests_that_came_through_them(settings):
    from io import StringIO

    from intake.models import IntakeLink

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert IntakeLink.objects.count() == 2
    through_intake = TaskEvent.objects.filter(
        pgh_label="insert", pgh_context__metadata__via="intake"
    )
    assert through_intake.count() >= 4
    over = Task.objects.over_triage_sla(timezone.localdate())
    assert over.filter(title="Registration page and reminders for the spring roadshow").exists()
    out = StringIO()
    call_command("intake_links", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    link = IntakeLink.objects.order_by("created_at", "pk").first()
    url = settings.MOPSBOARD_SITE_URL + link.get_absolute_url()
    assert lines[0] == f"Intake link: {url} ({link.label})"


def test_the_demo_goals_are_on_track_at_risk_for_their_work_and_without_work():
    from goals.models import Goal, Status
    from goals.progress import goals_progress

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    progress = {
        row.goal.short_name: row
        for row in goals_progress(list(Goal.objects.all()), today=timezone.localdate())
    }
    assert set(progress) == {"Leads +40%", "Clicks +25%", "Sync errors <50"}
    leads, clicks, sync = (
        progress["Leads +40%"],
        progress["Clicks +25%"],
        progress["Sync errors <50"],
    )
    assert leads.status == Status.ON_TRACK
    assert leads.goal.steps.count() == 4 and len(leads.kpi.check_ins) == 5
    assert {task.status for task in leads.work.tasks} == set(
        Task.objects.values_list("status", flat=True)
    )
    assert clicks.status == Status.AT_RISK
    assert [reason.split(";")[0] for reason in clicks.reasons] == ["Its open work needs 1100 h"]
    assert sync.status == Status.AT_RISK and sync.reasons == ["No open work is linked to it."]
    assert sync.goal.direction == "down"


def test_the_demo_plans_a_major_project_over_four_weeks_ahead():
    from django.db.models import Count, Min

    from capacity.models import PlannedHours

    call_command("seed_demo", verbosity=0)
    spans = (
        PlannedHours.objects.values("task")
        .annotate(weeks=Count("week"), first=Min("week"))
        .filter(weeks__gt=1)
    )
    span = spans.get()
    assert span["weeks"] == 4
    assert span["first"] > timezone.localdate()
    task = Task.objects.get(pk=span["task"])
    assert task.quadrant == Quadrant.MAJOR_PROJECT
    assert set(task.planned_hours.values_list("hours", flat=True)) == {10}

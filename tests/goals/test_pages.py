"""The goals' pages and forms as the lead, a member and a viewer meet them over HTTP."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from goals.models import CheckIn, Goal, fingerprint
from tests.factories import (
    CheckInFactory,
    GoalFactory,
    PersonFactory,
    StepFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_the_list_and_a_goal_page_show_the_goal(lead_client):
    goal = GoalFactory(title="Email leads up 40%")
    CheckInFactory(goal=goal, on=days(-30), value=112)
    StepFactory(goal=goal, title="Q1: +10%")
    goal.tasks.add(TaskFactory(title="Nurture stream"))

    listed = lead_client.get(reverse("goals:list"))
    page = lead_client.get(goal.get_absolute_url())

    assert listed.status_code == 200
    assert "Email leads up 40%" in listed.content.decode()
    body = page.content.decode()
    assert page.status_code == 200
    assert "Q1: +10%" in body and "Nurture stream" in body and "<svg" in body
    # The chart's figures, for a screen reader, are a table: the value and the line's.
    assert "<caption>Check-ins</caption>" in body and "<td>112</td>" in body


def test_hours_read_as_hours_not_as_an_exponent(lead_client):
    goal = GoalFactory()
    goal.tasks.add(TaskFactory(estimate_hours=10, status="done"))
    goal.tasks.add(TaskFactory(estimate_hours=20))

    listed = lead_client.get(reverse("goals:list")).content.decode()
    page = lead_client.get(goal.get_absolute_url()).content.decode()

    assert "10 of 30 h done" in listed
    assert "<strong>10 h done</strong> of 30 h linked" in page
    assert "E+" not in listed + page


def test_the_lead_creates_a_goal_and_a_step(lead_client):
    owner = PersonFactory(name="Dana")

    response = lead_client.post(
        reverse("goals:new"),
        {
            "title": "Email clicks +25%",
            "short_name": "Clicks +25%",
            "owner": owner.pk,
            "direction": "up",
        },
    )

    goal = Goal.objects.get()
    assert response.status_code == 302 and response.url == goal.get_absolute_url()
    step = lead_client.post(
        reverse("goals:step-new", args=[goal.pk]),
        {"title": "Q1 +6%", "owner": owner.pk, "due_date": days(90).isoformat()},
    )
    assert step.status_code == 302
    assert goal.steps.get().title == "Q1 +6%"


def _goal_data(**changes):
    owner = PersonFactory()
    return {
        "title": "CRM sync errors below 50 a week",
        "short_name": "Sync errors",
        "owner": owner.pk,
        "kpi_name": "Sync errors a week",
        "unit": "count",
        "direction": "down",
        "baseline": "120",
        "baseline_date": days(-10).isoformat(),
        "target": "50",
        "deadline": days(100).isoformat(),
        **changes,
    }


def test_a_deadline_before_the_baseline_date_is_refused_beside_the_deadline(lead_client):
    response = lead_client.post(reverse("goals:new"), _goal_data(deadline=days(-20).isoformat()))

    assert response.status_code == 422
    assert not Goal.objects.exists()
    errors = response.context["form"].errors
    assert errors == {"deadline": ["The deadline comes after the baseline's date."]}
    assert "The deadline comes after the baseline" in response.content.decode()


def test_a_status_set_by_the_lead_needs_a_note(lead_client):
    goal = GoalFactory()

    response = lead_client.post(
        reverse("goals:edit", args=[goal.pk]),
        _goal_data(status_override="on_track", seen=fingerprint(Goal.objects.get())),
    )

    assert response.status_code == 422
    assert response.context["form"].errors == {
        "status_note": ["Say why, when you set the status yourself."]
    }
    goal.refresh_from_db()
    assert goal.status_override == ""


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"on": days(1).isoformat(), "value": "120"}, "on", "choose today or an earlier day"),
        ({"on": days(0).isoformat(), "value": "about 120"}, "value", "Enter a number"),
    ],
)
def test_a_check_in_in_the_future_or_not_a_number_is_refused_beside_its_field(
    lead_client, data, field, message
):
    goal = GoalFactory()

    response = lead_client.post(reverse("goals:check-in-new", args=[goal.pk]), data)

    assert response.status_code == 422
    assert not CheckIn.objects.exists()
    assert message in " ".join(response.context["check_in_form"].errors[field])
    assert message in response.content.decode()


def test_a_check_in_is_recorded_and_a_correction_keeps_what_it_said(lead_client, lead):
    goal = GoalFactory()

    lead_client.post(
        reverse("goals:check-in-new", args=[goal.pk]),
        {"on": days(-1).isoformat(), "value": "118", "note": "March newsletter"},
    )
    check_in = CheckIn.objects.get()
    assert (check_in.value, check_in.by) == (118, lead)
    lead_client.post(
        reverse("goals:check-in-edit", args=[check_in.pk]),
        {
            "on": days(-1).isoformat(),
            "value": "121",
            "note": "Recounted",
            "seen": fingerprint(check_in),
        },
    )

    page = lead_client.get(goal.get_absolute_url()).content.decode()
    assert "<del>118.0</del> → <ins>121.0</ins>" in page
    assert Events.objects.references(check_in).count() == 2


def test_a_member_checks_in_on_the_goals_they_own_only(member_client, member):
    theirs = GoalFactory(owner=PersonFactory(user=member))
    others = GoalFactory()
    data = {"on": days(0).isoformat(), "value": "110"}

    assert (
        member_client.post(reverse("goals:check-in-new", args=[theirs.pk]), data).status_code == 302
    )
    assert (
        member_client.post(reverse("goals:check-in-new", args=[others.pk]), data).status_code == 403
    )
    assert list(CheckIn.objects.values_list("goal", flat=True)) == [theirs.pk]
    assert "Add a check-in" not in member_client.get(others.get_absolute_url()).content.decode()


def test_a_member_links_a_task_to_a_goal_and_a_step_from_the_task_page(member_client):
    goal = GoalFactory(short_name="Leads +40%")
    step = StepFactory(goal=GoalFactory(short_name="Clicks +25%"), title="Q2 +6%")
    task = TaskFactory(title="Welcome series")

    page = member_client.get(task.get_absolute_url()).content.decode()
    assert 'id="task-goals"' in page and "Serves no goal yet." in page
    response = member_client.post(
        reverse("goals:task-goals", args=[task.pk]), {"goals": [goal.pk], "steps": [step.pk]}
    )

    assert response.status_code == 302 and response.url == task.get_absolute_url()
    assert list(task.goals.all()) == [goal] and list(task.goal_steps.all()) == [step]
    page = member_client.get(task.get_absolute_url()).content.decode()
    assert "step “Q2 +6%”" in page


def test_linking_over_htmx_answers_the_panel(lead):
    from django.test import Client

    client = Client(headers={"HX-Request": "true"})
    client.force_login(lead)
    goal = GoalFactory()
    task = TaskFactory()

    response = client.post(reverse("goals:task-goals", args=[task.pk]), {"goals": [goal.pk]})

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="task-goals"')
    assert goal.title in body and "HX-Request" in response["Vary"]
    refused = client.post(reverse("goals:task-goals", args=[task.pk]), {"goals": ["nope"]})
    assert refused.status_code == 422 and list(task.goals.all()) == [goal]


def test_a_card_names_its_goal_and_the_board_filters_by_goal(viewer_client):
    goal = GoalFactory(short_name="Leads +40%")
    served = TaskFactory(title="Welcome series")
    through_a_step = TaskFactory(title="Lead magnet")
    TaskFactory(title="Unrelated")
    goal.tasks.add(served)
    StepFactory(goal=goal).tasks.add(through_a_step)

    board = viewer_client.get(reverse("backlog:board")).content.decode()
    filtered = viewer_client.get(reverse("backlog:board"), {"goal": goal.pk}).content.decode()

    assert board.count("Goal: Leads +40%") == 2 and "Unrelated" in board
    assert 'Goal <select name="goal"' in board
    assert "Welcome series" in filtered and "Lead magnet" in filtered
    assert "Unrelated" not in filtered


def test_a_viewer_reads_goals_and_changes_nothing(viewer_client):
    goal = GoalFactory()

    assert viewer_client.get(goal.get_absolute_url()).status_code == 200
    assert viewer_client.get(reverse("goals:new")).status_code == 403
    refused = viewer_client.post(
        reverse("goals:check-in-new", args=[goal.pk]), {"on": days(0).isoformat(), "value": "1"}
    )
    assert refused.status_code == 403 and not CheckIn.objects.exists()


def _grow(count: int):
    owner_user = UserFactory()
    for n in range(count):
        goal = GoalFactory(owner=PersonFactory(user=owner_user if n == 0 else None))
        StepFactory(goal=goal).tasks.add(TaskFactory())
        goal.tasks.add(*(TaskFactory(estimate_hours=2) for _ in range(2)))
        for month in range(3):
            CheckInFactory(goal=goal, on=days(-30 * month - 1), value=100 + month)
    return goal


@pytest.mark.parametrize("count", [1, 6])
def test_the_goals_list_asks_the_same_queries_however_many_goals(
    lead_client, django_assert_num_queries, count
):
    _grow(count)
    lead_client.get(reverse("goals:list"))  # the session and permissions, read once
    with django_assert_num_queries(QUERIES["list"]):
        assert lead_client.get(reverse("goals:list")).status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_a_goal_page_asks_the_same_queries_however_many_check_ins_and_links(
    lead_client, django_assert_num_queries, count
):
    goal = _grow(1)
    for month in range(count):
        CheckInFactory(goal=goal, on=days(-100 - 30 * month), value=99 - month)
        goal.tasks.add(TaskFactory())
        StepFactory(goal=goal, target=110, reached=105).tasks.add(TaskFactory())
    with django_assert_num_queries(QUERIES["detail"]):
        assert lead_client.get(goal.get_absolute_url()).status_code == 200


QUERIES = {"list": 10, "detail": 13}

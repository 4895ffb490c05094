"""Goals through the API as a script meets them: their status and reasons, ETag and
If-Match, the rules refused as 422 with nothing stored, and who may write what."""

import datetime

import pytest
from django.utils import timezone
from pghistory.models import Events

from api.models import Scope
from goals.models import CheckIn, Goal, Step
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


def _stored():
    return (
        list(Goal.objects.order_by("pk").values()),
        list(Step.objects.order_by("pk").values()),
        list(CheckIn.objects.order_by("pk").values()),
        list(Goal.tasks.through.objects.values_list("goal", "task")),
        list(Step.tasks.through.objects.values_list("step", "task")),
    )


def test_a_goal_reads_with_its_status_reasons_steps_and_work(lead_api):
    goal = GoalFactory(title="Email leads up 40%", baseline=100, target=140)
    CheckInFactory(goal=goal, on=days(-30), value=90)
    step = StepFactory(goal=goal, title="Q1: +10%")
    task = TaskFactory(impact=4, effort=2)
    goal.tasks.add(task)
    step.tasks.add(task)

    response = lead_api.get(f"/api/v1/goals/{goal.pk}")

    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["status"], body["current"]) == (
        "Email leads up 40%",
        "off_track",
        90,
    )
    assert "moved away from the target" in body["reasons"][0]
    assert body["tasks"] == [task.pk]
    assert [(s["title"], s["tasks"]) for s in body["steps"]] == [("Q1: +10%", [task.pk])]
    assert response["ETag"].startswith('"')


@pytest.mark.parametrize("count", [1, 6])
def test_goals_come_a_page_at_a_time_in_the_same_queries_however_many(
    lead_api, count, django_assert_max_num_queries
):
    for _ in range(count):
        goal = GoalFactory()
        CheckInFactory(goal=goal, on=days(-10))
        StepFactory(goal=goal).tasks.add(TaskFactory())
        goal.tasks.add(TaskFactory())
    GoalFactory(archived=True)

    with django_assert_max_num_queries(15):
        response = lead_api.get("/api/v1/goals", {"page_size": 4})

    page = response.json()
    assert len(page["results"]) == min(count, 4)
    assert (page["next"] is not None) == (count > 4)
    archived = lead_api.get("/api/v1/goals", {"archived": "true"}).json()["results"]
    assert len(archived) == 1


def test_an_edit_needs_the_etag_and_one_made_meanwhile_is_refused(lead_api):
    goal = GoalFactory(title="Clicks +25%")
    etag = lead_api.get(f"/api/v1/goals/{goal.pk}")["ETag"]

    missing = lead_api.send("patch", f"/api/v1/goals/{goal.pk}", {"title": "No tag"})
    done = lead_api.send(
        "patch", f"/api/v1/goals/{goal.pk}", {"title": "Clicks +30%"}, **{"If-Match": etag}
    )
    again = lead_api.send(
        "patch", f"/api/v1/goals/{goal.pk}", {"title": "Late"}, **{"If-Match": etag}
    )

    assert missing.status_code == 428
    assert done.status_code == 200 and done.json()["title"] == "Clicks +30%"
    assert done["ETag"] != etag
    assert again.status_code == 412 and again["ETag"] == done["ETag"]
    assert again["Content-Type"] == "application/problem+json"
    goal.refresh_from_db()
    assert goal.title == "Clicks +30%"


def test_the_lead_sets_the_status_with_a_note_and_the_figures_stay(lead_api):
    goal = GoalFactory()
    etag = {"If-Match": lead_api.get(f"/api/v1/goals/{goal.pk}")["ETag"]}
    refused = lead_api.send(
        "patch", f"/api/v1/goals/{goal.pk}", {"status_override": "on_track"}, **etag
    )
    response = lead_api.send(
        "patch",
        f"/api/v1/goals/{goal.pk}",
        {"status_override": "on_track", "status_note": "The webinar series lands in May."},
        **etag,
    )

    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"detail": "Say why, when you set the status yourself.", "pointer": "#/status_note"}
    ]
    body = response.json()
    assert (body["status"], body["computed_status"]) == ("on_track", "at_risk")


def test_a_deadline_before_the_baseline_date_is_422_and_nothing_is_stored(lead_api):
    owner = PersonFactory()
    body = {
        "title": "Clicks +25%",
        "short_name": "Clicks",
        "owner": owner.pk,
        "direction": "up",
        "baseline_date": days(-10).isoformat(),
        "deadline": days(-20).isoformat(),
    }
    before = _stored()

    response = lead_api.send("post", "/api/v1/goals", body)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"detail": "The deadline comes after the baseline's date.", "pointer": "#/deadline"}
    ]
    assert _stored() == before


def test_a_goal_is_created_as_the_page_creates_it(lead_api):
    owner = PersonFactory()
    response = lead_api.send(
        "post",
        "/api/v1/goals",
        {"title": "Clicks +25%", "short_name": "Clicks", "owner": owner.pk, "direction": "up"},
    )

    assert response.status_code == 201
    goal = Goal.objects.get()
    assert response["Location"] == f"/api/v1/goals/{goal.pk}"
    assert response.json()["status"] == "draft"
    assert Events.objects.references(goal).get().pgh_context["via"] == "api"


@pytest.mark.parametrize(
    ("sent", "pointer"),
    [
        ({"on": "2999-01-01", "value": 120}, "#/on"),
        ({"on": "today", "value": 120}, "#/on"),
        ({"value": "lots"}, "#/value"),
    ],
)
def test_a_check_in_in_the_future_or_not_a_number_is_422_and_nothing_is_stored(
    lead_api, sent, pointer
):
    goal = GoalFactory()
    before = _stored()

    response = lead_api.send(
        "post", f"/api/v1/goals/{goal.pk}/check-ins", {"on": days(0).isoformat(), **sent}
    )

    assert response.status_code == 422
    assert [error["pointer"] for error in response.json()["errors"]] == [pointer]
    assert _stored() == before


def test_a_future_check_in_says_why(lead_api):
    goal = GoalFactory()
    response = lead_api.send(
        "post", f"/api/v1/goals/{goal.pk}/check-ins", {"on": days(1).isoformat(), "value": 120}
    )
    assert response.status_code == 422
    assert "choose today or an earlier day" in response.json()["detail"]
    assert not CheckIn.objects.exists()


def test_a_sync_checks_in_and_a_correction_keeps_the_history(lead_api):
    goal = GoalFactory()
    created = lead_api.send(
        "post",
        f"/api/v1/goals/{goal.pk}/check-ins",
        {"on": days(-1).isoformat(), "value": 118.5, "note": "From the BI export"},
    )
    assert created.status_code == 201
    check_in = CheckIn.objects.get()
    assert created["Location"] == f"/api/v1/check-ins/{check_in.pk}"
    assert created.json()["by"] == "lead"

    corrected = lead_api.send(
        "patch", f"/api/v1/check-ins/{check_in.pk}", {"value": 121}, **{"If-Match": created["ETag"]}
    )

    assert corrected.status_code == 200 and corrected.json()["value"] == 121
    values = [
        event.pgh_data["value"]
        for event in Events.objects.references(check_in).order_by("pgh_created_at", "pgh_id")
    ]
    assert values == ["118.50", "121.00"] or values == [118.5, 121.0]
    listed = lead_api.get(f"/api/v1/goals/{goal.pk}/check-ins").json()["results"]
    assert [(c["on"], c["value"]) for c in listed] == [(days(-1).isoformat(), 121)]


def test_a_step_is_added_and_marked_reached(lead_api):
    goal = GoalFactory()
    owner = PersonFactory()
    created = lead_api.send(
        "post",
        f"/api/v1/goals/{goal.pk}/steps",
        {"title": "Q1: +10%", "owner": owner.pk, "due_date": days(60).isoformat(), "target": 110},
    )
    assert created.status_code == 201
    step = created.json()
    reached = lead_api.send(
        "patch",
        f"/api/v1/goal-steps/{step['id']}",
        {"reached": 112},
        **{"If-Match": created["ETag"]},
    )
    assert reached.status_code == 200
    assert (reached.json()["reached"], reached.json()["is_done"]) == (112, True)


def test_a_step_changed_through_the_api_is_in_the_goals_history(lead_api, lead_client):
    step = StepFactory(title="Q1: +10%", target=110)
    etag = lead_api.get(f"/api/v1/goal-steps/{step.pk}")["ETag"]

    lead_api.send("patch", f"/api/v1/goal-steps/{step.pk}", {"reached": 112}, **{"If-Match": etag})

    (change,) = Events.objects.filter(pgh_obj_model="goals.Step", pgh_label="update")
    assert change.pgh_context["via"] == "api"
    page = lead_client.get(step.goal.get_absolute_url()).content.decode()
    history = page.split('id="history-heading"', 1)[1]
    assert "Step changed by <strong>lead</strong>" in history
    assert "Value reached: <ins>112" in history


def test_a_member_links_a_task_and_a_forged_goal_is_refused(api_as):
    goal, other = GoalFactory(), GoalFactory()
    step = StepFactory(goal=other)
    task = TaskFactory()
    member = api_as("member")

    linked = member.send(
        "put", f"/api/v1/tasks/{task.pk}/goals", {"goals": [goal.pk], "steps": [step.pk]}
    )
    forged = member.send("put", f"/api/v1/tasks/{task.pk}/goals", {"goals": [999999], "steps": []})

    assert linked.status_code == 200
    assert linked.json() == {"task": task.pk, "goals": [goal.pk], "steps": [step.pk]}
    assert forged.status_code == 422 and forged.json()["errors"][0]["pointer"] == "#/goals"
    assert member.get(f"/api/v1/tasks/{task.pk}/goals").json()["goals"] == [goal.pk]


def test_a_member_checks_in_on_the_goals_they_own_only(api_as):
    member = api_as("member")
    theirs = GoalFactory(owner=PersonFactory(user=member.token.user))
    others = GoalFactory()
    body = {"on": days(0).isoformat(), "value": 120}

    own = member.send("post", f"/api/v1/goals/{theirs.pk}/check-ins", body)
    refused = member.send("post", f"/api/v1/goals/{others.pk}/check-ins", body)
    edit = member.send(
        "patch", f"/api/v1/goals/{theirs.pk}", {"title": "Mine now"}, **{"If-Match": '"x"'}
    )

    assert own.status_code == 201
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the lead and the goal's Accountable person check in."
    assert edit.status_code == 403
    assert list(CheckIn.objects.values_list("goal", flat=True)) == [theirs.pk]
    check_in = CheckIn.objects.get()
    other_check_in = CheckInFactory(goal=others, on=days(-3))
    assert (
        member.send(
            "patch", f"/api/v1/check-ins/{other_check_in.pk}", {"value": 1}, **{"If-Match": '"x"'}
        ).status_code
        == 403
    )
    assert check_in.goal == theirs


@pytest.mark.parametrize(("role", "scope"), [("viewer", Scope.READ_WRITE), ("lead", Scope.READ)])
def test_a_token_that_may_not_write_changes_no_goal(api_as, role, scope):
    goal = GoalFactory(owner=PersonFactory(user=UserFactory(username=role)))
    step, check_in, task = StepFactory(goal=goal), CheckInFactory(goal=goal), TaskFactory()
    client = api_as(role, scope)
    before = _stored()
    writes = [
        ("post", "/api/v1/goals", {"title": "Sneaky"}),
        ("patch", f"/api/v1/goals/{goal.pk}", {"title": "Sneaky"}),
        ("post", f"/api/v1/goals/{goal.pk}/steps", {"title": "Sneaky"}),
        ("patch", f"/api/v1/goal-steps/{step.pk}", {"title": "Sneaky"}),
        ("post", f"/api/v1/goals/{goal.pk}/check-ins", {"value": 1}),
        ("patch", f"/api/v1/check-ins/{check_in.pk}", {"value": 1}),
        ("put", f"/api/v1/tasks/{task.pk}/goals", {"goals": [goal.pk], "steps": []}),
    ]
    for method, path, body in writes:
        response = client.send(method, path, body, **{"If-Match": '"x"'})
        assert response.status_code == 403, (path, response.content)
    assert _stored() == before
    assert client.get(f"/api/v1/goals/{goal.pk}").status_code == 200

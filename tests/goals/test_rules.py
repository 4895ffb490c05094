"""The goals' rules as the lead reads them on a goal's page: SMART or a draft, each reason
a goal is at risk, "down is good", and the figures, checked by a computation of the
test's own rather than by the function that makes them."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from backlog.models import Status as TaskStatus
from goals.models import Direction
from people.models import Person
from tests.factories import CheckInFactory, GoalFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def status_and_reasons(client, goal) -> tuple[str, str]:
    body = client.get(goal.get_absolute_url()).content.decode()
    status = body.split('id="goal-status">', 1)[1].split("<", 1)[0]
    reasons = body.split('<div id="goal-reasons">', 1)[1].split("</div>", 1)[0]
    return status, reasons


def test_a_goal_without_kpi_target_or_deadline_is_a_draft_saying_which_letters_miss(lead_client):
    goal = GoalFactory(draft=True)

    status, reasons = status_and_reasons(lead_client, goal)

    assert status == "Draft"
    assert "S, M, T missing" in reasons
    assert "<strong>M</strong> — Measurable" in reasons
    assert "<strong>T</strong> — Time-bound" in reasons


def test_a_draft_given_its_deadline_misses_only_the_rest(lead_client):
    goal = GoalFactory(draft=True, deadline=days(200))

    status, reasons = status_and_reasons(lead_client, goal)

    assert status == "Draft"
    assert "S, M missing" in reasons and "Time-bound" not in reasons


def test_at_risk_when_the_kpi_trend_misses_the_target_by_the_deadline(lead_client):
    goal = GoalFactory(baseline=100, baseline_date=days(-90), target=140, deadline=days(270))
    CheckInFactory(goal=goal, on=days(0), value=105)
    goal.tasks.add(TaskFactory(estimate_hours=1))
    # 5 more in 90 days, kept up for the 270 days left: 105 + 5 * 3.
    projected = Decimal(105) + Decimal(5) / 90 * 270

    status, reasons = status_and_reasons(lead_client, goal)

    assert projected == 120
    assert status == "At risk"
    assert "the KPI reaches 120 by" in reasons and "short of the target 140" in reasons


def test_on_track_when_the_trend_reaches_the_target_and_the_work_fits(lead_client):
    goal = GoalFactory(baseline=100, baseline_date=days(-90), target=140, deadline=days(270))
    CheckInFactory(goal=goal, on=days(0), value=115)  # 115 + 15 * 3 = 160
    goal.tasks.add(TaskFactory(estimate_hours=1))

    status, reasons = status_and_reasons(lead_client, goal)

    assert status == "On track"
    assert "reaches 160 by the deadline" in reasons


def test_at_risk_when_no_open_work_serves_it(lead_client):
    goal = GoalFactory()
    goal.tasks.add(
        TaskFactory(status=TaskStatus.DONE),
        TaskFactory(status=TaskStatus.DECLINED, declined_reason="No"),
    )

    status, reasons = status_and_reasons(lead_client, goal)

    assert status == "At risk"
    assert "No open work is linked to it." in reasons


def _weeks_until(deadline: datetime.date) -> int:
    """ISO weeks from this one to the deadline's, both counted."""
    today = timezone.localdate()
    return len(
        {
            (today + datetime.timedelta(n)).isocalendar()[:2]
            for n in range((deadline - today).days + 1)
        }
    )


@pytest.mark.parametrize(("over", "expected"), [(0, "On track"), (1, "At risk")])
def test_at_risk_when_its_open_work_cannot_fit_in_the_teams_free_hours(lead_client, over, expected):
    owner = PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=20)
    goal = GoalFactory(owner=owner, baseline_date=days(-30), deadline=days(20))
    # Already in the load: 5 h planned for this week, which the goal's work cannot use.
    TaskFactory(
        status=TaskStatus.PLANNED,
        planned_week=days(-timezone.localdate().weekday()),
        estimate_hours=5,
    )
    free = 20 * _weeks_until(goal.deadline) - 5
    goal.tasks.add(TaskFactory(estimate_hours=free + over))

    status, reasons = status_and_reasons(lead_client, goal)

    assert status == expected
    if over:
        assert f"Its open work needs {free + 1} h; the team has {free} h free" in reasons


def test_down_is_good_reads_a_falling_kpi_as_progress(lead_client):
    goal = GoalFactory(
        kpi_name="CRM sync errors a week",
        direction=Direction.DOWN,
        baseline=120,
        baseline_date=days(-100),
        target=50,
        deadline=days(100),
    )
    goal.tasks.add(TaskFactory(estimate_hours=1))
    CheckInFactory(goal=goal, on=days(0), value=80)  # 40 fewer in 100 days: 40 by the deadline

    assert status_and_reasons(lead_client, goal)[0] == "On track"

    CheckInFactory(goal=goal, on=days(-50), value=130)
    goal.check_ins.filter(on=days(0)).update(value=125)
    status, reasons = status_and_reasons(lead_client, goal)
    assert status == "Off track"
    assert "moved away from the target: 125 against a baseline of 120" in reasons

    CheckInFactory(goal=goal, on=days(-1), value=45)
    goal.check_ins.filter(on=days(0)).delete()
    assert status_and_reasons(lead_client, goal)[0] == "Achieved"


def test_the_lead_overrides_the_status_with_a_note_and_the_figures_stay_in_sight(lead_client):
    goal = GoalFactory(status_override="on_track", status_note="The campaign lands in May.")

    status, reasons = status_and_reasons(lead_client, goal)

    assert status == "On track"
    assert "The campaign lands in May." in reasons and "figures say at risk" in reasons

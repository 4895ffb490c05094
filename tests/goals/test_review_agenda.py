"""The weekly review's agenda names the goals at risk, each with why, and the goals whose
monthly check-in is due; a recorded review keeps them as they were that day."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backlog.models import Status as TaskStatus
from capacity import services
from goals.models import Goal, next_check_in
from people.models import Person
from tests.factories import CheckInFactory, GoalFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def heading(client, key: str) -> str:
    """The agenda heading `key` as the review page draws it."""
    body = client.get(reverse("capacity:review")).content.decode()
    return body.split(f'data-agenda="{key}"', 1)[1].split("</section>", 1)[0]


def on_track(**fields):
    """A goal on its line with work that fits: on no agenda heading of goals."""
    goal = GoalFactory(baseline=100, baseline_date=days(-20), target=140, **fields)
    CheckInFactory(goal=goal, on=days(0), value=120)
    goal.tasks.add(TaskFactory(estimate_hours=1))
    return goal


def pace_misses_the_target():
    goal = GoalFactory(baseline=100, baseline_date=days(-90), target=140, deadline=days(270))
    CheckInFactory(goal=goal, on=days(0), value=105)
    goal.tasks.add(TaskFactory(estimate_hours=1))


def no_open_work():
    goal = GoalFactory()
    CheckInFactory(goal=goal, on=days(0), value=130)
    goal.tasks.add(TaskFactory(status=TaskStatus.DONE))


def work_does_not_fit():
    goal = GoalFactory(
        owner=PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=10),
        baseline_date=days(-30),
        deadline=days(20),
    )
    CheckInFactory(goal=goal, on=days(0), value=130)
    goal.tasks.add(TaskFactory(estimate_hours=500))


def moved_away():
    goal = GoalFactory()
    CheckInFactory(goal=goal, on=days(0), value=90)
    goal.tasks.add(TaskFactory(estimate_hours=1))


def set_by_the_lead():
    on_track(status_override="at_risk", status_note="The budget for paid email was cut.")


@pytest.mark.parametrize(
    ("make", "state", "why"),
    [
        (pace_misses_the_target, "at risk", "At the pace so far the KPI reaches 120 by"),
        (no_open_work, "at risk", "No open work is linked to it."),
        (work_does_not_fit, "at risk", "Its open work needs 500 h; the team has"),
        (moved_away, "off track", "The KPI has moved away from the target: 90 against"),
        (set_by_the_lead, "at risk", "Set by the lead: The budget for paid email was cut."),
    ],
)
def test_each_reason_a_goal_is_at_risk_is_on_the_agenda(lead_client, make, state, why):
    on_track(title="Clicks +25%")
    GoalFactory(title="A draft", draft=True)
    make()
    at_risk = heading(lead_client, "goals-at-risk")
    assert "Goals at risk" in at_risk and '<span class="count">1</span>' in at_risk
    assert f'<span class="state">{state}</span>' in at_risk
    assert why in at_risk
    assert "Clicks +25%" not in at_risk and "A draft" not in at_risk


def test_an_archived_goal_and_one_the_lead_calls_on_track_are_not_at_risk(lead_client):
    GoalFactory(title="Archived", archived=True)  # no work: at risk, were it active
    GoalFactory(title="Trusted", status_override="on_track", status_note="Lands in May.")
    at_risk = heading(lead_client, "goals-at-risk")
    assert "Archived" not in at_risk and "Trusted" not in at_risk and "None." in at_risk


def a_month_before_today() -> datetime.date:
    """The day whose next monthly check-in falls today."""
    return next(day for n in range(27, 32) if next_check_in(day := days(-n)) == days(0))


@pytest.mark.parametrize(
    ("last_check_in", "baseline_date", "due", "detail"),
    [
        (-40, -90, True, "last check-in"),
        (None, -40, True, "no check-in since the baseline on"),
        ("a month", -90, True, "last check-in"),
        (-10, -90, False, None),
        (None, -10, False, None),
    ],
)
def test_a_check_in_is_due_a_month_after_the_last_or_after_the_baseline(
    lead_client, last_check_in, baseline_date, due, detail
):
    owner = PersonFactory(name="Priya Shah")
    goal = GoalFactory(title="Leads +40%", owner=owner, baseline_date=days(baseline_date))
    goal.tasks.add(TaskFactory(estimate_hours=1))
    if last_check_in is not None:
        on = a_month_before_today() if last_check_in == "a month" else days(last_check_in)
        CheckInFactory(goal=goal, on=on, value=101)
    since = goal.check_ins.last().on if last_check_in is not None else goal.baseline_date

    check_ins = heading(lead_client, "check-ins-due")

    assert "Goal check-ins due" in check_ins
    assert ("Leads +40%" in check_ins) is due
    if due:
        assert f"Priya Shah: {detail} {since:%-d %b}, due {next_check_in(since):%-d %b}" in (
            check_ins
        )


def test_an_achieved_goal_has_no_check_in_due(lead_client):
    goal = GoalFactory(title="Done already")
    CheckInFactory(goal=goal, on=days(-60), value=150)
    assert "Done already" not in heading(lead_client, "check-ins-due")


def test_a_recorded_review_keeps_the_goals_as_they_were(lead_client, lead):
    GoalFactory(title="Leads +40%")  # no work linked, no check-in for 90 days
    review = services.review_record(held_on=days(0), attendees=[], notes="", decisions="", by=lead)
    Goal.objects.update(title="Renamed since")
    body = lead_client.get(review.get_absolute_url()).content.decode()
    assert "Leads +40%" in body.split('data-agenda="goals-at-risk"', 1)[1]
    assert "Leads +40%" in body.split('data-agenda="check-ins-due"', 1)[1]


def _grow(count: int):
    for n in range(count):
        moved_away()
        no_open_work()
        GoalFactory(baseline_date=days(-40 - n))


def test_the_goal_headings_ask_the_same_queries_however_many_goals(
    lead_client, django_assert_max_num_queries
):
    _grow(1)
    lead_client.get(reverse("capacity:review"))
    with CaptureQueriesContext(connection) as small:
        lead_client.get(reverse("capacity:review"))
    _grow(10)
    with django_assert_max_num_queries(len(small)):
        assert lead_client.get(reverse("capacity:review")).status_code == 200

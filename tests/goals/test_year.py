"""The year in review has a section a goal that ran in the year: its target against what
the KPI achieved by the year's end, the hours the team put in and the tasks it finished;
and the same as CSV."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.capacity.test_year import done_at
from tests.factories import CheckInFactory, GoalFactory, StepFactory, TaskFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def last_year() -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(YEAR - 1, 6, 1))


def a_goal_with_its_year():
    goal = GoalFactory(title="Email-sourced leads +40%", kpi_name="Email-sourced leads")
    CheckInFactory(goal=goal, on=days(-30), value=110)
    CheckInFactory(goal=goal, on=days(0), value=125)
    nurture = TaskFactory(title="Nurture rebuild", estimate_hours=6)
    scoring = TaskFactory(title="Lead scoring refresh", estimate_hours=4)
    for task in (nurture, scoring):
        done_at(task, timezone.now())
    goal.tasks.add(nurture)
    StepFactory(goal=goal).tasks.add(scoring)  # through a step, counted once
    goal.tasks.add(scoring)
    earlier = TaskFactory(title="Done last year", estimate_hours=30)
    done_at(earlier, last_year())
    goal.tasks.add(earlier, TaskFactory(title="Still open", estimate_hours=50))
    return goal


def section(client, goal) -> str:
    body = client.get(reverse("capacity:year", args=[YEAR])).content.decode()
    return body.split(f'id="year-goal-{goal.pk}"', 1)[1].split("</article>", 1)[0]


def test_a_goal_s_section_says_target_achieved_hours_and_tasks_done(viewer_client):
    goal = a_goal_with_its_year()

    shown = section(viewer_client, goal)

    assert "Email-sourced leads +40%" in shown
    assert f"Email-sourced leads 140 by {goal.deadline:%-d %b %Y}" in shown
    assert f"125 on {TODAY:%-d %b %Y}" in shown and "target met" not in shown
    assert f"10 h, in 2 tasks done in {YEAR}" in shown
    assert "Nurture rebuild" in shown and "Lead scoring refresh" in shown
    assert "Done last year" not in shown and "Still open" not in shown


def test_a_goal_met_says_so_and_one_that_ran_in_another_year_is_not_there(viewer_client):
    met = GoalFactory(title="Clicks +25%", target=120)
    CheckInFactory(goal=met, on=days(0), value=130)
    GoalFactory(
        title="Over before this year",
        baseline_date=datetime.date(YEAR - 2, 1, 1),
        deadline=datetime.date(YEAR - 1, 12, 31),
    )
    archived = GoalFactory(title="Archived since", archived=True)

    body = viewer_client.get(reverse("capacity:year", args=[YEAR])).content.decode()

    assert "target met" in section(viewer_client, met)
    assert "Over before this year" not in body
    assert "Archived since" in section(viewer_client, archived)
    assert "no check-in by the end of" in section(viewer_client, archived)


def test_the_goals_csv_has_a_row_a_goal(viewer_client):
    goal = a_goal_with_its_year()
    GoalFactory(title="=HYPERLINK(1)")
    response = viewer_client.get(reverse("goals:year-export", args=[YEAR]))
    lines = response.getvalue().decode().splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert lines[0] == (
        "goal,kpi,baseline,target,deadline,achieved,achieved_on,target_met,tasks_done,hours_done"
    )
    assert (
        f"Email-sourced leads +40%,Email-sourced leads,100.00,140.00,{goal.deadline},"
        f"125.00,{TODAY},no,2,10"
    ) in lines
    assert any(line.startswith("'=HYPERLINK(1),") for line in lines)


@pytest.mark.parametrize("year", [1999, YEAR + 1])
def test_a_year_out_of_range_is_404(viewer_client, year):
    assert viewer_client.get(reverse("goals:year-export", args=[year])).status_code == 404


def _grow(count: int):
    for _ in range(count):
        goal = GoalFactory()
        CheckInFactory(goal=goal, on=days(0))
        task = TaskFactory(estimate_hours=2)
        done_at(task, timezone.now())
        goal.tasks.add(task, TaskFactory())
        StepFactory(goal=goal).tasks.add(TaskFactory())


@pytest.mark.parametrize("name", ["capacity:year", "goals:year-export"])
def test_the_goals_of_the_year_ask_the_same_queries_however_many(
    lead_client, django_assert_max_num_queries, name
):
    url = reverse(name, args=[YEAR])
    _grow(1)
    with CaptureQueriesContext(connection) as small:
        lead_client.get(url)
    _grow(8)
    with django_assert_max_num_queries(len(small)):
        assert lead_client.get(url).status_code == 200

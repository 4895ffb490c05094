"""The horizon shown for a goal: its cells, totals and peaks count the work serving the
goal or one of its steps; the choice stays in the address, the open cell's moves and the
CSV; the due dates at risk still read each person's other work."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from backlog.models import Status, Task
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import Role
from tests.factories import (
    AssignmentFactory,
    GoalFactory,
    PersonFactory,
    StepFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
THIS_WEEK = week_of(timezone.localdate())
WEEKS = [THIS_WEEK + datetime.timedelta(weeks=n) for n in range(12)]
URL = reverse("capacity:horizon")
EXPORT = reverse("capacity:horizon-export")
MOVE = reverse("capacity:horizon-move")


@pytest.fixture
def ana():
    return PersonFactory(name="Ana Ruiz", kind=Person.Kind.TEAM, weekly_capacity_hours=40)


@pytest.fixture
def pipeline(ana):
    return GoalFactory(short_name="Pipeline", owner=ana)


def _planned(person, hours: dict, **fields):
    fields.setdefault("estimate_hours", sum(hours.values()))
    task = TaskFactory(status=Status.PLANNED, planned_week=min(hours), plan=hours, **fields)
    AssignmentFactory(task=task, person=person, role=Role.ACCOUNTABLE_RESPONSIBLE)
    return task


def _unplanned(person, *, due, hours, **fields):
    task = TaskFactory(status=Status.BACKLOG, due_date=due, estimate_hours=hours, **fields)
    AssignmentFactory(task=task, person=person, role=Role.ACCOUNTABLE_RESPONSIBLE)
    return task


@pytest.fixture
def ana_busy(ana, pipeline):
    """Ana's first week: 16 h serving the pipeline goal (10 h directly, 6 h through one of
    its steps), 33 h of other work; in the second, 50 h due and in no week yet, 8 of them
    for the pipeline."""
    pipeline.tasks.add(_planned(ana, {WEEKS[0]: 10}, title="Webinar program"))
    step = StepFactory(goal=pipeline, owner=ana)
    step.tasks.add(_planned(ana, {WEEKS[0]: 6}, title="Lead scoring"))
    _planned(ana, {WEEKS[0]: 30}, title="Trade show")
    GoalFactory(owner=ana).tasks.add(_planned(ana, {WEEKS[0]: 3}, title="Brand refresh"))
    due = WEEKS[1] + datetime.timedelta(days=2)
    pipeline.tasks.add(_unplanned(ana, due=due, hours=8, title="Nurture stream"))
    _unplanned(ana, due=due, hours=42, title="Annual report")
    return ana


def _cell(person, week):
    return reverse("capacity:horizon-cell", args=[person.pk, week_label(week)])


def test_a_goal_shown_counts_only_the_work_serving_it_or_its_steps(lead_client, ana_busy, pipeline):
    body = lead_client.get(URL).content.decode()
    assert '49/40 h <span class="fill-word">over</span>' in body
    assert "2 peaks ahead:" in body

    response = lead_client.get(URL, {"goal": pipeline.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<option value="{pipeline.pk}" selected>Pipeline</option>' in body
    # Ana's cell and the team's total, and no peak: 16 h planned, 8 h due the week after.
    assert f"Ana Ruiz, {week_label(WEEKS[0])}: 16 of 40 hours, free" in body
    assert '<td class="fill-free">16/40 h' in body
    assert "No peak in these weeks" in body


def test_a_goal_shown_lists_its_due_dates_at_risk_against_all_of_a_persons_work(
    lead_client, ana, pipeline
):
    _planned(ana, {WEEKS[0]: 40, WEEKS[1]: 40}, title="Trade show")
    due = WEEKS[1] + datetime.timedelta(days=2)
    pipeline.tasks.add(_unplanned(ana, due=due, hours=4, title="Preference centre"))
    _unplanned(ana, due=due, hours=2, title="Footer fix")
    body = lead_client.get(URL, {"goal": pipeline.pk}).content.decode()
    section = body.split('id="due-dates-at-risk"')[1].split("</section>")[0]
    # Ana's hours are taken whatever the goal shown: none is free before the date.
    assert "Preference centre" in section
    assert "4 h left, 0 h free before then" in section
    assert "Footer fix" not in section


def test_the_goal_chosen_stays_in_the_cells_links_their_moves_and_the_csv(
    lead_client, htmx_client, ana_busy, pipeline
):
    body = lead_client.get(URL, {"goal": pipeline.pk}).content.decode()
    cell_url = f"{_cell(ana_busy, WEEKS[0])}?goal={pipeline.pk}"
    assert f'href="{cell_url}"' in body
    assert f'href="{EXPORT}?goal={pipeline.pk}"' in body

    body = htmx_client.get(cell_url).content.decode()
    assert re.findall(r'<a href="/tasks/\d+/">([^<]+)</a> <span>', body) == [
        "Lead scoring",
        "Webinar program",
    ]
    assert f'<input type="hidden" name="goal" value="{pipeline.pk}">' in body

    # Moving the webinar a week from the open cell: the grid redraws for the goal still.
    webinar = Task.objects.get(title="Webinar program")
    response = htmx_client.post(
        MOVE,
        {
            "action": "shift",
            "task": webinar.pk,
            "version": webinar.version,
            "from_week": week_label(WEEKS[0]),
            "week": week_label(WEEKS[1]),
            "open": f"{ana_busy.pk}-{week_label(WEEKS[0])}",
            "goal": pipeline.pk,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Ana Ruiz, {week_label(WEEKS[0])}: 6 of 40 hours, free" in body
    assert f"Ana Ruiz, {week_label(WEEKS[1])}: 10 of 40 hours, free" in body
    # A plain POST goes back to the page with the goal in its address.
    webinar.refresh_from_db()
    response = lead_client.post(
        MOVE,
        {
            "action": "shift",
            "task": webinar.pk,
            "version": webinar.version,
            "from_week": week_label(WEEKS[1]),
            "week": week_label(WEEKS[2]),
            "open": f"{ana_busy.pk}-{week_label(WEEKS[1])}",
            "goal": pipeline.pk,
        },
    )
    assert response.status_code == 302
    assert f"goal={pipeline.pk}" in response.url
    assert Task.objects.get(pk=webinar.pk).planned_week == WEEKS[2]

    response = lead_client.get(EXPORT, {"goal": pipeline.pk, "weeks": 4})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[4] for row in rows[1:5]] == ["6", "0", "10", "0"]
    assert rows[-4] == ["Team", "total", week_label(WEEKS[0]), "40", "6", "free", ""]


@pytest.fixture(params=["missing", "archived", "not a number"])
def unknown_goal(request, pipeline):
    if request.param == "archived":
        pipeline.archived = True
        pipeline.save()
        return pipeline.pk
    return {"missing": pipeline.pk + 1000, "not a number": "pipeline"}[request.param]


def test_an_unknown_goal_is_refused_with_a_message_beside_the_field(
    lead_client, htmx_client, ana_busy, unknown_goal
):
    message = "That goal is gone or archived: showing the work for every goal."
    response = lead_client.get(URL, {"goal": unknown_goal})
    assert response.status_code == 422
    body = response.content.decode()
    goal_field = body.split('<label>Category <select name="category"')[1].split("</label>")[1]
    assert message in goal_field
    assert '<select name="goal"' in goal_field
    # All the work is shown meanwhile.
    assert '49/40 h <span class="fill-word">over</span>' in body

    # Asked for by htmx (the goal archived since the page loaded), the form comes along.
    response = htmx_client.get(URL, {"goal": unknown_goal})
    assert response.status_code == 422
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="horizon-grid">')
    assert '<form id="horizon-filters"' in body and 'hx-swap-oob="true"' in body
    assert message in body

    response = lead_client.get(EXPORT, {"goal": unknown_goal})
    assert response.status_code == 400
    assert response.content.decode() == f"Invalid filter: {message}"

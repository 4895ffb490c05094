"""The horizon (/plan/): people by the weeks ahead, load against hours, peaks; a cell's
tasks, moving one; its filters, CSV, and the load it shares with every other page."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backlog.models import Status, Task
from capacity.models import PlannedHours, Review
from capacity.services import review_record
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import Role
from tests.api.conftest import ApiClient
from tests.factories import (
    ApiTokenFactory,
    AssignmentFactory,
    CategoryFactory,
    PersonFactory,
    TaskFactory,
    TimeOffFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
THIS_WEEK = week_of(timezone.localdate())
WEEKS = [THIS_WEEK + datetime.timedelta(weeks=n) for n in range(12)]
URL = reverse("capacity:horizon")


@pytest.fixture
def ana():
    return PersonFactory(name="Ana Ruiz", kind=Person.Kind.TEAM, weekly_capacity_hours=40)


def _planned(person, hours: dict, **fields):
    """A task `person` is Responsible for, planned with `hours` by week (its estimate
    unless another is given)."""
    fields.setdefault("estimate_hours", sum(hours.values()))
    task = TaskFactory(status=Status.PLANNED, planned_week=min(hours), plan=hours, **fields)
    AssignmentFactory(task=task, person=person, role=Role.ACCOUNTABLE_RESPONSIBLE)
    return task


def _cell(person, week):
    return reverse("capacity:horizon-cell", args=[person.pk, week_label(week)])


def test_each_cell_is_load_against_hours_with_a_word_and_the_peaks_are_marked(lead_client, ana):
    ben = PersonFactory(name="Ben Okafor", kind=Person.Kind.TEAM, weekly_capacity_hours=20)
    TimeOffFactory(person=ana, week=WEEKS[1], hours=8)
    _planned(ana, {WEEKS[0]: 10, WEEKS[1]: 30})
    _planned(ben, {WEEKS[2]: 24}, estimate_hours=24)
    body = lead_client.get(URL).content.decode()
    assert body.count('<th scope="col"') == 13  # the person's column and 12 weeks
    assert '10/40 h <span class="fill-word">free</span>' in body
    assert '30/32 h <span class="fill-word">busy</span>' in body
    assert '24/20 h <span class="fill-word">over</span>' in body
    # The team's row adds everyone up: 30 of 52 hours in the second week.
    assert '<td class="fill-free">30/52 h' in body
    assert f"1 peak ahead:</strong> {week_label(WEEKS[2])} (Ben Okafor 4 h over)." in body
    assert body.count('class="peak-mark"') == 1


def test_no_peak_says_so(lead_client, ana):
    _planned(ana, {WEEKS[0]: 10})
    assert "No peak in these weeks" in lead_client.get(URL).content.decode()


def test_weeks_and_start_come_from_the_address(lead_client, ana):
    start = WEEKS[3]
    body = lead_client.get(URL, {"start": week_label(start), "weeks": 26}).content.decode()
    assert body.count('<th scope="col"') == 27
    assert f"{week_label(start)}<small>" in body
    body = lead_client.get(URL, {"weeks": 4}).content.decode()
    assert body.count('<th scope="col"') == 5


@pytest.mark.parametrize("weeks", ["3", "27", "many"])
def test_weeks_out_of_range_show_the_default_with_a_message(lead_client, ana, weeks):
    body = lead_client.get(URL, {"weeks": weeks}).content.decode()
    assert "Show 4 to 26 weeks." in body
    assert body.count('<th scope="col"') == 13


def test_stakeholders_show_only_when_asked_and_a_category_narrows_the_load(lead_client, ana):
    sales = PersonFactory(name="Sam Sales", kind=Person.Kind.STAKEHOLDER)
    email = CategoryFactory(name="Email")
    _planned(sales, {WEEKS[0]: 6})
    _planned(ana, {WEEKS[0]: 10}, category=email)
    _planned(ana, {WEEKS[0]: 5})
    assert "Sam Sales" not in lead_client.get(URL).content.decode()
    body = lead_client.get(URL, {"who": "all"}).content.decode()
    assert "Sam Sales<small>stakeholder</small>" in body
    assert "15/40 h" in body
    body = lead_client.get(URL, {"category": email.pk}).content.decode()
    assert "10/40 h" in body


def test_opening_a_cell_lists_its_tasks_with_their_hours_that_week(lead_client, htmx_client, ana):
    task = _planned(ana, {WEEKS[1]: 12, WEEKS[2]: 4}, title="Webinar program", estimate_hours=16)
    response = htmx_client.get(_cell(ana, WEEKS[1]))
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="horizon-cell"')
    assert "Webinar program</a> <span>12 h this week</span>" in body
    assert f'name="task" value="{task.pk}"' in body
    # Without htmx: the page with the cell open, as a link shared would show it.
    response = lead_client.get(_cell(ana, WEEKS[1]))
    assert response.status_code == 302
    body = lead_client.get(response.url).content.decode()
    assert "Webinar program</a> <span>12 h this week</span>" in body


def test_a_viewer_sees_a_cell_but_no_move_menu(viewer_client, ana):
    _planned(ana, {WEEKS[1]: 8}, title="Audit users")
    body = viewer_client.get(_cell(ana, WEEKS[1]), headers=HTMX).content.decode()
    assert "Audit users" in body
    assert "Move “Audit users”" not in body


def _move(task, week, **extra):
    return {
        "action": "plan",
        "task": task.pk,
        "version": task.version,
        "week": week_label(week),
        "keep_span": "on",
        "open": f"{task.assignments.first().person_id}-{week_label(WEEKS[1])}",
        **extra,
    }


def test_moving_a_task_from_a_cell_keeps_its_span_and_redraws_the_grid(htmx_client, ana):
    task = _planned(ana, {WEEKS[1]: 12, WEEKS[2]: 4}, estimate_hours=16)
    response = htmx_client.post(reverse("capacity:horizon-move"), _move(task, WEEKS[3]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="horizon-grid">')
    assert "is planned for" in body  # the message, out of band
    assert f"Ana Ruiz, {week_label(WEEKS[1])}: 0 of 40 hours" in body
    assert f"Ana Ruiz, {week_label(WEEKS[3])}: 12 of 40 hours" in body
    assert dict(PlannedHours.objects.filter(task=task).values_list("week", "hours")) == {
        WEEKS[3]: 12,
        WEEKS[4]: 4,
    }
    assert Task.objects.get(pk=task.pk).planned_week == WEEKS[3]


def test_moving_into_a_full_week_warns_then_plans_anyway(htmx_client, lead_client, ana):
    _planned(ana, {WEEKS[3]: 36}, estimate_hours=36)
    task = _planned(ana, {WEEKS[1]: 8}, estimate_hours=8)
    response = htmx_client.post(reverse("capacity:horizon-move"), _move(task, WEEKS[3]))
    assert response.status_code == 409
    body = response.content.decode()
    assert "would put Ana Ruiz at 44 of 40 h" in body
    assert "Plan anyway" in body
    assert Task.objects.get(pk=task.pk).planned_week == WEEKS[1]
    response = htmx_client.post(
        reverse("capacity:horizon-move"), _move(task, WEEKS[3], allow_over="on")
    )
    assert response.status_code == 200
    assert Task.objects.get(pk=task.pk).planned_week == WEEKS[3]
    # A plain POST gets the grid again by a redirect, its filters kept.
    response = lead_client.post(
        reverse("capacity:horizon-move"),
        {**_move(Task.objects.get(pk=task.pk), WEEKS[4]), "weeks": 6},
    )
    assert response.status_code == 302
    assert response.url.startswith(f"{URL}?weeks=6")


def test_the_grid_as_csv(lead_client, ana):
    _planned(ana, {WEEKS[0]: 44}, estimate_hours=44)
    response = lead_client.get(reverse("capacity:horizon-export"), {"weeks": 4})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["person", "kind", "week", "capacity", "load", "fill", "peak"]
    assert rows[1] == ["Ana Ruiz", "team", week_label(WEEKS[0]), "40", "44", "over", "peak"]
    assert rows[-4] == ["Team", "total", week_label(WEEKS[0]), "40", "44", "over", "peak"]
    assert len(rows) == 1 + 4 + 4


def test_the_same_week_has_the_same_load_on_every_page(lead_client, lead, ana):
    ben = PersonFactory(name="Ben Okafor", kind=Person.Kind.TEAM, weekly_capacity_hours=30)
    shared = _planned(ana, {WEEKS[0]: Decimal("7.5"), WEEKS[1]: Decimal("7.5")}, estimate_hours=15)
    AssignmentFactory(task=shared, person=ben, role=Role.RESPONSIBLE)
    _planned(ben, {WEEKS[0]: 6, WEEKS[2]: 6}, estimate_hours=12)
    horizon = lead_client.get(URL).content.decode()
    people = lead_client.get(reverse("capacity:people")).content.decode()
    review = lead_client.get(reverse("capacity:review")).content.decode()
    api = ApiClient(ApiTokenFactory(user=lead)).get("/api/v1/load", {"week": week_label(WEEKS[0])})
    loads = {row["person"]["name"]: row["load"] for row in api.json()["people"]}
    # Ana: half of 7.5 h; Ben: the other half and his own 6 h.
    assert loads == {"Ana Ruiz": 3.75, "Ben Okafor": 9.75}
    assert "3.8/40 h" in horizon and "9.8/30 h" in horizon
    assert "3.8 of 40 h" in people and "9.8 of 30 h" in people
    assert "3.8 of 40" in review and "9.8 of 30" in review


def test_a_recorded_review_keeps_its_figures_when_plans_are_spread_later(lead, ana):
    task = _planned(ana, {WEEKS[0]: 20}, estimate_hours=20)
    recorded = review_record(
        held_on=timezone.localdate(), attendees=[ana], notes="", decisions="", by=lead
    )
    figures = Review.objects.get(pk=recorded.pk).figures
    PlannedHours.objects.filter(task=task).delete()
    PlannedHours.objects.bulk_create(
        [
            PlannedHours(task=task, week=WEEKS[0], hours=5),
            PlannedHours(task=task, week=WEEKS[1], hours=15),
        ]
    )
    assert Review.objects.get(pk=recorded.pk).figures == figures
    assert figures["people"][0]["weeks"][0]["load"] == 20


def test_the_horizon_reads_a_constant_number_of_queries(lead_client, ana):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert lead_client.get(URL).status_code == 200
        return len(captured)

    _planned(ana, {WEEKS[0]: 8})
    few = queries()
    for n in range(30):
        person = PersonFactory(kind=Person.Kind.TEAM)
        _planned(person, {WEEKS[n % 12]: 4, WEEKS[(n + 1) % 12]: 4}, category=CategoryFactory())
    assert queries() == few


def test_filtering_over_htmx_redraws_only_the_grid(htmx_client, ana):
    _planned(ana, {WEEKS[4]: 12})
    response = htmx_client.get(URL, {"start": week_label(WEEKS[4]), "weeks": 4})
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="horizon-grid">')
    assert f"Ana Ruiz, {week_label(WEEKS[4])}: 12 of 40 hours" in body

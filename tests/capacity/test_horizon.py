"""The horizon (/plan/): people by the weeks ahead, load against hours, peaks; a cell's
tasks, moving one; its filters, CSV, and the load it shares with every other page."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test import Client
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


def test_a_cell_reads_out_its_figures_and_opens_with_the_filters_shown(lead_client):
    jo = PersonFactory(name="Jo O'Brien & Co", kind=Person.Kind.TEAM, weekly_capacity_hours=20)
    _planned(jo, {WEEKS[1]: Decimal("17.5")})
    body = lead_client.get(URL, {"weeks": 4, "who": "all"}).content.decode()
    week = week_label(WEEKS[1])
    link = f"{_cell(jo, WEEKS[1])}?weeks=4&amp;who=all"
    assert (
        f'<td class="fill-busy" data-person-id="{jo.pk}" data-week="{week}">\n'
        f'          <a id="cell-{jo.pk}-{week}" href="{link}" hx-get="{link}" '
        'hx-target="#horizon-cell" hx-swap="outerHTML" '
        f'aria-label="Jo O&#x27;Brien &amp; Co, {week}: 17.5 of 20 hours, busy. Show the tasks.">'
        '17.5/20 h <span class="fill-word">busy</span></a>\n        </td>'
    ) in body


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


def test_the_horizon_sums_the_hours_planned_without_reading_their_tasks(lead_client, ana):
    """However many tasks are planned in its weeks, the page reads their hours only: the
    tasks behind a cell are read when it is opened (bench/README.md)."""
    built = []

    def count(instance, **kwargs):
        built.append(instance.pk)

    def tasks_read(url=URL, **kwargs):
        built.clear()
        post_init.connect(count, sender=Task)
        try:
            assert lead_client.get(url, **kwargs).status_code == 200
        finally:
            post_init.disconnect(count, sender=Task)
        return len(built)

    _planned(ana, {WEEKS[0]: 8})
    few = tasks_read()
    for n in range(30):
        _planned(ana, {WEEKS[n % 12]: 1, WEEKS[(n + 1) % 12]: 1}, title=f"Task {n:02}")
    assert tasks_read() == few
    assert tasks_read(data={"who": "all"}) == few
    # An open cell lists its tasks, each read once.
    assert tasks_read(data={"open": f"{ana.pk}-{week_label(WEEKS[1])}"}) == few + 6


def test_filtering_over_htmx_redraws_only_the_grid(htmx_client, ana):
    _planned(ana, {WEEKS[4]: 12})
    response = htmx_client.get(URL, {"start": week_label(WEEKS[4]), "weeks": 4})
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="horizon-grid">')
    assert f"Ana Ruiz, {week_label(WEEKS[4])}: 12 of 40 hours" in body


# --- Moving and stretching from a cell: the menu, Shift+arrows and a drag all send this ---


def _shift(task, *, from_week, to_week, **extra):
    """The open cell's menu for `task`, as a drag or Shift+arrow fills it in."""
    person = task.assignments.first().person_id
    return {
        "action": "shift",
        "task": task.pk,
        "version": task.version,
        "from_week": week_label(from_week),
        "week": week_label(to_week),
        "open": f"{person}-{week_label(from_week)}",
        **extra,
    }


def _plan(task):
    return dict(PlannedHours.objects.filter(task=task).values_list("week", "hours"))


def test_a_task_moved_a_week_takes_its_span_along_and_the_cell_follows_it(htmx_client, ana):
    task = _planned(ana, {WEEKS[1]: 6, WEEKS[2]: 8, WEEKS[3]: 10}, title="Webinar program")
    # From its middle week, one week later: the 8 h shown there land in WEEKS[3].
    response = htmx_client.post(
        reverse("capacity:horizon-move"), _shift(task, from_week=WEEKS[2], to_week=WEEKS[3])
    )
    assert response.status_code == 200
    assert _plan(task) == {WEEKS[2]: 6, WEEKS[3]: 8, WEEKS[4]: 10}
    body = response.content.decode()
    # The whole row and the totals redraw, the cell open where the task went.
    assert f"Ana Ruiz, {week_label(WEEKS[1])}: 0 of 40 hours" in body
    assert f"Ana Ruiz, {week_label(WEEKS[4])}: 10 of 40 hours" in body
    assert f'<h2 id="horizon-cell-heading">Ana Ruiz, {week_label(WEEKS[3])}: 8 of 40 h' in body
    assert f'id="cell-task-{task.pk}"' in body
    assert "“Webinar program” is planned for" in body  # the message, out of band


def test_a_one_week_task_moves_to_the_week_chosen(htmx_client, lead_client, ana):
    task = _planned(ana, {WEEKS[1]: 8})
    response = htmx_client.post(
        reverse("capacity:horizon-move"), _shift(task, from_week=WEEKS[1], to_week=WEEKS[0])
    )
    assert response.status_code == 200
    assert _plan(task) == {WEEKS[0]: 8}
    # Without htmx: back to the page, its filters kept, the cell where the task is open.
    task.refresh_from_db()
    response = lead_client.post(
        reverse("capacity:horizon-move"),
        {**_shift(task, from_week=WEEKS[0], to_week=WEEKS[2]), "weeks": 6},
    )
    assert response.status_code == 302
    assert response.url == f"{URL}?weeks=6&open={ana.pk}-{week_label(WEEKS[2])}"
    assert _plan(task) == {WEEKS[2]: 8}


def test_stretching_into_a_week_off_spreads_less_there_and_warns_before_going_over(
    htmx_client, ana
):
    TimeOffFactory(person=ana, week=WEEKS[2], hours=32)
    _planned(ana, {WEEKS[2]: 6}, title="Bounce campaign")
    task = _planned(ana, {WEEKS[1]: 16}, title="Lead routing rules")
    stretch = _shift(task, from_week=WEEKS[1], to_week=WEEKS[2], stretch="on")
    response = htmx_client.post(reverse("capacity:horizon-move"), stretch)
    assert response.status_code == 409
    body = response.content.decode()
    # Spread by the hours Ana has, 40 and 8: 13.3 and 2.7, and 6 + 2.7 is over her 8.
    assert "would put Ana Ruiz at 8.7 of 8 h" in body
    assert "Plan anyway" in body
    assert 'name="stretch" value="on"' in body
    assert _plan(task) == {WEEKS[1]: 16}
    response = htmx_client.post(reverse("capacity:horizon-move"), {**stretch, "allow_over": "on"})
    assert response.status_code == 200
    assert _plan(task) == {WEEKS[1]: Decimal("13.3"), WEEKS[2]: Decimal("2.7")}
    assert Task.objects.get(pk=task.pk).planned_week == WEEKS[1]
    body = response.content.decode()
    assert f"Ana Ruiz, {week_label(WEEKS[2])}: 8.7 of 8 hours, over" in body
    assert f'<h2 id="horizon-cell-heading">Ana Ruiz, {week_label(WEEKS[2])}' in body


def test_stretching_earlier_keeps_the_last_week_and_within_the_span_is_refused(htmx_client, ana):
    task = _planned(ana, {WEEKS[2]: 10, WEEKS[3]: 10})
    response = htmx_client.post(
        reverse("capacity:horizon-move"),
        _shift(task, from_week=WEEKS[3], to_week=WEEKS[3], stretch="on"),
    )
    assert response.status_code == 422
    assert "It is planned in that week already" in response.content.decode()
    response = htmx_client.post(
        reverse("capacity:horizon-move"),
        _shift(task, from_week=WEEKS[2], to_week=WEEKS[0], stretch="on"),
    )
    assert response.status_code == 200
    assert sorted(_plan(task)) == WEEKS[0:4]
    assert sum(_plan(task).values()) == 20


def test_two_people_moving_the_same_task_at_once_one_wins_the_other_is_told(
    htmx_client, member, ana
):
    task = _planned(ana, {WEEKS[1]: 8}, title="Audit users")
    other = Client(headers=HTMX)
    other.force_login(member)
    # Both loaded the cell at the same version.
    mine = _shift(task, from_week=WEEKS[1], to_week=WEEKS[2])
    theirs = _shift(task, from_week=WEEKS[1], to_week=WEEKS[3])
    assert htmx_client.post(reverse("capacity:horizon-move"), mine).status_code == 200
    response = other.post(reverse("capacity:horizon-move"), theirs)
    assert response.status_code == 409
    body = response.content.decode()
    assert "“Audit users” was changed by someone else since you loaded it" in body
    assert body.lstrip().startswith('<div id="horizon-grid">')
    assert _plan(task) == {WEEKS[2]: 8}


# --- Spare hours in an open cell ------------------------------------------------------------


def _fill_in(title, person, *, hours=2):
    task = TaskFactory(title=title, impact=5, effort=1, estimate_hours=hours)
    AssignmentFactory(task=task, person=person, role=Role.RESPONSIBLE)
    return task


def test_an_open_cell_suggests_fill_ins_for_its_spare_hours(htmx_client, viewer_client, ana):
    _planned(ana, {WEEKS[1]: 36})
    _fill_in("Fix UTM parameters", ana)
    _fill_in("Tidy the email footer", ana)
    _fill_in("Too big to fit", ana, hours=6)
    body = " ".join(htmx_client.get(_cell(ana, WEEKS[1])).content.decode().split())
    assert "Spare hours: 4 h free" in body
    spare = body[body.index('class="spare-hours cell-spare"') :]
    assert re.findall(r'<a href="/tasks/\d+/">([^<]+)</a>', spare) == [
        "Fix UTM parameters",
        "Tidy the email footer",
    ]
    assert "Quick win, fits 2 of 4 free hours" in spare
    assert "Plan it" in spare and "Not this week" in spare
    # A viewer reads them, without the buttons.
    body = viewer_client.get(_cell(ana, WEEKS[1]), headers=HTMX).content.decode()
    assert "Fix UTM parameters" in body and "Plan it" not in body


def test_one_click_plans_a_suggestion_and_the_cell_fills(htmx_client, lead_client, ana):
    _planned(ana, {WEEKS[1]: 36})
    utm = _fill_in("Fix UTM parameters", ana)
    footer = _fill_in("Tidy the email footer", ana)
    open_cell = {"open": f"{ana.pk}-{week_label(WEEKS[1])}", "weeks": 4}
    response = htmx_client.post(
        reverse("capacity:horizon-suggestion-plan"),
        {
            "task": utm.pk,
            "person": ana.pk,
            "week": week_label(WEEKS[1]),
            "version": utm.version,
            **open_cell,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="horizon-grid">')
    assert f"Ana Ruiz, {week_label(WEEKS[1])}: 38 of 40 hours" in body
    assert f'id="cell-task-{utm.pk}"' in body
    assert "Spare hours: 2 h free" in body
    assert "“Fix UTM parameters” is planned for" in body
    assert Task.objects.get(pk=utm.pk).planned_week == WEEKS[1]
    # "Not this week", by a plain POST: back to the page with the cell open.
    response = lead_client.post(
        reverse("capacity:horizon-suggestion-dismiss"),
        {"task": footer.pk, "person": ana.pk, "week": week_label(WEEKS[1]), **open_cell},
    )
    assert response.status_code == 302
    assert response.url == f"{URL}?weeks=4&open={ana.pk}-{week_label(WEEKS[1])}"
    body = lead_client.get(response.url).content.decode()
    assert "“Tidy the email footer” is not suggested to Ana Ruiz" in body
    assert "Spare hours:" not in body


def test_a_cell_gone_by_suggests_nothing(htmx_client, ana):
    _fill_in("Fix UTM parameters", ana)
    gone = THIS_WEEK - datetime.timedelta(weeks=1)
    body = htmx_client.get(_cell(ana, gone)).content.decode()
    assert "Spare hours:" not in body
    assert "Spare hours: 40 h free" in htmx_client.get(_cell(ana, WEEKS[0])).content.decode()

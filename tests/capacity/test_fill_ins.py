"""Spare hours suggest their own fill-ins: the method against brute force, and the review's
Spare hours section from outside (what is suggested, planning it, not this week, who may)."""

import datetime
import itertools
import re
from decimal import Decimal

import pgtrigger
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from backlog.models import Status, Task
from capacity.fill_ins import CANDIDATES, Candidate, fill_ins_chosen
from capacity.models import SuggestionDismissal
from mopsboard.roles import LEAD
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import Assignment, Role
from tests.capacity.test_my_work import plan_nodes
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory, UserFactory

TODAY = timezone.localdate()
THIS_WEEK = week_of(TODAY)
NEXT_WEEK = THIS_WEEK + datetime.timedelta(days=7)
HTMX = {"HX-Request": "true"}
# The review loads its spare hours after the page; asked for as a page, it is the review
# with them in place.
SPARE_HOURS = reverse("capacity:review-spare-hours")

candidates = st.lists(
    st.builds(
        Candidate,
        key=st.integers(),
        hours=st.integers(min_value=1, max_value=120).map(lambda tenths: Decimal(tenths) / 10),
        impact=st.integers(min_value=1, max_value=5),
        due_date=st.none() | st.dates(datetime.date(2027, 1, 1), datetime.date(2027, 3, 31)),
    ),
    max_size=12,
)


@given(candidates, st.integers(min_value=0, max_value=400).map(lambda tenths: Decimal(tenths) / 10))
@settings(max_examples=300, deadline=None)
def test_the_knapsack_finds_the_most_impact_brute_force_finds(offered, free):
    chosen = fill_ins_chosen(offered, free)
    assert sum((c.hours for c in chosen), Decimal(0)) <= free
    assert len({id(c) for c in chosen}) == len(chosen)
    best = max(
        sum(c.impact for c in subset)
        for size in range(len(offered) + 1)
        for subset in itertools.combinations(offered, size)
        if sum((c.hours for c in subset), Decimal(0)) <= free
    )
    assert sum(c.impact for c in chosen) == best


@given(candidates, st.integers(min_value=0, max_value=400).map(lambda tenths: Decimal(tenths) / 10))
@settings(max_examples=200, deadline=None)
def test_among_sets_of_the_most_impact_it_holds_the_soonest_due(offered, free):
    """Of all the sets with the most impact, none holds work due sooner than the chosen
    one's soonest due work it lacks."""
    chosen = fill_ins_chosen(offered, free)
    impact = sum(c.impact for c in chosen)

    def due_dates(subset):
        return sorted(c.due_date for c in subset if c.due_date)

    for size in range(len(offered) + 1):
        for subset in itertools.combinations(offered, size):
            fits = sum((c.hours for c in subset), Decimal(0)) <= free
            if fits and sum(c.impact for c in subset) == impact:
                # Soonest dates first: the chosen set's list is never later.
                assert _not_later(due_dates(chosen), due_dates(subset))


def _not_later(ours: list, theirs: list) -> bool:
    for mine, other in zip(ours, theirs, strict=False):
        if mine != other:
            return mine < other
    return len(ours) >= len(theirs)


def test_due_dates_first_among_equal_value():
    later = Candidate(1, Decimal(3), 2, datetime.date(2027, 3, 1))
    sooner = Candidate(2, Decimal(3), 2, datetime.date(2027, 2, 1))
    undated = Candidate(3, Decimal(3), 2, None)
    assert fill_ins_chosen([later, undated, sooner], Decimal(4)) == [sooner]


def test_nothing_more_than_the_free_hours():
    assert fill_ins_chosen([Candidate(1, Decimal("2.1"), 5)], Decimal("2.09")) == []
    assert fill_ins_chosen([Candidate(1, Decimal("2.1"), 5)], Decimal("2.1")) != []


# --- The review's Spare hours, over HTTP -------------------------------------------------


@pytest.fixture
def ana(db):
    """Ana has 10 h next week, 4 of them planned: 6 h free."""
    ana = PersonFactory(name="Ana Ruiz", kind=Person.Kind.TEAM, weekly_capacity_hours=10)
    planned = TaskFactory(
        title="Nurture stream", status=Status.PLANNED, planned_week=NEXT_WEEK, estimate_hours=4
    )
    AssignmentFactory(task=planned, person=ana, role=Role.RESPONSIBLE)
    return ana


def fill_in(title, person=None, *, hours=2, impact=2, effort=1, due=None):
    task = TaskFactory(
        title=title, impact=impact, effort=effort, estimate_hours=hours, due_date=due
    )
    if person:
        AssignmentFactory(task=task, person=person, role=Role.RESPONSIBLE)
    return task


def spare_hours(response) -> str:
    body = " ".join(response.content.decode().split())
    match = re.search(r'<section id="spare-hours".*?</section>', body)
    return match.group(0) if match else ""


def suggested(response, person) -> list[str]:
    section = spare_hours(response)
    block = re.search(rf'id="spare-{person.pk}".*?</ul>', section)
    return re.findall(r'<a href="/tasks/\d+/">([^<]+)</a>', block.group(0)) if block else []


def test_free_hours_suggest_fill_ins_with_why(lead_client, ana):
    fill_in("Fix UTM parameters", ana, hours=Decimal("1.5"), due=datetime.date(2027, 3, 12))
    fill_in("Tidy the email footer", ana, hours=4, impact=4, effort=2)
    response = lead_client.get(SPARE_HOURS)
    assert suggested(response, ana) == ["Fix UTM parameters", "Tidy the email footer"]
    section = spare_hours(response)
    assert "6 h free" in section
    assert "Fill-in, fits 1.5 of 6 free hours; due 12 March" in section
    assert "Quick win, fits 4 of 6 free hours" in section


def test_nothing_is_suggested_that_would_push_them_over(lead_client, ana):
    fill_in("Rebuild the preference centre", ana, hours=Decimal("6.5"))
    fill_in("Money pit", ana, hours=1, impact=1, effort=5)
    fill_in("Planned already", ana, hours=1).__class__.objects.filter(
        title="Planned already"
    ).update(status=Status.PLANNED, planned_week=NEXT_WEEK + datetime.timedelta(days=7))
    assert suggested(lead_client.get(SPARE_HOURS), ana) == []


def test_someone_elses_fill_in_is_not_suggested(lead_client, ana):
    other = PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=0)
    fill_in("Bea's job", other)
    assert suggested(lead_client.get(SPARE_HOURS), ana) == []


def test_due_dates_first_on_the_review(lead_client, ana):
    fill_in("Due later", ana, hours=4, due=TODAY + datetime.timedelta(days=30))
    fill_in("Due sooner", ana, hours=4, due=TODAY + datetime.timedelta(days=3))
    assert suggested(lead_client.get(SPARE_HOURS), ana) == ["Due sooner"]


def test_planning_a_suggestion_fills_the_bar_and_keeps_what_still_fits(htmx_client, ana):
    one = fill_in("Fix UTM parameters", ana, hours=2)
    fill_in("Tidy the email footer", ana, hours=2)
    response = htmx_client.post(
        reverse("capacity:suggestion-plan"),
        {"task": one.pk, "person": ana.pk, "week": week_label(NEXT_WEEK), "version": one.version},
    )
    assert response.status_code == 200
    one.refresh_from_db()
    assert (one.status, one.planned_week) == (Status.PLANNED, NEXT_WEEK)
    assert 'id="review-load"' in response.content.decode()
    # The bars redraw at once; the suggestions load again after them.
    assert f'hx-get="{SPARE_HOURS}" hx-trigger="load"' in response.content.decode()
    response = htmx_client.get(SPARE_HOURS)
    assert suggested(response, ana) == ["Tidy the email footer"]
    assert "4 h free" in spare_hours(response)


def test_unowned_work_is_suggested_and_planning_makes_the_person_responsible(lead_client, ana):
    task = fill_in("Clean the lead sources", hours=3)
    AssignmentFactory(task=task, person=ana, role=Role.ACCOUNTABLE)
    response = lead_client.get(SPARE_HOURS)
    assert suggested(response, ana) == ["Clean the lead sources"]
    assert "nobody is Responsible yet" in spare_hours(response)
    response = lead_client.post(
        reverse("capacity:suggestion-plan"),
        {"task": task.pk, "person": ana.pk, "week": week_label(NEXT_WEEK), "version": 1},
    )
    assert response.status_code == 302
    assert Assignment.objects.get(task=task, person=ana).role == Role.ACCOUNTABLE_RESPONSIBLE
    task.refresh_from_db()
    assert task.planned_week == NEXT_WEEK


def test_over_capacity_since_suggested_is_refused_and_leaves_the_raci(htmx_client, ana):
    task = fill_in("Clean the lead sources", hours=8)
    response = htmx_client.post(
        reverse("capacity:suggestion-plan"),
        {"task": task.pk, "person": ana.pk, "week": week_label(NEXT_WEEK), "version": 1},
    )
    assert response.status_code == 409
    assert not Assignment.objects.filter(task=task).exists()
    assert Task.objects.get(pk=task.pk).planned_week is None


def test_taken_by_someone_else_meanwhile_is_refused(htmx_client, ana):
    task = fill_in("Clean the lead sources", PersonFactory(kind=Person.Kind.TEAM))
    response = htmx_client.post(
        reverse("capacity:suggestion-plan"),
        {"task": task.pk, "person": ana.pk, "week": week_label(NEXT_WEEK), "version": 1},
    )
    assert response.status_code == 409
    assert Task.objects.get(pk=task.pk).planned_week is None


def test_a_dismissed_suggestion_is_gone_for_that_week_only(htmx_client, lead_client, ana):
    task = fill_in("Fix UTM parameters", ana, hours=2)
    response = htmx_client.post(
        reverse("capacity:suggestion-dismiss"),
        {"task": task.pk, "person": ana.pk, "week": week_label(NEXT_WEEK)},
    )
    assert response.status_code == 200
    assert suggested(htmx_client.get(SPARE_HOURS), ana) == []
    # This week it is still suggested (Ana has 10 h free there), on her My work too.
    from capacity.fill_ins import fill_in_suggestions

    this_week = fill_in_suggestions(week=THIS_WEEK, people=Person.objects.filter(pk=ana.pk))
    assert [s.task.title for s in this_week[0].suggestions] == ["Fix UTM parameters"]
    assert SuggestionDismissal.objects.get().week == NEXT_WEEK


def test_viewer_cannot_plan_nor_dismiss(viewer_client, ana):
    task = fill_in("Fix UTM parameters", ana)
    body = {"task": task.pk, "person": ana.pk, "week": week_label(NEXT_WEEK), "version": 1}
    assert viewer_client.post(reverse("capacity:suggestion-plan"), body).status_code == 403
    assert viewer_client.post(reverse("capacity:suggestion-dismiss"), body).status_code == 403
    assert Task.objects.get(pk=task.pk).planned_week is None
    assert "Plan it" not in spare_hours(viewer_client.get(SPARE_HOURS))


def test_member_plans_their_own_but_makes_nobody_responsible(member_client, ana):
    mine = fill_in("Fix UTM parameters", ana)
    unowned = fill_in("Clean the lead sources")
    week = week_label(NEXT_WEEK)
    url = reverse("capacity:suggestion-plan")
    body = {"task": unowned.pk, "person": ana.pk, "week": week, "version": 1}
    assert member_client.post(url, body).status_code == 403
    assert not Assignment.objects.filter(task=unowned).exists()
    assert member_client.post(url, {**body, "task": mine.pk}).status_code == 302
    assert Task.objects.get(pk=mine.pk).planned_week == NEXT_WEEK


def test_bad_week_is_refused_with_422(htmx_client, ana):
    task = fill_in("Fix UTM parameters", ana)
    response = htmx_client.post(
        reverse("capacity:suggestion-plan"),
        {"task": task.pk, "person": ana.pk, "week": "next tuesday", "version": 1},
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    "url",
    [
        "capacity:suggestion-plan",
        "capacity:suggestion-dismiss",
        "capacity:horizon-suggestion-plan",
        "capacity:horizon-suggestion-dismiss",
    ],
)
def test_a_week_gone_by_is_neither_planned_nor_dismissed(htmx_client, ana, url):
    task = fill_in("Fix UTM parameters", ana)
    last_week = week_label(THIS_WEEK - datetime.timedelta(weeks=1))
    response = htmx_client.post(
        reverse(url), {"task": task.pk, "person": ana.pk, "week": last_week, "version": 1}
    )
    assert response.status_code == 422
    assert f"{last_week} is over: its spare hours are gone." in response.content.decode()
    assert not SuggestionDismissal.objects.exists()
    assert Task.objects.get(pk=task.pk).version == 1


def test_the_review_draws_first_and_loads_its_spare_hours_after(lead_client, htmx_client, ana):
    fill_in("Fix UTM parameters", ana, hours=2)
    page = lead_client.get(reverse("capacity:review"))
    assert suggested(page, ana) == []
    assert f'<a href="{SPARE_HOURS}#spare-hours">Show the fill-ins that fit</a>' in spare_hours(
        page
    )
    fragment = htmx_client.get(SPARE_HOURS)
    assert fragment.content.decode().lstrip().startswith('<section id="spare-hours"')
    assert "HX-Request" in fragment["Vary"]
    assert suggested(fragment, ana) == ["Fix UTM parameters"]


def test_query_count_stays_as_suggestions_grow(lead_client, ana):
    people = [ana, *PersonFactory.create_batch(3, kind=Person.Kind.TEAM)]
    for person in people:
        fill_in("Small job", person, hours=1)
    fill_in("Unowned job", hours=1)
    with CaptureQueriesContext(connection) as small:
        lead_client.get(SPARE_HOURS)
    people += PersonFactory.create_batch(10, kind=Person.Kind.TEAM)
    # More candidates than a person's CANDIDATES, owned and unowned.
    for n in range(3 * CANDIDATES):
        fill_in(f"Job {n}", people[n % len(people)] if n % 3 else ana, hours=1 + n % 3)
        fill_in(f"Unowned {n}", hours=1 + n % 4)
    with CaptureQueriesContext(connection) as many:
        response = lead_client.get(SPARE_HOURS)
    assert len(many) == len(small)
    assert len(re.findall(r"Plan it</button>", spare_hours(response))) >= 30


def backlog_of_fill_ins(size: int, responsible) -> None:
    """`size` open fill-ins and quick wins, the nth with `responsible(n)` Responsible (or
    nobody: None), written without their history, which is not what is measured here (and
    is slow to write); then ANALYZEd, so PostgreSQL plans for their number."""
    with pgtrigger.ignore("backlog.Task:insert_insert", "raci.Assignment:insert_insert"):
        backlog = Task.objects.bulk_create(
            Task(
                title=f"Job {n}",
                impact=1 + n % 5,
                effort=1 + n % 2,
                estimate_hours=Decimal((1, 1.5, 2, 3, 4, 6)[n % 6]),
                due_date=TODAY + datetime.timedelta(days=n % 40) if n % 4 else None,
                status=Status.BACKLOG,
            )
            for n in range(size)
        )
        Assignment.objects.bulk_create(
            Assignment(task=task, person=person, role=Role.RESPONSIBLE)
            for n, task in enumerate(backlog)
            if (person := responsible(n))
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_unowned_fill_ins_are_read_best_first_not_from_the_whole_backlog(lead_client, ana):
    """The fill-ins nobody is Responsible for are read best first until there are
    CANDIDATES of them, not all of them: their cost stays the same whatever the size of
    the backlog."""
    other = PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=0)
    # Someone with no free hours is Responsible for two in seven of them.
    backlog_of_fill_ins(3_000, lambda n: other if n % 7 < 2 else None)
    with CaptureQueriesContext(connection) as page:
        response = lead_client.get(SPARE_HOURS)
    assert "nobody is Responsible yet" in spare_hours(response)
    (unowned,) = [query["sql"] for query in page if query["sql"].endswith(f"LIMIT {CANDIDATES}")]
    assert tasks_read([unowned]) <= 2 * CANDIDATES


@pytest.mark.parametrize("door", ["my work", "review"])
def test_own_fill_ins_are_read_from_their_own_work_not_from_the_whole_backlog(client, member, door):
    """Each person's own fill-ins are read from the work they are Responsible for, not
    picked out of every fill-in in the backlog: on My work (one person) and on the review
    (everyone with free hours), that read stays the same as the backlog grows."""
    # Two with free hours, Tom on My work; someone with none is Responsible for most.
    tom = PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=30, user=member)
    bea = PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=30)
    other = PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=0)
    client.force_login(member if door == "my work" else UserFactory(role=LEAD))
    url = reverse("capacity:my-work") if door == "my work" else SPARE_HOURS

    def grow(size: int, *, theirs: bool):
        backlog_of_fill_ins(size, lambda n: (tom, bea)[n % 2] if theirs and n % 10 < 2 else other)

    def own_read() -> int:
        with CaptureQueriesContext(connection) as page:
            assert client.get(url).status_code == 200
        # The read of the fill-ins someone is Responsible for (the unowned ones stop at
        # CANDIDATES, the tasks chosen are read by their ids).
        own = [
            query["sql"]
            for query in page
            if '"planned_week" IS NULL' in query["sql"]
            and Assignment._meta.db_table in query["sql"]
            and not query["sql"].endswith(f"LIMIT {CANDIDATES}")
        ]
        assert own
        return tasks_read(own)

    grow(1_500, theirs=True)
    theirs = Assignment.objects.filter(person__in=[tom, bea]).count()
    before = own_read()
    assert before <= 2 * theirs  # this week's and next's on My work
    grow(3_000, theirs=False)
    assert own_read() == before


def tasks_read(queries: list[str]) -> int:
    """How many tasks PostgreSQL read to answer `queries`, from their plans as run."""
    read = 0
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            (plan,) = cursor.fetchone()[0]
            read += sum(
                (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
                for node in plan_nodes(plan["Plan"])
                if node.get("Relation Name") == Task._meta.db_table
            )
    return read

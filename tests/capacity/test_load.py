"""The load formula, by hand-computed examples, and weeks as people write them."""

import datetime
from decimal import Decimal

import pytest

from backlog.models import Status
from capacity.load import team_load
from capacity.models import TimeOff
from mopsboard.weeks import week_from_input, week_of
from people.models import Person
from raci.models import Role
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)
NEXT_MONDAY = MONDAY + datetime.timedelta(days=7)


def planned(hours, *, week=MONDAY, status="planned", responsible=(), accountable=None):
    task = TaskFactory(status=status, planned_week=week, estimate_hours=hours)
    for person in responsible:
        AssignmentFactory(task=task, person=person, role=Role.RESPONSIBLE)
    if accountable is not None:
        AssignmentFactory(task=task, person=accountable, role=Role.ACCOUNTABLE_RESPONSIBLE)
    return task


def load_of(person, week=MONDAY):
    loads = {p.person: p for p in team_load(weeks=[MONDAY, NEXT_MONDAY], with_tasks=True).people}
    return loads[person].weeks[week]


def test_a_task_shared_by_responsible_people_splits_its_hours():
    ana = PersonFactory(name="Ana", kind=Person.Kind.TEAM, weekly_capacity_hours=36)
    tom = PersonFactory(name="Tom", kind=Person.Kind.TEAM, weekly_capacity_hours=36)
    kenji = PersonFactory(name="Kenji", kind=Person.Kind.TEAM, weekly_capacity_hours=32)
    planned(12, responsible=[ana, tom], accountable=kenji)  # 12 h among 3: 4 h each (A/R counts)
    planned(10, responsible=[ana])  # 10 h, Ana alone
    planned(6, responsible=[tom], week=NEXT_MONDAY)  # another week
    planned(20, responsible=[ana], status="done")  # done work is not load
    planned(20, responsible=[ana], status="backlog", week=None)  # unplanned work is not load
    assert load_of(ana).load == Decimal(14)
    assert load_of(tom).load == Decimal(4)
    assert load_of(kenji).load == Decimal(4)
    assert load_of(tom, NEXT_MONDAY).load == Decimal(6)
    assert [task.estimate_hours for task, _ in load_of(ana).tasks] == [12, 10]


def test_estimate_defaults_from_effort_when_no_hours_are_entered():
    ana = PersonFactory(kind=Person.Kind.TEAM)
    task = TaskFactory(status="planned", planned_week=MONDAY, effort=3, estimate_hours=None)
    AssignmentFactory(task=task, person=ana, role=Role.RESPONSIBLE)
    assert load_of(ana).load == Decimal(8)


def test_time_off_lowers_capacity_in_its_week_only():
    ruth = PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=20)
    TimeOff.objects.create(person=ruth, week=MONDAY, hours=8)
    planned(16, responsible=[ruth])
    this_week = load_of(ruth)
    assert (this_week.capacity, this_week.load, this_week.over) == (12, 16, True)
    assert this_week.free == -4
    assert load_of(ruth, NEXT_MONDAY).capacity == 20


def test_time_off_beyond_capacity_leaves_zero_not_negative():
    ruth = PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=20)
    TimeOff.objects.create(person=ruth, week=MONDAY, hours=40)
    assert load_of(ruth).capacity == 0


def test_work_nobody_is_responsible_for_counts_against_the_team():
    PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=30)
    orphan = planned(5)
    team = team_load(weeks=[MONDAY], with_tasks=True)
    assert team.unassigned == {MONDAY: [(orphan, Decimal(5))]}
    assert team.unassigned_hours == {MONDAY: 5}
    totals = team.week_totals(MONDAY)
    assert (totals.capacity, totals.load, totals.free) == (30, 5, 25)


def test_weeks_are_mondays_and_week_53_only_exists_in_long_years():
    assert week_of(datetime.date(2026, 11, 22)) == datetime.date(2026, 11, 16)  # a Sunday
    assert week_from_input("2026-W48") == MONDAY
    assert week_from_input("2026-W53") == datetime.date(2026, 12, 28)  # 2026 has 53 weeks
    with pytest.raises(ValueError):
        week_from_input("2027-W53")
    for bad in ("2026-48", "next week", "2026-W00", "<script>"):
        with pytest.raises(ValueError):
            week_from_input(bad)


def test_a_stakeholders_responsible_share_counts_in_the_team_total():
    """Planned work is counted somewhere: here half of it is a stakeholder's share."""
    week = week_of(datetime.date.today())
    ana = PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=30)
    sales = PersonFactory(kind=Person.Kind.STAKEHOLDER, weekly_capacity_hours=0)
    task = TaskFactory(status=Status.PLANNED, planned_week=week, estimate_hours=10)
    AssignmentFactory(task=task, person=ana, role=Role.RESPONSIBLE)
    AssignmentFactory(task=task, person=sales, role=Role.RESPONSIBLE)
    total = team_load(weeks=[week]).week_totals(week)
    assert (total.load, total.capacity, total.free_hours, total.over_hours) == (10, 30, 25, 0)

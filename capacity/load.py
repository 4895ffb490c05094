"""A person's load in a week against their hours: the rule the People page, planning
and the weekly review share."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.db.models.lookups import IsNull
from django.utils import timezone

from backlog.filters import GOAL_FILTERS
from backlog.models import Category, Status, Task, estimate_expression
from capacity.models import PlannedHours, TimeOff
from mopsboard.counts import CappedCount, count_label
from mopsboard.weeks import week_of
from people.models import Person
from raci.models import RESPONSIBLE_ROLES, Assignment, Role

# Work that takes hours in the week it is planned for; done work no longer does.
LOADED_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)


# Where a week's fill changes its word (and colour): a share of the hours there are.
FULL_FROM, BUSY_FROM = 100, 80


@dataclass
class WeekLoad:
    capacity: Decimal
    load: Decimal = Decimal(0)
    # Each task's hours in the load, by task id: what it frees if it moves.
    shares: dict[int, Decimal] = field(default_factory=dict)
    # The tasks behind the load with their hours, by title (team_load's `with_tasks`).
    tasks: list[tuple[Task, Decimal]] = field(default_factory=list)

    @property
    def over(self) -> bool:
        return self.load > self.capacity

    @property
    def free(self) -> Decimal:
        return self.capacity - self.load

    @property
    def percent(self) -> int:
        """Load as a share of capacity, for bars; 100 when there is no capacity at all."""
        if not self.capacity:
            return 100 if self.load else 0
        return round(self.load / self.capacity * 100)

    @property
    def fill(self) -> str:
        """How full the week is, in a word a colour-blind reader or a printout can read:
        over, full, busy or free."""
        if self.over:
            return "over"
        if self.percent >= FULL_FROM and self.load:
            return "full"
        if self.percent >= BUSY_FROM:
            return "busy"
        return "free"


@dataclass
class TeamWeek(WeekLoad):
    """The team's week. Every planned hour counts in its load: the people's, work with
    nobody Responsible, and the shares of Responsible people outside the team. Hours
    free and over are added up person by person, so one person's spare hours never hide
    another's overload."""

    free_hours: Decimal = Decimal(0)
    over_hours: Decimal = Decimal(0)


@dataclass
class PersonLoad:
    person: Person
    weeks: dict[datetime.date, WeekLoad]


@dataclass
class TeamLoad:
    people: list[PersonLoad]
    # Planned hours nobody is Responsible for, by week: they count against the team.
    unassigned_hours: dict[datetime.date, Decimal]
    # The tasks behind those hours, each with its hours that week.
    unassigned: dict[datetime.date, list[tuple[Task, Decimal]]] = field(default_factory=dict)
    # Shares of Responsible people not on the team (stakeholders, people who left).
    outside_hours: dict[datetime.date, Decimal] = field(default_factory=dict)

    def week_totals(self, week: datetime.date) -> TeamWeek:
        weeks = [person.weeks[week] for person in self.people]
        return TeamWeek(
            capacity=sum((w.capacity for w in weeks), Decimal(0)),
            load=sum(
                (w.load for w in weeks),
                self.unassigned_hours.get(week, Decimal(0))
                + self.outside_hours.get(week, Decimal(0)),
            ),
            free_hours=sum((max(w.free, 0) for w in weeks), Decimal(0)),
            over_hours=sum((max(-w.free, 0) for w in weeks), Decimal(0)),
        )


def team_load(
    *,
    weeks: list[datetime.date],
    people: QuerySet | None = None,
    with_tasks: bool = False,
    with_unassigned: bool = False,
    today: datetime.date | None = None,
    category: Category | None = None,
    goal: str | None = None,
) -> TeamLoad:
    """Capacity and load of every person (the active team by default) in each week.

    A person's load in a week is the sum, over the tasks whose plan has hours in that
    week and that are not done, of those hours (`planned_load`) divided by the task's
    number of Responsible people (A/R counts); with a `category`, that category's work
    only; with a `goal` (its id), the work serving it or one of its steps only.
    Capacity is their weekly hours less that week's time off. Three queries
    whatever the number of people, weeks and tasks. Each task's share of a person's
    load is kept by its id; the tasks themselves with `with_tasks` (behind each person's
    load) and `with_unassigned` (the work nobody is Responsible for, which the People
    page and the review list). Without either, no task is read, only hours.
    """
    plan = planned_load(weeks, today=today).order_by("task__title", "task_id")
    if category:
        plan = plan.filter(task__category=category)
    if goal:
        plan = plan.filter(task__in=GOAL_FILTERS["tasks"](Task.objects.all(), goal))
    whole_team = people is None
    if whole_team:
        people = Person.objects.filter(kind=Person.Kind.TEAM, is_active=True)
    else:
        # A few people (a task's, one cell's): only the work they are Responsible for.
        plan = plan.filter(
            Exists(
                Assignment.objects.filter(
                    task=OuterRef("task"), person__in=people, role__in=RESPONSIBLE_ROLES
                )
            )
        )
    people = list(people.order_by("name"))
    time_off = {
        (person_id, week): hours
        for person_id, week, hours in TimeOff.objects.filter(
            week__in=weeks, person__in=people
        ).values_list("person_id", "week", "hours")
    }
    loads = {
        person.pk: PersonLoad(
            person=person,
            weeks={
                week: WeekLoad(
                    capacity=Decimal(
                        max(person.weekly_capacity_hours - time_off.get((person.pk, week), 0), 0)
                    )
                )
                for week in weeks
            },
        )
        for person in people
    }
    team = TeamLoad(people=list(loads.values()), unassigned_hours={})
    if with_tasks or (with_unassigned and whole_team):
        rows = (
            (planned.task_id, planned.week, planned.load, planned.responsible, planned.task)
            for planned in plan.select_related("task")
        )
    else:
        # Plain values: a quarter's 2,000 planned tasks made into model instances took the
        # horizon longer than all its sums (bench/README.md).
        fields = ("task_id", "week", "load", "responsible")
        rows = ((*values, None) for values in plan.values_list(*fields))
    for task_id, week, load, responsible, task in rows:
        if not responsible:
            # Planned work nobody is Responsible for counts against the team.
            if task:
                team.unassigned.setdefault(week, []).append((task, load))
            team.unassigned_hours[week] = team.unassigned_hours.get(week, Decimal(0)) + load
            continue
        share = load / len(responsible)
        for person_id in responsible:
            if person_id in loads:
                week_load = loads[person_id].weeks[week]
                week_load.load += share
                week_load.shares[task_id] = share
                if with_tasks:
                    week_load.tasks.append((task, share))
            elif whole_team:
                # A stakeholder or someone who left: the hours still count for the team.
                hours = team.outside_hours.get(week, Decimal(0))
                team.outside_hours[week] = hours + share
    return team


def planned_load(weeks: list[datetime.date], *, today: datetime.date | None = None) -> QuerySet:
    """The plan's rows (PlannedHours) of unfinished work in `weeks`, each with `load`, the
    hours it puts on the week, and `responsible`, the ids of the task's Responsible people.

    A row's load is its planned hours. When the task was re-estimated after it was
    planned, what is left of the estimate (less the hours of the weeks gone by) is
    spread again over the plan's weeks from this week on, in the plan's proportions.
    """
    this_week = week_of(today or timezone.localdate())
    plan = PlannedHours.objects.filter(task=OuterRef("task")).order_by().values("task")
    gone = Coalesce(
        Subquery(plan.filter(week__lt=this_week).annotate(sum=Sum("hours")).values("sum")),
        Decimal(0),
    )
    ahead = Subquery(plan.filter(week__gte=this_week).annotate(sum=Sum("hours")).values("sum"))
    hours = DecimalField(max_digits=8, decimal_places=2)
    left = Greatest(estimate_expression("task__") - gone, Decimal(0), output_field=hours)
    return PlannedHours.objects.filter(week__in=weeks, task__status__in=LOADED_STATUSES).annotate(
        load=Case(
            When(week__lt=this_week, then=F("hours")),
            default=Coalesce(
                ExpressionWrapper(F("hours") * left / NullIf(ahead, 0), output_field=hours),
                Decimal(0),
            ),
            output_field=hours,
        ),
        responsible=ArraySubquery(
            Assignment.objects.filter(task=OuterRef("task"), role__in=RESPONSIBLE_ROLES)
            .order_by("person_id")
            .values("person_id")
        ),
    )


# The People page counts a person's open tasks up to this many, then says "50+".
OWNED_CAP = 50


@dataclass
class Owned:
    responsible: int
    accountable: int

    @property
    def responsible_label(self) -> str:
        return count_label(self.responsible, cap=OWNED_CAP)

    @property
    def accountable_label(self) -> str:
        return count_label(self.accountable, cap=OWNED_CAP)


def ownership(people: list[Person]) -> dict[int, Owned]:
    """How many open tasks each person is Responsible and Accountable for, up to
    OWNED_CAP: one query of index lookups that stop at the cap, however big the backlog.

    Counted one role at a time (A/R counts on both sides) because a single role is an
    index range PostgreSQL can stop reading early; a list of roles is not. Read newest task
    first, in the index's order, each task's status looked up on its own: unordered,
    PostgreSQL gathered all of a role's tasks before it counted any; joined to the tasks,
    it sometimes walked the whole backlog down from the newest task to meet them
    (bench/README.md). The newest tasks are also the ones most likely open.
    "Open" is Task.objects.open(), as in the list the People page links to: asked as "the
    task, if open, IS NOT NULL", a subquery for each row, as an EXISTS would be joined.
    """

    def open_tasks_as(role):
        return CappedCount(
            Assignment.objects.filter(person=OuterRef("pk"), role=role)
            .filter(
                IsNull(
                    Subquery(
                        Task.objects.open().filter(pk=OuterRef("task_id")).order_by().values("pk")
                    ),
                    False,
                )
            )
            .order_by("-task_id")
            .values("pk")[: OWNED_CAP + 1]
        )

    return {
        pk: Owned(responsible=r + both, accountable=a + both)
        for pk, r, a, both in Person.objects.filter(pk__in=[p.pk for p in people])
        .annotate(
            r=open_tasks_as(Role.RESPONSIBLE),
            a=open_tasks_as(Role.ACCOUNTABLE),
            both=open_tasks_as(Role.ACCOUNTABLE_RESPONSIBLE),
        )
        .values_list("pk", "r", "a", "both")
    }


@dataclass
class Overload:
    person: Person
    load: Decimal
    capacity: Decimal
    week: datetime.date


def overloads_if_planned(
    task: Task, hours: dict[datetime.date, Decimal], *, responsible_too: Person | None = None
) -> list[Overload]:
    """The Responsible people `task` would push over their capacity if its plan were
    `hours` (each week's hours), week by week: its present plan's hours make way. With
    `responsible_too` made Responsible for it as well, sharing its hours."""
    responsible = Person.objects.filter(
        assignments__task=task, assignments__role__in=RESPONSIBLE_ROLES
    )
    if responsible_too is not None:
        responsible = Person.objects.filter(
            Q(pk__in=responsible.values("pk")) | Q(pk=responsible_too.pk)
        )
    weeks = sorted(hours)
    loads = team_load(weeks=weeks, people=responsible)
    overloads = []
    for week in weeks:
        share = hours[week] / len(loads.people) if loads.people else 0
        for person_load in loads.people:
            week_load = person_load.weeks[week]
            after = week_load.load - week_load.shares.get(task.pk, 0) + share
            if share and after > week_load.capacity:
                overloads.append(Overload(person_load.person, after, week_load.capacity, week))
    return overloads


def overloads_if_responsible(task: Task, person: Person) -> list[Overload]:
    """Whether making `person` Responsible for `task` would put them over their hours in
    the weeks it is planned for, by planning's rule: [] when it is in no week or takes no
    hours there (done, declined)."""
    if task.planned_week is None or task.status not in LOADED_STATUSES:
        return []
    plan = dict(PlannedHours.objects.filter(task=task).values_list("week", "hours"))
    overloads = overloads_if_planned(task, plan, responsible_too=person)
    return [overload for overload in overloads if overload.person.pk == person.pk]


@dataclass
class WeekSummary:
    week: datetime.date
    total: WeekLoad
    over: list[PersonLoad]


def week_summary(week: datetime.date) -> WeekSummary:
    """The team's hours in `week`: planned against capacity, and who is over."""
    team = team_load(weeks=[week])
    return WeekSummary(
        week=week,
        total=team.week_totals(week),
        over=[person for person in team.people if person.weeks[week].over],
    )

"""A person's load in a week against their hours: the rule the People page, planning
and the weekly review share."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.lookups import IsNull

from backlog.models import Status, Task, estimate_expression
from capacity.models import TimeOff
from mopsboard.counts import CappedCount, count_label
from people.models import Person
from raci.models import RESPONSIBLE_ROLES, Assignment, Role

# Work that takes hours in the week it is planned for; done work no longer does.
LOADED_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)


@dataclass
class WeekLoad:
    capacity: Decimal
    load: Decimal = Decimal(0)
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
    # The tasks behind those hours.
    unassigned: dict[datetime.date, list[Task]] = field(default_factory=dict)
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
    *, weeks: list[datetime.date], people: QuerySet | None = None, with_tasks: bool = False
) -> TeamLoad:
    """Capacity and load of every person (the active team by default) in each week.

    A person's load in a week is the sum, over the tasks planned for that week and not
    done, of the task's estimate divided by its number of Responsible people (A/R
    counts). Capacity is their weekly hours less that week's time off. PostgreSQL sums
    the loads: four queries whatever the number of people, weeks and tasks, and one more
    `with_tasks`, to list the tasks behind each person's load.
    """
    responsible = _responsible_shares(weeks)
    if people is None:
        people = Person.objects.filter(kind=Person.Kind.TEAM, is_active=True)
    else:
        # A few people (a task's, one bar's): their roles are the narrower way in.
        responsible = responsible.filter(person__in=people)
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
    outside = {}
    for person_id, week, load in (
        responsible.values("person_id", "week")
        .annotate(load=Sum("share"))
        .values_list("person_id", "week", "load")
    ):
        if person_id in loads:
            loads[person_id].weeks[week].load = load
        else:  # a stakeholder or someone who left: the hours still count for the team
            outside[week] = outside.get(week, Decimal(0)) + load
    if with_tasks:
        for assignment in responsible.select_related("task").order_by("task__title"):
            if assignment.person_id in loads:
                loads[assignment.person_id].weeks[assignment.week].tasks.append(
                    (assignment.task, assignment.share)
                )
    team = TeamLoad(people=list(loads.values()), unassigned_hours={}, outside_hours=outside)
    # Planned work nobody is Responsible for is rare and small: read it whole, sum here.
    for task in (
        Task.objects.filter(planned_week__in=weeks, status__in=LOADED_STATUSES)
        .exclude(assignments__role__in=RESPONSIBLE_ROLES)
        .order_by("title")
    ):
        team.unassigned.setdefault(task.planned_week, []).append(task)
        hours = team.unassigned_hours.get(task.planned_week, Decimal(0))
        team.unassigned_hours[task.planned_week] = hours + Decimal(task.estimate or 0)
    return team


def _responsible_shares(weeks) -> QuerySet:
    """Each Responsible assignment on work planned in `weeks`, with its share of the hours."""
    responsible_count = (
        Assignment.objects.filter(task=OuterRef("task"), role__in=RESPONSIBLE_ROLES)
        .order_by()
        .values("task")
        .annotate(n=Count("pk"))
        .values("n")
    )
    planned = Task.objects.filter(planned_week__in=weeks, status__in=LOADED_STATUSES)
    # Only the weeks' planned tasks narrow it down: a filter on the people as well makes
    # PostgreSQL read all their roles in the backlog first. The tasks are given as an array
    # of their ids, not as a join on their week: joined, PostgreSQL read every Responsible
    # role in the backlog into a hash join; this way it looks up only those tasks' roles
    # (bench/README.md has the figures).
    return Assignment.objects.filter(
        role__in=RESPONSIBLE_ROLES,
        task__any_of=ArraySubquery(planned.order_by().values("pk")),
    ).annotate(
        week=F("task__planned_week"),
        share=ExpressionWrapper(
            estimate_expression("task__") / Subquery(responsible_count),
            output_field=DecimalField(max_digits=8, decimal_places=2),
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


def overloads_if_planned(
    task: Task, week: datetime.date, *, responsible_too: Person | None = None
) -> list[Overload]:
    """The Responsible people `task` would push over their capacity if planned in `week`
    (with `responsible_too` made Responsible for it as well, sharing its hours)."""
    responsible = Person.objects.filter(
        assignments__task=task, assignments__role__in=RESPONSIBLE_ROLES
    )
    if responsible_too is not None:
        responsible = Person.objects.filter(
            Q(pk__in=responsible.values("pk")) | Q(pk=responsible_too.pk)
        )
    loads = team_load(weeks=[week], people=responsible, with_tasks=True)
    if not loads.people:
        return []
    share = Decimal(task.estimate or 0) / len(loads.people)
    overloads = []
    for person_load in loads.people:
        week_load = person_load.weeks[week]
        already = sum((hours for planned, hours in week_load.tasks if planned.pk == task.pk), 0)
        after = week_load.load - already + share
        if after > week_load.capacity:
            overloads.append(Overload(person_load.person, after, week_load.capacity))
    return overloads


def overloads_if_responsible(task: Task, person: Person) -> list[Overload]:
    """Whether making `person` Responsible for `task` would put them over their hours in
    the week it is planned for, by planning's rule: [] when it is in no week or takes no
    hours there (done, declined)."""
    if task.planned_week is None or task.status not in LOADED_STATUSES:
        return []
    overloads = overloads_if_planned(task, task.planned_week, responsible_too=person)
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

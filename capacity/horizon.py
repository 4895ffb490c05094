"""The capacity horizon (/plan/): each person's load against their hours, week by week
for the weeks ahead, the team's totals, the peaks ahead and the due dates at risk; an
open cell's tasks and the fill-ins suggested for its spare hours."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from backlog.filters import GOAL_FILTERS
from backlog.models import Category, Status, Task, estimate_expression
from capacity.fill_ins import SPARE_HOURS_SHOWN, PersonSuggestions, fill_in_suggestions
from capacity.load import LOADED_STATUSES, PersonLoad, TeamLoad, TeamWeek, WeekLoad, team_load
from capacity.models import PlannedHours
from mopsboard.counts import capped_counts
from mopsboard.templatetags.hours import hours_text
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import RESPONSIBLE_ROLES, Assignment

# How many weeks the horizon shows, by default and at the least and most.
DEFAULT_WEEKS, MIN_WEEKS, MAX_WEEKS = 12, 4, 26
# How many of the soonest due dates that can be at risk are checked against the free
# hours before them: a few more than a team acts on in one review, whatever the backlog.
AT_RISK_CHECKED = 50


@dataclass
class HorizonRow:
    load: PersonLoad
    stakeholder: bool = False

    @property
    def person(self) -> Person:
        return self.load.person


@dataclass
class Peak:
    """A week where someone (or the team, `person` None) is planned over their hours, or
    would be with the work due that week that is not planned yet."""

    monday: datetime.date
    person: Person | None
    capacity: Decimal
    planned: Decimal
    # Hours of open work due that week, in no week yet: it has to be done by then.
    due: Decimal
    # What is planned then, each task with its hours that week (for the team: everyone's).
    tasks: list[tuple[Task, Decimal]]

    @property
    def label(self) -> str:
        return week_label(self.monday)

    @property
    def who(self) -> str:
        return self.person.name if self.person else "The team"

    @property
    def over_by(self) -> Decimal:
        return self.planned + self.due - self.capacity

    @property
    def summary(self) -> str:
        """ "12 h over: 52 of 40 h planned, and 8 h due not planned yet"."""
        due = f", and {hours_text(self.due)} h due not planned yet" if self.due else ""
        return (
            f"{hours_text(self.over_by)} h over: {hours_text(self.planned)} of "
            f"{hours_text(self.capacity)} h planned{due}"
        )


@dataclass
class HorizonWeek:
    monday: datetime.date
    total: TeamWeek
    # The people over their hours that week.
    over: list[Person]
    # The team's and each person's peak that week (peaks_ahead).
    peaks: list[Peak] = field(default_factory=list)

    @property
    def label(self) -> str:
        return week_label(self.monday)

    @property
    def peak(self) -> bool:
        return bool(self.peaks)


@dataclass
class DueHours:
    """Hours of open work due in the horizon's weeks that is in no week yet, by the week
    it is due in: the team's, all of it, and each Responsible person's share of it (a
    task's hours split evenly among its Responsible people)."""

    team: dict[datetime.date, Decimal] = field(default_factory=dict)
    people: dict[tuple[int, datetime.date], Decimal] = field(default_factory=dict)


@dataclass
class Horizon:
    weeks: list[HorizonWeek]
    rows: list[HorizonRow]
    team: TeamLoad
    due_hours: DueHours = field(default_factory=DueHours)
    today: datetime.date | None = None

    @property
    def peaks(self) -> list[Peak]:
        return peaks_ahead(self)

    @property
    def peak_weeks(self) -> list[HorizonWeek]:
        return [week for week in self.weeks if week.peak]


def horizon(
    *,
    start: datetime.date,
    weeks: int,
    with_stakeholders: bool = False,
    category: Category | None = None,
    goal: str | None = None,
    today: datetime.date | None = None,
    with_tasks: bool = True,
) -> Horizon:
    """`weeks` weeks from `start`: the active team's rows (and, `with_stakeholders`, the
    rows of stakeholders Responsible for work in them), the team's totals, each week's
    peaks (peaks_ahead) from the hours due in them (due_hours); with a `category` or a
    `goal` (its id), that work only; `with_tasks`, each peak with the tasks planned then.
    Eight queries at most, however many people, weeks and tasks."""
    today = today or timezone.localdate()
    mondays = [start + datetime.timedelta(weeks=n) for n in range(weeks)]
    team = team_load(
        weeks=mondays,
        category=category,
        goal=goal,
        with_tasks=with_tasks,
        # The team's peaks list the work nobody is Responsible for with the rest.
        with_unassigned=with_tasks,
        today=today,
    )
    rows = [HorizonRow(row) for row in team.people]
    if with_stakeholders:
        stakeholders = team_load(
            weeks=mondays,
            people=Person.objects.filter(kind=Person.Kind.STAKEHOLDER, is_active=True),
            category=category,
            goal=goal,
        )
        rows += [
            HorizonRow(row, stakeholder=True)
            for row in stakeholders.people
            if any(week.load for week in row.weeks.values())
        ]
    grid = Horizon(
        weeks=[
            HorizonWeek(
                monday=monday,
                total=team.week_totals(monday),
                over=[row.person for row in team.people if row.weeks[monday].over],
            )
            for monday in mondays
        ],
        rows=rows,
        team=team,
        due_hours=due_hours(weeks=mondays, today=today, category=category, goal=goal),
        today=today,
    )
    for week in grid.weeks:
        week.peaks = _week_peaks(grid, week)
    return grid


def next_peak(*, start: datetime.date, today: datetime.date | None = None) -> Peak | None:
    """The first of the peaks ahead in the DEFAULT_WEEKS weeks from `start`, as the
    horizon finds it, read without the tasks behind the peaks: the board's team hint."""
    peaks = peaks_ahead(horizon(start=start, weeks=DEFAULT_WEEKS, today=today, with_tasks=False))
    return peaks[0] if peaks else None


def _open_due(
    *, weeks: list[datetime.date], today: datetime.date, category: Category | None, goal: str | None
) -> QuerySet:
    """Open work due from `today` to the end of `weeks`, planned or not (of `category`,
    serving `goal`)."""
    due = Task.objects.filter(
        status__in=[Status.BACKLOG, *LOADED_STATUSES],
        due_date__gte=max(today, weeks[0]),
        due_date__lt=weeks[-1] + datetime.timedelta(weeks=1),
    )
    if category:
        due = due.filter(category=category)
    return GOAL_FILTERS["tasks"](due, goal) if goal else due


def due_hours(
    *,
    weeks: list[datetime.date],
    today: datetime.date,
    category: Category | None = None,
    goal: str | None = None,
) -> DueHours:
    """The hours of open work due from `today` to the end of `weeks` that is in no week
    yet, summed by the week it is due in: the team's, and each Responsible person's share.
    Two queries, whatever the backlog's size."""
    if not weeks:
        return DueHours()
    unplanned = _open_due(weeks=weeks, today=today, category=category, goal=goal).filter(
        status=Status.BACKLOG
    )
    team = (
        unplanned.annotate(week=TruncWeek("due_date"))
        .values("week")
        .annotate(hours=Sum(estimate_expression()))
        .order_by()
    )
    responsible = Assignment.objects.filter(role__in=RESPONSIBLE_ROLES)
    sharing = Subquery(
        responsible.filter(task=OuterRef("task"))
        .order_by()
        .values("task")
        .annotate(people=Count("pk"))
        .values("people")
    )
    shares = (
        responsible.filter(task__in=unplanned)
        .annotate(week=TruncWeek("task__due_date"))
        .values("person", "week")
        .annotate(hours=Sum(estimate_expression("task__") / sharing))
        .order_by()
    )
    return DueHours(
        team={row["week"]: row["hours"] for row in team},
        people={(row["person"], row["week"]): row["hours"] for row in shares},
    )


def _unplanned(task: Task) -> bool:
    return task.status not in LOADED_STATUSES


def _week_peaks(grid: Horizon, week: HorizonWeek) -> list[Peak]:
    """The team's peak in `week`, then each person's, by name."""
    due = grid.due_hours
    team_tasks = defaultdict(Decimal)
    for row in grid.team.people:
        for task, hours in row.weeks[week.monday].tasks:
            team_tasks[task] += hours
    for task, hours in grid.team.unassigned.get(week.monday, []):
        team_tasks[task] += hours
    candidates = [
        Peak(
            week.monday,
            None,
            week.total.capacity,
            week.total.load,
            due.team.get(week.monday, Decimal(0)),
            list(team_tasks.items()),
        ),
        *(
            Peak(
                week.monday,
                row.person,
                row.weeks[week.monday].capacity,
                row.weeks[week.monday].load,
                due.people.get((row.person.pk, week.monday), Decimal(0)),
                row.weeks[week.monday].tasks,
            )
            for row in grid.team.people
        ),
    ]
    return [peak for peak in candidates if peak.over_by > 0]


def peaks_ahead(grid: Horizon) -> list[Peak]:
    """Every peak in the horizon's weeks, soonest first: a week where the team or a person
    is planned over their hours, or where the hours planned and the hours of work due that
    week not planned yet are more than they have. The peaks the review's agenda, the
    board's team hint, the horizon page and the API list."""
    return [peak for week in grid.weeks for peak in week.peaks]


@dataclass
class DueDateAtRisk:
    """A task that may miss its due date: planned to end after it (`plan_ends`), or in no
    week yet with more hours than its people have free before it (`free`). `fix` is the
    hours the free weeks before the date can take, week by week: planning it there is
    the one-click fix (capacity.services.task_plan_before_due); empty when none are free."""

    task: Task
    free: Decimal
    fix: dict[datetime.date, Decimal]

    @property
    def plan_ends(self) -> datetime.date | None:
        return self.task.plan_ends

    @property
    def why(self) -> str:
        due = f"due {self.task.due_date:%-d %b}"
        if self.plan_ends:
            return f"{due}, planned until {week_label(self.plan_ends)}"
        return (
            f"{due}, not planned: {hours_text(self.task.hours)} h left, "
            f"{hours_text(self.free)} h free before then"
        )


def room_before_due(grid: Horizon, task: Task) -> dict[datetime.date, Decimal]:
    """The hours `task` can take in each week from this week to the week of its due date
    without putting any of its Responsible people over (its own hours there make way), in
    tenths; the team's free hours when none of them is on the team. Weeks with no room are
    left out. `task` needs `responsible` (its Responsible people's ids, by id)."""
    this_week = week_of(grid.today)
    people = [row for row in grid.team.people if row.person.pk in task.responsible]
    room = {}
    for week in grid.weeks:
        if not this_week <= week.monday <= task.due_date:
            continue
        if people:
            free = len(people) * min(
                row.weeks[week.monday].free + row.weeks[week.monday].shares.get(task.pk, 0)
                for row in people
            )
        else:
            free = week.total.free_hours
        free = Decimal(free).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
        if free > 0:
            room[week.monday] = free
    return room


def _can_be_at_risk(grid: Horizon, category: Category | None, goal: str | None) -> QuerySet:
    """Open work due within the grid's weeks (of `category`, serving `goal`) that can miss
    its date:
    planned to end in a later week than the one it is due in, or in no week yet with hours
    to do. Whether those hours are more than its people have free is due_dates_at_risk's
    to say, from the grid's load."""
    mondays = [week.monday for week in grid.weeks]
    return (
        _open_due(weeks=mondays, today=grid.today, category=category, goal=goal)
        .annotate(
            hours=estimate_expression(),
            plan_ends=Subquery(
                PlannedHours.objects.filter(task=OuterRef("pk"))
                .order_by()
                .values("task")
                .annotate(last=Max("week"))
                .values("last")
            ),
        )
        .filter(Q(status=Status.BACKLOG, hours__gt=0) | Q(plan_ends__gt=TruncWeek("due_date")))
    )


def due_dates_at_risk(
    grid: Horizon, *, category: Category | None = None, goal: str | None = None
) -> list[DueDateAtRisk]:
    """The horizon's due dates at risk, soonest first: open work due within its weeks (of
    `category`, serving `goal`) that is planned to end in a later week than the one it is
    due in, or is in no week yet with more hours than its people have free from this week
    to its due date, read against all of the grid's load. Of the AT_RISK_CHECKED soonest that can be
    (due_dates_unchecked counts the rest): one query, whatever the backlog's size."""
    if not grid.weeks:
        return []
    due = (
        _can_be_at_risk(grid, category, goal)
        .annotate(
            responsible=ArraySubquery(
                Assignment.objects.filter(task=OuterRef("pk"), role__in=RESPONSIBLE_ROLES)
                .order_by("person_id")
                .values("person_id")
            ),
        )
        .order_by("due_date", "title", "pk")[:AT_RISK_CHECKED]
    )
    at_risk = []
    for task in due:
        room = room_before_due(grid, task)
        free = sum(room.values(), Decimal(0))
        late = task.plan_ends is not None and task.plan_ends > week_of(task.due_date)
        short = _unplanned(task) and task.hours > free
        if late or short:
            at_risk.append(DueDateAtRisk(task, free, room))
    return at_risk


def due_dates_unchecked(
    grid: Horizon, *, category: Category | None = None, goal: str | None = None
) -> int:
    """How many more due dates within the grid's weeks (of `category`, serving `goal`) can
    be at risk
    than the AT_RISK_CHECKED soonest due_dates_at_risk checks, counted up to
    MOPSBOARD_COUNT_CAP + 1 (count_label says "1,000+"). One query."""
    if not grid.weeks:
        return 0
    cap = AT_RISK_CHECKED + settings.MOPSBOARD_COUNT_CAP
    counted = capped_counts({"due": _can_be_at_risk(grid, category, goal)}, cap=cap)["due"]
    return max(counted - AT_RISK_CHECKED, 0)


@dataclass
class Cell:
    """One person's week, opened: their load and the tasks behind it, each with the
    hours it puts on them that week, and the fill-ins suggested for its spare hours."""

    person: Person
    week: datetime.date
    load: WeekLoad
    suggestions: PersonSuggestions | None = None

    @property
    def tasks(self) -> list[tuple]:
        return self.load.tasks

    @property
    def label(self) -> str:
        return week_label(self.week)


def horizon_cell(
    *,
    person: Person,
    week: datetime.date,
    today: datetime.date,
    category: Category | None = None,
    goal: str | None = None,
) -> Cell:
    """The tasks behind one cell of the horizon, from the same load as the grid; for a
    week not gone by, the fill-ins suggested for the person's free hours in it (whatever
    the category or goal shown: the hours are free whatever fills the rest)."""
    people = Person.objects.filter(pk=person.pk)
    load = team_load(weeks=[week], people=people, with_tasks=True, category=category, goal=goal)
    suggested = (
        # As many as the review shows.
        fill_in_suggestions(week=week, people=people, limit=SPARE_HOURS_SHOWN)
        if week >= week_of(today)
        else []
    )
    return Cell(
        person=person,
        week=week,
        load=load.people[0].weeks[week],
        suggestions=suggested[0] if suggested else None,
    )

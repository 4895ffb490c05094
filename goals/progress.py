"""How goals stand: the KPI against its straight line from baseline to target, the work
linked to them against the team's free hours, and the status with its reasons.

The two figures are kept apart, never blended: a goal can be on its KPI's line with no
work left that fits, or have every task done and a KPI that has not moved.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from backlog.models import OPEN_STATUSES, Quadrant, Task
from backlog.models import Status as TaskStatus
from capacity.load import LOADED_STATUSES, team_load
from goals.models import CheckIn, Goal, Status, Step, next_check_in
from mopsboard.weeks import week_of

ONE_WEEK = datetime.timedelta(weeks=1)
# Days in an average month, to say a pace per month.
MONTH_DAYS = Decimal("30.44")


@dataclass
class Kpi:
    """The KPI so far: the baseline then each check-in, and the straight lines through them."""

    goal: Goal
    check_ins: list[CheckIn]

    @property
    def latest(self) -> CheckIn | None:
        return self.check_ins[-1] if self.check_ins else None

    @property
    def current(self) -> Decimal | None:
        return self.latest.value if self.latest else self.goal.baseline

    @property
    def current_label(self) -> str:
        return self.goal.format_value(self.current)

    @property
    def rows(self) -> list[tuple[CheckIn, str, str]]:
        """Each check-in with its value and where the straight line says it should be."""
        value = self.goal.format_value
        return [(c, value(c.value), value(self.on_line(c.on))) for c in self.check_ins]

    def on_line(self, day: datetime.date) -> Decimal:
        """Where the KPI should be on `day`, on the straight line from baseline to target."""
        goal = self.goal
        days = (goal.deadline - goal.baseline_date).days
        share = Decimal((day - goal.baseline_date).days) / days
        return (goal.baseline + (goal.target - goal.baseline) * share).quantize(Decimal("0.01"))

    @property
    def trend_per_day(self) -> Decimal | None:
        """The pace so far: from the baseline to the latest check-in, per day. None before
        a check-in after the baseline's date."""
        latest = self.latest
        if latest is None or latest.on <= self.goal.baseline_date:
            return None
        return (latest.value - self.goal.baseline) / (latest.on - self.goal.baseline_date).days

    @property
    def trend_at_deadline(self) -> Decimal | None:
        """Where the KPI will be by the deadline if it keeps the pace so far."""
        pace = self.trend_per_day
        if pace is None:
            return None
        days_left = (self.goal.deadline - self.latest.on).days
        return (self.latest.value + pace * days_left).quantize(Decimal("0.01"))

    @property
    def trend_per_month(self) -> Decimal | None:
        pace = self.trend_per_day
        return None if pace is None else (pace * MONTH_DAYS).quantize(Decimal("0.01"))

    @property
    def needed_per_month(self) -> Decimal | None:
        """The pace that reaches the target by the deadline from where the KPI is now."""
        since = self.latest.on if self.latest else self.goal.baseline_date
        days_left = (self.goal.deadline - since).days
        if days_left <= 0:
            return None
        return ((self.goal.target - self.current) / days_left * MONTH_DAYS).quantize(
            Decimal("0.01")
        )

    @property
    def share_of_the_way(self) -> int | None:
        """How far the KPI has come from baseline to target, in percent."""
        span = self.goal.target - self.goal.baseline
        if not span:
            return None
        return round((self.current - self.goal.baseline) / span * 100)


@dataclass
class Work:
    """The tasks serving a goal (directly or through a step), and whether the open ones
    fit into the team's free hours before the deadline."""

    tasks: list[Task]
    hours_needed: Decimal = Decimal(0)
    hours_free: Decimal | None = None

    @property
    def open(self) -> list[Task]:
        return [task for task in self.tasks if task.status in OPEN_STATUSES]

    @property
    def hours_done(self) -> Decimal:
        return sum(
            (task.estimate or 0 for task in self.tasks if task.status == TaskStatus.DONE),
            Decimal(0),
        )

    @property
    def hours_linked(self) -> Decimal:
        """The hours of the work the team means to do for it: open or done."""
        return self.hours_done + sum((task.estimate or 0 for task in self.open), Decimal(0))

    @property
    def open_by_quadrant(self) -> list[tuple[Quadrant, int]]:
        counts = defaultdict(int)
        for task in self.open:
            counts[task.quadrant] += 1
        return [(quadrant, counts[quadrant]) for quadrant in Quadrant if counts[quadrant]]

    @property
    def by_status(self) -> list[tuple[str, list[Task]]]:
        groups = defaultdict(list)
        for task in self.tasks:
            groups[task.status].append(task)
        return [(status.label, groups[status]) for status in TaskStatus if groups[status]]

    @property
    def fits(self) -> bool:
        return self.hours_free is None or self.hours_needed <= self.hours_free


@dataclass
class GoalProgress:
    goal: Goal
    kpi: Kpi
    work: Work
    # What the figures say, and why.
    computed: Status
    reasons: list[str] = field(default_factory=list)

    @property
    def status(self) -> Status:
        """The lead's status where they set one, else the computed one."""
        return Status(self.goal.status_override or self.computed)

    @property
    def overridden(self) -> bool:
        return bool(self.goal.status_override)

    @property
    def next_check_in(self) -> datetime.date | None:
        since = self.kpi.latest.on if self.kpi.latest else self.goal.baseline_date
        if since is None or self.computed in (Status.ACHIEVED, Status.MISSED):
            return None
        return next_check_in(since)


def goals_progress(goals: list[Goal], *, today: datetime.date) -> list[GoalProgress]:
    """The progress of each of `goals`, read in a constant number of queries however many
    goals, check-ins and linked tasks there are."""
    ids = [goal.pk for goal in goals]
    check_ins = defaultdict(list)
    for check_in in CheckIn.objects.filter(goal__in=ids).order_by("on"):
        check_ins[check_in.goal_id].append(check_in)
    task_ids = defaultdict(set)
    for goal_id, task_id in Goal.tasks.through.objects.filter(goal__in=ids).values_list(
        "goal_id", "task_id"
    ):
        task_ids[goal_id].add(task_id)
    for goal_id, task_id in Step.tasks.through.objects.filter(step__goal__in=ids).values_list(
        "step__goal_id", "task_id"
    ):
        task_ids[goal_id].add(task_id)
    tasks = Task.objects.in_bulk({pk for linked in task_ids.values() for pk in linked})
    free = _free_hours(goals, today=today)
    progress = []
    for goal in goals:
        linked = sorted(
            (tasks[pk] for pk in task_ids[goal.pk]), key=lambda task: (task.status, task.title)
        )
        work = Work(tasks=linked)
        kpi = Kpi(goal=goal, check_ins=check_ins[goal.pk])
        if not goal.is_draft:
            _weigh_work(work, goal=goal, today=today, free=free)
        progress.append(_status(goal, kpi, work, today=today))
    return progress


def goal_progress(goal: Goal, *, today: datetime.date) -> GoalProgress:
    return goals_progress([goal], today=today)[0]


def _free_hours(goals: list[Goal], *, today: datetime.date) -> dict[datetime.date, Decimal]:
    """The team's free hours (capacity less planned load, never below 0) in each week from
    this one to the latest deadline: capacity.load's rule, read once for every goal."""
    deadlines = [goal.deadline for goal in goals if goal.deadline and goal.deadline >= today]
    if not deadlines:
        return {}
    week, last = week_of(today), week_of(max(deadlines))
    weeks = []
    while week <= last:
        weeks.append(week)
        week += ONE_WEEK
    team = team_load(weeks=weeks)
    return {week: max(team.week_totals(week).free, Decimal(0)) for week in weeks}


def _weigh_work(work: Work, *, goal: Goal, today: datetime.date, free: dict) -> None:
    """The hours the goal's open work still needs before its deadline, and the team's
    free hours until then. Work planned into one of those weeks is in their load already,
    so it needs no more hours than it has."""
    if goal.deadline < today:
        return
    weeks = [week for week in free if week <= goal.deadline]
    work.hours_free = sum((free[week] for week in weeks), Decimal(0))
    work.hours_needed = sum(
        (
            Decimal(task.estimate or 0)
            for task in work.open
            if not (task.status in LOADED_STATUSES and task.planned_week in weeks)
        ),
        Decimal(0),
    )


def _status(goal: Goal, kpi: Kpi, work: Work, *, today: datetime.date) -> GoalProgress:
    if goal.is_draft:
        letters = ", ".join(letter for letter, _ in goal.missing)
        return GoalProgress(goal, kpi, work, Status.DRAFT, [f"Not SMART yet: {letters} missing."])
    value = goal.format_value
    current = kpi.current
    if kpi.latest and goal.meets(current):
        return GoalProgress(
            goal, kpi, work, Status.ACHIEVED, [f"The KPI is at {value(current)}: target met."]
        )
    if today > goal.deadline:
        return GoalProgress(
            goal,
            kpi,
            work,
            Status.MISSED,
            [
                f"The deadline has passed with the KPI at {value(current)}, short of "
                f"{value(goal.target)}."
            ],
        )
    if kpi.latest and current != goal.baseline and goal.meets(goal.baseline, current):
        return GoalProgress(
            goal,
            kpi,
            work,
            Status.OFF_TRACK,
            [
                f"The KPI has moved away from the target: {value(current)} against a "
                f"baseline of {value(goal.baseline)}."
            ],
        )
    reasons = []
    projected = kpi.trend_at_deadline
    if projected is not None and not goal.meets(projected):
        reasons.append(
            f"At the pace so far the KPI reaches {value(projected)} by "
            f"{goal.deadline:%-d %B %Y}, short of the target {value(goal.target)}."
        )
    if not work.open:
        reasons.append("No open work is linked to it.")
    elif not work.fits:
        reasons.append(
            f"Its open work needs {work.hours_needed.normalize():f} h; the team has "
            f"{work.hours_free.normalize():f} h free before the deadline."
        )
    if reasons:
        return GoalProgress(goal, kpi, work, Status.AT_RISK, reasons)
    if projected is None:
        reason = "No check-in since the baseline yet; its open work fits before the deadline."
    else:
        reason = (
            f"At the pace so far the KPI reaches {value(projected)} by the deadline; its "
            "open work fits before it."
        )
    return GoalProgress(goal, kpi, work, Status.ON_TRACK, [reason])

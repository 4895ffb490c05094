"""How much planned work each person carries in a week, against the hours they have, and
what the weekly capacity review looks at."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Aggregate,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import ExtractMonth, Least
from django.urls import reverse
from django.utils import timezone

from backlog.models import (
    OPEN_STATUSES,
    Quadrant,
    Status,
    Task,
    TaskEvent,
    estimate_expression,
    quadrant_of,
)
from backlog.selectors import capped_counts, count_label
from capacity.models import (
    Review,
    TimeOff,
    hours_text,
    this_and_next_week,
    week_label,
    week_of,
)
from raci.models import (
    ACCOUNTABLE_ROLES,
    RESPONSIBLE_ROLES,
    Assignment,
    Person,
    Role,
)

# Work that takes hours in the week it is planned for; done work no longer does.
LOADED_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)
ACCOUNTABLE, RESPONSIBLE = set(ACCOUNTABLE_ROLES), set(RESPONSIBLE_ROLES)


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

    def week_totals(self, week: datetime.date) -> WeekLoad:
        total = WeekLoad(capacity=sum((p.weeks[week].capacity for p in self.people), Decimal(0)))
        total.load = sum(
            (p.weeks[week].load for p in self.people), self.unassigned_hours.get(week, Decimal(0))
        )
        return total


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
    for person_id, week, load in (
        responsible.values("person_id", "week")
        .annotate(load=Sum("share"))
        .values_list("person_id", "week", "load")
    ):
        if person_id in loads:  # not someone who left or a stakeholder
            loads[person_id].weeks[week].load = load
    if with_tasks:
        for assignment in responsible.select_related("task").order_by("task__title"):
            if assignment.person_id in loads:
                loads[assignment.person_id].weeks[assignment.week].tasks.append(
                    (assignment.task, assignment.share)
                )
    team = TeamLoad(people=list(loads.values()), unassigned_hours={})
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
    # Only the weeks' planned tasks narrow it down: a filter on the people as well makes
    # PostgreSQL read all their roles in the backlog first (86,000 at 100,000 tasks).
    return Assignment.objects.filter(
        role__in=RESPONSIBLE_ROLES,
        task__planned_week__in=weeks,
        task__status__in=LOADED_STATUSES,
    ).annotate(
        week=F("task__planned_week"),
        share=ExpressionWrapper(
            estimate_expression("task__") / Subquery(responsible_count),
            output_field=DecimalField(max_digits=8, decimal_places=2),
        ),
    )


# The People page counts a person's open tasks up to this many, then says "50+".
OWNED_CAP = 50


class CappedCount(Subquery):
    """How many rows a correlated queryset has, reading at most its LIMIT of them."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped)"
    output_field = IntegerField()


@dataclass
class Owned:
    responsible: int
    accountable: int

    @staticmethod
    def label(count: int) -> str:
        return f"{OWNED_CAP}+" if count > OWNED_CAP else str(count)

    @property
    def responsible_label(self) -> str:
        return self.label(self.responsible)

    @property
    def accountable_label(self) -> str:
        return self.label(self.accountable)


def ownership(people: list[Person]) -> dict[int, Owned]:
    """How many open tasks each person is Responsible and Accountable for, up to
    OWNED_CAP: one query of index lookups that stop at the cap, however big the backlog.

    Counted one role at a time (A/R counts on both sides) because a single role is an
    index range PostgreSQL can stop reading early; a list of roles is not.
    """

    def open_tasks_as(role):
        return CappedCount(
            Assignment.objects.filter(
                person=OuterRef("pk"), role=role, task__status__in=[Status.NEW, *OPEN_STATUSES]
            ).values("pk")[: OWNED_CAP + 1]
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


def overloads_if_planned(task: Task, week: datetime.date) -> list[Overload]:
    """The Responsible people `task` would push over their capacity if planned in `week`."""
    responsible = Person.objects.filter(
        assignments__task=task, assignments__role__in=RESPONSIBLE_ROLES
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


# Each agenda heading lists this many items; its count says how many there are in all.
AGENDA_ITEMS = 20
# Deferred work due back within this many days is on the agenda before it returns.
RETURNING_SOON_DAYS = 14
# Looked back over when no review has been recorded yet.
FIRST_REVIEW_LOOKS_BACK = datetime.timedelta(days=7)


def review_since(now: datetime.datetime) -> datetime.datetime:
    """Where the next review's agenda starts: the moment the last one was recorded."""
    last = Review.objects.order_by("-recorded_at").values_list("recorded_at", flat=True).first()
    return last or now - FIRST_REVIEW_LOOKS_BACK


def review_figures(
    *, today: datetime.date, since: datetime.datetime, with_tasks: bool = True
) -> dict:
    """What the weekly review looks at, as plain JSON, so a recorded review keeps it as is.

    Each person's capacity and load this week and next with the tasks behind the load
    (not `with_tasks`: none, as the live page loads a bar's tasks when it is opened), the
    team's totals, the agenda of what changed since `since`, and the actions taken from
    the review page since then. A constant number of queries, about fifteen.
    """
    weeks = this_and_next_week(today)
    team = team_load(weeks=weeks, with_tasks=with_tasks)
    totals = [team.week_totals(week) for week in weeks]
    scale = _widest(week_load for row in team.people for week_load in row.weeks.values())
    people = [
        {
            "id": row.person.pk,
            "name": row.person.name,
            "title": row.person.title,
            "weeks": [
                {
                    "bar": f"{row.person.pk}-{index}",
                    "summary": _bar_summary(row.person.name, index, row.weeks[week]),
                    **_week_figures(row.weeks[week], scale),
                }
                for index, week in enumerate(weeks)
            ],
        }
        for row in team.people
    ]
    return {
        "today": today.isoformat(),
        "since": since.isoformat(),
        "weeks": review_weeks(today),
        "people": people,
        "totals": [_week_figures(total, _widest(totals)) for total in totals],
        "unassigned": [
            [_task_figures(task, task.estimate) for task in team.unassigned.get(week, [])]
            for week in weeks
        ],
        "agenda": review_agenda(today=today, since=since, people=people, weeks=weeks),
        "actions": review_actions(since=since),
    }


def review_weeks(today: datetime.date) -> list[dict]:
    return [
        {"label": week_label(week), "monday": week.isoformat()}
        for week in this_and_next_week(today)
    ]


def review_bar_figures(*, person_id: int, index: int, today: datetime.date) -> dict:
    """One person's bar in the review's first (0) or second (1) week, with its tasks."""
    weeks = this_and_next_week(today)
    team = team_load(weeks=weeks, people=Person.objects.filter(pk=person_id), with_tasks=True)
    week_load = team.people[0].weeks[weeks[index]]
    return {"bar": f"{person_id}-{index}", **_week_figures(week_load, Decimal(0))}


def _bar_summary(name: str, index: int, week_load: WeekLoad) -> str:
    """What a bar says to a screen reader, which does not see the drawing."""
    over = ", over capacity" if week_load.over else ""
    return (
        f"{name}, {('this', 'next')[index]} week: {hours_text(week_load.load)} of "
        f"{hours_text(week_load.capacity)} hours{over}. Show the tasks."
    )


def _widest(week_loads) -> Decimal:
    """The longest bar's hours, load or capacity: every bar is drawn to this scale."""
    return max((max(week.load, week.capacity) for week in week_loads), default=Decimal(0))


def _hours(value) -> float:
    return float(round(Decimal(value or 0), 2))


def _week_figures(week_load: WeekLoad, scale: Decimal) -> dict:
    """One bar: load against capacity, with both as shares of the widest bar on the page."""
    return {
        "capacity": _hours(week_load.capacity),
        "load": _hours(week_load.load),
        "over": week_load.over,
        "over_by": _hours(max(-week_load.free, 0)),
        "load_width": round(float(week_load.load / scale * 100), 1) if scale else 0,
        "capacity_at": round(float(week_load.capacity / scale * 100), 1) if scale else 0,
        "tasks": [_task_figures(task, hours) for task, hours in week_load.tasks],
    }


def _task_figures(task: Task, hours) -> dict:
    return {
        "id": task.pk,
        "title": task.title,
        "hours": _hours(hours),
        "status": task.status,
        "version": task.version,
        "url": task.get_absolute_url(),
    }


def review_agenda(
    *, today: datetime.date, since: datetime.datetime, people: list[dict], weeks: list
) -> list[dict]:
    """What changed since the last review, heading by heading, read from the history.

    Six queries: the history's headings (moved, re-scored, finished, back from deferral)
    come from comparing tasks with their state at `since`; the rest are counted together
    and listed AGENDA_ITEMS at a time.
    """
    changes = _changes_since(since)
    this_week = weeks[0]
    listed = {
        "new": Task.objects.filter(created_at__gte=since).order_by("-created_at"),
        "overdue": Task.objects.filter(
            due_date__lt=today, status__in=[Status.NEW, *OPEN_STATUSES]
        ).order_by("due_date"),
        "slipped": Task.objects.filter(
            planned_week__lt=this_week, status__in=LOADED_STATUSES
        ).order_by("planned_week"),
        "returning": Task.objects.filter(
            status=Status.DEFERRED,
            deferred_until__lte=today + datetime.timedelta(days=RETURNING_SOON_DAYS),
        ).order_by("deferred_until", "title"),
    }
    counts = capped_counts(listed)
    found = {
        key: list(queryset.select_related("requester")[:AGENDA_ITEMS]) if counts[key] else []
        for key, queryset in listed.items()
    }
    gaps = _raci_gaps(weeks)
    by_heading = {key: ids for key, ids in changes.items() if key != "before"}
    by_heading["raci"] = list(gaps)
    shown = {key: ids[:AGENDA_ITEMS] for key, ids in by_heading.items()}
    tasks = Task.objects.select_related("requester").in_bulk(
        {task_id for ids in shown.values() for task_id in ids}
    )
    for task in tasks.values():
        before = changes["before"].get(task.pk, (None, None, None))
        task.before_status, task.before_impact, task.before_effort = before
        task.has_accountable, task.has_responsible = gaps.get(task.pk, (True, True))
    found.update({key: [tasks[task_id] for task_id in ids] for key, ids in shown.items()})
    counts.update({key: len(ids) for key, ids in by_heading.items()})
    headings = [
        ("new", "New requests", _new_detail),
        ("moved", "Moved quadrant", _moved_detail),
        ("rescored", "Re-scored, same quadrant", _rescored_detail),
        ("overdue", "Past their due date", _overdue_detail),
        ("slipped", "Planned for a past week, not done", _slipped_detail),
        ("finished", "Finished", lambda task: f"done, {task.estimate_label}"),
        ("returned", "Back from deferral", _returned_detail),
        ("raci", "Planned this week or next with RACI gaps", _raci_detail),
    ]
    # Work back since the last review comes first, then what is due back soon.
    found["returned"] = (found["returned"] + found.pop("returning"))[:AGENDA_ITEMS]
    counts["returned"] += counts.pop("returning")
    agenda = [
        _heading(
            key,
            title,
            counts[key],
            [
                {"title": task.title, "url": task.get_absolute_url(), "detail": detail(task)}
                for task in found[key]
            ],
        )
        for key, title, detail in headings
    ]
    over = [
        {
            "title": person["name"],
            "url": f"#person-{person['id']}",
            "detail": f"{label}: {hours_text(week['load'])} of {hours_text(week['capacity'])} h",
        }
        for person in people
        for label, week in zip(("this week", "next week"), person["weeks"], strict=True)
        if week["over"]
    ]
    agenda.append(_heading("over", "Over capacity", len(over), over))
    return agenda


def _changes_since(since: datetime.datetime) -> dict:
    """The ids of tasks that moved quadrant, were re-scored, finished or came back from
    deferral since `since`, each list in title order, and ("before") every changed
    task's status and scores at `since`.

    A task's state at `since` is its last event before then, so a change undone within
    the week is no change; a task that did not exist yet is a new request instead.
    """
    # Tasks that came in since are new requests, not changes: only older ones compare.
    now = list(
        Task.objects.filter(
            created_at__lt=since,
            # Changes are updates: a task older than `since` has no later insert.
            pk__in=TaskEvent.objects.filter(pgh_created_at__gte=since, pgh_label="update").values(
                "pgh_obj_id"
            ),
        )
        .order_by("title", "pk")
        .values_list("pk", "status", "impact", "effort")
    )
    before = {
        task_id: (status, impact, effort)
        for task_id, status, impact, effort in TaskEvent.objects.filter(
            pgh_obj_id__in=[task_id for task_id, *_ in now], pgh_created_at__lt=since
        )
        .order_by("pgh_obj_id", "-pgh_created_at", "-pgh_id")
        .distinct("pgh_obj_id")
        .values_list("pgh_obj_id", "status", "impact", "effort")
    }
    changes = {"moved": [], "rescored": [], "finished": [], "returned": [], "before": before}
    for task_id, status, impact, effort in now:
        if task_id not in before:
            continue
        was_status, was_impact, was_effort = before[task_id]
        if quadrant_of(was_impact, was_effort) != quadrant_of(impact, effort):
            changes["moved"].append(task_id)
        elif was_impact is not None and (was_impact, was_effort) != (impact, effort):
            changes["rescored"].append(task_id)
        if status == Status.DONE != was_status:
            changes["finished"].append(task_id)
        if was_status == Status.DEFERRED != status:
            changes["returned"].append(task_id)
    return changes


def _raci_gaps(weeks: list[datetime.date]) -> dict[int, tuple[bool, bool]]:
    """Work planned in `weeks` with no Accountable or no Responsible, soonest week first:
    each task's id with whether it has an Accountable and a Responsible.

    Two queries: the planned tasks, then their roles, checked here. Asking PostgreSQL
    "has no Accountable" over them made it hash every Accountable in the database.
    """
    planned = list(
        Task.objects.filter(status__in=LOADED_STATUSES, planned_week__in=weeks)
        .order_by("planned_week", "title")
        .values_list("pk", flat=True)
    )
    roles = defaultdict(set)
    for task_id, role in Assignment.objects.filter(task_id__in=planned).values_list(
        "task_id", "role"
    ):
        roles[task_id].add(role)
    gaps = {}
    for task_id in planned:
        has = (bool(roles[task_id] & ACCOUNTABLE), bool(roles[task_id] & RESPONSIBLE))
        if not all(has):
            gaps[task_id] = has
    return gaps


def _heading(key: str, title: str, count: int, items: list[dict]) -> dict:
    return {
        "key": key,
        "title": title,
        "count": count,
        "count_label": count_label(count),
        "items": items,
        "more": max(count - len(items), 0),
    }


def _new_detail(task: Task) -> str:
    quadrant = task.quadrant
    where = quadrant.label if quadrant else "in triage"
    return f"from {task.requester}, {where}" if task.requester else where


def _moved_detail(task: Task) -> str:
    before, after = quadrant_of(task.before_impact, task.before_effort), task.quadrant
    return f"{before.label if before else 'Triage'} → {after.label if after else 'Triage'}"


def _rescored_detail(task: Task) -> str:
    return (
        f"impact {task.before_impact} → {task.impact}, effort {task.before_effort} → {task.effort}"
    )


def _overdue_detail(task: Task) -> str:
    return f"due {task.due_date:%-d %b}, {task.get_status_display().lower()}"


def _slipped_detail(task: Task) -> str:
    return f"planned for {week_label(task.planned_week)}, {task.get_status_display().lower()}"


def _returned_detail(task: Task) -> str:
    if task.status == Status.DEFERRED:
        return f"comes back {task.deferred_until:%-d %b}"
    if task.status == Status.NEW:
        return "back in the triage inbox"
    return f"back, now {task.get_status_display().lower()}"


def _raci_detail(task: Task) -> str:
    missing = [
        name
        for name, present in (
            ("Accountable", task.has_accountable),
            ("Responsible", task.has_responsible),
        )
        if not present
    ]
    return f"no {' and no '.join(missing)}, {week_label(task.planned_week)}"


ACTION_LABELS = {
    Status.PLANNED: "Planned",
    Status.IN_PROGRESS: "Planned",
    Status.BACKLOG: "Unplanned",
    Status.DEFERRED: "Deferred",
    Status.DECLINED: "Declined",
}


def review_actions(*, since: datetime.datetime) -> list[dict]:
    """What was planned, unplanned, deferred or declined from the review page since `since`,
    oldest first: the decisions the room took, linked to their tasks."""
    events = TaskEvent.objects.filter(
        pgh_created_at__gte=since,
        pgh_context__metadata__via="review",
        pgh_label="update",
    ).order_by("pgh_created_at", "pgh_id")
    return [
        {
            "title": event.title,
            "url": reverse("backlog:task-detail", args=[event.pgh_obj_id]),
            "action": ACTION_LABELS.get(event.status, event.get_status_display()),
            "detail": _action_detail(event),
            "at": timezone.localtime(event.pgh_created_at).isoformat(),
        }
        for event in events
    ]


def _action_detail(event) -> str:
    if event.status in (Status.PLANNED, Status.IN_PROGRESS) and event.planned_week:
        return f"for {week_label(event.planned_week)}"
    if event.status == Status.DEFERRED:
        return f"until {event.deferred_until:%-d %B %Y}"
    if event.status == Status.DECLINED:
        return event.declined_reason
    return ""


class Median(Aggregate):
    """PostgreSQL's median of an expression, for "days from request to done"."""

    function = "PERCENTILE_CONT"
    name = "median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


@dataclass
class YearRow:
    """One line of a breakdown: a category, quadrant, requester or month."""

    name: str
    received: int = 0
    done: int = 0
    hours_done: Decimal = Decimal(0)


@dataclass
class YearInReview:
    year: int
    received: int
    done: int
    deferred: int
    declined: int
    median_days_to_done: float | None
    hours_done: Decimal
    capacity_hours: Decimal
    weeks: int
    breakdowns: dict[str, list[YearRow]]

    @property
    def delivered_percent(self) -> int | None:
        return round(self.hours_done / self.capacity_hours * 100) if self.capacity_hours else None


def year_in_review(year: int, *, today: datetime.date) -> YearInReview:
    """What the year brought in and what the team finished, for planning the next one.

    A task counts as done in the year its status first became done (from the history).
    Capacity is today's team's weekly hours over the year's weeks so far, less time off.
    A dozen queries whatever the size of the backlog.
    """
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    first_done = (
        TaskEvent.objects.filter(pgh_obj=OuterRef("pk"), status=Status.DONE)
        .order_by("pgh_created_at")
        .values("pgh_created_at")[:1]
    )
    tasks = Task.objects.with_quadrant().annotate(done_at=Subquery(first_done))
    received = tasks.filter(created_at__gte=start, created_at__lt=end)
    done = tasks.filter(status=Status.DONE, done_at__gte=start, done_at__lt=end)
    in_year = {"pgh_created_at__gte": start, "pgh_created_at__lt": end}

    def moved_into(status):
        """Tasks whose status changed to `status` within the year (once each)."""
        earlier = TaskEvent.objects.filter(
            Q(pgh_created_at__lt=OuterRef("pgh_created_at"))
            | Q(pgh_created_at=OuterRef("pgh_created_at"), pgh_id__lt=OuterRef("pgh_id")),
            pgh_obj_id=OuterRef("pgh_obj_id"),
        ).order_by("-pgh_created_at", "-pgh_id")
        return (
            TaskEvent.objects.filter(status=status, pgh_label__in=["insert", "update"], **in_year)
            .annotate(previous=Subquery(earlier.values("status")[:1]))
            .exclude(previous=status)
            .values("pgh_obj_id")
            .distinct()
            .count()
        )

    totals = done.aggregate(
        hours=Sum(estimate_expression()), median=Median(F("done_at") - F("created_at"))
    )
    mondays = [
        monday
        for monday in (
            week_of(datetime.date(year, 1, 4)) + datetime.timedelta(weeks=n) for n in range(53)
        )
        if monday.isocalendar().year == year and monday <= today
    ]
    team = Person.objects.filter(kind=Person.Kind.TEAM, is_active=True)
    weekly = team.aggregate(hours=Sum("weekly_capacity_hours"))["hours"] or 0
    # A week off takes a person's hours to nothing, not below.
    off = TimeOff.objects.filter(person__in=team, week__in=mondays).aggregate(
        hours=Sum(Least("hours", "person__weekly_capacity_hours"))
    )["hours"]
    return YearInReview(
        year=year,
        received=received.count(),
        done=done.count(),
        deferred=moved_into(Status.DEFERRED),
        declined=moved_into(Status.DECLINED),
        median_days_to_done=(
            round(totals["median"].total_seconds() / 86400, 1)
            if totals["median"] is not None
            else None
        ),
        hours_done=totals["hours"] or Decimal(0),
        capacity_hours=Decimal(weekly * len(mondays) - (off or 0)),
        weeks=len(mondays),
        breakdowns={
            "category": _breakdown(received, done, "category__name", "No category"),
            "quadrant": _breakdown(received, done, "quadrant_slug", "Not scored", Quadrant),
            "requester": _breakdown(received, done, "requester__name", "No requester"),
            "month": _months(received, done, year),
        },
    )


def _breakdown(received, done, field, nameless, choices=None) -> list[YearRow]:
    """Received and done (with hours) per value of `field`, most received first."""
    rows: dict[str, YearRow] = {}

    def row(value):
        name = (choices(value).label if choices else value) if value else nameless
        return rows.setdefault(name, YearRow(name))

    for value, count in received.order_by().values_list(field).annotate(n=Count("pk")):
        row(value).received = count
    for value, count, hours in (
        done.order_by().values_list(field).annotate(n=Count("pk"), h=Sum(estimate_expression()))
    ):
        row(value).done, row(value).hours_done = count, hours or Decimal(0)
    return sorted(rows.values(), key=lambda r: (-r.received, -r.done, r.name))


def _months(received, done, year) -> list[YearRow]:
    months = {m: YearRow(datetime.date(year, m, 1).strftime("%b")) for m in range(1, 13)}
    for month, count in (
        received.order_by()
        .annotate(m=ExtractMonth("created_at"))
        .values_list("m")
        .annotate(n=Count("pk"))
    ):
        months[month].received = count
    for month, count, hours in (
        done.order_by()
        .annotate(m=ExtractMonth("done_at"))
        .values_list("m")
        .annotate(n=Count("pk"), h=Sum(estimate_expression()))
    ):
        months[month].done, months[month].hours_done = count, hours or Decimal(0)
    return list(months.values())


# The month chart's drawing area, in SVG user units.
CHART_HEIGHT, MONTH_WIDTH, BAR_WIDTH = 160, 48, 18


def year_charts(summary: YearInReview) -> dict:
    """Geometry for the year page's SVG charts: a column pair per month, and each
    breakdown's longest bar, so the template only places rectangles."""
    tallest = max((max(m.received, m.done) for m in summary.breakdowns["month"]), default=0) or 1
    months = []
    for index, month in enumerate(summary.breakdowns["month"]):
        received = round(month.received / tallest * CHART_HEIGHT, 1)
        done = round(month.done / tallest * CHART_HEIGHT, 1)
        x = index * MONTH_WIDTH + 6
        months.append(
            {
                "row": month,
                "x_received": x,
                "x_done": x + BAR_WIDTH,
                "y_received": CHART_HEIGHT - received,
                "y_done": CHART_HEIGHT - done,
                "h_received": received,
                "h_done": done,
                "x_label": x + BAR_WIDTH,
            }
        )
    return {
        "months": months,
        "width": MONTH_WIDTH * 12,
        "height": CHART_HEIGHT,
        "longest": {
            key: max((max(row.received, row.done) for row in rows), default=0) or 1
            for key, rows in summary.breakdowns.items()
        },
    }

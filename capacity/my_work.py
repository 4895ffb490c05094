"""My work: what a person is Responsible or Accountable for, this week and next first
with their hours against their capacity, then overdue, due soon, in progress and the
rest; what they are Consulted on; what changed on their tasks since they last looked."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import F, FilteredRelation, Q, QuerySet

from backlog.models import OPEN_STATUSES, PRIORITY_INDEX, STATUS_MOVES, Status, Task
from backlog.selectors import HistoryEntry, tasks_changed_since
from capacity.fill_ins import Suggestion, fill_in_suggestions
from capacity.load import LOADED_STATUSES, WeekLoad, team_load
from mopsboard.counts import capped_counts, count_label
from mopsboard.weeks import this_and_next_week, week_label
from people.models import Person
from raci.models import RESPONSIBLE_ROLES, Role

OWNING_ROLES = (*RESPONSIBLE_ROLES, Role.ACCOUNTABLE)
# Work still to do, a request waiting in triage included.
MY_OPEN_STATUSES = (Status.NEW, *OPEN_STATUSES)
# Each list shows this many tasks; its count says how many there are in all. The rest,
# the longest, shows more a page of as many at a time.
SECTION_ITEMS = 20
# Work due within this many days is "due soon".
DUE_SOON_DAYS = 7
# Looked back over by someone who has never marked their work as seen.
FIRST_LOOK_LOOKS_BACK = datetime.timedelta(days=7)
CHANGES_SHOWN = 30


@dataclass
class MyTask:
    task: Task
    role: Role
    # The person's share of the task's hours (their load), where they are Responsible.
    hours: Decimal | None = None

    @property
    def moves(self) -> list[Status]:
        """The statuses the page offers to move it to (STATUS_MOVES)."""
        return list(STATUS_MOVES[Status(self.task.status)])


@dataclass
class Section:
    key: str
    title: str
    count: int
    tasks: list[MyTask]
    # Which page of the section's tasks these are (SECTION_ITEMS a page).
    page: int = 1

    @property
    def count_label(self) -> str:
        return count_label(self.count)

    @property
    def shown(self) -> int:
        """How many of its tasks the page shows up to these."""
        return (self.page - 1) * SECTION_ITEMS + len(self.tasks)

    @property
    def more(self) -> int:
        return max(self.count - self.shown, 0)


@dataclass
class MyWeek:
    label: str
    name: str
    load: WeekLoad
    tasks: list[MyTask] = field(default_factory=list)
    # Fill-ins suggested for the week's free hours (capacity.fill_ins).
    suggestions: list[Suggestion] = field(default_factory=list)


@dataclass
class Change:
    """A change to one of the person's tasks, with the task's title as it is now."""

    entry: HistoryEntry
    title: str


@dataclass
class MyWork:
    weeks: list[MyWeek]
    # Work of these weeks beyond the SECTION_ITEMS listed.
    weeks_more: int
    # Overdue, due soon, in progress, the rest: each task in the first that fits it.
    sections: list[Section]
    consulted: Section
    since: datetime.datetime
    changes: list[Change]


def _with_role(tasks: QuerySet, person: Person, roles) -> QuerySet:
    """`tasks` on which `person` holds one of `roles`, each with `my_role`."""
    return (
        tasks.annotate(
            mine=FilteredRelation("assignments", condition=Q(assignments__person=person))
        )
        .filter(mine__role__in=roles)
        .annotate(my_role=F("mine__role"))
    )


def _lists(person: Person, *, weeks: list[datetime.date], today: datetime.date) -> dict:
    """The querysets of My work's lists, each in its order."""
    owned = _with_role(Task.objects.filter(status__in=MY_OPEN_STATUSES), person, OWNING_ROLES)
    in_weeks = Q(planned_week__in=weeks, status__in=LOADED_STATUSES)
    overdue = Q(due_date__lt=today)
    due_soon = Q(due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
    later = owned.exclude(in_weeks)
    listed = {
        "weeks": owned.filter(in_weeks).order_by("planned_week", *PRIORITY_INDEX),
        "overdue": later.filter(overdue).order_by("due_date", "pk"),
        "due_soon": later.exclude(overdue).filter(due_soon).order_by("due_date", "pk"),
        "in_progress": later.exclude(due_soon).filter(status=Status.IN_PROGRESS),
        "rest": later.exclude(due_soon).exclude(status=Status.IN_PROGRESS),
        "consulted": _with_role(
            Task.objects.filter(status__in=MY_OPEN_STATUSES), person, [Role.CONSULTED]
        ),
    }
    for key in ("in_progress", "rest", "consulted"):
        listed[key] = listed[key].by_priority()
    return listed


def rest_page(person: Person, *, today: datetime.date, number) -> Section:
    """Page `number` of the rest of `person`'s work (the last page if past it), for
    "Show more"."""
    rest = _lists(person, weeks=this_and_next_week(today), today=today)["rest"]
    page = Paginator(rest.for_cards(), SECTION_ITEMS).get_page(number)
    tasks = [MyTask(task, Role(task.my_role)) for task in page]
    return Section("rest", "The rest", page.paginator.count, tasks, page.number)


def my_work(
    person: Person, *, today: datetime.date, now: datetime.datetime, user_id: int | None = None
) -> MyWork:
    """Everything My work shows for `person`, as of `today` and `now`; changes made by
    `user_id` (the person themselves) are not news to them.

    A constant number of queries, however many tasks they hold: the lists are counted
    together and read SECTION_ITEMS at a time (the rest pages on with rest_page), the
    hours are capacity.load's, read once for the weeks and their fill-ins.
    """
    weeks = this_and_next_week(today)
    listed = _lists(person, weeks=weeks, today=today)
    counts = capped_counts(listed)
    found = {
        key: [MyTask(task, Role(task.my_role)) for task in queryset.for_cards()[:SECTION_ITEMS]]
        if counts[key]
        else []
        for key, queryset in listed.items()
    }
    load = team_load(weeks=weeks, people=Person.objects.filter(pk=person.pk), with_tasks=True)
    my_weeks = []
    for week, name in zip(weeks, ("This week", "Next week"), strict=True):
        week_load = load.people[0].weeks[week]
        shares = {task.pk: hours for task, hours in week_load.tasks}
        tasks = [mine for mine in found["weeks"] if mine.task.planned_week == week]
        for mine in tasks:
            mine.hours = shares.get(mine.task.pk)
        suggested = fill_in_suggestions(week=week, load=load)
        my_weeks.append(
            MyWeek(
                label=week_label(week),
                name=name,
                load=week_load,
                tasks=tasks,
                suggestions=suggested[0].suggestions if suggested else [],
            )
        )
    sections = [
        Section(key, title, counts[key], found[key])
        for key, title in (
            ("overdue", "Overdue"),
            ("due_soon", "Due soon"),
            ("in_progress", "In progress"),
            ("rest", "The rest"),
        )
    ]
    since = person.work_seen_at or now - FIRST_LOOK_LOOKS_BACK
    on_the_page = Task.objects.filter(
        assignments__person=person, assignments__role__in=[*OWNING_ROLES, Role.CONSULTED]
    )
    entries = [
        entry
        for entry in tasks_changed_since(on_the_page, since, limit=CHANGES_SHOWN)
        if user_id is None or entry.user_id != user_id
    ]
    titles = dict(
        Task.objects.filter(pk__in={entry.task_id for entry in entries}).values_list("pk", "title")
    )
    return MyWork(
        weeks=my_weeks,
        weeks_more=max(counts["weeks"] - len(found["weeks"]), 0),
        sections=sections,
        consulted=Section("consulted", "Consulted on", counts["consulted"], found["consulted"]),
        since=since,
        # A task deleted since has no page to link to: its changes are gone with it.
        changes=[
            Change(entry, titles[entry.task_id]) for entry in entries if entry.task_id in titles
        ],
    )

"""A realistic marketing-ops backlog of any size, written fast with COPY.

Needs Django set up against the bench database (see bench.__main__). The same seed
gives the same backlog, so two runs compare like with like.
"""

import datetime
import random
import time
from dataclasses import dataclass
from decimal import Decimal

import pgtrigger
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from backlog.models import Category, Status, Task, TaskEvent, estimate_expression
from capacity.agenda import review_figures
from capacity.horizon import DEFAULT_WEEKS
from capacity.load import LOADED_STATUSES
from capacity.models import PlannedHours, Review
from capacity.services import hours_spread
from demo.management.commands.seed_demo import CATEGORIES
from goals.models import CheckIn, Direction, Goal, Unit, next_check_in
from mopsboard.roles import LEAD, MEMBER
from mopsboard.weeks import this_and_next_week, week_of
from people.models import Person
from raci.models import Assignment, Role, ShareLink

# name, job title, weekly hours: the first ten; TEAM below adds 30 more, to 40 columns.
CORE_TEAM = [
    ("Priya Shah", "Marketing operations lead", 32),
    ("Tom Becker", "Marketing automation specialist", 36),
    ("Ana Lima", "Data & integrations engineer", 36),
    ("Kenji Mori", "Reporting analyst", 32),
    ("Ruth Okafor", "Web & forms developer", 20),
    ("Jonas Berg", "Marketing automation specialist", 36),
    ("Mei Chen", "CRM administrator", 36),
    ("Luis Ortega", "Email developer", 32),
    ("Fatima Haddad", "Data analyst", 28),
    ("Ben Clarke", "Marketing operations manager", 36),
]
MORE_FIRST_NAMES = [
    "Aisha", "Bruno", "Chloe", "Diego", "Elif", "Felix", "Grace", "Hiro", "Ines", "Jakub",
    "Kavya", "Liam", "Maya", "Nils", "Omar", "Paula", "Quentin", "Rosa", "Sven", "Tara",
    "Umar", "Vera", "Wen", "Ximena", "Yusuf", "Zoe", "Andrei", "Bea", "Carlos", "Dina",
]  # fmt: skip
MORE_LAST_NAMES = [
    "Novak", "Keller", "Dubois", "Ramos", "Yilmaz", "Nowak", "Murphy", "Tanaka", "Costa",
    "Horvat", "Iyer", "Walsh", "Svensson", "Lund", "Farouk", "Moreau", "Lambert", "Vidal",
    "Eriksen", "Quinn", "Malik", "Petrova", "Zhang", "Cruz", "Demir", "Adams", "Popescu",
    "Jansen", "Silva", "Aziz",
]  # fmt: skip
MORE_TITLES = [
    ("Marketing automation specialist", 36),
    ("Email developer", 32),
    ("CRM administrator", 36),
    ("Data analyst", 32),
    ("Campaign operations specialist", 36),
    ("Web & forms developer", 28),
    ("Marketing technologist", 36),
    ("Reporting analyst", 24),
    ("Lead management specialist", 36),
    ("Data & integrations engineer", 32),
]
TEAM = CORE_TEAM + [
    (f"{first} {last}", *MORE_TITLES[i % len(MORE_TITLES)])
    for i, (first, last) in enumerate(zip(MORE_FIRST_NAMES, MORE_LAST_NAMES, strict=True))
]
STAKEHOLDERS = [
    ("Dana Whitfield", "Demand generation"),
    ("Marco Rossi", "Sales development"),
    ("Lena Fischer", "Product marketing"),
    ("Sam Carter", "Events"),
    ("Olivia Grant", "Chief marketing officer"),
    ("Northwind Agency", "Creative agency"),
    ("Hannah Wolfe", "Customer marketing"),
    ("Raj Patel", "Partner marketing"),
]

VERBS = [
    "Fix",
    "Build",
    "Audit",
    "Clean up",
    "Document",
    "Automate",
    "Rebuild",
    "Set up",
    "Report on",
    "Migrate",
    "Review",
    "Sync",
]
OBJECTS = [
    "lead routing rules",
    "the demo-request form",
    "UTM capture on landing pages",
    "the preference centre",
    "lead scoring model",
    "CRM field mapping",
    "bounce management",
    "the newsletter template",
    "webinar reminders",
    "duplicate contacts",
    "consent records",
    "the attribution dashboard",
    "MQL handover alerts",
    "trade-show list upload",
    "nurture program",
    "unsubscribe links",
]
AUDIENCES = ["EMEA", "North America", "APAC", "partners", "enterprise accounts", "trial users"]
SENTENCES = [
    "Sales flagged this in the weekly pipeline call.",
    "Needed before the quarter-end campaign goes out.",
    "The current set-up breaks whenever a new region is added.",
    "Legal asked for this after the last consent review.",
    "Reporting numbers disagree between the CRM and the automation platform.",
    "The agency can supply the creative; we own the build.",
    "Low urgency, but it saves a few hours every week.",
    "Blocked until the integration user gets the right permissions.",
]
DECLINE_REASONS = [
    "Covered by the platform migration next year.",
    "The sales team owns this process; raised with their ops lead.",
    "Not enough impact for the effort; revisit if volumes grow.",
]

IMPACT_WEIGHTS = {1: 10, 2: 22, 3: 30, 4: 24, 5: 14}
EFFORT_WEIGHTS = {1: 15, 2: 27, 3: 28, 4: 20, 5: 10}
# Of the scored (non-new) tasks; the new ones are added on top (see `generate`).
STATUS_WEIGHTS = {
    Status.BACKLOG: 50,
    Status.PLANNED: 14,
    Status.IN_PROGRESS: 10,
    Status.DONE: 16,
    Status.DEFERRED: 5,
    Status.DECLINED: 5,
}
UNSCORED_SHARE = 0.10
ESTIMATES = [1, 2, 3, 4, 6, 8, 12, 16, 24, 40]
# RACI on the tasks the matrix shows that are past triage (open or deferred work).
# Triage requests, done and declined tasks get no roles. Only team people get roles,
# so the matrix's columns are exactly the active team.
RACI_STATUSES = (Status.BACKLOG, Status.PLANNED, Status.IN_PROGRESS, Status.DEFERRED)
NO_ACCOUNTABLE_SHARE = 0.10
NO_RESPONSIBLE_SHARE = 0.05
ACCOUNTABLE_RESPONSIBLE_SHARE = 0.35  # of those with an Accountable and a Responsible
CONSULTED_WEIGHTS = {0: 20, 1: 35, 2: 28, 3: 12, 4: 5}  # 4 is over the "too many" hint
INFORMED_WEIGHTS = {0: 50, 1: 35, 2: 15}
# One transaction per batch: pghistory's insert trigger runs a PL/pgSQL EXCEPTION block
# (a subtransaction) per row, and that gets slower the more a transaction has run, so
# one 100,000-row COPY takes minutes while 2,000-row batches stay linear.
BATCH_SIZE = 2_000


@dataclass
class Generated:
    tasks: int
    unscored: int
    assignments: int
    # The whole generation, and the RACI part of it (assignments and the share link).
    seconds: float
    raci_seconds: float


def generate(*, tasks: int, min_unscored: int, seed: int) -> Generated:
    """Write people, categories and `tasks` tasks, ~10% of them unscored in triage (each
    asked for by a stakeholder with an email address), then the RACI of the tasks past
    triage and a share link for the stakeholder page.

    At least `min_unscored` tasks are unscored, so every scoring request the bench
    makes can score a task of its own (at 1,000 tasks that raises the share).
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    unscored = min(tasks, max(round(tasks * UNSCORED_SHARE), min_unscored))
    categories = [Category.objects.create(name=name).pk for name in CATEGORIES]
    team, stakeholders = _people()
    rows = _task_rows(rng, tasks=tasks, unscored=unscored)
    for start in range(0, len(rows), BATCH_SIZE):
        _copy_tasks(
            rows[start : start + BATCH_SIZE],
            rng=rng,
            team=team,
            stakeholders=stakeholders,
            categories=categories,
        )
    # Date each task's history to when it came in, as if the app had been in use all
    # along: "what changed since last week" then finds a week's changes, not everything.
    TaskEvent.objects.update(pgh_created_at=F("created_at"))
    _one_week_plans()
    raci_started = time.perf_counter()
    assignments = _generate_assignments(rng, team=team)
    # The stakeholder page's link: the whole matrix (no filter), never expires.
    ShareLink.objects.create(label="Sales leadership", query="")
    finished = time.perf_counter()
    return Generated(
        tasks=tasks,
        unscored=unscored,
        assignments=assignments,
        seconds=finished - started,
        raci_seconds=finished - raci_started,
    )


def empty_cells(count: int, *, seed: int) -> list[tuple[int, int]]:
    """`count` distinct (task id, team person id) cells with no role, for cell updates.

    One cell a task, on the tasks with RACI roles in id order, so each update lands on a
    different task; a second round takes a second free person a task if there are too few.
    """
    rng = random.Random(seed)
    team = list(
        Person.objects.filter(kind=Person.Kind.TEAM, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    task_ids = list(
        Task.objects.filter(status__in=RACI_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    taken: dict[int, set[int]] = {task_id: set() for task_id in task_ids}
    for task_id, person_id in Assignment.objects.filter(task_id__in=task_ids).values_list(
        "task_id", "person_id"
    ):
        taken[task_id].add(person_id)
    cells: list[tuple[int, int]] = []
    while len(cells) < count:
        added = 0
        for task_id in task_ids:
            free = [person_id for person_id in team if person_id not in taken[task_id]]
            if not free or len(cells) == count:
                continue
            person_id = rng.choice(free)
            taken[task_id].add(person_id)
            cells.append((task_id, person_id))
            added += 1
        if not added:
            raise RuntimeError(f"Only {len(cells)} empty RACI cells; {count} are needed.")
    return cells


def create_lead(*, username: str, password: str) -> None:
    """The lead: every backlog permission through the role's group, and the admin."""
    user = get_user_model().objects.create_user(username=username, password=password)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=LEAD))
    Person.objects.filter(name=TEAM[0][0]).update(user=user)


def create_team() -> list[int]:
    """The TEAM's 40 members, each with their weekly hours and an address."""
    team = Person.objects.bulk_create(
        Person(
            name=name,
            title=title,
            kind=Person.Kind.TEAM,
            weekly_capacity_hours=hours,
            email=_address(name),
        )
        for name, title, hours in TEAM
    )
    return [person.pk for person in team]


def _people() -> tuple[list[int], list[int]]:
    team = create_team()
    # With an address and the default "at once": each request of theirs scored in triage
    # writes them a notification and queues its email, as in the app.
    stakeholders = Person.objects.bulk_create(
        Person(
            name=name,
            title=title,
            kind=Person.Kind.STAKEHOLDER,
            weekly_capacity_hours=0,
            email=_address(name),
        )
        for name, title in STAKEHOLDERS
    )
    return team, [person.pk for person in stakeholders]


def _address(name: str) -> str:
    return f"{name.lower().replace(' ', '.')}@example.com"


def _task_rows(rng: random.Random, *, tasks: int, unscored: int) -> list[Task]:
    now = timezone.now()
    today = timezone.localdate()
    statuses = rng.choices(
        list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=tasks - unscored
    )
    rows = [_task(rng, Status.NEW, now=now, today=today) for _ in range(unscored)]
    rows += [_task(rng, status, now=now, today=today) for status in statuses]
    # Interleave, so new requests are not all clustered at the lowest ids.
    rng.shuffle(rows)
    return rows


def _task(rng: random.Random, status: Status, *, now, today: datetime.date) -> Task:
    # Requests waiting in triage are recent; the rest spread over two years, most recent.
    days_ago = rng.uniform(0, 45) if status == Status.NEW else 730 * rng.random() ** 2
    created_at = now - datetime.timedelta(days=days_ago)
    scored = status != Status.NEW and not (status == Status.DECLINED and rng.random() < 0.5)
    task = Task(
        title=_title(rng),
        description=" ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
        if rng.random() < 0.7
        else "",
        created_at=created_at,
        updated_at=created_at + datetime.timedelta(days=rng.uniform(0, min(days_ago, 30))),
        due_date=created_at.date() + datetime.timedelta(days=rng.randint(7, 120))
        if rng.random() < 0.25
        else None,
        status=status,
        version=1 if status == Status.NEW else rng.randint(1, 4),
    )
    if scored:
        task.impact = _weighted(rng, IMPACT_WEIGHTS)
        task.effort = _weighted(rng, EFFORT_WEIGHTS)
        task.estimate_hours = rng.choice(ESTIMATES) if rng.random() < 0.2 else None
    if status in (Status.PLANNED, Status.IN_PROGRESS):
        monday = today - datetime.timedelta(days=today.weekday())
        task.planned_week = monday + datetime.timedelta(weeks=rng.randint(-4, 8))
    if status == Status.DEFERRED:
        task.deferred_until = today + datetime.timedelta(days=rng.randint(1, 365))
    if status == Status.DECLINED:
        task.declined_reason = rng.choice(DECLINE_REASONS)
    return task


def _one_week_plans() -> None:
    """Each planned task's estimate in its week, as planning it writes it: the tasks were
    copied in or moved in bulk, not planned."""
    PlannedHours.objects.all().delete()
    PlannedHours.objects.bulk_create(
        [
            PlannedHours(task_id=pk, week=week, hours=hours)
            for pk, week, hours in Task.objects.filter(planned_week__isnull=False)
            .annotate(hours=estimate_expression())
            .values_list("pk", "planned_week", "hours")
            .iterator(chunk_size=BATCH_SIZE)
        ],
        batch_size=BATCH_SIZE,
    )


def _title(rng: random.Random) -> str:
    title = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    return f"{title} for {rng.choice(AUDIENCES)}" if rng.random() < 0.4 else title


def _weighted(rng: random.Random, weights: dict[int, int]) -> int:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _copy_tasks(
    rows: list[Task],
    *,
    rng: random.Random,
    team: list[int],
    stakeholders: list[int],
    categories: list[int],
) -> None:
    """COPY the tasks in, every concrete column but the id, as the model would save them.

    Columns come from the model, so a field someone adds (with its default) is written
    too. The history triggers fire for COPY as for INSERT: each task gets its "insert"
    event, as it would in the app.
    """
    fields = [field for field in Task._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    for task in rows:
        chance = rng.random()
        # A request in triage always comes from a stakeholder (they ask through intake),
        # so every scoring POST tells its requester and queues an email.
        task.requester_id = (
            rng.choice(stakeholders)
            if chance < 0.8 or task.status == Status.NEW
            else rng.choice(team)
            if chance < 0.95
            else None
        )
        task.category_id = rng.choice(categories) if rng.random() < 0.95 else None
    with transaction.atomic(), connection.cursor() as cursor:
        copy_sql = f"COPY {Task._meta.db_table} ({columns}) FROM STDIN"
        with cursor.cursor.copy(copy_sql) as copy:
            for task in rows:
                copy.write_row(
                    [
                        field.get_db_prep_value(field.value_from_object(task), connection)
                        for field in fields
                    ]
                )


def _generate_assignments(rng: random.Random, *, team: list[int]) -> int:
    """Give every task past triage and not finished a realistic RACI, written with COPY.

    Most tasks: one A (or A/R), one or two R, a couple of C, maybe an I, all team people.
    About 10% have no Accountable and 5% no Responsible, so the health checks find some.
    """
    task_ids = list(
        Task.objects.filter(status__in=RACI_STATUSES).order_by("pk").values_list("pk", flat=True)
    )
    rows = [row for task_id in task_ids for row in _task_raci(rng, task_id, team)]
    for start in range(0, len(rows), BATCH_SIZE):
        _copy_assignments(rows[start : start + BATCH_SIZE])
    return len(rows)


def _task_raci(rng: random.Random, task_id: int, team: list[int]) -> list[tuple[int, int, str]]:
    has_accountable = rng.random() >= NO_ACCOUNTABLE_SHARE
    has_responsible = rng.random() >= NO_RESPONSIBLE_SHARE
    roles: list[str] = []
    if has_accountable:
        both = has_responsible and rng.random() < ACCOUNTABLE_RESPONSIBLE_SHARE
        roles.append(Role.ACCOUNTABLE_RESPONSIBLE if both else Role.ACCOUNTABLE)
        if both:
            # The A/R does the work; sometimes with a second pair of hands.
            roles += [Role.RESPONSIBLE] * (rng.random() < 0.25)
    if has_responsible and Role.ACCOUNTABLE_RESPONSIBLE not in roles:
        roles += [Role.RESPONSIBLE] * (1 if rng.random() < 0.7 else 2)
    roles += [Role.CONSULTED] * _weighted(rng, CONSULTED_WEIGHTS)
    roles += [Role.INFORMED] * _weighted(rng, INFORMED_WEIGHTS)
    people = rng.sample(team, len(roles))
    return [(task_id, person_id, str(role)) for person_id, role in zip(people, roles, strict=True)]


def _copy_assignments(rows: list[tuple[int, int, str]]) -> None:
    """COPY one batch of assignments in its own transaction; the history trigger fires."""
    table = Assignment._meta.db_table
    copy_sql = f"COPY {table} (task_id, person_id, role) FROM STDIN"
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
        for row in rows:
            copy.write_row(row)


# The weekly review's scenario: this many active team people, and planned tasks split
# over this week and next.
REVIEW_TEAM = 50
REVIEW_PLANNED = 500


def prepare_review(*, seed: int) -> None:
    """Grow the team to REVIEW_TEAM and put exactly REVIEW_PLANNED tasks, each with a
    Responsible, into this week and next; then record last week's review.

    Run after the RACI endpoints are measured, as it adds matrix columns.
    """
    rng = random.Random(seed)
    extra = REVIEW_TEAM - len(TEAM)
    names = [
        f"{first} {last}"
        for first, last in zip(MORE_FIRST_NAMES, MORE_LAST_NAMES[::-1], strict=True)
    ]
    Person.objects.bulk_create(
        Person(name=name, title="Campaign operations specialist", kind=Person.Kind.TEAM)
        for name in names[:extra]
    )
    weeks = this_and_next_week(timezone.localdate())
    later = weeks[1] + datetime.timedelta(weeks=2)
    # Set up as if it had been so before last week's review: no history for these
    # thousands of bulk moves, which no team makes in a week, so the agenda measures a
    # week's real changes (the requests that came in, the scoring and RACI writes).
    with transaction.atomic(), pgtrigger.ignore("backlog.Task:update_update"):
        Task.objects.filter(planned_week__in=weeks).update(planned_week=later)
        chosen = list(
            Task.objects.filter(
                status__in=[Status.BACKLOG, Status.PLANNED, Status.IN_PROGRESS],
                impact__isnull=False,
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:REVIEW_PLANNED]
        )
        for index, week in enumerate(weeks):
            Task.objects.filter(pk__in=chosen[index::2]).update(
                status=Status.PLANNED, planned_week=week
            )
        _give_responsible(rng, chosen)
        _one_week_plans()
    now = timezone.now()
    held_on = timezone.localdate() - datetime.timedelta(days=7)
    since = now - datetime.timedelta(days=14)
    Review.objects.create(
        held_on=held_on,
        recorded_at=now - datetime.timedelta(days=7),
        since=since,
        notes="Bench: last week's review.",
        figures=review_figures(today=held_on, since=since),
    )


def _give_responsible(rng: random.Random, chosen: list[int]) -> None:
    """A team member as Responsible for each of the `chosen` tasks that has nobody."""
    team = list(
        Person.objects.filter(kind=Person.Kind.TEAM).order_by("pk").values_list("pk", flat=True)
    )
    with_responsible = set(
        Assignment.objects.filter(
            task_id__in=chosen, role__in=[Role.RESPONSIBLE, Role.ACCOUNTABLE_RESPONSIBLE]
        ).values_list("task_id", flat=True)
    )
    taken = set(Assignment.objects.filter(task_id__in=chosen).values_list("task_id", "person_id"))
    Assignment.objects.bulk_create(
        Assignment(task_id=task_id, person_id=person_id, role=Role.RESPONSIBLE)
        for task_id in chosen
        if task_id not in with_responsible
        for person_id in [rng.choice([p for p in team if (task_id, p) not in taken])]
    )


# The horizon's scenario: this many tasks planned into its weeks, the review's among them;
# of the others, this share spread over two to four weeks.
HORIZON_PLANNED = 2_000
SPREAD_SHARE = 0.2


def prepare_horizon(*, seed: int, planned: int = HORIZON_PLANNED) -> int:
    """Plan `planned` tasks into the horizon's weeks from this one (DEFAULT_WEEKS): the
    review's in this week and next as prepare_review left them, the others from the week
    after next on, one week each or a fifth of them spread over two to four weeks, with the
    hours of each week as planning a span writes them, and each with a Responsible. The
    rest of the work planned in those weeks moves to last week, so no week ahead holds more
    than the horizon's. Returns how many tasks the horizon shows: fewer than `planned` when
    the backlog has too few open scored tasks.

    Run after the review is measured; the team is then the review's REVIEW_TEAM."""
    rng = random.Random(seed)
    mondays = [
        week_of(timezone.localdate()) + datetime.timedelta(weeks=n) for n in range(DEFAULT_WEEKS)
    ]
    review_weeks, later_weeks = mondays[:2], mondays[2:]
    # As in prepare_review: bulk moves no team makes, set up without history.
    with transaction.atomic(), pgtrigger.ignore("backlog.Task:update_update"):
        chosen = list(
            Task.objects.filter(
                status__in=[Status.BACKLOG, Status.PLANNED, Status.IN_PROGRESS],
                impact__isnull=False,
            )
            .exclude(planned_week__in=review_weeks)
            .order_by("pk")
            .values_list("pk", flat=True)[: planned - REVIEW_PLANNED]
        )
        Task.objects.filter(planned_week__in=later_weeks).exclude(pk__in=chosen).update(
            planned_week=mondays[0] - datetime.timedelta(weeks=1)
        )
        spans = {}
        for task_id in chosen:
            length = rng.randint(2, 4) if rng.random() < SPREAD_SHARE else 1
            first = rng.randrange(len(later_weeks) - length + 1)
            spans[task_id] = later_weeks[first : first + length]
        for week in later_weeks:
            Task.objects.filter(pk__in=[pk for pk in chosen if spans[pk][0] == week]).update(
                planned_week=week
            )
        # Work under way keeps its status, as when it is planned.
        Task.objects.filter(pk__in=chosen, status=Status.BACKLOG).update(status=Status.PLANNED)
        _give_responsible(rng, chosen)
        _one_week_plans()
        spread = {pk: weeks for pk, weeks in spans.items() if len(weeks) > 1}
        estimates = dict(
            Task.objects.filter(pk__in=list(spread))
            .annotate(hours=estimate_expression())
            .values_list("pk", "hours")
        )
        PlannedHours.objects.filter(task__in=list(spread)).delete()
        # Evenly, as planning spreads a span whose Responsible people have no time off.
        PlannedHours.objects.bulk_create(
            PlannedHours(task_id=pk, week=week, hours=hours)
            for pk, weeks in spread.items()
            for week, hours in zip(
                weeks,
                hours_spread(Decimal(estimates[pk] or 0), [Decimal(1)] * len(weeks)),
                strict=True,
            )
        )
    return (
        PlannedHours.objects.filter(week__in=mondays, task__status__in=LOADED_STATUSES)
        .values("task")
        .distinct()
        .count()
    )


# My work's scenario: a team member who signs in, Responsible or Accountable for this many
# open tasks, whatever the backlog's size.
MY_WORK_TASKS = 200
MY_WORK_PERSON = ("Robin Hale", "Marketing automation specialist", 36)


def prepare_my_work(*, username: str, password: str, seed: int) -> None:
    """A team member who signs in as `username` (the member role), Accountable for
    MY_WORK_TASKS open tasks picked across the backlog where it has no Accountable and
    Responsible for the others, next to their people already on it.

    Run after the RACI endpoints are measured, as it adds a matrix column."""
    rng = random.Random(seed)
    user = get_user_model().objects.create_user(username=username, password=password)
    user.groups.add(Group.objects.get(name=MEMBER))
    name, title, hours = MY_WORK_PERSON
    person = Person.objects.create(
        name=name,
        title=title,
        kind=Person.Kind.TEAM,
        weekly_capacity_hours=hours,
        email=_address(name),
        user=user,
    )
    open_tasks = list(
        Task.objects.filter(status__in=[Status.BACKLOG, Status.PLANNED, Status.IN_PROGRESS])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = rng.sample(open_tasks, min(MY_WORK_TASKS, len(open_tasks)))
    accountable = set(
        Assignment.objects.filter(
            task_id__in=chosen, role__in=[Role.ACCOUNTABLE, Role.ACCOUNTABLE_RESPONSIBLE]
        ).values_list("task_id", flat=True)
    )
    Assignment.objects.bulk_create(
        Assignment(
            task_id=task_id,
            person=person,
            role=Role.RESPONSIBLE if task_id in accountable else Role.ACCOUNTABLE,
        )
        for task_id in chosen
    )


# The goals' scenario: this many goals, each with this many linked tasks and monthly
# check-ins of its KPI for two years.
GOALS, GOAL_TASKS, GOAL_CHECK_INS = 50, 100, 24
# KPI, a short name for the board's cards, unit, direction, baseline, target.
KPIS = [
    ("Email-sourced leads", "Email leads", Unit.COUNT, Direction.UP, 1_200, 1_800),
    ("MQL to SQL conversion", "MQL to SQL", Unit.PERCENT, Direction.UP, 18, 25),
    ("Form conversion rate", "Form conversion", Unit.PERCENT, Direction.UP, "3.2", "4.5"),
    ("Contacts with a complete profile", "Complete profiles", Unit.PERCENT, Direction.UP, 61, 85),
    ("Hard bounce rate", "Hard bounces", Unit.PERCENT, Direction.DOWN, "2.4", "1.0"),
    ("Hours to route a new lead", "Lead routing", Unit.HOURS, Direction.DOWN, 30, 4),
    (
        "Pipeline sourced by marketing",
        "Pipeline",
        Unit.CURRENCY,
        Direction.UP,
        1_200_000,
        1_800_000,
    ),
    ("Unsubscribe rate", "Unsubscribes", Unit.PERCENT, Direction.DOWN, "0.8", "0.4"),
    ("Hours from brief to campaign launch", "Launch time", Unit.HOURS, Direction.DOWN, 120, 60),
    ("Webinar registrations", "Webinar sign-ups", Unit.COUNT, Direction.UP, 900, 1_400),
]
REGIONS = ["EMEA", "Americas", "APAC", "LATAM", "DACH"]


def prepare_goals(*, seed: int) -> tuple[int, int]:
    """GOALS goals the team is measured on, each Accountable to a team member, with
    GOAL_CHECK_INS monthly check-ins of its KPI up to last month and a deadline in the
    months ahead, and GOAL_TASKS linked tasks picked across the backlog past triage:
    distinct tasks where the backlog has GOALS x GOAL_TASKS of them, shared between goals
    where it has not. Returns the first goal's id and how many distinct tasks are linked."""
    rng = random.Random(seed)
    today = timezone.localdate()
    team = list(
        Person.objects.filter(kind=Person.Kind.TEAM, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    goals, check_ins = [], []
    for number in range(GOALS):
        kpi, short, unit, direction, baseline, target = KPIS[number % len(KPIS)]
        region = REGIONS[number // len(KPIS) % len(REGIONS)]
        baseline, target = Decimal(baseline), Decimal(target)
        # Two years and a few weeks ago, so the 24th check-in falls in the last month.
        baseline_date = today - datetime.timedelta(days=rng.randint(745, 760))
        deadline = today + datetime.timedelta(weeks=rng.randint(3, 40))
        goals.append(
            Goal(
                title=f"{kpi} in {region}",
                short_name=f"{short} {region}",
                description=rng.choice(SENTENCES),
                owner_id=rng.choice(team),
                kpi_name=kpi,
                unit=unit,
                direction=direction,
                baseline=baseline,
                baseline_date=baseline_date,
                target=target,
                deadline=deadline,
            )
        )
        # Its pace against the straight line to the target: some goals keep up (and are on
        # track, or there already), some fall behind (at risk).
        pace, on = Decimal(rng.uniform(0.8, 1.15)), baseline_date
        for _ in range(GOAL_CHECK_INS):
            on = next_check_in(on)
            share = pace * (on - baseline_date).days / (deadline - baseline_date).days
            noise = Decimal(rng.uniform(-0.01, 0.01))
            check_ins.append(
                CheckIn(
                    goal=goals[-1],
                    on=on,
                    value=(baseline + (target - baseline) * (share + noise)).quantize(
                        Decimal("0.01")
                    ),
                )
            )
    Goal.objects.bulk_create(goals)
    CheckIn.objects.bulk_create(check_ins)
    past_triage = list(
        Task.objects.exclude(status=Status.NEW).order_by("pk").values_list("pk", flat=True)
    )
    linked = rng.sample(past_triage, min(GOALS * GOAL_TASKS, len(past_triage)))
    Goal.tasks.through.objects.bulk_create(
        Goal.tasks.through(goal=goal, task_id=linked[(number * GOAL_TASKS + n) % len(linked)])
        for number, goal in enumerate(goals)
        for n in range(GOAL_TASKS)
    )
    return goals[0].pk, len(linked)

"""Reads that assemble the RACI matrix and its summary, for the editor and the shared page."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Count, Q, QuerySet, Value, When

from backlog.models import Task
from people.models import Person
from raci.models import (
    ACCOUNTABLE_ROLES,
    RESPONSIBLE_ROLES,
    Assignment,
    Level,
    Problem,
    Role,
    health_of,
    task_problems,
)


@dataclass
class MatrixRow:
    task: Task
    cells: list[tuple[Person, str]]
    problems: list[Problem]

    @property
    def health(self) -> Level:
        return health_of(self.problems)


@dataclass
class Matrix:
    people: list[Person]
    rows: list[MatrixRow]


def raci_matrix(
    tasks: list[Task], *, people: QuerySet | None = None, first: Person | None = None
) -> Matrix:
    """Tasks as rows, people as columns (the active team, then anyone else on these tasks;
    `first`, the person a stakeholder picked, ahead of them all).

    Two queries whatever the size: the assignments of these tasks, then the people.
    """
    roles: dict[int, dict[int, str]] = defaultdict(dict)
    for task_id, person_id, role in Assignment.objects.filter(
        task__any_of=[task.pk for task in tasks]
    ).values_list("task_id", "person_id", "role"):
        roles[task_id][person_id] = Role(role)
    if people is None:
        on_tasks = {person_id for task_roles in roles.values() for person_id in task_roles}
        people = Person.objects.filter(
            Q(kind=Person.Kind.TEAM, is_active=True) | Q(pk__in=on_tasks)
        ).order_by("-kind", "name")  # "team" sorts after "stakeholder": descending puts it first
    people = list(people)
    if first is not None:
        people.sort(key=lambda person: person.pk != first.pk)
    rows = []
    for task in tasks:
        task_roles = roles.get(task.pk, {})
        rows.append(
            MatrixRow(
                task=task,
                cells=[(person, task_roles.get(person.pk, "")) for person in people],
                problems=task_problems(list(task_roles.values())),
            )
        )
    return Matrix(people=people, rows=rows)


def task_raci(task: Task) -> MatrixRow:
    """`task`'s RACI for its page: the people with a letter on it, by name, and its health.
    Two queries however many they are."""
    return raci_matrix([task], people=Person.objects.filter(assignments__task=task)).rows[0]


# People a search on a task's page lists at most; a longer list asks for more letters.
PEOPLE_FOUND = 10


def people_to_add(task: Task, text: str) -> list[Person]:
    """Active people, team or stakeholders, whose name or email holds `text` and who have
    no letter on `task` yet: its requester first, then by name. Up to PEOPLE_FOUND + 1,
    so the page can say there are more."""
    if not text:
        return []
    return list(
        Person.objects.active()
        .matching(text)
        .exclude(assignments__task=task)
        .order_by(Case(When(pk=task.requester_id, then=Value(0)), default=Value(1)), "name", "pk")[
            : PEOPLE_FOUND + 1
        ]
    )


def responsible_names(tasks) -> dict[int, str]:
    """Each task's Responsible people (R or A/R) by name, "Ana Lima, Tom Becker", for the
    cards of a page: one query whatever the number of tasks."""
    names = defaultdict(list)
    for task_id, name in (
        Assignment.objects.filter(
            task__any_of=[task.pk for task in tasks], role__in=RESPONSIBLE_ROLES
        )
        .order_by("person__name")
        .values_list("task_id", "person__name")
    ):
        names[task_id].append(name)
    return {task_id: ", ".join(people) for task_id, people in names.items()}


@dataclass
class PageProblems:
    """How many of the tasks on a page of the matrix have each problem."""

    tasks: int
    no_accountable: int
    no_responsible: int
    many_responsible: int
    many_consulted: int

    @property
    def fine(self) -> bool:
        return not (
            self.no_accountable
            or self.no_responsible
            or self.many_responsible
            or self.many_consulted
        )


def raci_of(task_ids: list[int]) -> dict[int, list[tuple[int, str, str]]]:
    """Each task's RACI as (person id, name, role), people by name, in one query."""
    raci = defaultdict(list)
    for task_id, person_id, name, role in (
        Assignment.objects.filter(task__any_of=task_ids)
        .order_by("person__name", "pk")
        .values_list("task_id", "person_id", "person__name", "role")
    ):
        raci[task_id].append((person_id, name, role))
    return raci


def page_problems(matrix: Matrix) -> PageProblems:
    """Counted from the rows already built: no query."""
    return _count_problems([row.problems for row in matrix.rows])


def cell_changed(task: Task, page_tasks: list[int]) -> tuple[MatrixRow, PageProblems | None]:
    """After a cell of `task` changes: its row alone, for the health badge, and the
    summary of the tasks the editor's page shows counted again (None when the page sent
    none). One query: the roles of all of them."""
    roles = defaultdict(list)
    for task_id, role in Assignment.objects.filter(
        task_id__any_of=[task.pk, *page_tasks]
    ).values_list("task_id", "role"):
        roles[task_id].append(role)
    row = MatrixRow(task=task, cells=[], problems=task_problems(roles[task.pk]))
    if not page_tasks:
        return row, None
    return row, _count_problems([task_problems(roles[task_id]) for task_id in page_tasks])


def _count_problems(problems_by_task: list[list[Problem]]) -> PageProblems:
    codes = Counter(problem.code for problems in problems_by_task for problem in problems)
    return PageProblems(
        tasks=len(problems_by_task),
        no_accountable=codes["no-accountable"],
        no_responsible=codes["no-responsible"],
        many_responsible=codes["many-responsible"],
        many_consulted=codes["many-consulted"],
    )


@dataclass
class TeamHints:
    open_tasks: int
    overloaded: list[tuple[Person, int]]
    idle_team: list[Person]


def team_hints() -> TeamHints:
    """Who is Accountable for too much of the open work, and who is Responsible for none.

    Three queries over all open work; the matrix page shows this once per load.
    """
    open_tasks = Task.objects.open()
    load = {
        row["person"]: row
        for row in Assignment.objects.filter(
            task__in=open_tasks, role__in={*ACCOUNTABLE_ROLES, *RESPONSIBLE_ROLES}
        )
        .values("person")
        .annotate(
            accountable=Count("pk", filter=Q(role__in=ACCOUNTABLE_ROLES)),
            responsible=Count("pk", filter=Q(role__in=RESPONSIBLE_ROLES)),
        )
    }
    total = open_tasks.count()
    limit = settings.MOPSBOARD_RACI_MAX_ACCOUNTABLE_SHARE * total
    team = Person.objects.filter(kind=Person.Kind.TEAM, is_active=True)
    overloaded, idle = [], []
    for person in Person.objects.filter(Q(pk__in=load) | Q(pk__in=team)).order_by("name"):
        person_load = load.get(person.pk, {"accountable": 0, "responsible": 0})
        if total and person_load["accountable"] > limit:
            overloaded.append((person, person_load["accountable"]))
        if person.kind == Person.Kind.TEAM and person.is_active and not person_load["responsible"]:
            idle.append(person)
    return TeamHints(open_tasks=total, overloaded=overloaded, idle_team=idle)

"""Reads that assemble the RACI matrix and its summary, for the editor and the shared page."""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from backlog.models import Task
from raci.models import (
    ACCOUNTABLE_ROLES,
    RESPONSIBLE_ROLES,
    Assignment,
    Level,
    Person,
    Problem,
    Role,
    annotate_raci_checks,
    health_of,
    task_problems,
)


def cell_html(task_id: int, person_id: int, role: str, *, editable: bool = True) -> SafeString:
    """One matrix cell, its id (for htmx) only where it can be edited.

    Built with an f-string, not the template engine: a 200 x 40 grid has 8,000 cells
    and a template variable costs more than the whole cell does here. Nothing needs
    escaping: the ids are integers and the role is one of five fixed values, which the
    database's check constraint guarantees.
    """
    cell_id = f' id="raci-cell-{task_id}-{person_id}" tabindex="-1"' if editable else ""
    return mark_safe(
        f'<td{cell_id} data-task-id="{task_id}" data-person-id="{person_id}" '
        f'data-role="{role}">{role}</td>'
    )


@dataclass
class MatrixRow:
    task: Task
    cells: list[tuple[Person, str]]
    problems: list[Problem]

    @property
    def health(self) -> Level:
        return health_of(self.problems)

    @property
    def cells_html(self) -> SafeString:
        return mark_safe("".join(cell_html(self.task.pk, p.pk, role) for p, role in self.cells))

    @property
    def read_only_cells_html(self) -> SafeString:
        return mark_safe(
            "".join(cell_html(self.task.pk, p.pk, role, editable=False) for p, role in self.cells)
        )


@dataclass
class Matrix:
    people: list[Person]
    rows: list[MatrixRow]


def raci_matrix(tasks: list[Task], *, people: QuerySet | None = None) -> Matrix:
    """Tasks as rows, people as columns (the active team, then anyone else on these tasks).

    Two queries whatever the size: the assignments of these tasks, then the people.
    """
    roles: dict[int, dict[int, str]] = defaultdict(dict)
    for task_id, person_id, role in Assignment.objects.filter(task__in=tasks).values_list(
        "task_id", "person_id", "role"
    ):
        roles[task_id][person_id] = Role(role)
    if people is None:
        on_tasks = {person_id for task_roles in roles.values() for person_id in task_roles}
        people = Person.objects.filter(
            Q(kind=Person.Kind.TEAM, is_active=True) | Q(pk__in=on_tasks)
        ).order_by("-kind", "name")  # "team" sorts after "stakeholder": descending puts it first
    people = list(people)
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


def matrix_row(task: Task) -> MatrixRow:
    """One task's row alone, for the health badge after a cell changes."""
    roles = list(Assignment.objects.filter(task=task).values_list("role", flat=True))
    return MatrixRow(task=task, cells=[], problems=task_problems(roles))


@dataclass
class RaciSummary:
    tasks: int
    no_accountable: int
    no_responsible: int
    too_many_consulted: int
    overloaded: list[tuple[Person, int]]
    idle_team: list[Person]
    open_tasks: int

    @property
    def fine(self) -> bool:
        return not (
            self.no_accountable
            or self.no_responsible
            or self.too_many_consulted
            or self.overloaded
            or self.idle_team
        )


def raci_summary(tasks: QuerySet) -> RaciSummary:
    """What is wrong across `tasks`, and who carries too much or nothing of the open work.

    Four queries whatever the size.
    """
    counts = annotate_raci_checks(tasks.order_by()).aggregate(
        tasks=Count("pk"),
        no_accountable=Count("pk", filter=Q(has_accountable=False)),
        no_responsible=Count("pk", filter=Q(has_responsible=False)),
        too_many_consulted=Count(
            "pk", filter=Q(consulted_count__gt=settings.MOPSBOARD_RACI_MAX_CONSULTED)
        ),
    )
    open_tasks = Task.objects.open().count()
    load = {
        row["person"]: row
        for row in Assignment.objects.filter(task__in=Task.objects.open())
        .values("person")
        .annotate(
            accountable=Count("pk", filter=Q(role__in=ACCOUNTABLE_ROLES)),
            responsible=Count("pk", filter=Q(role__in=RESPONSIBLE_ROLES)),
        )
    }
    team = Person.objects.filter(kind=Person.Kind.TEAM, is_active=True).order_by("name")
    share = settings.MOPSBOARD_RACI_MAX_ACCOUNTABLE_SHARE
    overloaded, idle = [], []
    for person in Person.objects.filter(Q(pk__in=load) | Q(pk__in=team)).order_by("name"):
        person_load = load.get(person.pk, {"accountable": 0, "responsible": 0})
        if open_tasks and person_load["accountable"] > share * open_tasks:
            overloaded.append((person, person_load["accountable"]))
        if person.kind == Person.Kind.TEAM and person.is_active and not person_load["responsible"]:
            idle.append(person)
    return RaciSummary(**counts, overloaded=overloaded, idle_team=idle, open_tasks=open_tasks)

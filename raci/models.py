"""People's RACI roles on tasks, and the links that share the matrix."""

from dataclasses import dataclass

import pghistory
from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse

from mopsboard.links import SignedLink
from people.models import Person


class Role(models.TextChoices):
    RESPONSIBLE = "R", "Responsible"
    ACCOUNTABLE = "A", "Accountable"
    ACCOUNTABLE_RESPONSIBLE = "A/R", "Accountable and responsible"
    CONSULTED = "C", "Consulted"
    INFORMED = "I", "Informed"

    @property
    def is_accountable(self) -> bool:
        return self in ACCOUNTABLE_ROLES

    @property
    def is_responsible(self) -> bool:
        return self in RESPONSIBLE_ROLES


ACCOUNTABLE_ROLES = (Role.ACCOUNTABLE, Role.ACCOUNTABLE_RESPONSIBLE)
RESPONSIBLE_ROLES = (Role.RESPONSIBLE, Role.ACCOUNTABLE_RESPONSIBLE)


class Level(models.IntegerChoices):
    """How bad a RACI problem is; a task's health is its worst problem."""

    FINE = 0, "Fine"
    HINT = 1, "Hint"
    WARNING = 2, "Warning"
    ERROR = 3, "Error"


@dataclass(frozen=True)
class Problem:
    level: Level
    code: str
    message: str


def task_problems(roles: list[str]) -> list[Problem]:
    """The RACI rules for one task, given the roles on it (one per person)."""
    accountable = sum(role in ACCOUNTABLE_ROLES for role in roles)
    responsible = sum(role in RESPONSIBLE_ROLES for role in roles)
    consulted = roles.count(Role.CONSULTED)
    problems = []
    if not accountable:
        problems.append(
            Problem(Level.ERROR, "no-accountable", "No Accountable: nobody signs this off.")
        )
    if not responsible:
        problems.append(
            Problem(Level.WARNING, "no-responsible", "No Responsible: nobody does the work.")
        )
    elif responsible > 1 and settings.MOPSBOARD_RACI_ONE_RESPONSIBLE:
        problems.append(
            Problem(
                Level.WARNING,
                "many-responsible",
                f"{responsible} Responsible: the team wants one per task.",
            )
        )
    if consulted > settings.MOPSBOARD_RACI_MAX_CONSULTED:
        problems.append(
            Problem(
                Level.HINT,
                "many-consulted",
                f"{consulted} Consulted: every one of them slows a decision.",
            )
        )
    return problems


def health_of(problems: list[Problem]) -> Level:
    return max((problem.level for problem in problems), default=Level.FINE)


def problem_conditions() -> models.Q:
    """Tasks whose RACI has a problem, for filters; needs annotate_raci_checks."""
    condition = (
        models.Q(has_accountable=False)
        | models.Q(has_responsible=False)
        | models.Q(consulted_count__gt=settings.MOPSBOARD_RACI_MAX_CONSULTED)
    )
    if settings.MOPSBOARD_RACI_ONE_RESPONSIBLE:
        condition |= models.Q(responsible_count__gt=1)
    return condition


def annotate_raci_checks(tasks: models.QuerySet) -> models.QuerySet:
    """Whether each task has an Accountable and a Responsible, and how many are Consulted.

    Correlated subqueries on the (task, role) index rather than a join and GROUP BY,
    so filtering or summing over a large backlog stays index lookups.
    """
    on_task = Assignment.objects.filter(task=models.OuterRef("pk"))

    def how_many(roles):
        counted = on_task.filter(role__in=roles).order_by().values("task")
        return Coalesce(models.Subquery(counted.annotate(n=models.Count("pk")).values("n")), 0)

    return tasks.annotate(
        has_accountable=models.Exists(on_task.filter(role__in=ACCOUNTABLE_ROLES)),
        has_responsible=models.Exists(on_task.filter(role__in=RESPONSIBLE_ROLES)),
        responsible_count=how_many(RESPONSIBLE_ROLES),
        consulted_count=how_many([Role.CONSULTED]),
    )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Assignment(models.Model):
    """A person's role on a task. A person who is not on a task has no row."""

    task = models.ForeignKey("backlog.Task", on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(max_length=3, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "person"], name="raci_one_role_per_person"),
            # Whatever writes (a form, a bulk update, two editors at once), a task never
            # has two Accountable people.
            models.UniqueConstraint(
                fields=["task"],
                condition=models.Q(role__in=["A", "A/R"]),
                name="raci_one_accountable_per_task",
                violation_error_message="A task has exactly one Accountable person.",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["R", "A", "A/R", "C", "I"]), name="raci_known_role"
            ),
        ]
        indexes = [
            # With the task last, a person's tasks in one role are read newest first and
            # a capped count (capacity.load.ownership) stops after the cap.
            models.Index(fields=["person", "role", "task"], name="raci_person_role_task"),
            models.Index(fields=["task", "role"], name="raci_task_role"),
        ]

    def __str__(self):
        return f"{self.person} {self.role} on {self.task}"


class ShareLink(SignedLink):
    """A read-only view of the RACI matrix for people without an account."""

    SALT = "raci.share-link"

    label = models.CharField(
        max_length=120, help_text="Who the link is for, e.g. Sales leadership."
    )
    query = models.CharField(
        max_length=1000, blank=True, help_text="The matrix filter baked into the link."
    )

    class Meta(SignedLink.Meta):
        pass

    def get_absolute_url(self):
        return reverse("raci:shared", args=[self.token])

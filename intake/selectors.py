"""Reads for the requester's pages: one request in plain words, and all of theirs."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet

from backlog.models import Status, Task, TriageWait
from conversation.models import Comment
from conversation.selectors import shared_comments
from goals.models import Goal
from mopsboard.errors import NotFound
from mopsboard.weeks import week_label, working_days_label
from people.models import Person
from raci.models import ACCOUNTABLE_ROLES, RESPONSIBLE_ROLES, Assignment

# The way a request usually goes; a deferred or declined one leaves it.
STEPS = [
    ("received", "Received"),
    ("triaged", "Triaged"),
    ("planned", "Planned"),
    ("in_progress", "In progress"),
    ("done", "Done"),
]
STEP_OF_STATUS = {
    Status.NEW: "received",
    Status.BACKLOG: "triaged",
    Status.PLANNED: "planned",
    Status.IN_PROGRESS: "in_progress",
    Status.DONE: "done",
}


@dataclass
class RequestPage:
    """One request as its requester reads it."""

    task: Task
    headline: str
    explanation: str
    wait: TriageWait | None
    quadrant_meaning: str = ""
    week: str = ""
    accountable: list[Person] = field(default_factory=list)
    responsible: list[Person] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)
    # The conversation shared with the requester: the team's shared comments, their replies.
    comments: list[Comment] = field(default_factory=list)
    # The titles of the goals it serves, once the team has linked it (not a suggestion),
    # with MOPSBOARD_INTAKE_GOALS on.
    goals: list[str] = field(default_factory=list)


def _date(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def standing(task: Task, *, wait: TriageWait | None) -> tuple[str, str]:
    """Where a request stands, as a headline and a sentence for its requester."""
    if task.status == Status.NEW:
        if wait is None:
            return (
                "Back with the team for triage",
                "It was deferred until now and has come back; the team will look at it again.",
            )
        promise = (
            f"We triage new requests within {working_days_label(wait.sla_days)}: "
            f"by {_date(wait.due_on)}."
        )
        if wait.over:
            promise += " That day has passed, and the team can see it is late. Sorry for the wait."
        return "Received, waiting for triage", promise
    if task.status == Status.BACKLOG:
        return "Triaged, in the backlog", "The team has scored it and will plan it in its turn."
    if task.status == Status.PLANNED:
        week = task.planned_week
        return (
            f"Planned for the week of {week.day} {week:%B}",
            f"The team plans to work on it in the week starting {_date(week)} "
            f"({week_label(week)}).",
        )
    if task.status == Status.IN_PROGRESS:
        return "In progress", "Someone is working on it now."
    if task.status == Status.DONE:
        return "Done", "The team has finished it."
    if task.status == Status.DEFERRED:
        return (
            f"Deferred until {_date(task.deferred_until)}",
            "It waits until then, when it comes back to the team to be looked at again.",
        )
    return "Declined", "The team will not do it. Their reason is below."


def request_page(task_id: int, *, today: datetime.date) -> RequestPage:
    """The requester's page of one request. Four queries; NotFound once it is deleted."""
    task = (
        Task.objects.with_triage_history()
        .select_related("requester", "category")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound("The team has removed this request from its list.")
    wait = task.triage_wait(today)
    headline, explanation = standing(task, wait=wait)
    page = RequestPage(task=task, headline=headline, explanation=explanation, wait=wait)
    # What the quadrant means is a promise about work to come ("we will plan it as a
    # project"): said only while the work waits in the backlog, not once it is planned,
    # under way, done, deferred or declined.
    if task.quadrant and task.status == Status.BACKLOG:
        page.quadrant_meaning = task.quadrant.meaning
    if task.planned_week and task.status in (Status.PLANNED, Status.IN_PROGRESS, Status.DONE):
        page.week = f"{week_label(task.planned_week)}, from {_date(task.planned_week)}"
    roles = Assignment.objects.filter(
        task=task, role__in=[*ACCOUNTABLE_ROLES, *RESPONSIBLE_ROLES]
    ).select_related("person")
    for assignment in sorted(roles, key=lambda a: a.person.name):
        if assignment.role in ACCOUNTABLE_ROLES:
            page.accountable.append(assignment.person)
        if assignment.role in RESPONSIBLE_ROLES:
            page.responsible.append(assignment.person)
    if task.status in STEP_OF_STATUS:
        reached = [key for key, _ in STEPS].index(STEP_OF_STATUS[task.status])
        page.steps = [
            {"label": label, "done": index < reached, "current": index == reached}
            for index, (_, label) in enumerate(STEPS)
        ]
    page.comments = shared_comments(task)
    # The goals are shown outside the team only where the lead chose to: the same setting
    # as the request form's choice of goal.
    if settings.MOPSBOARD_INTAKE_GOALS:
        page.goals = list(
            Goal.objects.filter(Q(tasks=task) | Q(steps__tasks=task))
            .distinct()
            .values_list("title", flat=True)
        )
    return page


def following_page(key: dict, *, today: datetime.date) -> tuple[Assignment, RequestPage]:
    """A request as someone on its RACI sees it from their own link (`key`, from
    tracking.following_from_token): their cell (their role), found by task and person, and
    the requester's page, of which the page shows what is not the requester's own.
    NotFound while they are off the RACI."""
    cell = Assignment.objects.select_related("person").filter(**key).first()
    if cell is None:
        raise NotFound("You are no longer on this request's RACI, so this link no longer opens it.")
    return cell, request_page(cell.task_id, today=today)


def requester_requests(person_id: int) -> tuple[Person, QuerySet]:
    """A requester and the requests they confirmed (or a team member sent for them),
    newest first; NotFound if they are gone. A request sent with their address by someone
    else is not theirs until they say so."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound("The team no longer keeps requests under this name.")
    tasks = (
        Task.objects.filter(requester=person, requester_confirmed=True)
        .with_triage_history()
        .select_related("category")
        .defer("description")
        .order_by("-created_at", "-id")
    )
    return person, tasks

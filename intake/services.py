"""Writes of intake: intake links, and a request turned into a task in the triage inbox."""

import datetime

from django.db import transaction
from django.utils import timezone

from backlog.models import Category, Task
from backlog.services import task_create, task_update
from goals.models import Goal, Suggestion
from intake.models import IntakeLink
from mopsboard.errors import NotFound
from people.services import person_for

# The door a request comes through, as the task's history records it.
VIA = "intake"


def intake_link_create(
    *, label: str, category: Category | None, expires_on: datetime.date | None, by
) -> IntakeLink:
    return IntakeLink.objects.create(
        label=label, category=category, expires_on=expires_on, created_by=by
    )


def intake_link_revoke(*, link: IntakeLink) -> None:
    IntakeLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def request_description(*, details: str, why: str, links: list[str]) -> str:
    """What the requester wrote, as the task's description in readable sections. Not who
    they are (the task's requester says that where the team reads it): people on the
    RACI without an account read the description too, and nothing of the requester's."""
    sections = [
        ("Details", details),
        ("Why it matters, and what happens if it is not done", why),
        ("Links", "\n".join(f"- {link}" for link in links)),
    ]
    return "\n\n".join(f"{heading}:\n{text}" for heading, text in sections if text)


def request_submit(
    *,
    link: IntakeLink | None,
    by,
    via: str = VIA,
    reason: str = "Came in through the request form",
    title: str,
    details: str,
    why: str,
    wanted_by: datetime.date | None,
    category: Category | None,
    links: list[str],
    name: str,
    email: str,
    team: str,
    goal: Goal | None = None,
    received_at: datetime.datetime | None = None,
) -> Task:
    """A request from the intake form: a task in the triage inbox, its requester the person
    with that email address (or a new stakeholder), its history saying it came in through
    intake and which link (`link` None: the signed-in form, `by` the team member; or
    another door, `via` and `reason`, such as the API).

    Sent by nobody signed in, the requester is unconfirmed until request_confirm: anyone
    can type anyone's address. Their person's record is never changed by what was typed.

    One transaction: if the task cannot be made, no person is left behind either.
    `received_at` back-dates it (the demo); otherwise it is now. The `goal` the requester
    says it serves is a suggestion, which the lead confirms or rejects in triage.
    """
    if link is not None:
        reason = f"Came in through the intake link “{link.label}”"
        history = {"reason": reason, "intake_link": link.pk, "intake_link_label": link.label}
    else:
        history = {"reason": reason}
    # Named in the history when nobody is signed in: the requester sent it themselves.
    history["requester"] = name
    with transaction.atomic():
        requester = person_for(name=name, email=email, title=team)
        task = task_create(
            by=by,
            via=via,
            history=history,
            title=title,
            description=request_description(details=details, why=why, links=links),
            requester=requester,
            requester_confirmed=by is not None,
            category=category or (link and link.category),
            due_date=wanted_by,
            **({"created_at": received_at} if received_at else {}),
        )
        if goal is not None:
            Suggestion.objects.create(task=task, goal=goal)
        return task


def request_confirm(*, task_id: int) -> Task:
    """The requester followed the link emailed to their address: the request is theirs.
    NotFound once the task is deleted."""
    with transaction.atomic():
        task = (
            Task.objects.select_for_update(of=("self",))
            .select_related("requester", "category")
            .filter(pk=task_id)
            .first()
        )
        if task is None:
            raise NotFound("The team has removed this request from its list.")
        if task.requester_confirmed:
            return task
        return task_update(
            task=task,
            version=task.version,
            by=None,
            via=VIA,
            history={
                "reason": "The requester confirmed it is theirs, from the link emailed to them",
                "requester": str(task.requester or "the requester"),
            },
            requester_confirmed=True,
        )

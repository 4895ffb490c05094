"""What a change to a task means to the people who follow it, in one sentence each."""

from django.conf import settings
from django.utils.text import Truncator

from backlog.models import Status
from backlog.signals import Change
from conversation.models import Comment
from mopsboard.history import current_change
from notifications.models import News, Notification
from people.models import Person
from raci.models import Role

# How much of a comment its email quotes; the rest is on the page it links to.
COMMENT_QUOTED = 300
# News told to the person it is about and nobody else: the role they were given or lost.
PERSONAL_NEWS = frozenset({News.ROLE, News.ROLE_ENDED})
# What the requester hears about; people Informed on a task also hear of RACI changes. A
# requester's reply goes to the task's Responsible and Accountable team members alone.
REQUESTER_NEWS = frozenset(News) - {News.RACI, News.REPLY} - PERSONAL_NEWS
INFORMED_NEWS = frozenset(News) - {News.REPLY} - PERSONAL_NEWS
# The parts of the work a person is told they are given or no longer have, as a cell
# holds them (A/R is two); being made Informed is RACI news.
PARTS = (Role.ACCOUNTABLE, Role.RESPONSIBLE, Role.CONSULTED)


def news_of(
    task,
    before,
    changes,
    *,
    via: str,
    by=None,
    person=None,
    role: str = "",
    previous: str = "",
) -> list:
    """[(News, sentence)] for one change; empty when nothing in it is news to anyone.

    News about a person (made Informed) adds what that person reads instead, as a third
    item {"person": their id, "text": the sentence to them}: they are told "You are now
    Informed about …", everyone else "On …, Sam Carter is now Informed." PERSONAL_NEWS
    carries the same third item and is told to that person alone.
    """
    title = f"“{task.title}”"
    if Change.CREATED in changes:
        if via != "intake":
            return []
        days = settings.MOPSBOARD_TRIAGE_SLA_DAYS
        return [
            (
                News.RECEIVED,
                f"We received your request {title}. We triage new requests within "
                f"{days} working day{'s' if days != 1 else ''}.",
            )
        ]
    told = []
    if Change.RACI_CHANGED in changes:
        held = f"is now {Role(role).label}" if role else "is no longer on it"
        if role == Role.INFORMED:
            to_them = {"person": person.pk, "text": f"You are now Informed about {title}."}
            told.append((News.RACI, f"On {title}, {person} {held}.", to_them))
        else:
            told.append((News.RACI, f"On {title}, {person} {held}."))
        # The demo hands out its roles as it builds a past, not as news to anyone.
        if via != "demo":
            told.extend(_role_news(task, title, person=person, role=role, previous=previous, by=by))
    if Change.SCORED in changes and before.status == Status.NEW and task.quadrant:
        quadrant = task.quadrant
        triaged = f"{title} is a {quadrant.label.lower()}. {quadrant.meaning}"
        if task.due_date:
            triaged += (
                f" You asked for it by {task.due_date:%A %-d %B %Y}: we will tell you the "
                "week it is planned for."
            )
        told.append((News.TRIAGED, triaged))
    if Change.PLANNED in changes:
        moved = "moved to" if before.planned_week else "planned for"
        week = f"the week of {task.planned_week:%-d %B %Y}"
        told.append((News.PLANNED, f"{title} is {moved} {week}."))
    if Change.STATUS_CHANGED in changes:
        told.extend(_status_news(task, before, title))
    return told


def _role_news(task, title, *, person, role: str, previous: str, by) -> list:
    """What `person` is told of their own part in the work: given one, with who gave it
    and the task's quadrant, week and due date; or no longer theirs."""
    now, before = _parts(role), _parts(previous)
    gained = [part for part in now if part not in before]
    lost = [part for part in before if part not in now]
    giver = _giver(by)
    if gained:
        text = f"{giver} made you" if giver else "You are now"
        text += f" {Role(role).label} {_about(now)} {title}."
        if lost:
            text += f" You are no longer {_named(lost)}."
        quadrant = f"a {task.quadrant.label.lower()}" if task.quadrant else "not scored yet"
        week = (
            f"planned for the week of {task.planned_week:%-d %B %Y}"
            if task.planned_week
            else "not planned for a week yet"
        )
        due = f"due {task.due_date:%A %-d %B %Y}" if task.due_date else "with no due date"
        text += f" It is {quadrant}, {week}, {due}."
        return [(News.ROLE, text, {"person": person.pk, "text": text})]
    if not lost:
        return []
    text = f"You are no longer {_named(lost)} {_about(lost)} {title}"
    text += f", only {Role(role).label}." if role else "."
    if giver:
        text += f" {giver} made the change."
    return [(News.ROLE_ENDED, text, {"person": person.pk, "text": text})]


def import_news(*, by, written: int, held: dict[str, int]) -> str:
    """What an import tells a person it gave parts in its work, whose roles on its tasks
    are counted in `held` ({role: tasks}): "Priya Shah imported 40 tasks; you are
    Responsible for 12 of them and Accountable for 2." """
    counts = dict.fromkeys(PARTS, 0)
    for role, tasks in held.items():
        for part in _parts(role):
            counts[part] += tasks
    said = [f"{part.label} {_about([part])} {count}" for part, count in counts.items() if count]
    tasks = f"{written} task{'s' if written != 1 else ''}"
    giver = _giver(by)
    opening = f"{giver} imported {tasks}" if giver else f"An import brought {tasks}"
    return f"{opening}; you are {_listed(said)} of them."


def _listed(said: list[str]) -> str:
    return " and ".join([", ".join(said[:-1]), said[-1]]) if len(said) > 1 else said[0]


def _parts(role: str) -> list[Role]:
    return [part for part in PARTS if part in role.split("/")]


def _named(parts: list[Role]) -> str:
    return " and ".join(part.label for part in parts)


def _about(parts: list[Role]) -> str:
    """Consulted on a task; Responsible or Accountable for it."""
    return "on" if parts == [Role.CONSULTED] else "for"


def _giver(by) -> str:
    """The name of the user who gave a role, as the team knows them; "" for the system."""
    if by is None:
        return ""
    name = Person.objects.filter(user=by).values_list("name", flat=True).first()
    return name or by.get_full_name() or by.get_username()


def _closing_note(task) -> str:
    """The note a team member shared as they marked `task` done, in the same change
    (conversation.services.comment_post's close), quoted as its comment would be; "" if
    none."""
    note = (
        Comment.objects.filter(
            task=task,
            shared=True,
            events__pgh_label="insert",
            events__pgh_context_id=current_change().id,
        )
        .select_related("author__person", "requester")
        .first()
    )
    return f" {note.writer} wrote: {Truncator(note.body).chars(COMMENT_QUOTED)}" if note else ""


def _status_news(task, before, title) -> list:
    if task.status == Status.IN_PROGRESS:
        return [(News.STARTED, f"Work on {title} has started.")]
    if task.status == Status.DONE:
        said = Truncator(f"{title} is done.{_closing_note(task)}")
        return [(News.DONE, said.chars(Notification._meta.get_field("text").max_length))]
    if task.status == Status.DEFERRED:
        return [(News.DEFERRED, f"{title} is deferred until {task.deferred_until:%-d %B %Y}.")]
    if task.status == Status.DECLINED:
        return [(News.DECLINED, f"{title} was declined: {task.declined_reason}")]
    if before.status == Status.DEFERRED and task.status == Status.NEW:
        return [(News.RETURNED, f"{title} is back from deferral and waits to be triaged again.")]
    return []

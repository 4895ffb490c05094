"""What a change to a task means to the people who follow it, in one sentence each."""

from django.conf import settings

from backlog.models import Status
from backlog.signals import Change
from notifications.models import News
from raci.models import Role

# What the requester hears about; people Informed on a task also hear of RACI changes. A
# requester's reply goes to the task's Responsible and Accountable people alone.
REQUESTER_NEWS = frozenset(News) - {News.RACI, News.REPLY}


def news_of(task, before, changes, *, via: str, person=None, role: str = "") -> list:
    """[(News, sentence)] for one change; empty when nothing in it is news to anyone.

    News about a person (made Informed) adds what that person reads instead, as a third
    item {"person": their id, "text": the sentence to them}: they are told "You are now
    Informed about …", everyone else "On …, Sam Carter is now Informed."
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


def _status_news(task, before, title) -> list:
    if task.status == Status.IN_PROGRESS:
        return [(News.STARTED, f"Work on {title} has started.")]
    if task.status == Status.DONE:
        return [(News.DONE, f"{title} is done.")]
    if task.status == Status.DEFERRED:
        return [(News.DEFERRED, f"{title} is deferred until {task.deferred_until:%-d %B %Y}.")]
    if task.status == Status.DECLINED:
        return [(News.DECLINED, f"{title} was declined: {task.declined_reason}")]
    if before.status == Status.DEFERRED and task.status == Status.NEW:
        return [(News.RETURNED, f"{title} is back from deferral and waits to be triaged again.")]
    return []

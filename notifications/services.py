"""Telling people: the news of a change, worked out in the change's own transaction and
queued as one `tell` job (notifications.tasks), written by the job for each follower of
the task, emailed at once or gathered into the daily digest; a shared comment the same
way (`tell_comment`), to the other side of the conversation; an import's parts in the
work (`tell_import`), one piece of news to each person it gave some."""

import itertools

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.text import Truncator

from backlog.models import Task
from conversation.models import Comment
from imports.models import Import
from intake.tracking import confirm_url, following_url, request_url
from mail.services import email_queue
from notifications.models import News, Notification
from notifications.news import (
    COMMENT_QUOTED,
    INFORMED_NEWS,
    PERSONAL_NEWS,
    REQUESTER_NEWS,
    import_news,
)
from people.models import Person
from raci.models import ACCOUNTABLE_ROLES, RESPONSIBLE_ROLES, Assignment, AssignmentEvent, Role

PERSON_SALT = "mopsboard.notifications.person"


def person_token(person: Person) -> str:
    return signing.Signer(salt=PERSON_SALT).sign(str(person.pk))


def person_from_token(token: str) -> Person:
    """The person a preferences or unsubscribe link is for; DoesNotExist if forged."""
    try:
        pk = signing.Signer(salt=PERSON_SALT).unsign(token)
    except signing.BadSignature as forged:
        raise Person.DoesNotExist("Forged notification link.") from forged
    return Person.objects.get(pk=pk)


def followers(task, *, by_id: int | None) -> dict[Person, frozenset]:
    """Who hears what about `task`: its requester the requester's news, everyone Informed
    on it all news but another person's own; not people who asked for no email, have no
    address, or made the change themselves."""
    hears = {}
    if task.requester:
        hears[task.requester] = REQUESTER_NEWS
    for person in Person.objects.filter(
        assignments__task=task, assignments__role=Role.INFORMED
    ).exclude(notify=Person.Notify.NEVER):
        hears[person] = INFORMED_NEWS
    return {person: news for person, news in hears.items() if _told(person, by_id=by_id)}


def _told(person: Person, *, by_id: int | None) -> bool:
    """Whether `person` hears news at all: an address, email wanted, and the change not
    their own."""
    return bool(
        person.email
        and person.notify != Person.Notify.NEVER
        and not (by_id is not None and person.user_id == by_id)
    )


def task_news_tell(
    *, task_id: int, version: int, moment: str, news: list, by_id: int | None
) -> None:
    """Write one change's news (news_of's [(News, sentence)], worked out when the change
    was made, with the sentence to the person a piece of news is about, if it has one)
    for everyone who follows the task now, and queue an email to each who wants
    it at once; all or nothing, in one transaction. Told already (the job run again after
    a crash), nobody is told twice. A task deleted since has nobody left to tell.

    `by_id` is the user who made the change, who is not told; `moment` is "" or, for a
    RACI change (which leaves the version alone), ":<nanoseconds>" to tell it apart.
    """
    with transaction.atomic():
        task = Task.objects.select_related("requester").filter(pk=task_id).first()
        if task is None:
            return
        told = [(News(kind), text, *to_them) for kind, text, *to_them in news]
        keys = {kind: f"{task_id}:{version}{moment}:{kind}" for kind, *_ in told}
        # Given or losing a role is told to that person alone, before the rest.
        personal = {
            to_them[0]["person"]: (kind, text)
            for kind, text, *to_them in told
            if kind in PERSONAL_NEWS
        }
        hearing = [
            (person, *personal[person.pk])
            for person in Person.objects.filter(pk__in=personal)
            if _told(person, by_id=by_id)
        ]
        hearing += [
            (person, kind, _said_to(person, text, *to_them))
            for person, hears in followers(task, by_id=by_id).items()
            for kind, text, *to_them in told
            if kind in hears
        ]
        _record(
            task,
            [
                Notification(person=person, task=task, news=kind, text=text, key=keys[kind])
                for person, kind, text in hearing
            ],
            keys=keys.values(),
        )


def _record(task: Task | None, notifications: list[Notification], *, keys) -> None:
    """Write `notifications` about `task` (None: an import's) and email at once those who
    want it so."""
    # Told already (the same change seen twice): the unique key keeps it to once.
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    at_once = (
        Notification.objects.for_digest()
        .filter(task=task, key__in=keys, person__notify=Person.Notify.AT_ONCE)
        .select_related("person")
        .order_by("person", "id")
    )
    for person, items in itertools.groupby(at_once, key=lambda n: n.person):
        _email(person, list(items), task=task)


# How many of the tasks an import gave a person their email names; My work has them all.
IMPORTED_LISTED = 20


def import_tell(*, import_id: int) -> None:
    """Tell each person an import made Responsible, Accountable or Consulted on its tasks
    once for the whole import, not once a task: how many of its tasks are theirs, and in
    the email the first of them. Not the person who ran it; at once,
    in the digest or never, as each chose; told once, however often the job runs."""
    with transaction.atomic():
        imp = (
            Import.objects.defer("content")
            .select_related("created_by")
            .filter(pk=import_id, state=Import.State.DONE)
            .first()
        )
        if imp is None:
            return
        held = {}
        for person_id, role, tasks in (
            _given(imp.pk).values_list("person", "role").annotate(Count("pk")).order_by()
        ):
            held.setdefault(person_id, {})[role] = tasks
        key = f"import:{imp.pk}"
        told = [
            Notification(
                person=person,
                imported=imp,
                news=News.IMPORTED,
                text=import_news(by=imp.created_by, written=imp.rows_written, held=held[person.pk]),
                key=key,
            )
            for person in Person.objects.filter(pk__in=held)
            if _told(person, by_id=imp.created_by_id)
        ]
        _record(None, told, keys=[key])


def _given(import_id: int):
    """The parts in the work import `import_id` gave, as the RACI's history recorded them
    (the roles an import writes carry its id: imports.tasks)."""
    return AssignmentEvent.objects.filter(
        pgh_context__metadata__import_id=import_id, pgh_label="insert"
    ).exclude(role=Role.INFORMED)


def _imported(person: Person, item: Notification) -> dict:
    """An import's news as `person`'s email tells it: the sentence, the first of the tasks
    it gave them (those since deleted left out), how many more, and where all their work
    is if they sign in."""
    given = _given(item.imported_id).filter(person=person).order_by("task_id")
    first = list(given.values_list("task", "role")[:IMPORTED_LISTED])
    tasks = Task.objects.in_bulk([task_id for task_id, _ in first])
    links = _links(person, list(tasks.values()))
    my_work = settings.MOPSBOARD_SITE_URL + reverse("capacity:my-work")
    return {
        "news": item,
        "tasks": [
            (tasks[task_id].title, Role(role).label, links[task_id])
            for task_id, role in first
            if task_id in tasks
        ],
        "more": max(given.count() - IMPORTED_LISTED, 0),
        "my_work": my_work if person.user_id else "",
    }


def comment_tell(*, comment_id: int) -> None:
    """Email a shared comment to the other side: a team member's to the requester and the
    people Informed (not to its writer), a requester's reply to the task's Responsible and
    Accountable people; at once or in the digest, as each chose. An internal comment, or
    one gone with its task, tells nobody. Told once, however often the job runs."""
    with transaction.atomic():
        comment = (
            Comment.objects.select_related("task__requester", "author__person", "requester")
            .filter(pk=comment_id, shared=True)
            .first()
        )
        if comment is None:
            return
        task = comment.task
        if comment.requester_id:
            kind, hearing = News.REPLY, owners(task)
        else:
            kind = News.COMMENT
            hearing = [
                person
                for person, hears in followers(task, by_id=comment.author_id).items()
                if kind in hears
            ]
        quoted = Truncator(comment.body).chars(COMMENT_QUOTED)
        text = Truncator(f"{comment.writer} wrote about “{task.title}”: {quoted}").chars(
            Notification._meta.get_field("text").max_length
        )
        key = f"comment:{comment.pk}"
        _record(
            task,
            [Notification(person=p, task=task, news=kind, text=text, key=key) for p in hearing],
            keys=[key],
        )


def owners(task: Task) -> list[Person]:
    """The task's Responsible and Accountable team members who take email: who hears a
    reply. Not a stakeholder without an account: outside the team, they read the
    requester's words only once the team shares them."""
    return list(
        Person.objects.filter(
            assignments__task=task,
            assignments__role__in=[*RESPONSIBLE_ROLES, *ACCOUNTABLE_ROLES],
            is_active=True,
            user__isnull=False,
        )
        .exclude(email="")
        .exclude(notify=Person.Notify.NEVER)
        .distinct()
    )


def _said_to(person: Person, text: str, to_them: dict | None = None) -> str:
    """The news as `person` reads it: in the second person when it is about them."""
    return to_them["text"] if to_them and to_them["person"] == person.pk else text


def digests_send() -> int:
    """One email per person with the news gathered since their last digest. Each
    person's digest commits on its own, so a crash halfway sends nobody's twice."""
    sent = 0
    waiting = Notification.objects.for_digest().order_by().values_list("person", flat=True)
    for person in Person.objects.filter(pk__in=waiting.distinct()).exclude(
        notify=Person.Notify.NEVER
    ):
        with transaction.atomic():
            news = list(
                Notification.objects.for_digest()
                .select_for_update(of=("self",), skip_locked=True)
                .filter(person=person)
                .select_related("task")
            )
            if news:
                _email(person, news, digest=True)
                sent += 1
    return sent


def _email(person: Person, news: list[Notification], *, task=None, digest=False) -> None:
    """Email `person` the `news` about one change to `task`, or of an import (no task), or
    their `digest`."""
    token = person_token(person)
    unsubscribe = settings.MOPSBOARD_SITE_URL + reverse("notifications:unsubscribe", args=[token])
    tasks, imported = {}, []
    for item in news:
        if item.imported_id:
            imported.append(_imported(person, item))
        else:
            # An email about one change is about its `task`: its news are not read with theirs.
            tasks.setdefault(task or item.task, []).append(item)
    links = _links(person, list(tasks))
    if digest:
        count = len(news)
        subject = f"Your mopsboard digest: {count} update{'s' if count != 1 else ''}"
        event = "Daily digest"
    elif task is not None:
        # The news as its label writes it: "RACI changed", not "raci changed".
        subject = f"{task.title}: {', '.join(n.get_news_display() for n in news)}"
        event = news[0].get_news_display()
    else:
        subject, event = news[0].text, news[0].get_news_display()
    email = email_queue(
        to=person.email,
        subject=subject,
        template="notifications/email/news",
        context={
            "person": person,
            "updates": [
                (item, links[item.pk], lines, _confirm_url(item, person))
                for item, lines in tasks.items()
            ],
            "imported": imported,
            "preferences_url": settings.MOPSBOARD_SITE_URL
            + reverse("notifications:preferences", args=[token]),
            "unsubscribe_url": unsubscribe,
            "digest": digest,
        },
        event=event,
        task=task,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    Notification.objects.filter(pk__in=[item.pk for item in news]).update(email=email)


def _links(person: Person, tasks: list[Task]) -> dict[int, str]:
    """Where `person` follows each task, by its id: its requester on the request's page, a
    team member (who signs in) on the task's page, anyone else on the RACI on a page of
    their own that shows nothing of the requester; nowhere once off the RACI."""
    on_raci = set(
        Assignment.objects.filter(person=person, task__in=tasks).values_list("task", flat=True)
    )
    links = {}
    for task in tasks:
        if task.requester_id == person.pk:
            links[task.pk] = request_url(task)
        elif person.user_id:
            links[task.pk] = settings.MOPSBOARD_SITE_URL + task.get_absolute_url()
        elif task.pk in on_raci:
            links[task.pk] = following_url(task.pk, person.pk)
        else:
            links[task.pk] = ""
    return links


def _confirm_url(task: Task, person: Person) -> str:
    """The link that confirms `task` is `person`'s, while it waits for that: sent to its
    requester's address alone, so following it proves the address is theirs."""
    if task.requester_confirmed or task.requester_id != person.pk:
        return ""
    return confirm_url(task)


def notify_set(*, person: Person, notify: str) -> Person:
    Person.objects.filter(pk=person.pk).update(notify=notify)
    person.notify = notify
    return person

"""The requester's links, which open without an account: one request's page (for good),
the list of all of a requester's requests (for a few days), and the link that confirms a
request from the public form is theirs (emailed to its address alone); and the link of
someone on a request's RACI without an account to the request as they may see it (for a
few weeks). Notifications puts them in its emails; nothing else about a token is needed
outside intake.

Each kind is signed with its own salt, distinct from share links' and intake links', so a
token opens the one thing it was made for and nothing else.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from backlog.models import Task
from mopsboard.errors import NotFound
from people.models import Person

TRACKING_SALT = "intake.tracking"
REQUESTER_SALT = "intake.requester"
CONFIRM_SALT = "intake.confirm"
FOLLOWING_SALT = "intake.following"


def tracking_token(task: Task) -> str:
    """The token of `task`'s page for its requester: the task's id and the requester's,
    signed; it does not expire, and opens only while they are the task's requester."""
    return signing.Signer(salt=TRACKING_SALT).sign(_bound(task))


def task_id_from_tracking_token(token: str) -> int:
    """The id of the task a tracking token opens; NotFound for a tampered one, or one
    sent to someone who is no longer the task's requester."""
    return _bound_task_id(
        signing.Signer(salt=TRACKING_SALT),
        token,
        broken="This link to a request does not work: check it was copied whole.",
    )


def _bound(task: Task) -> str:
    return f"{task.pk}:{task.requester_id or ''}"


def _bound_task_id(signer, token: str, *, broken: str) -> int:
    """The task id of a requester's token (_bound), checked against the task's requester
    now. A token from before links named the requester (the task id alone) opens while
    the task has had the same requester all its life, as its history shows."""
    try:
        task_id, separator, requester = signer.unsign(token).partition(":")
        task_id = int(task_id)
        requester_id = int(requester) if requester else None
    except (signing.BadSignature, ValueError) as error:
        raise NotFound(broken) from error
    task = Task.objects.filter(pk=task_id).only("requester_id").first()
    if task is None:
        # The page says the request is gone.
        return task_id
    if separator:
        yours = requester_id == task.requester_id
    else:
        yours = not task.events.exclude(requester_id=task.requester_id).exists()
    if not yours:
        raise NotFound(
            "This link is no longer yours: the team has changed who this request is from, "
            "so it no longer opens the request's page."
        )
    return task_id


def _signed_id(signer, token: str, *, broken: str, expired: str = "", **unsign) -> int:
    """The id `token` carries, checked by `signer`; NotFound (saying `broken`, or
    `expired` for a timestamped token past its `max_age`) if not."""
    try:
        return int(signer.unsign(token, **unsign))
    except signing.SignatureExpired as error:
        raise NotFound(expired) from error
    except (signing.BadSignature, ValueError) as error:
        raise NotFound(broken) from error


def request_path(task: Task) -> str:
    return reverse("intake:request", args=[tracking_token(task)])


def request_url(task: Task) -> str:
    """The absolute address of `task`'s page for its requester, for emails."""
    return settings.MOPSBOARD_SITE_URL + request_path(task)


def confirm_token(task: Task) -> str:
    """The token that confirms `task` is its requester's: unlike the tracking token, which
    the receipt shows whoever sent the form, it travels only to the requester's address."""
    return signing.Signer(salt=CONFIRM_SALT).sign(_bound(task))


def task_id_from_confirm_token(token: str) -> int:
    """The id of the task a confirmation token is for; NotFound for a tampered one, or
    one sent to someone who is no longer the task's requester."""
    return _bound_task_id(
        signing.Signer(salt=CONFIRM_SALT),
        token,
        broken="This link to confirm a request does not work: check it was copied whole.",
    )


def confirm_url(task: Task) -> str:
    """The absolute address that confirms `task` is its requester's, for emails."""
    return settings.MOPSBOARD_SITE_URL + reverse("intake:confirm", args=[confirm_token(task)])


def requester_token(person: Person) -> str:
    """The token of the list of `person`'s requests: their id, signed with the time, so
    it opens for MOPSBOARD_REQUESTS_LINK_DAYS days."""
    return signing.TimestampSigner(salt=REQUESTER_SALT).sign(str(person.pk))


def person_id_from_requester_token(token: str) -> int:
    """The id of the requester a list token opens; NotFound for a tampered or expired one."""
    return _signed_id(
        signing.TimestampSigner(salt=REQUESTER_SALT),
        token,
        broken="This link to your requests does not work: check it was copied whole.",
        expired="This link to your requests has expired. Open the page of any of your "
        "requests and ask for a new one.",
        max_age=datetime.timedelta(days=settings.MOPSBOARD_REQUESTS_LINK_DAYS),
    )


def requests_path(person: Person) -> str:
    return reverse("intake:mine", args=[requester_token(person)])


def requests_url(person: Person) -> str:
    """The absolute address of the list of `person`'s requests, for emails."""
    return settings.MOPSBOARD_SITE_URL + requests_path(person)


def following_token(task_id: int, person_id: int) -> str:
    """The token of one person's view of one request: the task's id and the person's,
    signed with the time, so it opens for MOPSBOARD_FOLLOWING_LINK_DAYS days (each email
    brings a fresh one) and only while they are on the RACI, whichever row holds their
    role then (an undone removal puts it back in a new one)."""
    return signing.TimestampSigner(salt=FOLLOWING_SALT).sign(f"{task_id}:{person_id}")


def following_from_token(token: str) -> dict:
    """What a following token opens: {"task": id, "person": id}, or {"pk": id} for a token
    from before they named both, which opened one RACI row by its id (it expires within
    MOPSBOARD_FOLLOWING_LINK_DAYS). NotFound for a tampered or expired one."""
    days = settings.MOPSBOARD_FOLLOWING_LINK_DAYS
    try:
        value = signing.TimestampSigner(salt=FOLLOWING_SALT).unsign(
            token, max_age=datetime.timedelta(days=days)
        )
        if ":" not in value:
            return {"pk": int(value)}
        task_id, person_id = value.split(":")
        return {"task": int(task_id), "person": int(person_id)}
    except signing.SignatureExpired as error:
        raise NotFound(
            f"This link to a request has expired: the links in our emails work for {days} "
            "days. The next email about the request brings a new one, or ask the team for it."
        ) from error
    except (signing.BadSignature, ValueError) as error:
        raise NotFound(
            "This link to a request does not work: check it was copied whole."
        ) from error


def following_url(task_id: int, person_id: int) -> str:
    """The absolute address of a request as someone on its RACI sees it, for emails."""
    return settings.MOPSBOARD_SITE_URL + reverse(
        "intake:following", args=[following_token(task_id, person_id)]
    )


def requests_link_context(ids: dict) -> dict:
    """The context of the email of `ids["person"]`'s link to all their requests, written
    as it is sent (mail.private): the link is never kept."""
    person = Person.objects.get(pk=ids["person"])
    return {
        "person": person,
        "url": requests_url(person),
        "days": settings.MOPSBOARD_REQUESTS_LINK_DAYS,
    }

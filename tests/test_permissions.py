"""Who may GET and POST every URL, walked from the URLconf: a URL added without an entry
in ACCESS fails `test_every_url_has_an_entry`.

Each entry names the roles that may GET and POST it (None: the method is not allowed at
all); an action's address answers a signed-in GET by going to the page the action belongs
to. Everyone else is refused — sent to log in when anonymous, 403 when signed in (or the
entry's `refusal`) — and a refused POST changes nothing. "shared" is a visitor who opened a
share link and holds no account: a share link is read-only.

The API's operations (`token=True`) open with a bearer token alone: a session, whatever its
role, gets 401 (application/problem+json), so a page open in a browser cannot be made to
call them. Who may do what with a token is tests/api/test_permissions.py.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from api.models import ApiToken
from backlog.models import Task, new_year_after
from backlog.services import task_rescore
from capacity.models import Review, SuggestionDismissal, TimeOff
from conversation.models import Comment
from goals.models import CheckIn, Goal, GoalShareLink, Step, Suggestion, fingerprint
from imports.models import Import
from intake.models import IntakeLink
from intake.tracking import confirm_token, following_token, requester_token, tracking_token
from mail.models import Email
from mopsboard.history import history_context
from mopsboard.weeks import week_label, week_of
from notifications.services import person_token
from people.models import Person
from raci.models import Assignment, ShareLink
from tests.factories import (
    ApiTokenFactory,
    AssignmentFactory,
    CommentFactory,
    GoalShareLinkFactory,
    ImportFactory,
    UserFactory,
)
from tests.intake.conftest import request_data
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db

ANYONE = frozenset({"anonymous", "shared", "viewer", "member", "lead"})
READERS = frozenset({"viewer", "member", "lead"})
EDITORS = frozenset({"member", "lead"})
LEAD = frozenset({"lead"})
NOBODY = frozenset()
ROLES = ["anonymous", "shared", "viewer", "member", "lead"]


@dataclass(frozen=True)
class Access:
    get: frozenset | None
    post: frozenset | None
    # The URL's arguments and a POST body that would succeed, from the test's objects.
    args: object = lambda data: []
    body: object = lambda data: {}
    actions: tuple = field(default=())
    # What a signed-in role that is not allowed gets.
    refusal: int = 403
    # An API operation: a bearer token opens it, a session never does.
    token: bool = False


def _version(data):
    return {"version": data["task"].version}


NEXT_WEEK = week_label(week_of(datetime.date.today()) + datetime.timedelta(weeks=1))
NEW_YEAR = new_year_after(datetime.date.today()).isoformat()
TASK_ACTION_BODIES = {
    "status": lambda data: {**_version(data), "status": "done"},
    "defer": lambda data: {**_version(data), "until": NEW_YEAR},
    "decline": lambda data: {**_version(data), "reason": "Not this year"},
    "plan": lambda data: {**_version(data), "week": NEXT_WEEK, "allow_over": "on"},
    "unplan": _version,
    "score": lambda data: {**_version(data), "impact": 1, "effort": 5},
    "move": lambda data: {**_version(data), "quadrant": "money-pit"},
    "link-goal": lambda data: {"goal": data["goal"].pk},
    "reject-goal": lambda data: {"goal": data["goal"].pk},
}


def _suggestion(data):
    return {"task": data["task"].pk, "person": data["person"].pk, "week": NEXT_WEEK}


def _task(data):
    return [data["task"].pk]


def _a_change(data):
    """Someone's change to the task, for the undo to name: its maker alone may undo it."""
    maker, task = UserFactory(username="maker", role="lead"), data["task"]
    with history_context(maker, via="board") as change:
        data["task"] = task_rescore(
            task=task, version=task.version, impact=4, effort=2, by=maker, via="board"
        )
    return [change.id]


def _goal_body(data):
    return {
        "title": "Sneaky",
        "short_name": "Sneaky",
        "owner": data["person"].pk,
        "direction": "up",
    }


def _step_body(data):
    return {"title": "Sneaky", "owner": data["person"].pk, "due_date": NEW_YEAR}


def _seen(row) -> dict:
    """What a goal, step or check-in's edit page carries: the row as stored when opened."""
    return {"seen": fingerprint(type(row).objects.get(pk=row.pk))}


ACCESS = {
    "login": Access(get=ANYONE, post=ANYONE),
    "logout": Access(get=None, post=ANYONE),
    "password_change": Access(get=READERS, post=READERS),
    "password_change_done": Access(get=READERS, post=None),
    "healthz": Access(get=ANYONE, post=None),
    "readyz": Access(get=ANYONE, post=None),
    "healthz-worker": Access(get=ANYONE, post=None),
    "backlog:home": Access(get=ANYONE, post=ANYONE),
    "backlog:board": Access(get=READERS, post=None),
    "backlog:scatter": Access(get=READERS, post=None),
    "backlog:quadrant": Access(get=READERS, post=None, args=lambda d: ["quick-win"]),
    "backlog:board-action": Access(
        get=READERS,
        post=EDITORS,
        body=lambda d: {**TASK_ACTION_BODIES["move"](d), "task": d["task"].pk, "action": "move"},
    ),
    "backlog:triage": Access(get=READERS, post=None),
    "backlog:triage-action": Access(
        get=READERS,
        post=EDITORS,
        args=lambda d: [d["request"].pk],
        actions=("score", "defer", "decline", "link-goal", "reject-goal"),
    ),
    "backlog:task-new": Access(get=EDITORS, post=EDITORS, body=lambda d: {"title": "Sneaky"}),
    "backlog:task-detail": Access(
        get=READERS,
        post=EDITORS,
        args=_task,
        body=lambda d: {**_version(d), "title": "Renamed", "impact": 5, "effort": 1},
    ),
    "backlog:task-action": Access(
        get=READERS,
        post=EDITORS,
        args=_task,
        actions=("status", "defer", "decline", "plan", "unplan"),
    ),
    "backlog:task-delete": Access(get=LEAD, post=LEAD, args=_task),
    "backlog:task-export": Access(get=READERS, post=None),
    "backlog:deferred": Access(get=READERS, post=None),
    # Opened with a GET, a comment's address goes to the task's page.
    "conversation:comment-new": Access(
        get=READERS, post=EDITORS, args=_task, body=lambda d: {"body": "Any news?"}
    ),
    # Only its author corrects a comment (409 for anyone else): tests/conversation.
    "conversation:comment-edit": Access(
        get=READERS,
        post=EDITORS,
        args=lambda d: [d["task"].pk, CommentFactory(task=d["task"]).pk],
        body=lambda d: {"body": "Corrected"},
    ),
    "goals:list": Access(get=READERS, post=None),
    "goals:new": Access(get=LEAD, post=LEAD, body=lambda d: _goal_body(d)),
    "goals:detail": Access(get=READERS, post=None, args=lambda d: [d["goal"].pk]),
    "goals:edit": Access(
        get=LEAD,
        post=LEAD,
        args=lambda d: [d["goal"].pk],
        body=lambda d: {**_goal_body(d), **_seen(d["goal"])},
    ),
    "goals:step-new": Access(
        get=LEAD, post=LEAD, args=lambda d: [d["goal"].pk], body=lambda d: _step_body(d)
    ),
    "goals:step-edit": Access(
        get=LEAD,
        post=LEAD,
        args=lambda d: [d["step"].pk],
        body=lambda d: {**_step_body(d), **_seen(d["step"])},
    ),
    # A member checks in on the goals they are Accountable for; the world's is not theirs.
    "goals:check-in-new": Access(
        get=READERS,
        post=LEAD,
        args=lambda d: [d["goal"].pk],
        body=lambda d: {"on": datetime.date.today().isoformat(), "value": "7"},
    ),
    "goals:check-in-edit": Access(
        get=LEAD,
        post=LEAD,
        args=lambda d: [d["check_in"].pk],
        body=lambda d: {"on": d["check_in"].on.isoformat(), "value": "8", **_seen(d["check_in"])},
    ),
    "goals:task-goals": Access(
        get=READERS, post=EDITORS, args=_task, body=lambda d: {"goals": [d["goal"].pk]}
    ),
    "goals:share-links": Access(get=LEAD, post=None),
    "goals:share-link-create": Access(
        get=READERS, post=LEAD, body=lambda d: {"label": "Leadership", "goals": [d["goal"].pk]}
    ),
    "goals:share-link-revoke": Access(
        get=LEAD, post=LEAD, args=lambda d: [GoalShareLinkFactory().pk]
    ),
    # Leadership's read-only page: the link is the key, no account needed.
    "goals:shared": Access(
        get=ANYONE, post=None, args=lambda d: [GoalShareLinkFactory(goals=[d["goal"]]).token]
    ),
    "goals:year-export": Access(
        get=READERS, post=None, args=lambda d: [datetime.date.today().year]
    ),
    # The board's filtered tasks linked at once: a GET asks to confirm, the POST links.
    "goals:tasks-link": Access(
        get=EDITORS, post=EDITORS, body=lambda d: {"link-goal": d["goal"].pk}
    ),
    "raci:matrix": Access(get=READERS, post=None),
    "raci:cell-update": Access(
        get=READERS,
        post=LEAD,
        body=lambda d: {"task": d["task"].pk, "person": d["person"].pk, "role": "A"},
    ),
    "raci:change-undo": Access(get=READERS, post=EDITORS, args=_a_change, refusal=403),
    "raci:team-hints": Access(get=READERS, post=None),
    # The task page's RACI panel: its search and its changes are the lead's alone.
    "raci:task-people": Access(get=LEAD, post=None, args=_task),
    "raci:task-role": Access(
        get=READERS,
        post=LEAD,
        args=_task,
        body=lambda d: {"person": d["person"].pk, "role": "I", "expected": ""},
    ),
    "raci:task-person-new": Access(
        get=READERS,
        post=LEAD,
        args=_task,
        body=lambda d: {"name": "Nia Partner", "email": "nia@partner.example", "role": "I"},
    ),
    "raci:export": Access(get=READERS, post=None),
    "raci:share-links": Access(get=LEAD, post=None),
    "raci:share-link-create": Access(get=READERS, post=LEAD, body=lambda d: {"label": "Everyone"}),
    "raci:share-link-revoke": Access(get=LEAD, post=LEAD, args=lambda d: [d["link"].pk]),
    "raci:shared": Access(get=ANYONE, post=None, args=lambda d: [d["link"].token]),
    "raci:shared-export": Access(get=ANYONE, post=None, args=lambda d: [d["link"].token]),
    "capacity:people": Access(get=READERS, post=None),
    "capacity:week-capacity": Access(get=READERS, post=None),
    "capacity:person-capacity": Access(
        get=READERS,
        post=LEAD,
        args=lambda d: [d["person"].pk],
        body=lambda d: {"weekly_capacity_hours": 3},
    ),
    "capacity:time-off": Access(
        get=READERS,
        post=LEAD,
        body=lambda d: {"person": d["person"].pk, "week": NEXT_WEEK, "hours": 8},
    ),
    # Everyone's own work; a login with no person linked gets a page saying so.
    "capacity:my-work": Access(get=READERS, post=None),
    "capacity:my-work-action": Access(
        get=READERS,
        post=EDITORS,
        body=lambda d: {
            **TASK_ACTION_BODIES["status"](d),
            "task": d["task"].pk,
            "action": "status",
        },
    ),
    # The fill-ins suggested for one's own spare hours, as the review's "Plan it" and "Not
    # this week"; a login with no person linked is told so.
    "capacity:my-work-suggestion-plan": Access(
        get=READERS, post=EDITORS, body=lambda d: {**_suggestion(d), **_version(d)}
    ),
    "capacity:my-work-suggestion-dismiss": Access(
        get=READERS, post=LEAD, body=lambda d: _suggestion(d)
    ),
    # What a person has seen is theirs to mark, whatever their role.
    "capacity:my-work-seen": Access(
        get=READERS, post=READERS, body=lambda d: {"until": datetime.datetime.now(datetime.UTC)}
    ),
    "capacity:horizon": Access(get=READERS, post=None),
    "capacity:horizon-cell": Access(
        get=READERS, post=None, args=lambda d: [d["person"].pk, NEXT_WEEK]
    ),
    "capacity:horizon-move": Access(
        get=READERS,
        post=EDITORS,
        body=lambda d: {
            **TASK_ACTION_BODIES["plan"](d),
            "task": d["task"].pk,
            "action": "plan",
        },
    ),
    "capacity:horizon-export": Access(get=READERS, post=None),
    # As the review's "Plan it" and "Not this week", from an open cell of the horizon.
    "capacity:horizon-suggestion-plan": Access(
        get=READERS,
        post=LEAD,
        body=lambda d: {**_suggestion(d), **_version(d)},
    ),
    "capacity:horizon-suggestion-dismiss": Access(
        get=READERS, post=LEAD, body=lambda d: _suggestion(d)
    ),
    "capacity:review": Access(get=READERS, post=None),
    "capacity:review-spare-hours": Access(get=READERS, post=None),
    "capacity:review-ahead": Access(get=READERS, post=None),
    "capacity:review-bar": Access(get=READERS, post=None, args=lambda d: [d["person"].pk, 0]),
    "capacity:review-record": Access(
        get=READERS, post=LEAD, body=lambda d: {"held_on": datetime.date.today().isoformat()}
    ),
    "capacity:review-task-action": Access(
        get=READERS,
        post=EDITORS,
        body=lambda d: {
            **TASK_ACTION_BODIES["plan"](d),
            "task": d["task"].pk,
            "action": "plan",
        },
    ),
    # The world's task has nobody Responsible: planning it as a suggestion makes the person
    # Responsible, which is the lead's alone (a member plans their own: tests/capacity).
    "capacity:suggestion-plan": Access(
        get=READERS,
        post=LEAD,
        body=lambda d: {**_suggestion(d), **_version(d)},
    ),
    "capacity:suggestion-dismiss": Access(get=READERS, post=LEAD, body=lambda d: _suggestion(d)),
    "capacity:review-detail": Access(get=READERS, post=None, args=lambda d: [d["review"].pk]),
    "capacity:year": Access(get=READERS, post=None, args=lambda d: [datetime.date.today().year]),
    "capacity:year-export": Access(
        get=READERS, post=None, args=lambda d: [datetime.date.today().year]
    ),
    "mail:mail": Access(get=LEAD, post=None),
    "mail:email": Access(get=LEAD, post=None, args=lambda d: [d["email"].pk]),
    "mail:email-resend": Access(get=None, post=LEAD, args=lambda d: [d["email"].pk]),
    # A person's own signed link from an email: open to whoever holds it, no account.
    "notifications:preferences": Access(
        get=ANYONE,
        post=ANYONE,
        args=lambda d: [person_token(d["person"])],
        body=lambda d: {"notify": "daily"},
    ),
    "notifications:unsubscribe": Access(
        get=ANYONE, post=ANYONE, args=lambda d: [person_token(d["person"])]
    ),
    "password_reset": Access(get=ANYONE, post=ANYONE, body=lambda d: {"email": "x@example.com"}),
    "password_reset_done": Access(get=ANYONE, post=None),
    "password_reset_confirm": Access(
        get=ANYONE, post=ANYONE, args=lambda d: ["MQ", "set-password"]
    ),
    "password_reset_complete": Access(get=ANYONE, post=None),
    # The API's reference (at /api/v1/, which ninja also names api-root) and its schema
    # are public; its operations need a token.
    "api-v1:api-root": Access(get=ANYONE, post=None),
    "api-v1:openapi-view": Access(get=ANYONE, post=None),
    "api-v1:openapi-json": Access(get=ANYONE, post=None),
    "api-v1:tasks": Access(get=NOBODY, post=NOBODY, token=True),
    "api-v1:task": Access(get=NOBODY, post=None, args=_task, token=True),
    **{
        f"api-v1:task-{action}": Access(get=None, post=NOBODY, args=_task, token=True)
        for action in ("status", "plan", "unplan", "defer", "decline")
    },
    "api-v1:task-raci": Access(get=NOBODY, post=None, args=_task, token=True),
    "api-v1:task-comments": Access(get=NOBODY, post=None, args=_task, token=True),
    # PUT alone.
    "api-v1:task-raci-person": Access(
        get=None, post=None, args=lambda d: [d["task"].pk, d["person"].pk], token=True
    ),
    "api-v1:people": Access(get=NOBODY, post=None, token=True),
    "api-v1:person": Access(get=NOBODY, post=None, args=lambda d: [d["person"].pk], token=True),
    "api-v1:load": Access(get=NOBODY, post=None, token=True),
    "api-v1:suggestions": Access(get=NOBODY, post=None, token=True),
    "api-v1:goals": Access(get=NOBODY, post=NOBODY, token=True),
    # GET and PATCH (PUT for a task's goals): a POST is not allowed.
    "api-v1:goal": Access(get=NOBODY, post=None, args=lambda d: [d["goal"].pk], token=True),
    "api-v1:goal-steps": Access(get=None, post=NOBODY, args=lambda d: [d["goal"].pk], token=True),
    "api-v1:step": Access(get=NOBODY, post=None, args=lambda d: [d["step"].pk], token=True),
    "api-v1:goal-check-ins": Access(
        get=NOBODY, post=NOBODY, args=lambda d: [d["goal"].pk], token=True
    ),
    "api-v1:check-in": Access(get=NOBODY, post=None, args=lambda d: [d["check_in"].pk], token=True),
    "api-v1:task-goals": Access(get=NOBODY, post=None, args=_task, token=True),
    # Every signed-in person makes and revokes their own tokens; another's is not found.
    "api:tokens": Access(
        get=READERS, post=READERS, body=lambda d: {"name": "CRM", "scope": "read"}
    ),
    "api:token-revoke": Access(
        get=None,
        post=LEAD,
        args=lambda d: [ApiTokenFactory(user=UserFactory(username="lead", role="lead")).pk],
        refusal=404,
    ),
    "imports:upload": Access(
        get=LEAD,
        post=LEAD,
        body=lambda d: {"file": SimpleUploadedFile("tasks.csv", b"Title\nAudit the programs\n")},
    ),
    "imports:list": Access(get=LEAD, post=None),
    "imports:detail": Access(get=LEAD, post=None, args=lambda d: [ImportFactory().pk]),
    "imports:mapping": Access(
        get=LEAD,
        post=LEAD,
        args=lambda d: [ImportFactory().pk],
        body=lambda d: {"column_0": "title"},
    ),
    "imports:commit": Access(get=None, post=LEAD, args=lambda d: [ImportFactory(checked=True).pk]),
    "imports:undo": Access(
        get=LEAD, post=LEAD, args=lambda d: [ImportFactory(state=Import.State.DONE).pk]
    ),
    "imports:delete": Access(get=None, post=LEAD, args=lambda d: [ImportFactory(checked=True).pk]),
    # A member uploads check-ins to the goals they are Accountable for; the world's is not theirs.
    "imports:check-ins": Access(
        get=READERS,
        post=LEAD,
        args=lambda d: [d["goal"].pk],
        body=lambda d: {
            "file": SimpleUploadedFile(
                "check-ins.csv", f"date,value\n{datetime.date.today().isoformat()},7\n".encode()
            )
        },
    ),
    "imports:check-ins-template": Access(get=LEAD, post=None, args=lambda d: [d["goal"].pk]),
    "intake:links": Access(get=LEAD, post=None),
    "intake:link-create": Access(get=None, post=LEAD, body=lambda d: {"label": "Events"}),
    "intake:link-revoke": Access(get=LEAD, post=LEAD, args=lambda d: [d["intake_link"].pk]),
    # The team's own request form; the public one is an intake link's.
    "intake:request-form": Access(get=EDITORS, post=EDITORS, body=lambda d: request_data()),
    "intake:link-form": Access(
        get=ANYONE,
        post=ANYONE,
        args=lambda d: [d["intake_link"].token],
        body=lambda d: request_data(),
    ),
    "intake:sent": Access(get=ANYONE, post=None),
    "intake:request": Access(get=ANYONE, post=None, args=lambda d: [tracking_token(d["request"])]),
    "intake:receipt": Access(get=ANYONE, post=None, args=lambda d: [tracking_token(d["request"])]),
    "intake:requests-email": Access(
        get=None, post=ANYONE, args=lambda d: [tracking_token(d["request"])]
    ),
    # The requester's answer: the link is their key, as for the page it is on.
    "intake:reply": Access(
        get=ANYONE,
        post=ANYONE,
        args=lambda d: [tracking_token(d["request"])],
        body=lambda d: {"body": "Yes, all of them."},
    ),
    # The emailed link is the only credential: whoever holds it confirms the request.
    "intake:confirm": Access(get=ANYONE, post=ANYONE, args=lambda d: [confirm_token(d["request"])]),
    # The link in an email to someone on the request's RACI: theirs, no account needed.
    "intake:following": Access(
        get=ANYONE,
        post=None,
        args=lambda d: [
            following_token(d["request"].pk, AssignmentFactory(task=d["request"]).person_id)
        ],
    ),
    "intake:mine": Access(
        get=ANYONE, post=None, args=lambda d: [requester_token(d["request"].requester)]
    ),
    "webhooks:endpoints": Access(
        get=LEAD,
        post=LEAD,
        body=lambda d: {"url": "http://127.0.0.1:9/hook", "events": ["task.created"]},
    ),
    "webhooks:endpoint": Access(get=LEAD, post=None, args=lambda d: [d["delivery"].endpoint_id]),
    **{
        f"webhooks:endpoint-{action}": Access(
            get=None, post=LEAD, args=lambda d: [d["delivery"].endpoint_id]
        )
        for action in ("enable", "disable", "test")
    },
    "webhooks:endpoint-delete": Access(
        get=LEAD, post=LEAD, args=lambda d: [d["delivery"].endpoint_id]
    ),
    "webhooks:delivery-resend": Access(get=None, post=LEAD, args=lambda d: [d["delivery"].pk]),
    # Django's admin is for staff alone; one page of it stands for the rest.
    "admin:index": Access(get=LEAD, post=LEAD),
}


def _url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_has_an_entry():
    names = {
        name
        for name in _url_names(get_resolver().url_patterns)
        if not name.startswith("admin:") or name == "admin:index"
    }
    assert names == set(ACCESS)


def _cases():
    for name, access in ACCESS.items():
        for action in access.actions or (None,):
            for role in ROLES:
                for method in ("get", "post"):
                    label = f"{name}[{action}]" if action else name
                    yield pytest.param(name, action, role, method, id=f"{label}-{role}-{method}")


def _client(role, world) -> Client:
    client = Client()
    if role == "shared":
        client.get(world["link"].get_absolute_url())
    elif role != "anonymous":
        user = UserFactory(username=role, role=role)
        if role == "lead":
            user.is_staff = True
            user.save()
        client.force_login(user)
    return client


def _state():
    """Everything a refused POST must leave as it was."""
    return (
        list(Task.objects.order_by("pk").values_list("title", "status", "impact", "version")),
        list(Assignment.objects.values_list("task", "person", "role")),
        list(ShareLink.objects.order_by("pk").values_list("label", "revoked_at")),
        list(GoalShareLink.objects.order_by("pk").values_list("label", "revoked_at")),
        list(IntakeLink.objects.order_by("pk").values_list("label", "revoked_at")),
        list(Person.objects.order_by("pk").values_list("email", "weekly_capacity_hours")),
        TimeOff.objects.count(),
        Review.objects.count(),
        SuggestionDismissal.objects.count(),
        list(Email.objects.order_by("pk").values_list("status", flat=True)),
        list(ApiToken.objects.order_by("pk").values_list("name", "revoked_at")),
        list(Import.objects.order_by("pk").values_list("state", "mapping")),
        list(Endpoint.objects.order_by("pk").values_list("url", "disabled_at")),
        list(Delivery.objects.order_by("pk").values_list("status", flat=True)),
        list(Comment.objects.order_by("pk").values_list("body", "shared")),
        list(Goal.objects.order_by("pk").values_list("title", "status_override")),
        list(Step.objects.order_by("pk").values_list("title", flat=True)),
        list(CheckIn.objects.order_by("pk").values_list("on", "value")),
        list(Goal.tasks.through.objects.values_list("goal", "task")),
        list(Step.tasks.through.objects.values_list("step", "task")),
        list(Suggestion.objects.values_list("goal", "task")),
    )


@pytest.mark.parametrize(("name", "action", "role", "method"), list(_cases()))
def test_access(world, name, action, role, method):
    access = ACCESS[name]
    args = access.args(world) + ([action] if action else [])
    url = reverse(name, args=args)
    client = _client(role, world)
    allowed = getattr(access, method)
    before = _state()
    if method == "get":
        response = client.get(url)
    else:
        body = TASK_ACTION_BODIES[action](world) if action else access.body(world)
        if name == "backlog:triage-action":
            body = {**body, "version": world["request"].version}
        response = client.post(url, body)
    # Sent to log in and come back; logging out also lands on the login page, with no way back.
    to_login = response.status_code == 302 and "login/?next=" in response.url
    if allowed is None:
        assert response.status_code == 405 or (to_login and role in ("anonymous", "shared"))
        return
    if role in allowed:
        assert response.status_code not in (403, 404, 405) and not to_login, response
        return
    if access.token:
        assert response.status_code == 401, response
        assert response["Content-Type"] == "application/problem+json"
    elif role in ("anonymous", "shared") or name.startswith("admin:"):
        assert to_login, response
    else:
        assert response.status_code == access.refusal, response
    assert _state() == before


def test_a_user_without_a_role_reads_nothing(world):
    client = Client()
    client.force_login(UserFactory(username="new-hire"))
    for name in ("backlog:board", "backlog:triage", "raci:matrix", "capacity:review"):
        assert client.get(reverse(name)).status_code == 403, name


def test_roles_are_kept_in_step_with_the_permissions(db):
    """Every permission of a model is given to the lead, so a new model is not forgotten."""
    lead = UserFactory(username="lead", role="lead")
    ours = Permission.objects.filter(
        content_type__app_label__in=[
            "people",
            "backlog",
            "raci",
            "conversation",
            "capacity",
            "goals",
            "mail",
            "intake",
            "api",
            "imports",
            "webhooks",
        ]
    )
    assert set(ours) <= set(Permission.objects.filter(group__user=lead))

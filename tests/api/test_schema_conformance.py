"""schemathesis against the live schema: every operation, called with a read-write token
of the lead, answers without a server error and as its schema says (status, content type,
headers, body); what the schema allows is accepted, what it does not is refused. A few
examples each, so `make test` stays quick; `make fuzz` runs more."""

import datetime
import os

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.v1 import api
from backlog.models import Status, Task
from goals.models import CheckIn, Goal, Step, fingerprint
from mopsboard.weeks import week_label, week_of
from people.models import Person
from tests.factories import (
    ApiTokenFactory,
    AssignmentFactory,
    CategoryFactory,
    CheckInFactory,
    GoalFactory,
    PersonFactory,
    StepFactory,
    TaskFactory,
    UserFactory,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    positive_data_acceptance,
    negative_data_rejection,
]
# A well-formed write can still meet a task changed since (412), as it can a conflict (409).
ACCEPTED = ["2xx", "401", "403", "404", "409", "412", "429"]
# Operations whose forms check what no schema can say, so that well-formed input may be
# refused (422): the task's state, or the other fields.
RULES_BEYOND_THE_SCHEMA = {
    "POST /api/v1/tasks": "links are web addresses, one a line",
    "PATCH /api/v1/tasks/{task_id}": "scores go in pairs; a scored task keeps its scores",
    "POST /api/v1/tasks/{task_id}/status": "unscored work stays in triage",
    "POST /api/v1/tasks/{task_id}/plan": "done, declined or unscored work is not planned",
    "POST /api/v1/tasks/{task_id}/unplan": "only planned work is taken out of its week",
    "GET /api/v1/load": "one week, or the weeks ahead from a week: not both",
    "POST /api/v1/goals": "the deadline after the baseline's date, a note with the lead's "
    "status, a KPI's value in 14 digits",
    "PATCH /api/v1/goals/{goal_id}": "as creating one",
    "POST /api/v1/goals/{goal_id}/steps": "a KPI's value in 14 digits",
    "PATCH /api/v1/goal-steps/{step_id}": "a KPI's value in 14 digits",
    "POST /api/v1/goals/{goal_id}/check-ins": "a day that has been, one check-in a day",
    "PATCH /api/v1/check-ins/{check_in_id}": "a day that has been, one check-in a day",
    "PUT /api/v1/tasks/{task_id}/goals": "active goals and their steps",
}
EXAMPLES = int(os.environ.get("MOPSBOARD_API_EXAMPLES", "12"))


def _config(key: str) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "auth": {"openapi": {"BearerToken": {"bearer": key}}},
            "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
            "operations": [
                {
                    "include-name": name,
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}
                    },
                }
                for name in RULES_BEYOND_THE_SCHEMA
            ],
        }
    )


@pytest.fixture
def known(transactional_db):
    """Real tasks, people and categories for the generated ids to point at, and a lead's
    token."""
    team = [PersonFactory(kind=Person.Kind.TEAM) for _ in range(3)]
    categories = [CategoryFactory() for _ in range(2)]
    tasks = [
        TaskFactory(unscored=True),
        TaskFactory(impact=5, effort=1),
        TaskFactory(impact=2, effort=5, status=Status.IN_PROGRESS),
    ]
    AssignmentFactory(task=tasks[1], person=team[0], role="A")
    AssignmentFactory(task=tasks[1], person=team[1], role="R")
    goals = [GoalFactory(owner=team[0]), GoalFactory(draft=True, owner=team[1])]
    steps = [StepFactory(goal=goals[0], owner=team[2])]
    check_ins = [CheckInFactory(goal=goals[0], on=goals[0].baseline_date)]
    token = ApiTokenFactory(user=UserFactory(username="lead", role="lead"))
    return {
        "task_id": [t.pk for t in tasks],
        "person_id": [p.pk for p in team],
        "requester": [p.pk for p in team],
        "owner": [p.pk for p in team],
        "category": [c.pk for c in categories],
        "goal_id": [g.pk for g in goals],
        "step_id": [s.pk for s in steps],
        "check_in_id": [c.pk for c in check_ins],
        "key": token.key,
    }


def _real_ids(values: dict | None, known: dict, *, sometimes_missing: bool) -> None:
    """Real ids, so the operations get past "not found" and do their work; in the path,
    now and then one that does not exist (404)."""
    for name, value in (values or {}).items():
        if name in known and isinstance(value, int) and (value % 5 or not sometimes_missing):
            values[name] = known[name][value % len(known[name])]


def _days_ahead(values: dict | None) -> None:
    """Dates and weeks the team plans with: the schema cannot say "after today", nor which
    years have a week 53."""
    today = timezone.localdate()
    for name, value in (values or {}).items():
        if isinstance(value, str) and name in ("until", "wanted_by", "due_date", "deadline"):
            values[name] = (today + datetime.timedelta(days=1 + hash(value) % 900)).isoformat()
        elif isinstance(value, str) and name in ("week", "from"):
            values[name] = week_label(week_of(today) + datetime.timedelta(weeks=hash(value) % 50))


def _etag(path: dict, known: dict) -> str | None:
    """The ETag of what the path names, if it is one of the test's own."""
    if path.get("task_id") in known["task_id"]:
        return f'"{Task.objects.get(pk=path["task_id"]).version}"'
    for name, model in (("goal_id", Goal), ("step_id", Step), ("check_in_id", CheckIn)):
        if path.get(name) in known[name]:
            return f'"{fingerprint(model.objects.get(pk=path[name]))}"'
    return None


# The operations, from the schema the live server serves (the same code draws it here).
OPERATIONS = [
    (method.upper(), path)
    for path, operations in api.get_openapi_schema()["paths"].items()
    for method in operations
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[" ".join(o) for o in OPERATIONS])
def test_every_operation_answers_as_its_schema_says(live_server, settings, known, method, path):
    settings.MOPSBOARD_API_RATE_LIMIT = 100_000
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/v1/openapi.json", config=_config(known["key"])
    )
    operation = schema[path][method]

    @given(
        case=operation.as_strategy(GenerationMode.POSITIVE)
        | operation.as_strategy(GenerationMode.NEGATIVE)
    )
    @hypothesis_settings(
        max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
    )
    def call(case):
        # Only well-formed cases are steered: a malformed one must reach the server as made.
        if case.meta.generation.mode.is_positive:
            body = case.body if isinstance(case.body, dict) else None
            _real_ids(case.path_parameters, known, sometimes_missing=True)
            for values in (case.query, body):
                _real_ids(values, known, sometimes_missing=False)
                _days_ahead(values)
            # A cursor is one the API gave, never made up.
            (case.query or {}).pop("cursor", None)
            # Mostly its own ETag, so writes get past 412 to the forms and services.
            sent = (case.headers or {}).get("If-Match")
            if sent is not None and len(str(sent)) % 4:
                case.headers["If-Match"] = _etag(case.path_parameters or {}, known) or sent
        case.call_and_validate(base_url=live_server.url, checks=CHECKS)

    call()

"""schemathesis against the live schema: every operation, called with a read-write token
of the lead, answers without a server error and as its schema says (status, content type,
headers, body). A few examples each, so `make test` stays quick; `make fuzz` runs more."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.v1 import api
from backlog.models import Status, Task
from people.models import Person
from tests.factories import (
    ApiTokenFactory,
    AssignmentFactory,
    PersonFactory,
    TaskFactory,
    UserFactory,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("MOPSBOARD_API_EXAMPLES", "12"))


@pytest.fixture
def known(transactional_db):
    """Real tasks and people for the generated ids to point at, and a lead's token."""
    team = [PersonFactory(kind=Person.Kind.TEAM) for _ in range(3)]
    tasks = [
        TaskFactory(unscored=True),
        TaskFactory(impact=5, effort=1),
        TaskFactory(impact=2, effort=5, status=Status.IN_PROGRESS),
    ]
    AssignmentFactory(task=tasks[1], person=team[0], role="A")
    AssignmentFactory(task=tasks[1], person=team[1], role="R")
    token = ApiTokenFactory(user=UserFactory(username="lead", role="lead"))
    return {"task_id": [t.pk for t in tasks], "person_id": [p.pk for p in team], "key": token.key}


# The operations, from the schema the live server serves (the same code draws it here).
OPERATIONS = [
    (method.upper(), path)
    for path, operations in api.get_openapi_schema()["paths"].items()
    for method in operations
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[" ".join(o) for o in OPERATIONS])
def test_every_operation_answers_as_its_schema_says(live_server, settings, known, method, path):
    settings.MOPSBOARD_API_RATE_LIMIT = 100_000
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    auth = {"Authorization": f"Bearer {known['key']}"}

    @given(case=schema[path][method].as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
    )
    def call(case):
        # Mostly real ids, so the operations get past "not found" and do their work.
        for name in ("task_id", "person_id"):
            value = (case.path_parameters or {}).get(name)
            if isinstance(value, int) and value % 5:
                case.path_parameters[name] = known[name][value % len(known[name])]
        # Mostly the task's own ETag, so writes get past 412 to the forms and services.
        task_id = (case.path_parameters or {}).get("task_id")
        sent = (case.headers or {}).get("If-Match")
        if sent is not None and task_id in known["task_id"] and len(str(sent)) % 4:
            case.headers["If-Match"] = f'"{Task.objects.get(pk=task_id).version}"'
        case.call_and_validate(base_url=live_server.url, headers=auth, checks=CHECKS)

    call()

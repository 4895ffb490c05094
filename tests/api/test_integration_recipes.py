"""The recipes in docs/integrations.md, run as written with bash and curl against a live
server: a recipe the API no longer answers fails here, so the doc cannot go stale."""

import json
import os
import re
import subprocess  # nosec B404 # runs the doc's own curl commands against the test server
from pathlib import Path

import pytest

from backlog.models import Status, Task
from tests.factories import ApiTokenFactory, PersonFactory, TaskFactory, UserFactory

DOC = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"


def _recipes() -> dict[str, list[str]]:
    """Each `## ` section's sh blocks, by the section's title."""
    recipes = {}
    for section in re.split(r"^## ", DOC.read_text(), flags=re.MULTILINE)[1:]:
        title, _, body = section.partition("\n")
        recipes[title] = re.findall(r"```sh\n(.*?)```", body, flags=re.DOTALL)
    return recipes


def _run(script: str, **env) -> str:
    done = subprocess.run(  # nosec B603 B607 # a fixed bash, the doc's script on stdin
        ["bash", "-euo", "pipefail"],
        input=script,
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": os.environ["PATH"], **env},
        check=False,
    )
    assert done.returncode == 0, (script, done.stdout, done.stderr)
    return done.stdout


@pytest.fixture
def token(transactional_db):
    return ApiTokenFactory(user=UserFactory(username="lead", role="lead")).key


def test_the_doc_has_both_recipes():
    recipes = _recipes()
    assert len(recipes["Create a request from a form tool"]) == 1
    assert len(recipes["Sync status to a CRM"]) == 2


def test_create_a_request_from_a_form_tool(live_server, token):
    (script,) = _recipes()["Create a request from a form tool"]
    answer = json.loads(_run(script, MOPSBOARD_URL=live_server.url, MOPSBOARD_TOKEN=token))
    task = Task.objects.get()
    assert (answer["id"], answer["status"]) == (task.pk, "new")
    assert task.title == "Landing-page form for the partner webinar"
    assert task.requester.email == "dana@example.com"


def test_sync_status_to_a_crm(live_server, token):
    requester = PersonFactory()
    theirs = [
        TaskFactory(requester=requester, status=Status.IN_PROGRESS),
        TaskFactory(requester=requester, unscored=True),
    ]
    TaskFactory()  # someone else's
    read, mark_done = _recipes()["Sync status to a CRM"]
    env = {"MOPSBOARD_URL": live_server.url, "MOPSBOARD_TOKEN": token}
    listed = json.loads(_run(read, REQUESTER_ID=str(requester.pk), **env))
    assert sorted(task["id"] for task in listed["results"]) == sorted(t.pk for t in theirs)
    answer = json.loads(_run(mark_done, TASK_ID=str(theirs[0].pk), **env))
    assert answer["status"] == "done"
    assert Task.objects.get(pk=theirs[0].pk).status == Status.DONE

"""The recipes in docs/integrations.md, run as written with bash and curl against a live
server (and the webhook receiver's Python, run as written): a recipe the API no longer
answers fails here, so the doc cannot go stale."""

import contextlib
import http.client
import json
import os
import re
import socket
import subprocess  # nosec B404 # runs the doc's own curl commands against the test server
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection

from backlog.models import Status, Task
from backlog.services import task_decline
from bench.database import Server
from goals.models import CheckIn
from tests.factories import (
    ApiTokenFactory,
    GoalFactory,
    PersonFactory,
    TaskFactory,
    UserFactory,
)
from webhooks.models import Delivery, Endpoint
from webhooks.tasks import delivery_send

PROJECT = Path(__file__).resolve().parents[2]
DOC = PROJECT / "docs" / "integrations.md"


def _recipes(language: str = "sh") -> dict[str, list[str]]:
    """Each `## ` section's blocks in `language`, by the section's title."""
    recipes = {}
    for section in re.split(r"^## ", DOC.read_text(), flags=re.MULTILINE)[1:]:
        title, _, body = section.partition("\n")
        recipes[title] = re.findall(rf"```{language}\n(.*?)```", body, flags=re.DOTALL)
    return recipes


def _run(script: str, cwd=None, **env) -> str:
    done = subprocess.run(  # nosec B603 B607 # a fixed bash, the doc's script on stdin
        ["bash", "-euo", "pipefail"],
        input=script,
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": os.environ["PATH"], **env},
        cwd=cwd,
        check=False,
    )
    assert done.returncode == 0, (script, done.stdout, done.stderr)
    return done.stdout


@pytest.fixture
def token(transactional_db):
    return ApiTokenFactory(user=UserFactory(username="lead", role="lead")).key


def test_the_doc_has_every_recipe():
    recipes = _recipes()
    assert len(recipes["Create a request from a form tool"]) == 1
    assert len(recipes["React to a decision in a chat tool"]) == 1
    assert len(_recipes("python")["React to a decision in a chat tool"]) == 1
    assert len(recipes["Sync status to a CRM"]) == 2
    assert len(recipes["Check in a goal's KPI from a BI tool"]) == 1


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


def test_check_in_a_goals_kpi_from_a_bi_tool(live_server, token):
    goal = GoalFactory()
    (script,) = _recipes()["Check in a goal's KPI from a BI tool"]
    env = {"MOPSBOARD_URL": live_server.url, "MOPSBOARD_TOKEN": token, "GOAL_ID": str(goal.pk)}
    answer = json.loads(_run(script, **env))
    check_in = CheckIn.objects.get(goal=goal)
    assert (answer["id"], answer["value"], check_in.value) == (check_in.pk, 1250, 1250)
    assert check_in.note == "From the BI dashboard"


class Chat:
    """A chat's incoming-webhook address: keeps the JSON each POST brings."""

    def __init__(self):
        self.said = []
        chat = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                chat.said.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/incoming"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int, *, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    pytest.fail(f"The receiver did not listen on {port} in {timeout} s.")


def test_react_to_a_decision_in_a_chat_tool(transactional_db, settings, tmp_path):
    settings.MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE = True
    (register,) = _recipes()["React to a decision in a chat tool"]
    (receiver_code,) = _recipes("python")["React to a decision in a chat tool"]
    port = _free_port()
    secret = _run(
        register,
        cwd=PROJECT,
        PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        RECEIVER_URL=f"http://127.0.0.1:{port}/",
        DATABASE_URL=Server().url(connection.settings_dict["NAME"]),
        MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE="1",
    ).strip()
    endpoint = Endpoint.objects.get()
    assert secret == endpoint.secret and secret.startswith("whsec_")
    assert endpoint.events == ["task.planned", "task.deferred", "task.declined"]

    chat = Chat()
    (tmp_path / "receiver.py").write_text(receiver_code)
    receiver = subprocess.Popen(  # nosec B603 # this interpreter, the doc's receiver
        [sys.executable, "receiver.py"],
        cwd=tmp_path,
        env={
            "PATH": os.environ["PATH"],
            "MOPSBOARD_WEBHOOK_SECRET": secret,
            "CHAT_WEBHOOK_URL": chat.url,
            "PORT": str(port),
        },
    )
    try:
        _listening(port)
        task = TaskFactory(title="Preference centre in three languages")
        task_decline(task=task, version=task.version, reason="Next year", by=None, via="system")
        declined = Delivery.objects.get(event="task.declined")
        delivery_send(declined.pk, last_try=False)
        declined.refresh_from_db()
        assert (declined.status, declined.response_status) == ("delivered", 204)
        url = f"{settings.MOPSBOARD_SITE_URL}/tasks/{task.pk}/"
        assert chat.said == [
            {"text": f"<{url}|Preference centre in three languages> is declined: Next year"}
        ]
        # Not from mopsboard (no signature): refused, and the chat hears nothing.
        forged = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        forged.request("POST", "/", body=b'{"type": "task.declined"}')
        assert forged.getresponse().status == 401
        assert len(chat.said) == 1
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)
        chat.server.shutdown()

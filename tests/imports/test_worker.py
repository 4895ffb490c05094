"""An import run by real queue workers (`manage.py worker` processes): the
check and the write happen on the worker, whoever is watching, and the rows written show
while the tasks wait to commit together."""

import time

import pytest
from django.urls import reverse

from backlog.models import Task
from imports.models import Import
from tests.imports.conftest import csv_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_for(imp: Import, state: str, *, timeout: float = 180) -> list[tuple[str, int, int]]:
    """Poll the import until it reaches `state`; what was seen on the way."""
    seen, deadline = [], time.monotonic() + timeout
    while True:
        imp.refresh_from_db()
        seen.append((imp.state, imp.rows_written, Task.objects.count()))
        if imp.state == state:
            return seen
        if time.monotonic() > deadline:
            pytest.fail(f"{imp.label} is {imp.state} after {timeout} s, not {state}: {imp.error}")
        time.sleep(0.05)


def test_a_worker_checks_and_writes_an_import_while_the_page_only_watches(lead_client, workers):
    rows = [["Title", "Impact", "Effort"], *([f"Task {n}", "3", "2"] for n in range(5000))]
    assert upload(lead_client, csv_bytes(rows)).status_code == 302
    imp = Import.objects.get()
    workers()
    _wait_for(imp, Import.State.CHECKED)
    assert imp.rows_total == 5000 and imp.problem_count == 0

    lead_client.post(reverse("imports:commit", args=[imp.pk]))
    seen = _wait_for(imp, Import.State.DONE)
    assert Task.objects.count() == 5000 and imp.rows_written == 5000
    # While writing, the count of rows written grew batch by batch, and no task was
    # visible until all of them were.
    assert any(state == "writing" and 0 < written < 5000 for state, written, _ in seen), seen
    assert all(tasks in (0, 5000) for _, _, tasks in seen)

"""Helpers for the import's tests: a CSV file in a given encoding, an upload as the lead
does it, and the import's queued jobs run as a worker runs them."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from imports.models import Import
from imports.tasks import import_check, import_undo_run, import_write

JOBS = {
    "imports.tasks.check": import_check,
    "imports.tasks.write": import_write,
    "imports.tasks.undo": import_undo_run,
}


def csv_bytes(rows: list[list], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, content: bytes, *, name: str = "backlog.csv"):
    return client.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


# Jobs run by run_import_jobs: their rows stay "todo", as no worker took them. Job ids
# are never used twice, even across tests rolled back.
RAN = set()


def run_import_jobs() -> int:
    """Run the import jobs queued since the last call, oldest first, as a worker would;
    how many ran."""
    count = 0
    while job := (
        ProcrastinateJob.objects.filter(queue_name="imports", status="todo")
        .exclude(id__in=RAN)
        .order_by("id")
        .first()
    ):
        RAN.add(job.id)
        JOBS[job.task_name](**job.args)
        count += 1
    return count


def uploaded(client, content: bytes, **kwargs) -> Import:
    """Upload `content` and run the check: the import as its page then shows it."""
    response = upload(client, content, **kwargs)
    assert response.status_code == 302, response.content.decode()[:2000]
    run_import_jobs()
    return Import.objects.latest("id")


def committed(client, imp: Import):
    response = client.post(reverse("imports:commit", args=[imp.pk]))
    run_import_jobs()
    imp.refresh_from_db()
    return response


@pytest.fixture
def lead_import(lead_client):
    """Upload and check a file as the lead: imp = lead_import(content)."""

    def run(content: bytes, **kwargs) -> Import:
        return uploaded(lead_client, content, **kwargs)

    return run

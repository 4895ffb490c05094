"""An import whose worker stopped: the lists and its page say when the worker went
silent and that the step will be retried, and the retry counts again from the first row
saying it restarted, rather than a dead count or one that goes backwards."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from backlog.models import Task
from imports.forms import TaskRowForm
from imports.models import Import
from imports.tasks import import_check, import_write
from tests.factories import ImportFactory

pytestmark = pytest.mark.django_db

THREE_ROWS = b"Title,Hrs\nAudit the programs,2\nClean the lists,3\nFix the forms,1\n"


def _clock(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _dead_write(lead, *, silent_for: int, **fields) -> Import:
    """An import a worker was writing when it last reported, `silent_for` seconds ago."""
    return ImportFactory(
        checked=True,
        state=Import.State.WRITING,
        rows_total=100_000,
        rows_checked=100_000,
        rows_written=40_000,
        reported_at=timezone.now() - datetime.timedelta(seconds=silent_for),
        created_by=lead,
        **fields,
    )


def test_a_write_whose_worker_went_silent_says_when_and_that_it_will_be_retried(lead_client, lead):
    imp = _dead_write(lead, silent_for=45)
    stopped = f"the worker stopped reporting at {_clock(imp.reported_at)}"
    for page in (
        lead_client.get(imp.get_absolute_url()),
        lead_client.get(imp.get_absolute_url(), headers={"HX-Request": "true"}),
    ):
        text = strip_tags(page.content.decode())
        assert f"Stalled: {stopped}" in text and "it will be retried" in text
        assert "None of the rows it wrote is kept" in text
        assert "Written 40000" not in text
        # The page keeps polling, to show the retry when it starts.
        assert 'hx-trigger="every 1s"' in page.content.decode()

    listed = lead_client.get(reverse("imports:list")).content.decode()
    assert f"stalled, {stopped}" in strip_tags(listed) and "<td>40000</td>" not in listed


def test_a_write_that_reported_lately_is_not_called_stalled(lead_client, lead, settings):
    settings.MOPSBOARD_QUEUE = {**settings.MOPSBOARD_QUEUE, "stalled_after": 30}
    imp = _dead_write(lead, silent_for=5)
    text = lead_client.get(imp.get_absolute_url()).content.decode()
    assert "Written 40000 of 100000 rows" in text and "Stalled" not in text
    assert "stalled" not in lead_client.get(reverse("imports:list")).content.decode()


@pytest.mark.parametrize(
    ("reported_before", "restarted"),
    [(datetime.timedelta(minutes=2), True), (None, False)],
    ids=["after-a-worker-stopped", "first-run"],
)
def test_a_check_retried_after_its_worker_stopped_starts_from_the_first_row(
    lead_client, lead, settings, monkeypatch, reported_before, restarted
):
    settings.MOPSBOARD_IMPORT_BATCH_ROWS = 1
    imp = ImportFactory(
        content=THREE_ROWS,
        state=Import.State.CHECKING,
        rows_total=3,
        rows_checked=2 if restarted else 0,
        reported_at=reported_before and timezone.now() - reported_before,
        created_by=lead,
    )
    pages = []

    class Watched(TaskRowForm):
        """The page as the lead sees it while each row is checked."""

        def check(self, data):
            pages.append(lead_client.get(imp.get_absolute_url()).content.decode())
            return super().check(data)

    monkeypatch.setattr("imports.tasks.TaskRowForm", Watched)
    import_check(import_id=imp.pk)

    for done, page in enumerate(pages):
        assert f"Checked {done} of about 3 rows" in page
        assert ("Restarted at" in page) is restarted and "Stalled" not in page
    imp.refresh_from_db()
    assert imp.state == Import.State.CHECKED and imp.rows_checked == 3


@pytest.mark.django_db(transaction=True)
def test_a_write_retried_after_its_worker_stopped_starts_from_the_first_row(
    lead_client, lead, settings, monkeypatch
):
    # On a database that commits, as a worker's does: the rows written are counted on a
    # connection of their own, which sees only what is committed.
    settings.MOPSBOARD_IMPORT_BATCH_ROWS = 1
    imp = _dead_write(lead, silent_for=120, content=THREE_ROWS)
    Import.objects.filter(pk=imp.pk).update(rows_total=3, rows_checked=3)
    pages = []

    class Watched(TaskRowForm):
        """The page as the lead sees it while each row is written."""

        def check(self, data):
            pages.append(lead_client.get(imp.get_absolute_url()).content.decode())
            return super().check(data)

    monkeypatch.setattr("imports.tasks.TaskRowForm", Watched)
    import_write(import_id=imp.pk)

    assert len(pages) == 3
    for done, page in enumerate(pages):
        assert f"Written {done} of 3 rows" in page
        assert "Restarted at" in page and "the import started again" in page
        assert "40000" not in page and "Stalled" not in page
    imp.refresh_from_db()
    assert imp.state == Import.State.DONE and Task.objects.count() == 3

"""An import that gives people parts in the work tells each of them once for the whole
import, not once a task: how many of its tasks are theirs, the first of them with links,
and My work; as each chose (at once, in the digest, never), never the person who ran it.
Counted at a real SMTP server (aiosmtpd)."""

import pytest

from backlog.models import Task
from notifications import services
from notifications.models import News, Notification
from notifications.services import digests_send, import_tell
from people.models import Person
from tests.factories import PersonFactory
from tests.imports.conftest import committed, csv_bytes, uploaded

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


def _body(message) -> str:
    return message.get_body(("plain",)).get_content()


@pytest.fixture
def team(lead, member):
    return {
        "priya": PersonFactory(name="Priya Shah", email="priya@example.com", user=lead),
        "tom": PersonFactory(name="Tom Becker", email="tom@example.com", user=member),
        "ann": PersonFactory(name="Ann Owner", email="ann@example.com", kind="stakeholder"),
        "nora": PersonFactory(
            name="Nora Never", email="nora@example.com", notify=Person.Notify.NEVER
        ),
        "dana": PersonFactory(
            name="Dana Daily", email="dana@example.com", notify=Person.Notify.DAILY
        ),
    }


ROWS = [
    ["Title", "Owners", "Accountable"],
    ["Spring webinar", "Tom Becker", "Ann Owner"],
    ["Partner newsletter", "Tom Becker", "Ann Owner"],
    ["Lead scoring model", "Tom Becker", "Priya Shah"],
    ["CRM field cleanup", "Nora Never", ""],
    ["Churn report", "Dana Daily", ""],
    ["Consent banner", "Priya Shah", "Dana Daily"],
    ["Data dictionary", "", ""],
]


def _imported(lead_client):
    imp = uploaded(lead_client, csv_bytes(ROWS))
    assert imp.problem_count == 0, imp.problems
    committed(lead_client, imp)
    assert Task.objects.count() == len(ROWS) - 1
    return imp


def test_each_person_given_a_part_gets_one_email_for_the_whole_import(lead_client, team, inbox):
    imp = _imported(lead_client)
    received = inbox()

    (tom,) = received.to("tom@example.com")
    assert tom["Subject"] == "Priya Shah imported 7 tasks; you are Responsible for 3 of them."
    body = _body(tom)
    for title in ("Spring webinar", "Partner newsletter", "Lead scoring model"):
        task = Task.objects.get(title=title)
        assert f"- {title} (Responsible): {SITE}/tasks/{task.pk}/" in body
    assert f"All your work is on My work: {SITE}/my/" in body
    html = tom.get_body(("html",)).get_content()
    webinar = Task.objects.get(title="Spring webinar")
    assert f'<a href="{SITE}/tasks/{webinar.pk}/">Spring webinar</a> (Responsible)' in html
    assert f'<a href="{SITE}/my/">All your work is on My work</a>' in html

    (ann,) = received.to("ann@example.com")
    assert "Priya Shah imported 7 tasks; you are Accountable for 2 of them." in _body(ann)
    # Ann signs in nowhere: each task links to her own page of it, and no My work.
    assert _body(ann).count("/requests/following/") == 2
    assert "My work" not in _body(ann)

    # The importer, whoever asked for no email, and the digest's reader: nothing now.
    for address in ("priya@example.com", "nora@example.com", "dana@example.com"):
        assert received.to(address) == []
    assert not Notification.objects.filter(person__in=[team["priya"], team["nora"]]).exists()
    assert len(received.messages) == 2

    # Told once, however often the job runs.
    import_tell(import_id=imp.pk)
    assert len(inbox().messages) == 2


def test_the_digest_gathers_an_import_as_one_item(lead_client, team, inbox):
    _imported(lead_client)
    inbox()
    assert Notification.objects.get(person=team["dana"]).news == News.IMPORTED

    assert digests_send() == 1
    (digest,) = inbox().to("dana@example.com")
    assert digest["Subject"] == "Your mopsboard digest: 1 update"
    body = _body(digest)
    assert (
        "Priya Shah imported 7 tasks; you are Accountable for 1 and Responsible for 1 of them."
        in body
    )
    assert "- Churn report (Responsible)" in body
    assert "- Consent banner (Accountable)" in body


def test_past_the_first_tasks_the_email_counts_the_rest(lead_client, team, inbox, monkeypatch):
    monkeypatch.setattr(services, "IMPORTED_LISTED", 2)
    _imported(lead_client)
    body = _body(inbox().to("tom@example.com")[0])
    assert "- Spring webinar (Responsible)" in body
    assert "- Partner newsletter (Responsible)" in body
    assert "Lead scoring model" not in body
    assert "And 1 more." in body

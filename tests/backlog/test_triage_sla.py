"""The triage inbox shows each request's wait in working days and marks the ones past
the SLA in words, not colour alone."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from backlog import services
from backlog.models import Task
from mopsboard.weeks import earliest_within_working_days, working_days_between
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def received(days_ago: int):
    return timezone.now() - datetime.timedelta(days=days_ago)


def row(text: str, title: str) -> str:
    start = text.index(f">{title}</a>")
    return text[start : text.index("</li>", start)]


def test_each_request_shows_its_age_and_the_late_ones_are_marked(lead_client):
    TaskFactory(unscored=True, title="Fresh", created_at=timezone.now())
    late = TaskFactory(unscored=True, title="Late", created_at=received(10))
    text = lead_client.get(reverse("backlog:triage")).content.decode()
    assert "0 working days" in row(text, "Fresh")
    assert "Over SLA" not in row(text, "Fresh")
    waited = working_days_between(timezone.localdate(late.created_at), TODAY)
    assert f"{waited} working days" in row(text, "Late")
    assert "Over SLA: waiting more than 2 working days" in row(text, "Late")
    assert 'aria-label="Late, requested by' in text and ", over SLA" in text


def test_the_sla_boundary_is_exact(lead_client, settings):
    """Received on the earliest day still within the SLA: not over; a day earlier: over."""
    earliest = earliest_within_working_days(TODAY, settings.MOPSBOARD_TRIAGE_SLA_DAYS)
    noon = datetime.time(12)
    for title, day in (("Just in", earliest), ("Just out", earliest - datetime.timedelta(days=1))):
        at = timezone.make_aware(datetime.datetime.combine(day, noon))
        TaskFactory(unscored=True, title=title, created_at=at)
    text = lead_client.get(reverse("backlog:triage")).content.decode()
    assert "Over SLA" not in row(text, "Just in")
    assert "Over SLA" in row(text, "Just out")
    over = Task.objects.over_triage_sla(TODAY).values_list("title", flat=True)
    assert list(over) == ["Just out"]


def test_the_sla_comes_from_the_setting(lead_client, settings):
    settings.MOPSBOARD_TRIAGE_SLA_DAYS = 30
    TaskFactory(unscored=True, title="Late", created_at=received(10))
    text = lead_client.get(reverse("backlog:triage")).content.decode()
    assert "Over SLA" not in row(text, "Late")
    assert "first triage within 30 working days" in text


def test_a_request_back_from_deferral_is_not_over_its_first_sla(lead_client, lead):
    task = TaskFactory(unscored=True, title="Came back", created_at=received(60))
    services.task_defer(task=task, version=task.version, until=TODAY, by=lead, via="triage")
    services.deferred_tasks_return(today=TODAY)
    text = lead_client.get(reverse("backlog:triage")).content.decode()
    assert "Over SLA" not in row(text, "Came back")
    assert not Task.objects.over_triage_sla(TODAY).exists()

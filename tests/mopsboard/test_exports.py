"""Every CSV the app writes, as a spreadsheet opens it: no cell anyone typed runs as a
formula, the header included (a person's name heads a column of the RACI CSVs, and anyone
can be named through the public intake form)."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from raci.models import Role
from tests.factories import AssignmentFactory, PersonFactory, ShareLinkFactory, TaskFactory

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1:A2)", "-2", "\tcmd", "\rcmd"]


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("name", FORMULAS)
def test_a_persons_name_heads_the_raci_csvs_as_text(client, lead_client, name):
    AssignmentFactory(person=PersonFactory(name=name), role=Role.RESPONSIBLE)
    link = ShareLinkFactory()
    for response in (
        lead_client.get(reverse("raci:export")),
        client.get(reverse("raci:shared-export", args=[link.token])),
    ):
        header = _rows(response)[0]
        assert f"'{name}" in header
        assert name not in header


@pytest.mark.parametrize("name", FORMULAS)
def test_a_persons_name_is_text_in_every_other_csv(lead_client, name):
    TaskFactory(requester=PersonFactory(name=name))
    for url in (
        reverse("backlog:task-export"),
        reverse("capacity:year-export", args=[timezone.localdate().year]),
    ):
        cells = [cell for row in _rows(lead_client.get(url)) for cell in row]
        assert f"'{name}" in cells, url
        assert name not in cells, url

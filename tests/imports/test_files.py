"""What files the import reads: UTF-8 with or without a byte-order mark and Windows-1252;
everything else, and anything over the size limit, refused with a message that says what
to do, before an Import is kept."""

import codecs

import pytest

from backlog.models import Task
from imports.models import Import
from tests.imports.conftest import committed, csv_bytes, upload, uploaded

pytestmark = pytest.mark.django_db

ROWS = [["Title", "Description"], ["Café \u2013 naïve", "Résumé of the “webinar” — 5 €"]]


@pytest.mark.parametrize(
    ("encoding", "read_as"),
    [
        ("utf-8", "UTF-8"),
        ("utf-8-sig", "UTF-8 (with a byte-order mark)"),
        ("cp1252", "Windows-1252"),
    ],
)
def test_utf8_with_or_without_a_bom_and_windows_1252_are_read(lead_client, encoding, read_as):
    imp = uploaded(lead_client, csv_bytes(ROWS, encoding=encoding))
    assert imp.encoding_label == read_as
    # A byte-order mark is not part of the first header: "Title" is recognised.
    assert imp.headers == ["Title", "Description"] and imp.state == Import.State.CHECKED
    committed(lead_client, imp)
    task = Task.objects.get()
    assert (task.title, task.description) == tuple(ROWS[1])
    assert read_as in lead_client.get(imp.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (codecs.BOM_UTF16_LE + "Title\r\nCafé\r\n".encode("utf-16-le"), "is in UTF-16"),
        ("Title\r\nCafé\r\n".encode("utf-16-le"), "holds binary data"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "holds binary data"),
        (b"PK\x03\x04\x14\x00\x06\x00", "is a workbook (such as .xlsx)"),
        (b"Title\r\nBell\x07\r\n", "holds control characters"),
        (b"Title\r\nOdd \x81 byte\r\n", "neither UTF-8 nor Windows-1252"),
        (b",,\r\nTitle\r\n", "The first line should name the columns"),
        (b"", "The submitted file is empty"),
    ],
    ids=[
        "utf-16",
        "utf-16-without-bom",
        "png",
        "xlsx",
        "control",
        "undefined-cp1252",
        "no-header",
        "empty",
    ],
)
def test_other_files_are_refused_with_what_to_do(lead_client, content, message):
    response = upload(lead_client, content)
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    if "first line" not in message and "empty" not in message:
        assert "Save it from your spreadsheet as “CSV UTF-8”" in page
    assert not Import.objects.exists()


def test_a_file_over_the_limit_is_refused_before_its_body_is_read(lead_client, settings):
    settings.MOPSBOARD_IMPORT_MAX_BYTES = 1000
    response = upload(lead_client, b"Title\n" + b"x" * 40_000)
    assert response.status_code == 413
    assert "The file is larger than 1000" in response.content.decode()
    assert "Split it into several files" in response.content.decode()
    assert not Import.objects.exists()


def test_a_file_over_the_limit_is_not_stored_when_the_request_looks_small(lead_client, settings):
    # Within the request's allowance for other fields, so the handler counts the file.
    settings.MOPSBOARD_IMPORT_MAX_BYTES = 1000
    response = upload(lead_client, b"Title\n" + b"x" * 1200)
    assert response.status_code == 413
    assert "The file is larger than 1000" in response.content.decode()
    assert not Import.objects.exists()


def test_a_file_at_the_limit_is_taken(lead_client, settings):
    content = b"Title\n" + b"x" * 994
    settings.MOPSBOARD_IMPORT_MAX_BYTES = len(content)
    assert upload(lead_client, content).status_code == 302


def test_a_file_of_too_many_columns_is_refused(lead_client):
    response = upload(lead_client, csv_bytes([[f"Column {n}" for n in range(101)], ["x"] * 101]))
    assert response.status_code == 422
    assert "The first line names 101 columns; an import takes at most 100." in (
        response.content.decode()
    )


def test_a_cell_too_large_for_csv_is_a_problem_on_its_line(lead_import):
    imp = lead_import(csv_bytes([["Title"], ["Fine"], ["x" * 140_000], ["Never read"]]))
    assert imp.state == Import.State.CHECKED and imp.problem_count == 1
    (problem,) = imp.problems
    assert problem["line"] == 3
    assert "From here on the file cannot be read as CSV" in problem["message"]

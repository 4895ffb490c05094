"""The CSV import from the lead's side: upload, columns, the check's report, the write,
all or nothing, and what the tasks look like afterwards."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from backlog.models import Category, Status, Task
from backlog.selectors import task_history
from imports import tasks as import_tasks
from imports.models import Import
from people.models import Person
from tests.factories import CategoryFactory, PersonFactory, TaskFactory
from tests.imports.conftest import committed, csv_bytes, run_import_jobs, upload, uploaded

pytestmark = pytest.mark.django_db

HEADER = ["Title", "Requester", "Category", "Impact", "Effort", "Status", "Due date"]


def _good_rows(count: int) -> list[list]:
    return [
        [f"Clean up list upload {n}", "Dana Whitfield", "Data cleanup", "4", "2", "", "2027-03-01"]
        for n in range(count)
    ]


def test_five_bad_rows_among_a_thousand_write_nothing_and_are_all_reported(lead_client, settings):
    settings.MOPSBOARD_IMPORT_BATCH_ROWS = 100
    rows = _good_rows(1000)
    rows[10][3] = "9"  # line 12: impact out of range
    rows[250][0] = ""  # line 252: no title
    rows[499][6] = "31/02/2027"  # line 501: no such date
    rows[700][5] = "Someday"  # line 702: no such status
    rows[998][4] = ""  # line 1000: impact without effort
    imp = uploaded(lead_client, csv_bytes([HEADER, *rows]))

    assert imp.state == Import.State.CHECKED
    assert imp.rows_total == 1000 and imp.problem_count == 5, imp.problems
    reported = [(p["line"], p["column"]) for p in imp.problems]
    assert reported == [
        (12, "Impact"),
        (252, "Title"),
        (501, "Due date"),
        (702, "Status"),
        (1000, ""),
    ]
    assert "Choose a score from 1 to 5." in imp.problems[0]["message"]
    assert "Score both impact and effort" in imp.problems[4]["message"]
    page = lead_client.get(imp.get_absolute_url()).content.decode()
    assert "5 problems in 1000 rows" in page
    assert "<td>702</td><td>Status</td>" in page

    response = lead_client.post(reverse("imports:commit", args=[imp.pk]))
    assert response.status_code == 409
    assert run_import_jobs() == 0
    assert not Task.objects.exists() and not Person.objects.exists()


def test_a_clean_file_is_imported_with_its_people_categories_and_history(lead_client, lead):
    existing = PersonFactory(name="Dana Whitfield")
    CategoryFactory(name="Data cleanup")
    rows = [
        [*HEADER, "Estimate", "Planned week", "Deferred until", "Declined reason"],
        ["Dedupe leads", "dana whitfield", "data cleanup", "4", "2", "", "", "", "", "", ""],
        ["New webinar program", "Sam Events", "Events", "5", "4", "planned", "", "", "2026-11-25"],
        ["Intent data tool", "", "", "1", "5", "Deferred", "", "", "", "2027-01-04", ""],
        ["Chat widget", "Sam Events", "", "", "", "declined", "", "", "", "", "Not this year"],
        ["Audit programs", "", "", "", "", "", "21/12/2026", "6", "", "", ""],
    ]
    imp = uploaded(lead_client, csv_bytes(rows))
    assert imp.state == Import.State.CHECKED and imp.problem_count == 0, imp.problems
    assert imp.new_people == ["Sam Events"] and imp.new_categories == ["Events"]
    assert [row["title"] for row in imp.sample][:2] == ["Dedupe leads", "New webinar program"]

    committed(lead_client, imp)
    assert imp.state == Import.State.DONE and imp.rows_written == 5
    tasks = {task.title: task for task in Task.objects.select_related("requester", "category")}
    assert tasks["Dedupe leads"].requester == existing
    assert tasks["Dedupe leads"].category.name == "Data cleanup"
    assert tasks["Dedupe leads"].status == Status.BACKLOG
    webinar = tasks["New webinar program"]
    assert webinar.status == Status.PLANNED
    assert webinar.planned_week == datetime.date(2026, 11, 23)  # the Monday of its week
    assert webinar.requester.kind == Person.Kind.STAKEHOLDER
    assert tasks["Intent data tool"].deferred_until == datetime.date(2027, 1, 4)
    assert tasks["Chat widget"].declined_reason == "Not this year"
    audit = tasks["Audit programs"]
    assert audit.status == Status.NEW and audit.due_date == datetime.date(2026, 12, 21)
    assert audit.estimate_hours == Decimal("6")
    assert Person.objects.filter(name="Sam Events").count() == 1

    (created,) = task_history(webinar)
    assert created.label == f"Import #{imp.pk} (backlog.csv)" and created.who == "lead"
    assert {event.pgh_context.metadata["via"] for event in Task.pgh_event_model.objects.all()} == {
        "import"
    }


def test_every_batch_is_recorded_as_the_same_import(lead_client, settings):
    settings.MOPSBOARD_IMPORT_BATCH_ROWS = 10
    imp = uploaded(lead_client, csv_bytes([HEADER, *_good_rows(35)]))
    committed(lead_client, imp)
    assert Task.objects.count() == 35
    contexts = {event.pgh_context for event in Task.pgh_event_model.objects.all()}
    assert len(contexts) == 4  # one a batch
    assert {context.metadata["import_id"] for context in contexts} == {imp.pk}


def test_a_failure_in_the_middle_of_the_write_leaves_no_task(lead_client, settings, monkeypatch):
    settings.MOPSBOARD_IMPORT_BATCH_ROWS = 10
    rows = _good_rows(35)
    rows[30][1] = "Someone New"
    imp = uploaded(lead_client, csv_bytes([HEADER, *rows]))
    real, calls = import_tasks.tasks_create, []

    def fails_on_the_third_batch(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(import_tasks, "tasks_create", fails_on_the_third_batch)
    committed(lead_client, imp)

    assert len(calls) == 3
    assert imp.state == Import.State.FAILED and imp.rows_written == 0
    assert "Nothing was imported: the database went away" in imp.error
    assert not Task.objects.exists()
    assert not Person.objects.filter(name__in=["Dana Whitfield", "Someone New"]).exists()
    assert not Category.objects.exists()
    page = lead_client.get(imp.get_absolute_url()).content.decode()
    assert "Nothing was imported: the database went away" in page


def test_someone_removed_while_the_import_writes_stops_it_at_their_first_batch(
    lead_client, settings, monkeypatch
):
    """The database checks each batch's people and tasks as the batch is written, not all
    at the commit: a person deleted while the import writes (in the admin, say) stops it at
    the first batch that names them, with nothing written, rather than after every row.
    Checked as it goes, the write's last batch is also as fast as its first
    (imports/tasks.py)."""
    settings.MOPSBOARD_IMPORT_BATCH_ROWS = 10
    rosa = PersonFactory(name="Rosa Diaz")
    rows = [[f"Task {n}", "4", "2", "Rosa Diaz" if n >= 25 else ""] for n in range(35)]
    imp = uploaded(lead_client, csv_bytes([["Title", "Impact", "Effort", "Responsible"], *rows]))
    assert imp.state == Import.State.CHECKED and imp.problem_count == 0, imp.problems
    real, batches = import_tasks.tasks_create, []

    def rosa_leaves_at_the_second_batch(**kwargs):
        batches.append(kwargs)
        if len(batches) == 2:
            Person.objects.filter(pk=rosa.pk).delete()
        return real(**kwargs)

    monkeypatch.setattr(import_tasks, "tasks_create", rosa_leaves_at_the_second_batch)
    committed(lead_client, imp)

    assert len(batches) == 3  # the first batch to name her
    assert imp.state == Import.State.FAILED and imp.rows_written == 0
    assert imp.error.startswith("Nothing was imported: ")
    assert not Task.objects.exists()


def test_a_row_that_went_wrong_since_the_check_stops_the_write(lead_client):
    CategoryFactory(name="Data cleanup")
    imp = uploaded(lead_client, csv_bytes([HEADER, *_good_rows(3)]))
    # A long name the check accepted as an existing category must now be made: longer
    # than a category's name may be, it is refused at the write.
    Category.objects.update(name="Renamed")
    Import.objects.filter(pk=imp.pk).update(
        content=csv_bytes([HEADER, *_good_rows(2), ["Fine", "", "x" * 81, "", "", "", ""]])
    )
    committed(lead_client, imp)
    assert imp.state == Import.State.CHECKED and imp.problem_count == 1
    assert imp.problems[0]["line"] == 4 and imp.problems[0]["column"] == "Category"
    assert not Task.objects.exists()


def test_an_import_is_written_once(lead_client):
    imp = uploaded(lead_client, csv_bytes([HEADER, *_good_rows(2)]))
    committed(lead_client, imp)
    again = lead_client.post(reverse("imports:commit", args=[imp.pk]))
    assert again.status_code == 409
    assert "is imported: it cannot be imported" in again.content.decode()
    assert run_import_jobs() == 0 and Task.objects.count() == 2


# --- Columns -------------------------------------------------------------------------


def test_a_spreadsheet_with_an_unknown_column_asks_what_it_holds(lead_client):
    content = csv_bytes(
        [
            ["Request", "Requested by", "Work type", "Value", "Size", "Deadline", "Hrs", "Notes"],
            ["Lead routing", "Dana", "Platform admin", "4", "3", "01/02/2027", "12", "EMEA first"],
        ]
    )
    response = upload(lead_client, content)
    imp = Import.objects.get()
    assert response.url == reverse("imports:mapping", args=[imp.pk])
    assert imp.state == Import.State.MAPPING and run_import_jobs() == 0
    page = lead_client.get(response.url).content.decode()
    # Recognised columns come preselected; "Hrs" is left out until the lead says.
    assert imp.mapping == [
        "title",
        "requester",
        "category",
        "impact",
        "effort",
        "due_date",
        "",
        "description",
    ]
    assert "EMEA first" in page and '<option value="estimate_hours">' in page

    chosen = {f"column_{n}": field for n, field in enumerate(imp.mapping)}
    no_title = lead_client.post(response.url, {**chosen, "column_0": ""})
    assert no_title.status_code == 422
    assert "Choose the column that holds each task" in no_title.content.decode()
    twice = lead_client.post(response.url, {**chosen, "column_6": "impact"})
    assert "Choose one column for each field: Impact (1 to 5)." in twice.content.decode()

    done = lead_client.post(response.url, {**chosen, "column_6": "estimate_hours"})
    assert done.url == imp.get_absolute_url()
    run_import_jobs()
    imp.refresh_from_db()
    # 01/02/2027 is a date either way round: the lead says which.
    assert imp.state == Import.State.MAPPING and imp.questions == ["Deadline"]
    chosen["column_6"] = "estimate_hours"
    lead_client.post(
        response.url, {**chosen, "reading_5": "day-first", "reading_6": "decimal-point"}
    )
    run_import_jobs()
    imp.refresh_from_db()
    assert imp.state == Import.State.CHECKED and imp.problem_count == 0
    assert imp.sample[0]["estimate"] == "12" and imp.sample[0]["due"] == "2027-02-01"


def test_semicolons_and_headers_in_any_case_are_read(lead_client):
    content = csv_bytes(
        [
            ["TITLE", "due_date", "IMPACT:", "effort score"],
            ["Preference centre", "2027-05-04", 2, 2],
        ],
        delimiter=";",
    )
    imp = uploaded(lead_client, content)
    assert imp.mapping == ["title", "due_date", "impact", "effort"]
    committed(lead_client, imp)
    task = Task.objects.get()
    assert (task.title, task.impact, task.due_date) == (
        "Preference centre",
        2,
        datetime.date(2027, 5, 4),
    )


def test_a_row_with_more_cells_than_columns_is_reported(lead_import):
    imp = lead_import(csv_bytes([["Title"], ["One"], ["Two", "stray"], ["Three", ""]]))
    assert [(p["line"], p["column"]) for p in imp.problems] == [(3, "")]
    assert "This row has 2 cells; the first line names 1." in imp.problems[0]["message"]


# --- What the lead reads ---------------------------------------------------------------


def test_html_in_cells_and_headers_is_shown_as_text(lead_client):
    evil = "<script>alert(1)</script>"
    imp = uploaded(lead_client, csv_bytes([["Title", evil], [evil, "x"]]))
    mapping = lead_client.get(reverse("imports:mapping", args=[imp.pk])).content.decode()
    assert evil not in mapping and "&lt;script&gt;alert(1)&lt;/script&gt;" in mapping
    lead_client.post(reverse("imports:mapping", args=[imp.pk]), {"column_0": "title"})
    run_import_jobs()
    page = lead_client.get(imp.get_absolute_url()).content.decode()
    assert evil not in page and "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in page


def test_many_problems_are_paged(lead_client, lead_import):
    imp = lead_import(csv_bytes([["Title", "Impact", "Effort"], *[["x", "7", "1"]] * 120]))
    assert imp.problem_count == 120
    assert imp.problems[119]["line"] == 121
    page = lead_client.get(imp.get_absolute_url(), {"page": 3}).content.decode()
    assert "Problems 101\u2013120 of 120" in page and "<td>121</td>" in page


def test_the_page_polls_while_the_import_runs_and_stops_when_it_is_done(lead_client):
    upload(lead_client, csv_bytes([HEADER, *_good_rows(3)]))
    imp = Import.objects.get()
    htmx = {"HX-Request": "true"}
    running = lead_client.get(imp.get_absolute_url(), headers=htmx).content.decode()
    assert running.strip().startswith('<section id="import-state"')
    assert 'hx-trigger="every 1s"' in running and "<progress" in running
    assert "You can close this page" in running
    run_import_jobs()
    checked = lead_client.get(imp.get_absolute_url(), headers=htmx).content.decode()
    assert "hx-trigger" not in checked and "All 3 rows are ready" in checked


def test_the_list_of_imports_reads_in_constant_queries(
    lead_client, lead, django_assert_max_num_queries
):
    def make(count):
        for n in range(count):
            Import.objects.create(
                filename=f"file{n}.csv", content=b"Title\n", encoding="utf-8", created_by=lead
            )

    make(2)
    with django_assert_max_num_queries(6):
        assert lead_client.get(reverse("imports:list")).status_code == 200
    make(40)
    with django_assert_max_num_queries(6):
        page = lead_client.get(reverse("imports:list")).content.decode()
    assert page.count("file1.csv") == 2


def test_an_import_page_reads_in_constant_queries(
    lead_import, lead_client, django_assert_max_num_queries
):
    imp = lead_import(csv_bytes([["Title", "Impact", "Effort"], *[["x", "7", "1"]] * 300]))
    with django_assert_max_num_queries(6):
        page = lead_client.get(imp.get_absolute_url()).content.decode()
    assert "300 problems" in page
    with django_assert_max_num_queries(6):
        assert lead_client.get(reverse("imports:mapping", args=[imp.pk])).status_code == 200


def test_the_board_links_to_the_import_for_the_lead_only(lead_client, member_client):
    assert reverse("imports:upload") in lead_client.get(reverse("backlog:board")).content.decode()
    assert (
        reverse("imports:upload")
        not in member_client.get(reverse("backlog:board")).content.decode()
    )


# --- Formula cells and the round trip ----------------------------------------------------


def _export(client) -> bytes:
    """Every task, whatever its status, as the export writes it."""
    response = client.get(reverse("backlog:task-export"), {"status": Status.values})
    return b"".join(response.streaming_content)


FORMULAS = ["=SUM(A1:A9)", "+44 20 7946 0000", "-5 is a fine score?", "@channel please"]


def test_formula_cells_are_stored_as_typed_and_exported_safely(lead_client):
    imp = uploaded(lead_client, csv_bytes([["Title", "Description"], *[[f, f] for f in FORMULAS]]))
    committed(lead_client, imp)
    assert sorted(Task.objects.values_list("title", flat=True)) == sorted(FORMULAS)
    assert set(Task.objects.values_list("description", flat=True)) == set(FORMULAS)

    export = _export(lead_client)
    for formula in FORMULAS:
        assert f"'{formula}".encode() in export
        assert f",{formula}".encode() not in export

    Task.objects.all().delete()
    again = uploaded(lead_client, export, name="mopsboard-tasks.csv")
    committed(lead_client, again)
    assert sorted(Task.objects.values_list("title", flat=True)) == sorted(FORMULAS)


ROUND_TRIP_FIELDS = [
    "title",
    "description",
    "requester__name",
    "category__name",
    "impact",
    "effort",
    "status",
    "estimate_hours",
    "planned_week",
    "due_date",
    "deferred_until",
    "declined_reason",
]


def _tasks():
    return sorted(Task.objects.values_list(*ROUND_TRIP_FIELDS), key=lambda t: t[0])


def test_export_then_import_into_an_empty_database_gives_the_same_tasks(lead_client):
    dana = PersonFactory(name="Dana Whitfield", kind=Person.Kind.STAKEHOLDER)
    sales = CategoryFactory(name="Campaign build")
    monday = datetime.date(2026, 11, 30)
    TaskFactory(title="Quick win", description="Line one\nline two, with a comma")
    TaskFactory(title="Unscored, in triage", unscored=True, requester=None, category=None)
    TaskFactory(title="Planned", status=Status.PLANNED, planned_week=monday, requester=dana)
    TaskFactory(title="Own estimate", estimate_hours=Decimal("2.5"), effort=4, category=sales)
    TaskFactory(title="Done last year", status=Status.DONE, planned_week=datetime.date(2025, 3, 3))
    TaskFactory(title="Deferred", status=Status.DEFERRED, deferred_until=datetime.date(2027, 1, 1))
    TaskFactory(title="Declined", status=Status.DECLINED, declined_reason="No budget: “sorry”")
    TaskFactory(title="Under way, due", status=Status.IN_PROGRESS, due_date=monday)
    TaskFactory(title="Café \u2013 naïve", impact=1, effort=5, description="=HYPERLINK(x)")
    before = _tasks()

    export = _export(lead_client)
    Task.objects.all().delete()
    Person.objects.all().delete()
    Category.objects.all().delete()

    imp = uploaded(lead_client, export, name="mopsboard-tasks.csv")
    assert imp.state == Import.State.CHECKED and imp.problem_count == 0, imp.problems
    committed(lead_client, imp)
    assert imp.state == Import.State.DONE
    assert _tasks() == before


def test_a_check_that_breaks_says_so_rather_than_running_for_ever(lead_client, monkeypatch):
    def broken():
        raise RuntimeError("no people table")

    monkeypatch.setattr(import_tasks, "Names", broken)
    upload(lead_client, csv_bytes([HEADER, *_good_rows(2)]))
    run_import_jobs()
    imp = Import.objects.get()
    assert imp.state == Import.State.FAILED and imp.error == "The check stopped: no people table"
    page = lead_client.get(imp.get_absolute_url()).content.decode()
    assert "hx-trigger" not in page and "The check stopped: no people table" in page


def test_columns_cannot_change_while_the_rows_are_checked(lead_client):
    upload(lead_client, csv_bytes([HEADER, *_good_rows(2)]))
    imp = Import.objects.get()
    response = lead_client.post(reverse("imports:mapping", args=[imp.pk]), {"column_0": "title"})
    assert response.status_code == 409
    assert "is checking: it cannot have its columns changed" in response.content.decode()
    imp.refresh_from_db()
    assert imp.mapping[1] == "requester"

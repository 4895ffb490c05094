"""The CSV import at size: a spreadsheet of N tasks, as the export writes them (the
generator's spread of scores, statuses, weeks, dates and requesters) with an Assignee
column naming the team and a few people new to it, checked and then written into a
database with no task but the team by the import's own job functions, in this process, as
a queue worker runs them; then undone, as the lead undoes it; then the same tasks as a
team's own sheet (team_sheet) checked and written into the board the undo emptied.
Imported only once Django is set up against the bench database (see bench.__main__).
"""

import csv
import io
import random
import time
import traceback

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connections

from backlog.models import Task
from backlog.views import CSV_COLUMNS
from bench.database import BENCH_DATABASE, Server
from bench.generate import CATEGORIES, STAKEHOLDERS, TEAM, _address, _task_rows, create_team
from bench.report import ImportRun
from bench.run import progress
from imports.models import Import
from imports.services import import_commit, import_map, import_start, import_undo
from imports.tasks import import_check, import_undo_run, import_write
from mopsboard.roles import LEAD
from people.models import Person
from raci.models import Assignment


def run_import(*, server: Server, rows: int, seed: int) -> ImportRun:
    run = ImportRun(rows=rows)
    try:
        progress(f"[import] writing a {rows:,}-row spreadsheet")
        connections.close_all()
        server.recreate(BENCH_DATABASE)
        call_command("migrate", interactive=False, verbosity=0)
        ContentType.objects.clear_cache()
        lead = get_user_model().objects.create_user(username="lead")
        lead.groups.add(Group.objects.get(name=LEAD))
        # The team the Assignee column names is there; the requesters come with the file.
        create_team()
        content = spreadsheet(rows, seed=seed)
        run.megabytes = round(len(content) / 1e6, 1)
        imp = _timed_import(run, "", content, by=lead)

        progress(f"[import] undoing the import of {rows:,} tasks")
        started = time.perf_counter()
        import_undo(imp=imp, by=lead)
        import_undo_run(import_id=imp.pk, keep_changed=False)
        imp.refresh_from_db()
        run.undo_seconds = round(time.perf_counter() - started, 1)
        if imp.rows_undone != rows or Task.objects.exists():
            raise RuntimeError(f"{imp.label} undid {imp.rows_undone} of {rows} tasks")

        content = team_sheet(rows, seed=seed)
        run.sheet_megabytes = round(len(content) / 1e6, 1)
        _timed_import(run, "sheet_", content, by=lead)
    except Exception:
        run.error = traceback.format_exc(limit=3).strip().splitlines()[-1]
    return run


def _timed_import(run: ImportRun, step: str, content: bytes, *, by) -> Import:
    """Check and write `content`, timed into run's `{step}check_seconds` and
    `{step}write_seconds`. A file naming people new to the team is checked twice: the
    first check stops to ask about them, and the lead agrees to add them."""
    imp = import_start(upload=SimpleUploadedFile("backlog.csv", content), by=by)
    progress(f"[import] checking {run.rows:,} rows{' of a team sheet' if step else ''}")
    people_before, roles_before = Person.objects.count(), Assignment.objects.count()
    started = time.perf_counter()
    import_check(import_id=imp.pk)
    imp.refresh_from_db()
    asked = imp.people_question
    if asked and not (imp.questions or imp.value_questions):
        # As the lead ticks "Add them as stakeholders" on the columns page and sends it.
        import_map(imp=imp, mapping=imp.mapping, readings={}, people_confirmed=asked)
        import_check(import_id=imp.pk)
        imp.refresh_from_db()
    setattr(run, f"{step}check_seconds", round(time.perf_counter() - started, 1))
    if imp.state != Import.State.CHECKED or imp.problem_count:
        raise RuntimeError(
            f"{imp.label} is {imp.state}: {imp.problem_count} problems, the first "
            f"{imp.problems[:3]}; asks {imp.questions, imp.value_questions, imp.new_people}"
        )

    progress(f"[import] writing {run.rows:,} tasks")
    import_commit(imp=imp)
    started = time.perf_counter()
    import_write(import_id=imp.pk)
    setattr(run, f"{step}write_seconds", round(time.perf_counter() - started, 1))
    imp.refresh_from_db()
    written = Task.objects.count()
    if imp.state != Import.State.DONE or written != run.rows:
        raise RuntimeError(f"{imp.label} is {imp.state} with {written} tasks: {imp.error}")
    if not step:
        run.people_asked = len(asked)
        # The requesters new to the board are added too, without a question.
        run.people_added = Person.objects.count() - people_before
        run.roles_written = Assignment.objects.count() - roles_before
    return imp


# People the Assignee column names who are not on the team: the import asks before it
# adds them. Each is written one way only, so each is one new person.
NEW_ASSIGNEES = [
    "Freya Lindqvist",
    "Noah Brennan <noah.brennan@northwind.example>",
    "Tomás Reyes",
    "ines.costa@pixelworks.example",
    "Kai Müller <kai.mueller@northwind.example>",
    "Ola Nordmann",
]


def spreadsheet(rows: int, *, seed: int) -> bytes:
    """`rows` tasks in the export's columns, requesters and categories by name, and who
    does each in an Assignee column (assignees)."""
    rng = random.Random(seed)
    # Drawn apart, so the other columns are the ones the bench imported before it had one.
    assigning = random.Random(f"{seed}-assignee")
    people = [name for name, *_ in TEAM] + [name for name, _ in STAKEHOLDERS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*CSV_COLUMNS, "Assignee"])
    for number, task in enumerate(_task_rows(rng, tasks=rows, unscored=rows // 10), start=1):
        writer.writerow(
            [
                number,
                task.title,
                task.description,
                rng.choice(people) if rng.random() < 0.95 else "",
                rng.choice(CATEGORIES),
                task.impact or "",
                task.effort or "",
                "",
                task.status,
                task.estimate or "",
                task.planned_week or "",
                task.due_date or "",
                task.deferred_until or "",
                task.declined_reason,
                task.created_at.isoformat(),
                assignees(assigning),
            ]
        )
    return out.getvalue().encode()


def assignees(rng: random.Random) -> str:
    """An Assignee cell as teams write them: mostly one team member by name, some in lower
    case or by address, some two or three in one cell (a quarter of those with someone new
    to the team), a few empty."""
    chance = rng.random()
    if chance < 0.05:
        return ""
    count = 1 if chance < 0.8 else rng.randint(2, 3)
    named = [_written(rng, name) for name, *_ in rng.sample(TEAM, count)]
    if chance >= 0.95:
        named[-1] = rng.choice(NEW_ASSIGNEES)
    return rng.choice([", ", "; ", "\n"]).join(named)


def _written(rng: random.Random, name: str) -> str:
    way = rng.random()
    if way < 0.7:
        return name
    if way < 0.8:
        return name.lower()
    if way < 0.9:
        return _address(name)
    return f"{name} <{_address(name)}>"


# A team's own backlog sheet: its own headers, no one assigned (the team keeps who does
# what in its heads), a date and hours as a European spreadsheet writes them.
TEAM_SHEET_COLUMNS = [
    "Task",
    "Details",
    "Requested by",
    "Type",
    "Impact",
    "Effort",
    "Status",
    "Estimate (h)",
    "Week",
    "Due date",
    "Comes back",
    "Reason declined",
]


def team_sheet(rows: int, *, seed: int) -> bytes:
    """The generator's `rows` tasks as a team's own sheet: dates written day/month/year,
    hours with a decimal comma, statuses by their names."""
    rng = random.Random(seed)
    people = [name for name, *_ in TEAM] + [name for name, _ in STAKEHOLDERS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEAM_SHEET_COLUMNS)
    for task in _task_rows(rng, tasks=rows, unscored=rows // 10):
        writer.writerow(
            [
                task.title,
                task.description,
                rng.choice(people) if rng.random() < 0.95 else "",
                rng.choice(CATEGORIES),
                task.impact or "",
                task.effort or "",
                task.get_status_display(),
                f"{task.estimate_hours:.1f}".replace(".", ",") if task.estimate_hours else "",
                _day_first(task.planned_week),
                _day_first(task.due_date),
                _day_first(task.deferred_until),
                task.declined_reason,
            ]
        )
    return out.getvalue().encode()


def _day_first(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""

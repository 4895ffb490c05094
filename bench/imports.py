"""The CSV import at size: a spreadsheet of N tasks, as the export writes them (the
generator's spread of scores, statuses, weeks, dates and requesters), checked and then
written into an empty database by the import's own job functions, in this process, as a
queue worker runs them. Imported only once Django is set up against the bench database
(see bench.__main__).
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
from bench.generate import CATEGORIES, STAKEHOLDERS, TEAM, _task_rows
from bench.report import ImportRun
from bench.run import progress
from imports.models import Import
from imports.services import import_commit, import_start
from imports.tasks import import_check, import_write
from mopsboard.roles import LEAD


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
        content = spreadsheet(rows, seed=seed)
        run.megabytes = round(len(content) / 1e6, 1)
        imp = import_start(upload=SimpleUploadedFile("backlog.csv", content), by=lead)

        progress(f"[import] checking {rows:,} rows")
        started = time.perf_counter()
        import_check(import_id=imp.pk)
        run.check_seconds = round(time.perf_counter() - started, 1)
        imp.refresh_from_db()
        if imp.problem_count:
            raise RuntimeError(f"{imp.problem_count} problems, the first {imp.problems[:3]}")

        progress(f"[import] writing {rows:,} tasks")
        import_commit(imp=imp)
        started = time.perf_counter()
        import_write(import_id=imp.pk)
        run.write_seconds = round(time.perf_counter() - started, 1)
        imp.refresh_from_db()
        written = Task.objects.count()
        if imp.state != Import.State.DONE or written != rows:
            raise RuntimeError(f"{imp.label} is {imp.state} with {written} tasks: {imp.error}")
    except Exception:
        run.error = traceback.format_exc(limit=3).strip().splitlines()[-1]
    return run


def spreadsheet(rows: int, *, seed: int) -> bytes:
    """`rows` tasks in the export's columns, requesters and categories by name."""
    rng = random.Random(seed)
    people = [name for name, *_ in TEAM] + [name for name, _ in STAKEHOLDERS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
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
            ]
        )
    return out.getvalue().encode()

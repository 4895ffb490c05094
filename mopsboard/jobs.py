"""Queued jobs run in this process, on Django's own connection, as a worker runs them.

`seed_demo` tells the demo's news before it ends, so its mail is there at once; the bench
times a request, then runs the job it queued and checks what the job did; the tests run
it inside their own transaction and read what it wrote. The job is taken and
finished with procrastinate's own queries (those its JobManager runs), so it ends
"succeeded" as on a worker, and a job another worker holds is skipped.
"""

import json

from procrastinate import sql
from procrastinate.contrib.django import app
from procrastinate.jobs import Status


def jobs_run(*, queue: str) -> int:
    """Run every job waiting on `queue`, oldest first, until none is left; how many ran.
    A job that raises is left "doing" and its error raised."""
    connector = app.connector.get_sync_connector()
    ran = 0
    while True:
        job = connector.execute_query_one(
            query=sql.queries["fetch_job"], queues=[queue], worker_id=None
        )
        if job["id"] is None:  # the query answers a row of NULLs when nothing waits
            return ran
        # Django's connection reads jsonb as text, for its JSONField to decode.
        app.tasks[job["task_name"]](**json.loads(job["args"]))
        connector.execute_query(
            query=sql.queries["finish_job"],
            job_id=job["id"],
            status=Status.SUCCEEDED.value,
            delete_job=False,
        )
        ran += 1

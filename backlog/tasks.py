"""The backlog's daily job, run on the task queue's schedule (not on a page load)."""

from django.utils import timezone
from procrastinate.contrib.django import app

from backlog.services import deferred_tasks_return


@app.periodic(cron="5 0 * * *")
@app.task(queueing_lock="return-deferred")
def return_deferred(timestamp: int):
    """Just after midnight UTC: deferred work whose date has come goes back to triage."""
    deferred_tasks_return(today=timezone.localdate())

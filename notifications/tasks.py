"""Telling people, on the task queue's workers (procrastinate): a change's news is queued
as one `tell` job in the change's own transaction, so a change that rolls back tells
nobody and a committed one is told even if the process dies right after; the job writes
the notifications and queues their emails. The daily digest runs on the queue's
schedule (not on a page load).

The news of a change whose page offered to undo it waits MOPSBOARD_UNDO_SECONDS, the time
its maker has to undo it: an undo cancels the waiting job, so an undone change tells
nobody. Any other change is told at once."""

import time

from django.conf import settings
from django.db import OperationalError
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from mail.tasks import RETRY
from mopsboard.errors import Conflict
from mopsboard.retry import ForADay
from notifications.models import News
from notifications.news import news_of
from notifications.services import comment_tell, digests_send, import_tell, task_news_tell

QUEUE = "notifications"


@app.task(queue=QUEUE, retry=ForADay(failure=OperationalError, setting=RETRY))
def tell(
    *, task_id: int, version: int, moment: str, news: list, by_id: int | None, change: str = ""
):
    """Tell one change's news to the task's followers (`change` names the change, for an
    undo to find its job). A database that could not be reached (or a deadlock) is tried
    again like mail; any other error is a bug."""
    task_news_tell(task_id=task_id, version=version, moment=moment, news=news, by_id=by_id)


class NewsGone(Conflict):
    def __init__(self):
        super().__init__("Too late to undo: the news of that change is being sent.")


def news_queue(
    *,
    task,
    before,
    changes,
    by,
    via: str,
    change: str,
    undoes: str | None,
    offers_undo: bool = False,
    **details,
) -> int | None:
    """Queue the telling of one change, in the caller's transaction: the news is worked
    out now (it needs the task as it was), who hears it by the job. No news, no job.
    The job's id, or None.

    A change its page `offers_undo` for is told once its maker can no longer undo it
    (MOPSBOARD_UNDO_SECONDS); any other (a task page's edit, the API's, an import's) at
    once. An undo cancels the news of the change it undoes (news_cancel), and is news to
    nobody itself: nobody heard of what it takes back."""
    if undoes:
        news_cancel(change=undoes)
        return None
    told = news_of(task, before, changes, via=via, by=by, **details)
    if not told:
        return None
    # A RACI change leaves the task's version alone, so its key carries the moment too.
    moment = f":{time.time_ns()}" if any(kind == News.RACI for kind, *_ in told) else ""
    wait = settings.MOPSBOARD_UNDO_SECONDS if offers_undo else 0
    return (tell.configure(schedule_in={"seconds": wait}) if wait else tell).defer(
        task_id=task.pk,
        version=task.version,
        moment=moment,
        news=[[kind.value, *said] for kind, *said in told],
        by_id=by.pk if by is not None else None,
        change=change,
    )


@app.task(queue=QUEUE, retry=ForADay(failure=OperationalError, setting=RETRY))
def tell_comment(*, comment_id: int):
    """Tell a shared comment to the other side, retried as `tell` is."""
    comment_tell(comment_id=comment_id)


@app.task(queue=QUEUE, retry=ForADay(failure=OperationalError, setting=RETRY))
def tell_import(*, import_id: int):
    """Tell each person an import gave a part in the work, retried as `tell` is."""
    import_tell(import_id=import_id)


def news_cancel(*, change: str) -> None:
    """Cancel the news of `change` while its job waits; NewsGone once a worker has
    started telling it (the undo then rolls back: what was told stays true)."""
    waiting = ProcrastinateJob.objects.filter(task_name=tell.name, args__change=change).exclude(
        status="cancelled"
    )
    for job_id in waiting.values_list("pk", flat=True):
        if not app.job_manager.cancel_job_by_id(job_id):
            raise NewsGone()


@app.periodic(cron="0 7 * * *")
@app.task(queue="mail", queueing_lock="daily-digest")
def daily_digest(timestamp: int):
    """07:00 UTC: one email per person who takes a digest, with the day's news."""
    digests_send()

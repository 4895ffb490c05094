"""The goals' daily job, run on the task queue's schedule (not on a page load)."""

from django.utils import timezone
from procrastinate.contrib.django import app

from goals.services import goal_statuses_tell_overnight


@app.periodic(cron="15 0 * * *")
@app.task(queueing_lock="goal-statuses")
def tell_goal_statuses(timestamp: int):
    """Just after midnight UTC: a goal whose status moved with the day (its deadline
    passed, the free hours before it shrank) is told as a change, as an edit's is."""
    goal_statuses_tell_overnight(today=timezone.localdate())

"""The daily digest, run on the task queue's schedule (not on a page load)."""

from procrastinate.contrib.django import app

from notifications.services import digests_send


@app.periodic(cron="0 7 * * *")
@app.task(queue="mail", queueing_lock="daily-digest")
def daily_digest(timestamp: int):
    """07:00 UTC: one email per person who takes a digest, with the day's news."""
    digests_send()

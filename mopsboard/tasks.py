"""The task queue's own upkeep, run on its schedule by whichever worker is up.

procrastinate marks a worker dead when its heartbeat stops; the jobs it was running are
then put back on the queue here, so a worker killed mid-send loses nothing (the email's
own row lock and status keep the retry from sending it twice).
"""

from django.conf import settings
from procrastinate.contrib.django import app

QUEUE = settings.MOPSBOARD_QUEUE


@app.periodic(cron=QUEUE["recovery_cron"])
@app.task(queueing_lock="retry-stalled-jobs", pass_context=True)
async def retry_stalled_jobs(context, timestamp: int):
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=QUEUE["stalled_after"]):
        await manager.retry_job(job)


@app.periodic(cron="30 3 * * *")
@app.task(queueing_lock="remove-old-jobs", pass_context=True)
async def remove_old_jobs(context, timestamp: int):
    """Finished jobs are kept a week for the admin, then go; failed ones stay for study."""
    await context.app.job_manager.delete_old_jobs(nb_hours=7 * 24)

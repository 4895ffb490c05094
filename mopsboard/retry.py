"""How a queue job that needs another server (a mail server, a webhook's receiver) tries
again: after a minute, two, four … at most an hour apart, for a day. Only the job's own
"the server was not there" error is retried; any other error is a bug."""

from django.conf import settings
from procrastinate.retry import BaseRetryStrategy, RetryDecision


def retry_wait(attempts: int, *, setting: str) -> int | None:
    """Seconds to wait after a failed try (`attempts` tries before it), or None to give up.

    Doubling from the setting's "first", never longer than its "longest", until its "for"
    seconds of waiting have gone by (MOPSBOARD_MAIL_RETRY, MOPSBOARD_WEBHOOKS_RETRY).
    """
    retry = getattr(settings, setting)
    waits = [min(retry["first"] * 2**n, retry["longest"]) for n in range(attempts + 1)]
    return waits[-1] if sum(waits) <= retry["for"] else None


class ForADay(BaseRetryStrategy):
    """Try a job again after retry_wait's waits when it raised `failure`."""

    def __init__(self, *, failure: type[Exception], setting: str):
        self.failure, self.setting = failure, setting

    def get_retry_decision(self, *, exception, job):
        if not isinstance(exception, self.failure):
            return None
        wait = retry_wait(job.attempts, setting=self.setting)
        return None if wait is None else RetryDecision(retry_in={"seconds": wait})

"""What every log line carries: the request's id and the user, and JSON when asked."""

import contextvars
import json
import logging
import sys
import time

from django.db import InterfaceError, OperationalError
from django.utils.functional import empty

# Set by mopsboard.middleware.request_id to the request being served.
current_request = contextvars.ContextVar("current_request", default=None)


class RequestFilter(logging.Filter):
    """Adds `request_id` and `user_id` to the record ("-" where there is none). The user
    is named only once the request has looked them up: logging never queries."""

    def filter(self, record):
        request = current_request.get()
        record.request_id = getattr(request, "id", "-")
        user = getattr(request, "user", None)
        known = user is not None and getattr(user, "_wrapped", None) is not empty
        record.user_id = user.pk if known and user.pk else "-"
        return True


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is logged (a server or a test may
    replace it after logging is configured)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        """sys.stderr is always the stream; StreamHandler sets it once, at start."""


class OncePerOutage(logging.Filter):
    """While the database is away every request fails the same way: log the first, then
    stay quiet for OUTAGE_QUIET seconds rather than write a traceback per request. A 503
    answer counts too (Django logs every 5xx with its `status_code`): /readyz and the
    API answer it without raising, and a load balancer probes every few seconds."""

    OUTAGE_QUIET = 60

    def __init__(self):
        super().__init__()
        self.last_reported = 0.0

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if (
            not isinstance(error, (OperationalError, InterfaceError))
            and getattr(record, "status_code", None) != 503
        ):
            return True
        now = time.monotonic()
        if now - self.last_reported < self.OUTAGE_QUIET:
            return False
        self.last_reported = now
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line (LOG_FORMAT=json), for log collectors."""

    def format(self, record):
        line = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "user_id": getattr(record, "user_id", "-"),
        }
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line)

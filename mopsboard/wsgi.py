"""WSGI entry point: `gunicorn --config gunicorn.conf.py` (which names it) or any WSGI server.
What an app server does once a worker has loaded it is in gunicorn.conf.py."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mopsboard.settings")
application = get_wsgi_application()

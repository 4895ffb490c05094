"""WSGI entry point, for gunicorn: `gunicorn mopsboard.wsgi`.

The app, its URLs and views are loaded here, then kept out of Python's cyclic garbage
collector: they live as long as the process, and a full collection that walks them all
took 57 to 86 ms on the development VM, now and then in the middle of a request. The
young generation is collected every 20,000 new objects rather than every 700: a request
makes tens of thousands, nearly all freed by the end of it, and collecting them that
often cost 0.5 ms of every API page (0.1 ms now). See bench/README.md, "Garbage
collection".
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from mopsboard.database import use_embedded_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mopsboard.settings")
use_embedded_database()  # `make serve` in a checkout without DATABASE_URL
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 # imports every app's URLs and views now
gc.freeze()
gc.set_threshold(20_000, 10, 10)

"""gunicorn's settings for mopsboard: `make serve` and the README's production commands start
`gunicorn --config gunicorn.conf.py`, and gunicorn reads this file by itself when it starts
in this folder. Command-line options (--bind, --workers) override what is set here."""

import gc
import os

wsgi_app = "mopsboard.wsgi"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"


def post_worker_init(worker):
    """Load every app's URLs and views now, then keep what the worker loaded out of Python's
    cyclic garbage collector: it lives as long as the process, and a full collection that
    walks it all lands, now and then, in the middle of a request. A request makes tens of
    thousands of objects, nearly all freed by its end, so the young generation is collected
    every 20,000 new objects rather than every 700 (bench/README.md, "Garbage collection")."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 # imports every app's URLs and views
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)

"""gunicorn's settings for the app: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every setting can be overridden on the command line (``--workers 8``) or through
``GUNICORN_CMD_ARGS``; the defaults below are read from the environment where noted.

- Workers are processes (one per core, plus one) and each serves ``LMS_THREADS`` requests at
  once in threads: pages spend much of their time waiting on the database.
- The app is loaded once in the master before the workers are forked (``preload_app``), so its
  code and start-up data are shared by every worker, copy-on-write.
- Python's garbage collector is kept off while the app loads, and everything alive at fork is
  frozen (``gc.freeze()``): collections in the workers then never walk the hundreds of
  thousands of long-lived objects of the app's start-up (modules, templates, metadata), which
  on the large pages cost more than the page's own work, and do not write to the shared memory
  pages (so they stay shared).
- Each worker drops the database connections it inherited from the master, if any: a
  connection must never be shared between processes.
"""

from __future__ import annotations

import gc
import multiprocessing
import os

bind = os.environ.get("LMS_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("LMS_THREADS", "4"))
worker_class = "gthread"
preload_app = True
# Long enough for the largest report or export a request builds; audit packets are built by a
# background thread and are not bound by it.
timeout = 120
graceful_timeout = 30
keepalive = 5
# The app logs to stderr; gunicorn adds its access log there too.
accesslog = "-"
errorlog = "-"

# No collections while the app is imported and built in the master: its objects live as long as
# the process, and scanning them again and again only costs time.
gc.disable()


def pre_fork(server, worker) -> None:
    """In the master, before each worker is forked: freeze every object alive now."""
    gc.freeze()


def post_fork(server, worker) -> None:
    """In each new worker: forget inherited database connections and collect garbage again."""
    import sys

    preloaded = sys.modules.get("wsgi")
    app = getattr(preloaded, "app", None)
    if app is not None:
        # close=False: leave the master's connections (if any) alone, just stop using them.
        app.extensions["lms.db"].engine.dispose(close=False)
    gc.enable()

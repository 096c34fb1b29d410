"""The shipped gunicorn configuration: threaded workers on a preloaded app, the collector off
while it loads, objects frozen before each fork, inherited connections dropped after it."""

from __future__ import annotations

import gc
import runpy
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.fixture
def config(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("LMS_THREADS", raising=False)
    was_enabled = gc.isenabled()
    try:
        yield runpy.run_path(str(CONFIG))
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def test_workers_are_threaded_processes_forked_from_a_preloaded_app(config):
    assert config["preload_app"] is True
    assert config["worker_class"] == "gthread"
    assert config["workers"] >= 2
    assert config["threads"] >= 2
    assert not gc.isenabled()  # off while the master imports and builds the app


def test_the_worker_count_and_threads_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    monkeypatch.setenv("LMS_THREADS", "3")
    was_enabled = gc.isenabled()
    try:
        config = runpy.run_path(str(CONFIG))
    finally:
        if was_enabled:
            gc.enable()
    assert (config["workers"], config["threads"]) == (7, 3)


def test_objects_are_frozen_before_fork_and_the_worker_collects_again(config, monkeypatch):
    disposed = []
    engine = SimpleNamespace(dispose=lambda close=True: disposed.append(close))
    app = SimpleNamespace(extensions={"lms.db": SimpleNamespace(engine=engine)})
    monkeypatch.setitem(sys.modules, "wsgi", SimpleNamespace(app=app))

    config["pre_fork"](None, None)
    assert gc.get_freeze_count() > 0
    config["post_fork"](None, None)
    assert gc.isenabled()
    assert disposed == [False]  # the inherited pool is forgotten, not closed under the master

"""Audit packets requested from the web: queued in the database, built by a background thread
of the app process, stored in the database so any app server can hand the file over."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from lms import clock
from lms.actor import Actor
from lms.auditlog.operations import record
from lms.auditors.models import ExportJob, ExportStatus
from lms.auditors.packet import PacketOptions, build_packet
from lms.db import begin_long_read

#: A running job whose thread has not reported for this long died with its process.
STALE_AFTER = dt.timedelta(minutes=5)


def request_packet(session: Session, actor: Actor, as_of: dt.date) -> ExportJob:
    job = ExportJob(
        requested_by_id=actor.user_id,
        as_of=as_of,
        status=ExportStatus.QUEUED,
        progress_done=0,
        progress_total=0,
        created_at=clock.now(),
    )
    session.add(job)
    session.flush()
    record(session, actor, "export.request", "export_job", job.id, {"as_of": as_of.isoformat()})
    return job


def is_stale(job: ExportJob, now: dt.datetime) -> bool:
    last = job.heartbeat_at or job.created_at
    return job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) and now - last > STALE_AFTER


def _update(session_factory: Callable[[], Session], job_id: int, **values: Any) -> None:
    """Write the job's state in a short transaction of its own: the packet is read in one long
    transaction, and (on SQLite) a reader that has seen older data may not write."""
    session = session_factory()
    try:
        job = session.get(ExportJob, job_id)
        for name, value in values.items():
            setattr(job, name, value)
        session.commit()
    finally:
        session.close()


def run_job(session_factory: Callable[[], Session], job_id: int, options: PacketOptions) -> None:
    """Build the packet for ``job_id`` and store it; record the failure if anything goes wrong."""
    _update(session_factory, job_id, status=ExportStatus.RUNNING, heartbeat_at=clock.now())

    def progress(done: int, total: int) -> None:
        _update(
            session_factory,
            job_id,
            progress_done=done,
            progress_total=total,
            heartbeat_at=clock.now(),
        )

    reader = session_factory()
    try:
        begin_long_read(reader)
        with tempfile.TemporaryFile() as target:
            build_packet(reader, target, options, progress)
            reader.close()
            target.seek(0)
            data = target.read()
        _update(
            session_factory,
            job_id,
            content=data,
            sha256=hashlib.sha256(data).hexdigest(),
            size_bytes=len(data),
            filename=f"audit-packet-{options.as_of}.zip",
            status=ExportStatus.READY,
            finished_at=clock.now(),
        )
    except Exception as error:  # the job must end in a state the requester can see
        reader.close()
        _update(
            session_factory,
            job_id,
            status=ExportStatus.FAILED,
            finished_at=clock.now(),
            error=f"{type(error).__name__}: {error}"[:500],
        )
        raise


def start_job(
    session_factory: Callable[[], Session], job_id: int, options: PacketOptions, inline: bool
) -> None:
    """Run the job in a background thread (the request returns at once), or inline in tests."""
    if inline:
        run_job(session_factory, job_id, options)
        return
    thread = threading.Thread(
        target=_run_quietly,
        args=(session_factory, job_id, options),
        daemon=True,
        name=f"audit-packet-{job_id}",
    )
    thread.start()


def _run_quietly(*args: Any) -> None:
    import contextlib
    import logging

    with contextlib.suppress(Exception):
        try:
            run_job(*args)
        except Exception:
            logging.getLogger(__name__).exception("audit packet job failed")

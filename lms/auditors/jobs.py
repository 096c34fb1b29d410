"""Audit packets requested from the web: queued in the database, built by a background thread
of the app process, stored in the database in chunks so any app server can hand the file over,
with memory flat however large the packet."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lms import clock
from lms.actor import Actor
from lms.auditlog.operations import record
from lms.auditors.models import ExportChunk, ExportJob, ExportStatus
from lms.auditors.packet import PacketOptions, build_packet
from lms.db import begin_long_read

#: A running job whose thread has not reported for this long died with its process.
STALE_AFTER = dt.timedelta(minutes=5)
#: Bytes of the packet's file stored (and sent) at a time.
CHUNK_BYTES = 1024 * 1024


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
            _store(session_factory, job_id, target, f"audit-packet-{options.as_of}.zip")
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


def _store(session_factory: Callable[[], Session], job_id: int, source, filename: str) -> None:
    """Store the built file ``source`` as the job's chunks and mark it ready, in one
    transaction: a job is never ready with part of its file, and a failure stores nothing.
    One chunk is held at a time, and its hash is taken as it goes."""
    session = session_factory()
    try:
        digest, size = hashlib.sha256(), 0
        for sequence, data in enumerate(iter(lambda: source.read(CHUNK_BYTES), b"")):
            session.execute(insert(ExportChunk).values(job_id=job_id, sequence=sequence, data=data))
            digest.update(data)
            size += len(data)
        job = session.get(ExportJob, job_id)
        job.sha256, job.size_bytes, job.filename = digest.hexdigest(), size, filename
        job.status, job.finished_at = ExportStatus.READY, clock.now()
        session.commit()
    finally:
        session.close()


def chunks(session: Session, job_id: int):
    """The job's file, a chunk at a time, in order: one query per chunk, so no more than one
    is held however large the file."""
    sequence = 0
    while True:
        data = session.execute(
            select(ExportChunk.data).where(
                ExportChunk.job_id == job_id, ExportChunk.sequence == sequence
            )
        ).scalar_one_or_none()
        if data is None:
            return
        yield data
        sequence += 1


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

"""An audit packet requested from the web is stored in chunks (``lms.auditors.jobs``): the file
read back chunk by chunk is the file built, its hash and size are recorded with it, a failure
while storing leaves no chunk and a failed job, and migration f2b6d8e0a4c7 turns a file stored
whole into its job's one chunk (and back)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from lms import clock
from lms.actor import Actor
from lms.auditors import jobs
from lms.auditors.models import ExportChunk, ExportJob, ExportStatus
from lms.auditors.packet import PacketOptions
from lms.db import make_engine
from lms.migrate import downgrade, upgrade
from lms.training.operations import settings_from_config
from tests.support.databases import configured_url, revision_before, scratch_database

REVISION = "f2b6d8e0a4c7"


@pytest.fixture
def queued(app, db):
    """A queued job, committed (the job writes through sessions of its own), and its options."""
    job = jobs.request_packet(db, Actor.system("test"), dt.date(2026, 11, 1))
    db.commit()
    options = PacketOptions(
        as_of=dt.date(2026, 11, 1),
        organisation="Test Agency",
        timezone="America/New_York",
        settings=settings_from_config(app.config),
    )
    return job.id, options


def _sessions(app):
    return app.extensions["lms.db"].session_factory


def test_a_packet_is_stored_in_chunks_and_read_back_whole(app, db, queued, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK_BYTES", 4096)
    job_id, options = queued
    jobs.run_job(_sessions(app), job_id, options)
    db.expire_all()
    job = db.get(ExportJob, job_id)
    assert job.status is ExportStatus.READY
    pieces = list(jobs.chunks(db, job_id))
    data = b"".join(pieces)
    assert len(pieces) == -(-len(data) // 4096) > 1  # several chunks, all but the last full
    assert all(len(piece) == 4096 for piece in pieces[:-1])
    assert (job.size_bytes, job.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert job.filename == "audit-packet-2026-11-01.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as packet:
        assert packet.testzip() is None  # every member reads back intact


def test_a_failure_while_storing_stores_nothing_and_fails_the_job(app, db, queued, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK_BYTES", 4096)
    calls = []
    real_insert = jobs.insert

    def failing_third(table):
        calls.append(table)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_insert(table)

    monkeypatch.setattr(jobs, "insert", failing_third)
    job_id, options = queued
    with pytest.raises(OSError):
        jobs.run_job(_sessions(app), job_id, options)
    db.expire_all()
    job = db.get(ExportJob, job_id)
    assert job.status is ExportStatus.FAILED and "disk full" in job.error
    assert job.sha256 is None and job.size_bytes is None
    stored = select(func.count()).select_from(ExportChunk).where(ExportChunk.job_id == job_id)
    assert db.execute(stored).scalar_one() == 0


def test_the_migration_makes_a_file_stored_whole_its_jobs_one_chunk():
    jobs_table = sa.table(
        "export_jobs",
        sa.column("id", sa.Integer()),
        sa.column("as_of", sa.Date()),
        sa.column("status", sa.String()),
        sa.column("progress_done", sa.Integer()),
        sa.column("progress_total", sa.Integer()),
        sa.column("created_at", sa.DateTime()),
        sa.column("size_bytes", sa.Integer()),
        sa.column("content", sa.LargeBinary()),
    )
    whole = b"PK" + bytes(range(256)) * 10
    with scratch_database(configured_url(), "export_chunks") as url:
        engine = make_engine(url)
        try:
            before = revision_before(engine, REVISION)
            upgrade(engine, before)
            with engine.begin() as connection:
                stamp = {
                    "as_of": dt.date(2026, 11, 1),
                    "progress_done": 0,
                    "progress_total": 0,
                    "created_at": clock.now(),
                }
                connection.execute(
                    jobs_table.insert(),
                    [
                        {**stamp, "id": 1, "status": "ready", "size_bytes": 2562, "content": whole},
                        {**stamp, "id": 2, "status": "failed", "size_bytes": None, "content": None},
                    ],
                )
            upgrade(engine, REVISION)
            with engine.connect() as connection:
                chunks = connection.execute(
                    sa.text("SELECT job_id, sequence, data FROM export_chunks")
                ).all()
                assert [(job, sequence, bytes(data)) for job, sequence, data in chunks] == [
                    (1, 0, whole)
                ]
            downgrade(engine, before)
            with engine.connect() as connection:
                kept = connection.execute(
                    sa.text("SELECT id, content FROM export_jobs ORDER BY id")
                ).all()
            assert [(job, content and bytes(content)) for job, content in kept] == [
                (1, whole),
                (2, None),
            ]
            upgrade(engine)
        finally:
            engine.dispose()

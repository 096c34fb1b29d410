"""Test databases: which one a run uses, and scratch databases for tests that need their own.

``python -m tests.support.databases postgres-url`` prints the PostgreSQL URL the suite should
use (creating the database if missing) and exits 0, or prints why PostgreSQL cannot be used
and exits 3. The Makefile uses it to run the suite a second time on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@/lms_test?host=/var/run/postgresql"


def configured_url() -> str | None:
    """The database the suite runs on; None means a throw-away SQLite file."""
    url = os.environ.get("LMS_TEST_DATABASE_URL", "").strip()
    return None if url in ("", "sqlite") else url


def _maintenance_engine(url: str):
    return create_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT", pool_size=1
    )


def ensure_postgres_database(url: str) -> None:
    """Create the database named in ``url`` if it does not exist yet."""
    name = make_url(url).database
    engine = _maintenance_engine(url)
    try:
        with engine.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


@contextlib.contextmanager
def scratch_database(base_url: str | None, purpose: str) -> Iterator[str]:
    """A new, empty database of the same kind as ``base_url``, removed afterwards."""
    if base_url is None or make_url(base_url).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory(prefix=f"lms-{purpose}-") as folder:
            yield f"sqlite:///{Path(folder) / 'scratch.sqlite3'}"
        return
    name = f"{make_url(base_url).database}_{purpose}_{uuid.uuid4().hex[:8]}"
    url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    engine = _maintenance_engine(base_url)
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def revision_before(engine, revision: str) -> str:
    """The migration revision that ``revision`` follows: where a migration's test sets up the
    rows it will change."""
    from alembic.script import ScriptDirectory

    from lms.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config(engine)).get_revision(revision).down_revision


def _main(argv: list[str]) -> int:
    if argv[1:] != ["postgres-url"]:
        print("usage: python -m tests.support.databases postgres-url", file=sys.stderr)
        return 2
    url = os.environ.get("LMS_TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL
    try:
        ensure_postgres_database(url)
    except Exception as error:  # any failure means "no PostgreSQL here", reported, not raised
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"no PostgreSQL answered at {make_url(url)!r}: {reason}")
        return 3
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))

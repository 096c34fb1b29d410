"""Database plumbing: the declarative base, the UTC timestamp type and per-app sessions."""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import DateTime, Engine, Enum, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

#: Stable constraint names so Alembic diffs match on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An instant stored in UTC and always returned timezone-aware.

    SQLite has no time zones, so values are stored there as naive UTC; a naive value handed
    in by application code is a bug and is refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC instant is required")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def string_enum(enum_class: type[enum.StrEnum], name: str) -> Enum:
    """A string column restricted to the enum's values by a check constraint named ``name``."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


#: Connection execution option marking a transaction that only reads, for a long time (an
#: audit packet, a report). See :func:`begin_long_read`.
LONG_READ_OPTION = "lms_long_read"


def begin_long_read(session: Session) -> None:
    """Begin ``session``'s transaction as a long read-only one.

    On SQLite every other transaction begins IMMEDIATE, taking the single write lock at once;
    a read that lasts seconds must not hold that lock, so it begins DEFERRED instead, reading a
    snapshot while others write. Call before the session's first query. No effect elsewhere.
    """
    session.connection(execution_options={LONG_READ_OPTION: True})


#: Set while a read-only web request runs: its transactions begin DEFERRED on SQLite.
_reads_deferred: ContextVar[bool] = ContextVar("lms_reads_deferred", default=False)


@contextlib.contextmanager
def deferred_transactions(deferred: bool = True) -> Iterator[None]:
    """Inside the block, SQLite transactions begin DEFERRED (``deferred``) or IMMEDIATE.

    A request with a safe method (GET, HEAD) runs in this block: its transaction reads a snapshot
    without taking the write lock, so readers never queue behind each other or behind a writer.
    Should it write after all, SQLite upgrades the transaction at its first write; when another
    connection has committed since the snapshot was taken that upgrade fails at once with
    :func:`is_write_conflict`, and ``lms.web`` runs the request again beginning IMMEDIATE.
    """
    token = _reads_deferred.set(deferred)
    try:
        yield
    finally:
        _reads_deferred.reset(token)


def reads_deferred() -> bool:
    """Whether this context's SQLite transactions begin DEFERRED (a safe-method request)."""
    return _reads_deferred.get()


def is_write_conflict(error: BaseException) -> bool:
    """Whether ``error`` is SQLite refusing a write (SQLITE_BUSY and its extended codes)."""
    original = getattr(error, "orig", error)
    code = getattr(original, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == 5  # SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, …


def _configure_sqlite(engine: Engine) -> None:
    """Enforce foreign keys and let SQLAlchemy, not pysqlite, issue BEGIN (so savepoints work).

    Transactions begin IMMEDIATE. In WAL mode a DEFERRED transaction that has read and then
    wants to write fails at once with "database is locked" if another connection committed in
    between (its snapshot is stale, and waiting cannot help); that is what a page view hit when
    it appended to the audit log while a packet job recorded its progress. IMMEDIATE takes the
    write lock up front, so writers queue behind ``busy_timeout`` instead. (Django made the same
    choice available for SQLite as ``transaction_mode="IMMEDIATE"``.) Two kinds of transaction
    begin DEFERRED instead: long reads (:func:`begin_long_read`) and read-only web requests
    (:func:`deferred_transactions`).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        # Write-ahead logging lets readers and one writer work at once: a long report being
        # built must not lock out sign-ins and page views.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        long_read = connection.get_execution_options().get(LONG_READ_OPTION, False)
        deferred = long_read or _reads_deferred.get()
        connection.exec_driver_sql("BEGIN DEFERRED" if deferred else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the project's per-dialect settings."""
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


@dataclass
class Database:
    """What an app holds of its database: the engine and a factory for sessions.

    Tests replace ``session_factory`` so that every request in a test shares one
    transaction that is rolled back afterwards.
    """

    engine: Engine
    session_factory: Callable[[], Session]

    @classmethod
    def for_url(cls, url: str) -> Database:
        engine = make_engine(url)
        return cls(engine=engine, session_factory=sessionmaker(engine, expire_on_commit=False))

"""Fixtures shared by every test layer.

The schema is built once per run by ``alembic upgrade head`` on the run's database (a temporary
SQLite file, or PostgreSQL when ``LMS_TEST_DATABASE_URL`` names it); each test then works inside
a transaction that is rolled back, so tests never see each other's rows.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterator

import pytest

# Set before the app reads its environment: tests never touch the developer's instance/ folder.
os.environ["LMS_ENV"] = "testing"
os.environ["LMS_SECRET_KEY"] = "test-secret-key-not-for-production"
os.environ["LMS_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="lms-test-instance-")
os.environ.pop("LMS_DATABASE_URL", None)

from argon2 import PasswordHasher
from sqlalchemy import event, text
from sqlalchemy.orm import Session

import lms.reactions  # noqa: F401 - operations announce events that these react to
from lms import clock, create_app
from lms.auth.models import Role, User, UserRole
from lms.auth.passwords import MIN_MEMORY_KIB, MIN_PARALLELISM, MIN_TIME_COST
from lms.db import make_engine
from lms.migrate import upgrade
from tests.support.databases import configured_url, ensure_postgres_database

PASSWORD = "correct-horse-battery-staple"

#: The floor the app allows: tests hash often, and the floor is what must work.
TEST_ARGON2 = {
    "ARGON2_MEMORY_KIB": MIN_MEMORY_KIB,
    "ARGON2_TIME_COST": MIN_TIME_COST,
    "ARGON2_PARALLELISM": MIN_PARALLELISM,
}


def pytest_report_header(config) -> str:
    url = configured_url()
    return f"database: {url.split('@')[-1] if url else 'SQLite (temporary file)'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = configured_url()
    if url is None:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    ensure_postgres_database(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url):
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:  # start from nothing, whatever a previous run left
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine) -> Iterator[Session]:
    """A session whose commits become savepoints inside a transaction rolled back afterwards."""
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield session
    session.close()
    transaction.rollback()
    connection.close()


@pytest.fixture
def app(db, database_url):
    app = create_app({"DATABASE_URL": database_url, **TEST_ARGON2})
    app.extensions["lms.db"].session_factory = lambda: db
    yield app
    app.extensions["lms.db"].engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class FrozenClock:
    """Pins ``lms.clock`` to an instant that tests move by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += dt.timedelta(**delta)


@pytest.fixture
def frozen_clock(monkeypatch) -> FrozenClock:
    frozen = FrozenClock(dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC))
    monkeypatch.setattr(clock, "_utc_now", frozen)
    return frozen


_HASHES: dict[str, str] = {}


def password_hash(password: str) -> str:
    """Hash once per run per password: hashing is deliberately slow."""
    if password not in _HASHES:
        _HASHES[password] = PasswordHasher(
            memory_cost=MIN_MEMORY_KIB, time_cost=MIN_TIME_COST, parallelism=MIN_PARALLELISM
        ).hash(password)
    return _HASHES[password]


@pytest.fixture
def make_user(db):
    """Insert an account directly (setup, not the behaviour under test)."""

    def make(
        email: str,
        *roles: Role,
        password: str = PASSWORD,
        full_name: str | None = None,
        **fields,
    ) -> User:
        now = clock.now()
        user = User(
            email=email.lower(),
            full_name=full_name or email.split("@")[0].title(),
            password_hash=password_hash(password),
            is_active=True,
            session_version=1,
            created_at=now,
            password_changed_at=now,
            role_grants=[UserRole(role=role) for role in roles],
            **fields,
        )
        db.add(user)
        # Committed (a savepoint released inside the test's transaction) so that a view that
        # rolls back its own work on bad input cannot roll back the test's setup too.
        db.commit()
        return user

    return make


@pytest.fixture
def users(make_user) -> dict[str, User]:
    """One account per role, keyed by the role's value."""
    return {
        role.value: make_user(
            f"{role.value}@example.org",
            role,
            **({"access_ends_on": dt.date(2099, 12, 31)} if role is Role.AUDITOR else {}),
        )
        for role in Role
    }


CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    response = client.get(path, follow_redirects=True)
    match = CSRF_PATTERN.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class AuthActions:
    def __init__(self, client) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD, follow_redirects: bool = False):
        token = csrf_token(self.client)
        return self.client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": token},
            follow_redirects=follow_redirects,
        )

    def logout(self):
        token = csrf_token(self.client, "/")  # every signed-in page carries the sign-out form
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(engine):
    """Count the SQL statements run inside ``with count_queries() as counter:``."""
    import contextlib

    @contextlib.contextmanager
    def counting():
        counter = QueryCounter()

        def before_execute(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", before_execute)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before_execute)

    return counting

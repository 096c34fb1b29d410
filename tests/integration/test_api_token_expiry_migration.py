"""Migration e8b4d2a6f0c1: tokens made before expiry existed get 90 days from their creation."""

import datetime as dt

import sqlalchemy as sa

from lms.db import UTCDateTime, make_engine
from lms.migrate import downgrade, upgrade
from tests.support.databases import configured_url, scratch_database

BEFORE_EXPIRY = "c25fb4410cb9"

TOKENS = sa.table(
    "api_tokens",
    sa.column("name", sa.String()),
    sa.column("token_hash", sa.String()),
    sa.column("token_prefix", sa.String()),
    sa.column("role", sa.String()),
    sa.column("created_at", UTCDateTime()),
    sa.column("revoked_at", UTCDateTime()),
)
EXPIRIES = sa.table(
    "api_tokens", sa.column("name", sa.String()), sa.column("expires_at", UTCDateTime())
)


def test_existing_tokens_expire_90_days_after_creation():
    with scratch_database(configured_url(), "token_expiry") as url:
        engine = make_engine(url)
        try:
            upgrade(engine, BEFORE_EXPIRY)
            with engine.begin() as connection:
                connection.execute(
                    TOKENS.insert(),
                    [
                        {
                            "name": "Old sync",
                            "token_hash": "a" * 64,
                            "token_prefix": "tmlms_aaaaaa",
                            "role": "hr",
                            "created_at": dt.datetime(2026, 1, 31, 23, 59, 59, 5, tzinfo=dt.UTC),
                            "revoked_at": None,
                        },
                        {
                            "name": "Old export",
                            "token_hash": "b" * 64,
                            "token_prefix": "tmlms_bbbbbb",
                            "role": "auditor",
                            "created_at": dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC),
                            "revoked_at": dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC),
                        },
                    ],
                )

            upgrade(engine)
            with engine.connect() as connection:
                expiries = dict(
                    connection.execute(sa.select(EXPIRIES.c.name, EXPIRIES.c.expires_at)).all()
                )
            assert expiries == {
                # 2026 is not a leap year: 28 days of February, 31 of March, 30 of April.
                "Old sync": dt.datetime(2026, 5, 1, 23, 59, 59, 5, tzinfo=dt.UTC),
                "Old export": dt.datetime(2026, 5, 30, 12, tzinfo=dt.UTC),
            }

            downgrade(engine, BEFORE_EXPIRY)  # and the tokens survive the way back
            with engine.connect() as connection:
                names = connection.execute(sa.select(TOKENS.c.name)).scalars().all()
            assert sorted(names) == ["Old export", "Old sync"]
        finally:
            engine.dispose()

"""Migrations: upgrade to head, downgrade to base, and no drift between models and migrations."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from lms.db import make_engine
from lms.migrate import downgrade, upgrade
from lms.schema import Base, modelled
from tests.support.databases import configured_url, scratch_database


def test_upgrade_downgrade_and_no_drift():
    with scratch_database(configured_url(), "migrations") as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            with engine.connect() as connection:
                context = MigrationContext.configure(
                    connection,
                    opts={"compare_type": True, "render_as_batch": True, "include_name": modelled},
                )
                assert compare_metadata(context, Base.metadata) == []
                tables = set(inspect(connection).get_table_names())
            assert set(Base.metadata.tables) <= tables

            downgrade(engine, "base")
            with engine.connect() as connection:
                assert set(inspect(connection).get_table_names()) <= {"alembic_version"}

            upgrade(engine)  # and back up again, as a deployment after a rollback would
        finally:
            engine.dispose()

"""Alembic environment: runs on the engine the app hands over (see lms/migrate.py)."""

from alembic import context

from lms.schema import Base, modelled

config = context.config
engine = config.attributes.get("engine")
if engine is None:
    from lms import create_app

    engine = create_app().extensions["lms.db"].engine


def run_migrations() -> None:
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=modelled,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()

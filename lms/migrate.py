"""Running Alembic migrations against an app's database."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from lms.config import PROJECT_ROOT

MIGRATIONS_PATH = PROJECT_ROOT / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config whose env.py runs on ``engine`` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_PATH))
    config.set_main_option(
        "file_template",
        "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s",
    )
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)

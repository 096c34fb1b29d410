"""Index the name search on both databases (issue 15).

PostgreSQL: the trigram indexes of 8d2b6e4f1a93 (pg_trgm, GIN) serve the search's ILIKE, but
GIN's "fast update" queues new rows in a pending list that every search reads in full until a
vacuum merges it; ``people`` changes too little for autovacuum to come by soon after an import,
so searches read thousands of queued rows (the planner then prefers scanning the table). With
fast update off, a row goes into the index when it is written (a slower insert, on a table that
is rarely written). Any of the three that 8d2b6e4f1a93 made plain for want of pg_trgm is rebuilt
as a trigram index if the server has the extension now (created here: a trusted extension);
without it the upgrade leaves them plain, as 8d2b6e4f1a93 did.

SQLite: ``people_search``, an FTS5 table with the trigram tokenizer (SQLite 3.34+) over
``people``'s legal_name, preferred_name and work_email (external content: it stores only the
index, and reads the text from ``people``), filled from the existing rows and kept in step by
triggers on ``people``. A migration that rebuilds ``people`` (batch mode's copy-and-rename)
drops those triggers with the old table and must create them again.

Downgrade: on SQLite drops the triggers and the table; on PostgreSQL turns fast update back on
(the indexes and pg_trgm belong to 8d2b6e4f1a93).

Revision ID: 921b09b5a486
Revises: bbc56b24c0cb
Create Date: 2026-12-06 00:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "921b09b5a486"
down_revision: str | None = "bbc56b24c0cb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED = ("legal_name", "preferred_name", "work_email")
TRIGRAMS_SINCE = (3, 34, 0)  # SQLite's first release with FTS5's trigram tokenizer

# The external-content pattern of SQLite's FTS5 documentation: an index entry is removed by
# handing FTS5 the values it was made from ('delete'), then the new values are added.
SQLITE_UPGRADE = (
    "CREATE VIRTUAL TABLE people_search USING fts5(legal_name, preferred_name, work_email, "
    "content='people', content_rowid='id', tokenize='trigram')",
    "INSERT INTO people_search(people_search) VALUES ('rebuild')",
    """CREATE TRIGGER people_search_insert AFTER INSERT ON people BEGIN
        INSERT INTO people_search(rowid, legal_name, preferred_name, work_email)
        VALUES (new.id, new.legal_name, new.preferred_name, new.work_email);
    END""",
    """CREATE TRIGGER people_search_delete AFTER DELETE ON people BEGIN
        INSERT INTO people_search(people_search, rowid, legal_name, preferred_name, work_email)
        VALUES ('delete', old.id, old.legal_name, old.preferred_name, old.work_email);
    END""",
    """CREATE TRIGGER people_search_update
    AFTER UPDATE OF id, legal_name, preferred_name, work_email ON people BEGIN
        INSERT INTO people_search(people_search, rowid, legal_name, preferred_name, work_email)
        VALUES ('delete', old.id, old.legal_name, old.preferred_name, old.work_email);
        INSERT INTO people_search(rowid, legal_name, preferred_name, work_email)
        VALUES (new.id, new.legal_name, new.preferred_name, new.work_email);
    END""",
)
SQLITE_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS people_search_update",
    "DROP TRIGGER IF EXISTS people_search_delete",
    "DROP TRIGGER IF EXISTS people_search_insert",
    "DROP TABLE IF EXISTS people_search",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        version = bind.execute(sa.text("SELECT sqlite_version()")).scalar_one()
        if tuple(int(part) for part in version.split(".")) < TRIGRAMS_SINCE:
            raise RuntimeError(
                f"the name search index needs SQLite 3.34 or later (FTS5's trigram tokenizer); "
                f"this Python's SQLite is {version}"
            )
        for statement in SQLITE_UPGRADE:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        for column in SEARCHED:
            name = f"ix_people_{column}_trigrams"
            if _index_method(bind, name) == "gin":
                op.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
                # Merge what is queued already: turning fast update off does not.
                op.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")
            elif _trigrams_available(bind):  # made plain by 8d2b6e4f1a93 for want of pg_trgm
                op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                op.drop_index(name, table_name="people")
                op.create_index(
                    name,
                    "people",
                    [column],
                    postgresql_using="gin",
                    postgresql_ops={column: "gin_trgm_ops"},
                    postgresql_with={"fastupdate": "off"},
                )
            # Otherwise the server still has no pg_trgm: the plain index stays, the search
            # reads the table as before, and the upgrade goes on.


def _index_method(bind, name: str) -> str:
    return bind.execute(
        sa.text(
            "SELECT am.amname FROM pg_class AS c JOIN pg_am AS am ON am.oid = c.relam "
            "WHERE c.relname = :name"
        ),
        {"name": name},
    ).scalar_one()


def _trigrams_available(bind) -> bool:
    return bool(
        bind.execute(
            sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        ).scalar()
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        for column in SEARCHED:
            name = f"ix_people_{column}_trigrams"
            if _index_method(bind, name) == "gin":  # a plain index has no fast update to reset
                op.execute(f"ALTER INDEX {name} RESET (fastupdate)")

"""Retire the person's single licence columns: licence records are the only source (issue 10).

Upgrade first copies any licence value still on ``people`` that no licence record holds (a
clinician added or edited through the staff form or API after the first copy, 217929611ded),
then drops ``people.licence_type``, ``licence_number`` and ``licence_expires_on``.

A person's columns count as held when one of their licence records expires on or after the
columns' expiry (the same licence, or a renewal recorded since). Otherwise (no record, or every
record expiring earlier: a renewal typed into the old fields) one unverified record marked
``migrated`` is added, like the first copy: issued on the hire date (or the day the person was
recorded), or, after an earlier record, on that record's expiry date, so the two do not clash
and leave no gap; never on or after the expiry. Running the copy twice adds nothing.

Downgrade restores the three columns, filled from each person's licence record that expires
last (the latest id among equals).

Revision ID: bbc56b24c0cb
Revises: 29e2178e6681
Create Date: 2026-12-05 23:00:00.000000
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lms.db

revision: str = "bbc56b24c0cb"
down_revision: str | None = "29e2178e6681"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PEOPLE = sa.table(
    "people",
    sa.column("id", sa.Integer()),
    sa.column("hire_on", sa.Date()),
    sa.column("created_at", lms.db.UTCDateTime()),
    sa.column("licence_type", sa.String()),
    sa.column("licence_number", sa.String()),
    sa.column("licence_expires_on", sa.Date()),
)
LICENCES = sa.table(
    "clinician_licences",
    sa.column("id", sa.Integer()),
    sa.column("person_id", sa.Integer()),
    sa.column("licence_type", sa.String()),
    sa.column("licence_number", sa.String()),
    sa.column("issued_on", sa.Date()),
    sa.column("expires_on", sa.Date()),
    sa.column("migrated", sa.Boolean()),
    sa.column("created_at", lms.db.UTCDateTime()),
    sa.column("updated_at", lms.db.UTCDateTime()),
)


def upgrade() -> None:
    copy_uncopied_licence_columns(op.get_bind())
    # ALTER TABLE … DROP/ADD COLUMN in place, on SQLite too (3.35+): rebuilding ``people``, which
    # most tables reference, would trip SQLite's foreign-key checks once people exist.
    with op.batch_alter_table("people", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("licence_expires_on")
        batch_op.drop_column("licence_number")
        batch_op.drop_column("licence_type")


def copy_uncopied_licence_columns(connection) -> int:
    """Add a licence record for each person whose columns no record holds; how many added."""
    people = connection.execute(
        sa.select(PEOPLE).where(PEOPLE.c.licence_expires_on.is_not(None)).order_by(PEOPLE.c.id)
    ).all()
    if not people:
        return 0
    latest: dict[int, dt.date] = {}
    for person_id, expires_on in connection.execute(
        sa.select(LICENCES.c.person_id, LICENCES.c.expires_on)
    ):
        if person_id not in latest or expires_on > latest[person_id]:
            latest[person_id] = expires_on
    now = dt.datetime.now(dt.UTC)
    copies = []
    for row in people:
        expires_on = row.licence_expires_on
        recorded = latest.get(row.id)
        if recorded is not None and recorded >= expires_on:
            continue  # held by a record already (or superseded by a later one)
        # After an earlier record: from its expiry (a renewal); otherwise from the hire.
        issued_on = recorded or row.hire_on or row.created_at.date()
        if issued_on >= expires_on:
            issued_on = expires_on - dt.timedelta(days=1)
        copies.append(
            {
                "person_id": row.id,
                "licence_type": row.licence_type or "Not recorded",
                "licence_number": row.licence_number or "Not recorded",
                "issued_on": issued_on,
                "expires_on": expires_on,
                "migrated": True,
                "created_at": now,
                "updated_at": now,
            }
        )
    if copies:
        connection.execute(sa.insert(LICENCES), copies)
    return len(copies)


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("licence_type", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("licence_number", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("licence_expires_on", sa.Date(), nullable=True))
    connection = op.get_bind()
    latest = {}
    for row in connection.execute(
        sa.select(
            LICENCES.c.person_id,
            LICENCES.c.licence_type,
            LICENCES.c.licence_number,
            LICENCES.c.expires_on,
        ).order_by(LICENCES.c.expires_on, LICENCES.c.id)
    ):
        latest[row.person_id] = row
    for person_id, row in latest.items():
        connection.execute(
            sa.update(PEOPLE)
            .where(PEOPLE.c.id == person_id)
            .values(
                licence_type=row.licence_type[:40],
                licence_number=row.licence_number[:60],
                licence_expires_on=row.expires_on,
            )
        )

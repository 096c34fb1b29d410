"""Counters summed by month and year: a count on a day read every day's change before it (one
row per scope, status and day on which anything changed — with thousands of people nearly every
day of the years the records span); each change is now also kept in its month's and its year's
sum (column ``span``: "day", "month" or "year"), so a count reads the whole years before the day,
the months of its year before its month and the days of its month (``lms.tallies.rules``).

The sums are computed here from the day rows already stored, in SQL, on both tables. And an
index on the clearance runs by status: the matrix's status filter reads a rare status's page from
it rather than probing every person in name order.

Revision ID: c41d7e2a9b63
Revises: a3f0c2d81b57
Create Date: 2026-12-07 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c41d7e2a9b63"
down_revision: str | None = "a3f0c2d81b57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: table -> (its scope columns before ``day``, old unique constraint, old index and its columns,
#: new index and its columns)
TABLES = {
    "status_tallies": (
        ("kind", "position", "staff_status", "status"),
        (
            "ix_status_tallies_kind_status_day",
            ["kind", "status", "day", "position", "staff_status", "change"],
        ),
        (
            "ix_status_tallies_kind_span_day",
            ["kind", "span", "day", "status", "position", "staff_status", "change"],
        ),
    ),
    "requirement_tallies": (
        ("requirement_key", "position", "status"),
        ("ix_requirement_tallies_day", ["day", "requirement_key", "position", "status", "change"]),
        (
            "ix_requirement_tallies_span_day",
            ["span", "day", "requirement_key", "position", "status", "change"],
        ),
    ),
}


def _unique_name(table: str, columns: Sequence[str]) -> str:
    return f"uq_{table}_" + "_".join(columns)


def _start_of(span: str) -> str:
    """SQL for the first day of the month or year of column ``day``."""
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST(date_trunc('{span}', day) AS DATE)"
    return f"date(day, 'start of {span}')"


CLEARANCE_INDEX = ("with_status", "ends_on", "starts_on", "position", "person_id")


def upgrade() -> None:
    op.create_index(
        "ix_requirement_clearance_periods_with_status",
        "requirement_clearance_periods",
        list(CLEARANCE_INDEX),
    )
    for table, (scope, (old_index, _), (new_index, new_columns)) in TABLES.items():
        op.drop_index(old_index, table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("span", sa.String(length=5), server_default="day", nullable=False)
            )
            batch.drop_constraint(_unique_name(table, [*scope, "day"]), type_="unique")
            batch.create_unique_constraint(
                _unique_name(table, [*scope, "span", "day"]), [*scope, "span", "day"]
            )
        op.create_index(new_index, table, new_columns)
        columns = ", ".join(scope)
        for span in ("month", "year"):
            op.execute(
                f"INSERT INTO {table} ({columns}, span, day, change) "  # noqa: S608 - constants
                f"SELECT {columns}, '{span}', {_start_of(span)}, SUM(change) FROM {table} "
                f"WHERE span = 'day' GROUP BY {columns}, {_start_of(span)} "
                "HAVING SUM(change) != 0"
            )


def downgrade() -> None:
    op.drop_index(
        "ix_requirement_clearance_periods_with_status",
        table_name="requirement_clearance_periods",
    )
    for table, (scope, (old_index, old_columns), (new_index, _)) in TABLES.items():
        op.execute(f"DELETE FROM {table} WHERE span != 'day'")  # noqa: S608 - a constant
        op.drop_index(new_index, table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(_unique_name(table, [*scope, "span", "day"]), type_="unique")
            batch.create_unique_constraint(_unique_name(table, [*scope, "day"]), [*scope, "day"])
            batch.drop_column("span")
        op.create_index(old_index, table, old_columns)

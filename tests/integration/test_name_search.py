"""The name search by trigram index (issue 15, goal 4): SQLite asks its FTS5 trigram table for
searches of three characters or more, PostgreSQL's trigram indexes answer the ILIKE; either way
the answers are those of a case-insensitive substring search with % and _ taken literally."""

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from lms.db import UTCDateTime, make_engine
from lms.migrate import downgrade, upgrade
from lms.staff.models import Person, Position
from lms.staff.queries import SearchSize, counted, name_search, search_size
from lms.training.queries import TeamFilters
from tests.support.databases import configured_url, scratch_database
from tests.support.factories import make_person

TODAY = dt.date(2026, 11, 23)
BEFORE = "bbc56b24c0cb"


def names_found(db, search, columns=None):
    condition = name_search(search) if columns is None else name_search(search, columns)
    return sorted(db.execute(select(Person.legal_name).where(condition)).scalars())


def test_search_ignores_case_and_takes_wildcards_and_quotes_literally(db):
    for name in ("Siobhan O'Brien", 'Ana "Nan" Silva', "Dev 50% Patel", "Kai_Moreno", "Kai Moreno"):
        make_person(db, name, today=TODAY)
    assert names_found(db, "o'BRIEN") == ["Siobhan O'Brien"]
    assert names_found(db, '"nan"') == ['Ana "Nan" Silva']
    assert names_found(db, "50%") == ["Dev 50% Patel"]
    assert names_found(db, "i_m") == ["Kai_Moreno"]
    assert names_found(db, "kai") == ["Kai Moreno", "Kai_Moreno"]
    assert names_found(db, "%") == ["Dev 50% Patel"]  # short: the LIKE scan, still literal
    assert names_found(db, "  moreno ") == ["Kai Moreno", "Kai_Moreno"]  # trimmed, as before
    assert names_found(db, "nobody") == []
    if db.get_bind().dialect.name == "sqlite":  # PostgreSQL's text cannot hold a NUL at all
        assert names_found(db, "kai\0mor") == []  # the LIKE scan, not an FTS5 syntax error


def test_the_team_columns_leave_out_the_email(db):
    make_person(db, "Grace Lee", today=TODAY, work_email="zephyr@example.org")
    assert names_found(db, "zephyr") == ["Grace Lee"]
    assert names_found(db, "zephyr", (Person.legal_name, Person.preferred_name)) == []


def test_the_search_stays_one_term_beside_other_filters(db):
    make_person(db, "Zed Alpha", today=TODAY)
    make_person(db, "Bea Beta", today=TODAY, preferred_name="Zed", position=Position.OTHER)
    found = db.execute(
        select(Person.legal_name).where(
            Person.position == Position.THERAPEUTIC_MENTOR, name_search("zed")
        )
    ).scalars()
    assert list(found) == ["Zed Alpha"]


def test_a_column_without_an_index_is_refused():
    with pytest.raises(ValueError, match="date_of_birth"):
        name_search("abc", (Person.legal_name, Person.date_of_birth))


def test_sqlite_reads_the_trigram_table_for_three_characters_or_more(db):
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("the FTS5 table is SQLite's")
    statement = select(Person.id).where(name_search("silva"))
    sql = str(statement.compile(db.get_bind(), compile_kwargs={"literal_binds": True}))
    assert "people_search MATCH" in sql
    plan = " ".join(str(row[-1]) for row in db.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
    assert "VIRTUAL TABLE INDEX" in plan
    short = str(select(Person.id).where(name_search("si")).compile(db.get_bind()))
    assert "people_search" not in short and "LIKE" in short


def test_postgresql_trigram_indexes_take_rows_without_a_pending_list(db):
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("GIN indexes are PostgreSQL's")
    options = dict(
        db.execute(
            sa.text(
                "SELECT relname, array_to_string(reloptions, ',') FROM pg_class "
                "WHERE relname LIKE 'ix_people_%_trigrams'"
            )
        ).all()
    )
    assert options == {
        f"ix_people_{column}_trigrams": "fastupdate=off"
        for column in ("legal_name", "preferred_name", "work_email")
    }


PEOPLE = sa.table(
    "people",
    sa.column("id", sa.Integer()),
    sa.column("legal_name", sa.String()),
    sa.column("preferred_name", sa.String()),
    sa.column("work_email", sa.String()),
    sa.column("date_of_birth", sa.Date()),
    sa.column("position", sa.String()),
    sa.column("status", sa.String()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
)


def test_the_migration_indexes_people_already_there_and_downgrade_removes_the_index():
    created = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
    with scratch_database(configured_url(), "name_search") as url:
        engine = make_engine(url)
        try:
            upgrade(engine, BEFORE)
            with engine.begin() as connection:
                if engine.dialect.name == "postgresql":
                    # As 8d2b6e4f1a93 leaves it on a server that had no pg_trgm then.
                    connection.execute(sa.text("DROP INDEX ix_people_work_email_trigrams"))
                    connection.execute(
                        sa.text("CREATE INDEX ix_people_work_email_trigrams ON people (work_email)")
                    )
                connection.execute(
                    PEOPLE.insert(),
                    [
                        {
                            "id": number,
                            "legal_name": name,
                            "preferred_name": preferred,
                            "work_email": email,
                            "date_of_birth": dt.date(1990, 1, 1),
                            "position": "therapeutic_mentor",
                            "status": "active",
                            "created_at": created,
                            "updated_at": created,
                        }
                        for number, name, preferred, email in (
                            (1, "Femi Okafor", None, None),
                            (2, "Elena Reyes", "Lena", "lena.r@example.org"),
                        )
                    ],
                )
            upgrade(engine)
            with engine.connect() as connection:
                found = {
                    search: sorted(
                        connection.execute(select(Person.id).where(name_search(search))).scalars()
                    )
                    for search in ("okafor", "lena", "example.org", "reyes")
                }
            assert found == {"okafor": [1], "lena": [2], "example.org": [2], "reyes": [2]}
            if engine.dialect.name == "sqlite":
                assert set(SQLITE_OBJECTS) <= set(sqlite_objects(engine))
            else:
                assert trigram_index_options(engine) == {
                    f"ix_people_{column}_trigrams": ("gin", ["fastupdate=off"])
                    for column in ("legal_name", "preferred_name", "work_email")
                }
            downgrade(engine, BEFORE)
            if engine.dialect.name == "sqlite":
                assert not [name for name in sqlite_objects(engine) if "people_search" in name]
            else:
                assert trigram_index_options(engine) == {
                    f"ix_people_{column}_trigrams": ("gin", None)
                    for column in ("legal_name", "preferred_name", "work_email")
                }
        finally:
            engine.dispose()


def sqlite_objects(engine):
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT name FROM sqlite_master")).scalars().all()


SQLITE_OBJECTS = (
    "people_search",
    "people_search_insert",
    "people_search_update",
    "people_search_delete",
)


def test_sqlite_keeps_its_index_and_triggers_at_head(db):
    """A later migration that rebuilds ``people`` would drop the triggers with the old table."""
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("the FTS5 table is SQLite's")
    names = db.execute(sa.text("SELECT name FROM sqlite_master")).scalars().all()
    assert set(SQLITE_OBJECTS) <= set(names)


def trigram_index_options(engine):
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT c.relname, am.amname, c.reloptions FROM pg_class AS c "
                "JOIN pg_am AS am ON am.oid = c.relam WHERE c.relname LIKE 'ix_people_%_trigrams'"
            )
        ).all()
    return {name: (method, options) for name, method, options in rows}


def test_beside_a_search_sqlite_reads_the_other_filters_from_no_index(db):
    """Without statistics SQLite read a position's whole index range beside a search, probing
    the search's matches for every mentor; kept from the index (unary +), the search's trigram
    index drives the count: only its matches are read."""
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("the FTS5 table and the unary + are SQLite's")
    filters = TeamFilters(search="silva")
    statement = select(sa.func.count()).select_from(Person).where(*filters.conditions())
    sql = str(statement.compile(db.get_bind(), compile_kwargs={"literal_binds": True}))
    assert "+people.position = 'therapeutic_mentor'" in sql
    plan = " ".join(str(row[-1]) for row in db.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
    assert "INTEGER PRIMARY KEY" in plan and "position" not in plan
    walking = TeamFilters(search="silva", search_in_name_order=True)
    sql = str(
        select(Person.id)
        .where(*walking.conditions())
        .order_by(Person.legal_name, Person.id)
        .limit(50)
        .compile(db.get_bind(), compile_kwargs={"literal_binds": True})
    )
    # Walking: the position's index in name order, each id looked up among the matches.
    assert "+people.id IN" in sql and "+people.position" not in sql
    plan = " ".join(str(row[-1]) for row in db.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
    assert "ix_people_position_legal_name_id_status" in plan, plan


def test_the_search_size_counts_matches_from_the_index_alone(db):
    if db.get_bind().dialect.name != "sqlite":
        assert search_size(db, "silva") is None  # PostgreSQL's planner chooses by statistics
        return
    for name in ("Ana Silva", "Bo Silvan", "Cy Lee"):
        make_person(db, name, today=TODAY)
    db.flush()
    size = search_size(db, "SILV")
    largest = db.execute(select(sa.func.max(Person.id))).scalar_one()
    assert size == SearchSize(matches=2, headcount=largest)
    assert search_size(db, "si") is None  # shorter than a trigram: a scan either way
    # Counted with a limit, the count stops one past it (more than the limit match).
    assert search_size(db, "SILV", limit=1) == SearchSize(2, largest, limit=1)
    assert not search_size(db, "SILV", limit=1).exact
    assert search_size(db, "SILV", limit=2) == SearchSize(2, largest, limit=2)
    assert search_size(db, "SILV", limit=2).exact


def test_a_count_with_a_limit_stops_one_past_it(db):
    for name in ("Ana Silva", "Bo Silvan", "Cy Silvers", "Di Lee"):
        make_person(db, name, today=TODAY)
    db.flush()
    silva = [name_search("silv")]
    assert counted(db, silva, None) == 3
    assert counted(db, silva, 1) == 2  # more than 1
    assert counted(db, silva, 3) == 3  # within the limit: exact
    assert counted(db, silva, 10) == 3
    assert counted(db, [name_search("nobody")], 1) == 0


def test_a_limited_count_on_sqlite_reads_the_matches_in_turn(db):
    """Counted up to a limit, the search's matches drive the count one at a time (a join from
    the FTS5 table, each person looked up by id), so it stops at the limit: written as
    ``id IN (matches)`` SQLite would first gather every match."""
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("the FTS5 table is SQLite's")
    for name in ("Ana Silva", "Bo Silvan", "Cy Silvers", "Di Lee"):
        make_person(db, name, today=TODAY)
    db.flush()
    where = [name_search("silv"), Person.legal_name != "Bo Silvan"]  # the other filters kept
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    engine = db.get_bind()
    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        assert counted(db, where, 1) == 2  # more than 1
        assert counted(db, where, 5) == 2
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    statement, parameters = statements[-1]
    assert "FROM people_search JOIN people" in statement
    explained = db.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    plan = [row[-1] for row in explained if not row[-1].startswith(("CO-ROUTINE", "SCAN anon"))]
    assert plan[0].startswith("SCAN people_search VIRTUAL TABLE"), plan
    assert plan[1] == "SEARCH people USING INTEGER PRIMARY KEY (rowid=?)", plan

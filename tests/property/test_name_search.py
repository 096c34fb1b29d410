"""The indexed name search finds exactly what a plain substring check finds (issue 15): any of
the searched columns contains the search, ignoring case; % and _ are letters; searches shorter
than a trigram too; after names are added, changed and removed (SQLite's index follows the
table by triggers)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update

from lms import clock
from lms.staff.models import Person, Position, StaffStatus
from lms.staff.queries import SEARCHABLE, StaffFilters, counted, name_search
from lms.training.queries import TeamFilters
from tests.property.support import BOUNDED

#: Few letters, so that searches often hit; and every character LIKE, FTS5 queries or SQL
#: quoting treat specially.
ALPHABET = "abAB z%_\\\"'*:{}()-^."
names = st.text(ALPHABET, max_size=10)
searches = st.text(ALPHABET, min_size=1, max_size=5)
TEAM_COLUMNS = (Person.legal_name, Person.preferred_name)


def found_by_substring(db, search: str, columns) -> set[int]:
    """The oracle: every person one of whose ``columns`` contains ``search``, by Python."""
    needle = search.strip().lower()
    rows = db.execute(select(Person.id, *columns)).all()
    return {row[0] for row in rows if any(needle in (value or "").lower() for value in row[1:])}


def found_by_name_search(db, search: str, columns, *beside) -> set[int]:
    condition = name_search(search, columns)
    return set(db.execute(select(Person.id).where(*beside, condition)).scalars())


def add(
    db,
    legal_name: str,
    preferred_name: str | None,
    work_email: str | None,
    position: Position = Position.THERAPEUTIC_MENTOR,
) -> int:
    """A bare row, inserted without the ORM's flush (whose listeners add stored statuses that
    would keep the row from being deleted)."""
    now = clock.now()
    return db.execute(
        insert(Person)
        .values(
            legal_name=legal_name,
            preferred_name=preferred_name,
            work_email=work_email,
            date_of_birth=dt.date(1990, 1, 1),
            position=position,
            status=StaffStatus.ACTIVE,
            created_at=now,
            updated_at=now,
        )
        .returning(Person.id)
    ).scalar_one()


person_values = st.tuples(names, st.none() | names, st.none() | names)
changes = st.lists(
    st.tuples(st.sampled_from(("rename", "delete")), st.integers(0, 20), person_values),
    max_size=6,
)


@BOUNDED
@given(
    people=st.lists(person_values, min_size=1, max_size=8),
    later=changes,
    wanted=st.lists(searches, min_size=1, max_size=6),
)
def test_the_name_search_finds_what_a_substring_check_finds(db, people, later, wanted):
    ids = []
    for legal_name, preferred_name, work_email in people:
        # Work emails are unique: a suffix keeps the generated ones apart.
        email = None if work_email is None else f"{work_email}#{len(ids)}@{id(people)}"
        # Every third person holds another position: the filters beside the search choose.
        position = Position.OTHER if len(ids) % 3 == 2 else Position.THERAPEUTIC_MENTOR
        ids.append(add(db, legal_name, preferred_name, email, position))
    for kind, which, (legal_name, preferred_name, _) in later:
        person_id = ids[which % len(ids)]
        if kind == "rename":
            db.execute(
                update(Person)
                .where(Person.id == person_id)
                .values(legal_name=legal_name, preferred_name=preferred_name)
            )
        else:
            db.execute(delete(Person).where(Person.id == person_id))
    # Searches for parts of the names as well as random ones, so that most searches find some.
    present = [row for row in db.execute(select(*SEARCHABLE)).all()]
    parts = [
        value[start : start + size]
        for row in present[:3]
        for value in row
        if value
        for start, size in ((0, 3), (1, 4), (2, 2))
    ]
    for search in [*wanted, *parts]:
        if not search.strip():
            continue  # the filters drop a blank search before it comes here
        for columns in (SEARCHABLE, TEAM_COLUMNS):
            assert found_by_name_search(db, search, columns) == found_by_substring(
                db, search, columns
            ), (search, [column.key for column in columns])
            # Beside another filter the search stays one term (its ORs within the ANDs).
            assert found_by_name_search(
                db, search, columns, Person.id != ids[0]
            ) == found_by_substring(db, search, columns) - {ids[0]}
        # The lists' filters, the search found through the index (the other filters kept from
        # SQLite's indexes) or checked while walking the list in name order: the same people.
        mentors = set(
            db.execute(
                select(Person.id).where(Person.position == Position.THERAPEUTIC_MENTOR)
            ).scalars()
        )
        for in_name_order in (False, True):
            staff = StaffFilters(
                search=search,
                position=Position.THERAPEUTIC_MENTOR,
                current=True,
                search_in_name_order=in_name_order,
            )
            team = TeamFilters(search=search, search_in_name_order=in_name_order)
            for filters, columns in ((staff, SEARCHABLE), (team, TEAM_COLUMNS)):
                found = set(db.execute(select(Person.id).where(*filters.conditions())).scalars())
                assert found == found_by_substring(db, search, columns) & mentors, (
                    search,
                    filters,
                )
                # Counted up to a limit (on SQLite from the trigram index's matches in turn):
                # the count, or one past the limit when more match.
                for limit in (0, 1, 2, 4, 8):
                    assert counted(db, filters.conditions(), limit) == min(len(found), limit + 1), (
                        search,
                        filters,
                        limit,
                    )

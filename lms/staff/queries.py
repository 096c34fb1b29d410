"""Read-only queries over staff records."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Row,
    Select,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    tuple_,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased, selectinload, undefer
from sqlalchemy.sql import operators
from sqlalchemy.sql.visitors import InternalTraversal

from lms.eligibility.models import (
    Determination,
    EducationCredential,
    EvidenceDocument,
    EvidenceSubject,
    ExperienceRecord,
)
from lms.eligibility.queries import eligibility_is
from lms.eligibility.rules import EVALUATED_POSITION, EligibilityStatus
from lms.staff.models import (
    CLINICAL_POSITIONS,
    EmploymentPeriod,
    Person,
    Position,
    PositionChange,
    StaffStatus,
    display_name,
)
from lms.tallies.queries import counts_on

#: The staff list's order: by legal name, then id so that equal names never swap between pages.
LIST_ORDER = (Person.legal_name, Person.id)


@dataclass(frozen=True)
class StaffFilters:
    """The staff list's filters that SQL can apply (eligibility needs the rules)."""

    status: StaffStatus | None = None
    position: Position | None = None
    search: str | None = None
    current: bool = False  # candidates and active staff: everyone not separated
    unverified: bool = False  # identity, a credential or a job not yet verified
    eligibility: EligibilityStatus | None = None  # the stored status on ``as_of``
    as_of: dt.date | None = None
    search_in_name_order: bool = False  # see ``SearchSize.walk_in_name_order``

    @property
    def only_search(self) -> bool:
        """A search and no other filter: its count is the trigram index's own."""
        others = (self.status, self.position, self.eligibility)
        return (
            bool(self.search and self.search.strip())
            and all(other is None for other in others)
            and not (self.current or self.unverified)
        )

    def conditions(self) -> list[ColumnElement[bool]]:
        conditions = []
        plain = driven_by_search(self.search, self.search_in_name_order)
        if self.status is not None:
            conditions.append(plain(Person.status == self.status))
        if self.current:
            conditions.append(plain(Person.status != StaffStatus.SEPARATED))
        if self.unverified:
            conditions.append(something_unverified())
        if self.position is not None:
            conditions.append(plain(Person.position == self.position))
        if self.search and self.search.strip():
            conditions.append(name_search(self.search, in_name_order=self.search_in_name_order))
        if self.eligibility is not None:
            if self.as_of is None:
                raise ValueError("an eligibility filter needs the day it asks about")
            # Only therapeutic mentors are evaluated (eligibility.rules.is_evaluated).
            conditions.append(plain(Person.position == EVALUATED_POSITION))
            conditions.append(eligibility_is(self.eligibility, self.as_of, Person.id))
        return conditions


def something_unverified() -> ColumnElement[bool]:
    """The person's identity, or one of their credentials or jobs, is not yet verified."""
    # Aliases: the condition may sit in a query that already selects from these tables.
    credential, job = aliased(EducationCredential), aliased(ExperienceRecord)
    return or_(
        Person.identity_verified_at.is_(None),
        exists().where(credential.person_id == Person.id, credential.verified_at.is_(None)),
        exists().where(job.person_id == Person.id, job.verified_at.is_(None)),
    )


#: The columns of ``people`` the name search looks in; on SQLite the trigram index
#: ``people_search`` (migration 921b09b5a486) has a column of the same name for each.
SEARCHABLE = (Person.legal_name, Person.preferred_name, Person.work_email)
#: A trigram index can only answer searches of at least one trigram; shorter ones read the table.
SHORTEST_INDEXED_SEARCH = 3
#: SQLite's trigram index over ``SEARCHABLE`` (an FTS5 table kept in step by triggers).
_PEOPLE_SEARCH = table("people_search", column("rowid"))


Columns = tuple[InstrumentedAttribute[str | None], ...]


def name_search(
    search: str, columns: Columns = SEARCHABLE, *, in_name_order: bool = False
) -> ColumnElement[bool]:
    """Any of ``columns`` (some of ``SEARCHABLE``) contains ``search``, ignoring case:
    ``containing``'s answer, found through a trigram index — or, ``in_name_order``, the index's
    matches looked up while walking the list's order (``SearchSize.walk_in_name_order``).

    PostgreSQL's trigram indexes (pg_trgm) serve ``containing``'s ILIKE as it is. On SQLite the
    condition asks the FTS5 trigram table for a phrase (a phrase of trigrams in a row is a
    substring); a search shorter than a trigram keeps the LIKE scan."""
    query = _trigram_query(search, columns)
    scan = containing(search, *columns)
    if query is None:
        return scan
    indexed = Person.id.in_(
        select(_PEOPLE_SEARCH.c.rowid).where(literal_column("people_search").match(query))
    )
    if in_name_order:  # the matches' ids looked up while walking the names' index
        indexed = _UnindexedOnSQLite(indexed)
    return _IndexedOnSQLite(scan, indexed, query)


def _trigram_query(search: str | None, columns: Columns) -> str | None:
    """SQLite's trigram index's query for ``search`` in ``columns``, or None for a search it
    cannot answer."""
    unknown = [c.key for c in columns if c.key not in {s.key for s in SEARCHABLE}]
    if unknown:
        raise ValueError(f"the name search has no index over {', '.join(unknown)}")
    text = (search or "").strip()
    if len(text) < SHORTEST_INDEXED_SEARCH or "\0" in text:
        return None  # FTS5 reads a query only up to a NUL character: those keep the scan too
    # A quoted string is one phrase whatever it holds; a quote inside is written twice. The
    # column filter keeps the search to ``columns`` (the team page leaves out the email).
    phrase = '"' + text.replace('"', '""') + '"'
    return "{" + " ".join(c.key for c in columns) + "} : " + phrase


#: Checking one person's names while walking the list in name order costs about this share of
#: fetching one match through SQLite's trigram index and sorting it.
WALK_COST = 0.5


@dataclass(frozen=True)
class SearchSize:
    """How many people a search matches (from SQLite's trigram index alone, no person's row
    read; up to ``limit + 1`` when counted with a ``limit``) and about how many people there
    are (the largest id: one index probe)."""

    matches: int
    headcount: int
    limit: int | None = None

    @property
    def exact(self) -> bool:
        return self.limit is None or self.matches <= self.limit

    def walk_in_name_order(self, page_end: int) -> bool:
        """Whether to find the people up to ``page_end`` by walking the names' index in order,
        looking each id up among the matches — about ``page_end * headcount / matches`` entries
        when the matches are spread through the alphabet, never more than the headcount —
        rather than fetching every match's row and sorting them: the walk when many match (a
        ninth of 100,000 people on SQLite: 4 ms against 10-15 ms). When counting stopped at
        the limit the matches are many: the walk reads at most ``page_end * headcount /
        limit`` entries, while fetching them all grows with every match — the walk."""
        if self.matches == 0:
            return False
        if not self.exact:
            return True
        return WALK_COST * page_end * self.headcount / self.matches < self.matches

    def routed(self, filters, page: Page):
        """``filters`` (the staff list's or the team page's) with ``search_in_name_order`` set
        for ``page``."""
        return replace(filters, search_in_name_order=self.walk_in_name_order(page.last_shown))


def search_size(
    session: Session,
    search: str | None,
    columns: Columns = SEARCHABLE,
    limit: int | None = None,
) -> SearchSize | None:
    """The ``SearchSize`` of ``search`` in ``columns`` on SQLite, its matches counted up to
    ``limit + 1`` (``count_limit``): one query. None where the search does not go through
    SQLite's trigram index (on PostgreSQL the planner has the statistics to choose; a search
    shorter than a trigram is a scan either way)."""
    query = _trigram_query(search, columns)
    if query is None or session.get_bind().dialect.name != "sqlite":
        return None
    matching = select(_PEOPLE_SEARCH.c.rowid).where(literal_column("people_search").match(query))
    if limit is not None:
        matching = matching.limit(limit + 1)
    matches = select(func.count()).select_from(matching.subquery()).scalar_subquery()
    headcount = select(func.max(Person.id)).scalar_subquery()
    found, largest_id = session.execute(select(matches, headcount)).one()
    return SearchSize(found, largest_id or 0, limit)


def driven_by_search(search: str | None, in_name_order: bool):
    """How to write the other filters' comparisons beside a search: as they are (when the list
    is walked in name order, or there is no search through the index), or kept from SQLite's
    indexes, so that the trigram index's matches drive the query (``_UnindexedOnSQLite``)."""
    if not in_name_order and _trigram_query(search, SEARCHABLE) is not None:
        return _UnindexedOnSQLite
    return _as_it_is


def _as_it_is(comparison: ColumnElement[bool]) -> ColumnElement[bool]:
    return comparison


class _UnindexedOnSQLite(ColumnElement[bool]):
    """``comparison`` (a column compared with a value) as it is on any database; on SQLite with
    a unary + before the column, which keeps SQLite's planner from reading the term from an
    index ("Disqualifying WHERE clause terms using unary-+", sqlite.org/optoverview.html).
    Without statistics SQLite takes an equality on an indexed column as selective: beside a
    search it read a position's whole index range and probed the search's matches for each
    person — every mentor counted to find a ninth. Kept from the index, the search's trigram
    index drives the query: only its matches are read."""

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True
    _traverse_internals = [("comparison", InternalTraversal.dp_clauseelement)]

    def __init__(self, comparison: ColumnElement[bool]) -> None:
        if getattr(comparison, "operator", None) not in _COMPARISONS:
            raise ValueError("only a column =, != or IN can be kept from an index")
        self.comparison = comparison


_COMPARISONS = {operators.eq: "=", operators.ne: "!=", operators.in_op: "IN"}


@compiles(_UnindexedOnSQLite)
def _compile_comparison(element: _UnindexedOnSQLite, compiler, **kw) -> str:
    return compiler.process(element.comparison, **kw)


@compiles(_UnindexedOnSQLite, "sqlite")
def _compile_unindexed(element: _UnindexedOnSQLite, compiler, **kw) -> str:
    comparison = element.comparison
    left, right = (compiler.process(side, **kw) for side in (comparison.left, comparison.right))
    return f"(+{left} {_COMPARISONS[comparison.operator]} {right})"


class _IndexedOnSQLite(ColumnElement[bool]):
    """``indexed`` where the database is SQLite, ``scan`` on any other: the same condition
    in two forms, chosen when the statement is compiled (conditions are built before a
    session, and so the dialect, is known)."""

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a predicate already: never compared with 1 in a WHERE
    _traverse_internals = [
        ("scan", InternalTraversal.dp_clauseelement),
        ("indexed", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, scan: ColumnElement[bool], indexed: ColumnElement[bool], query: str) -> None:
        self.scan = scan
        self.indexed = indexed
        self.query = query  # the trigram index's query (``_trigram_query``), inside ``indexed``


# In parentheses: the compiler cannot tell this element's precedence, and the scan's ORs
# beside the other filters' ANDs must stay one term.
@compiles(_IndexedOnSQLite)
def _compile_scan(element: _IndexedOnSQLite, compiler, **kw) -> str:
    return "(" + compiler.process(element.scan, **kw) + ")"


@compiles(_IndexedOnSQLite, "sqlite")
def _compile_indexed(element: _IndexedOnSQLite, compiler, **kw) -> str:
    return "(" + compiler.process(element.indexed, **kw) + ")"


def containing(search: str, *columns: ColumnElement[str]) -> ColumnElement[bool]:
    """Any of ``columns`` contains ``search``, ignoring case. Typed % and _ are letters to look
    for, not LIKE wildcards."""
    pattern = "%" + like_escape(search.strip().lower()) + "%"
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


def like_escape(text: str) -> str:
    """``text`` with LIKE's wildcards and the escape character itself escaped by a backslash."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class Page:
    """One page of a list: which page, how long pages are, and how many items in all — or, not
    ``exact``, how many were counted before counting stopped (``count_limit``): there are more
    than ``total - 1`` then, and the last page is not known."""

    number: int
    size: int
    total: int
    exact: bool = True

    @classmethod
    def clamped(cls, requested: int, size: int, total: int, limit: int | None = None) -> Page:
        """The requested page, or the last one when the list has shrunk below it. ``total``
        counted with a ``limit`` (``count_limit``) is exact when it does not pass it."""
        exact = limit is None or total <= limit
        last = cls(number=1, size=size, total=total).count
        return cls(number=max(1, min(requested, last)), size=size, total=total, exact=exact)

    @property
    def count(self) -> int:
        """How many pages (known); an empty list still has one (empty) page."""
        return max(1, -(-self.total // self.size))

    @property
    def more_than(self) -> int:
        """Not ``exact``: the list has more items than this."""
        return self.total - 1

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first_shown(self) -> int:
        """1-based position of the first item on this page (0 when the list is empty)."""
        return self.offset + 1 if self.total else 0

    @property
    def last_shown(self) -> int:
        return min(self.offset + self.size, self.total)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count

    def numbers_to_show(self, around: int = 2) -> list[int | None]:
        """Page numbers for a pager: the first, the last and a few around this one; ``None``
        where numbers are skipped, so 100 pages never become 100 links. When the count
        stopped short the last page is not known: the numbers end in a gap."""
        last = self.count if self.exact else min(self.count, self.number + around)
        wanted = {1, last, *range(self.number - around, self.number + around + 1)}
        numbers: list[int | None] = []
        for number in sorted(n for n in wanted if 1 <= n <= last):
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        if not self.exact:
            numbers.append(None)
        return numbers


#: A name search's matches are counted only up to this many, or up to the end of the page asked
#: for if that is further (``count_limit``): past it a list says "more than 1,000". Counting
#: every match reads every matching row — 11,000 for a common surname among 100,000 people,
#: costlier than finding the page — for a figure no one pages through to the end.
SEARCH_COUNT_LIMIT = 1000
MOST_ROWS = 2**31 - 1


def count_limit(search: str | None, page_number: int, page_size: int) -> int | None:
    """How far to count a list's items for page ``page_number``: with a name search, to
    ``SEARCH_COUNT_LIMIT`` or the page's end, whichever is further (so whether a next page
    exists is always known); without one, every item (None)."""
    if not (search or "").strip():
        return None
    # Never past the most rows a table can hold (32-bit ids): a page number of 30 digits is
    # clamped to the last page like any other, not passed on as a LIMIT no database takes.
    return min(max(SEARCH_COUNT_LIMIT, page_number * page_size), MOST_ROWS)


def counted(session: Session, where: Sequence[ColumnElement[bool]], limit: int | None) -> int:
    """How many people match ``where``: all of them, or with a ``limit`` at most ``limit + 1``
    (one past it says there are more): the count stops reading there."""
    if limit is None:
        return session.execute(select(func.count()).select_from(Person).where(*where)).scalar_one()
    found = select(Person.id).where(*where)
    search = next((c for c in where if isinstance(c, _IndexedOnSQLite)), None)
    if search is not None and session.get_bind().dialect.name == "sqlite":
        # The trigram index's matches drive the count, each person looked up in turn until one
        # past the limit pass the other filters: as ``id IN (matches)`` SQLite would first
        # gather every match (11,000 for a common surname among 100,000 people).
        found = (
            select(Person.id)
            .select_from(_PEOPLE_SEARCH)
            .join(Person, Person.id == _PEOPLE_SEARCH.c.rowid)
            .where(literal_column("people_search").match(search.query))
            .where(*(c for c in where if c is not search))
        )
    return session.execute(
        select(func.count()).select_from(found.limit(limit + 1).subquery())
    ).scalar_one()


def people_with_facts(
    session: Session,
    *,
    status: StaffStatus | None = None,
    position: Position | None = None,
    search: str | None = None,
) -> Sequence[Person]:
    """Every matching person with their credentials and experience loaded, however many."""
    filters = StaffFilters(status=status, position=position, search=search)
    statement = (
        select(Person)
        .where(*filters.conditions())
        .options(selectinload(Person.credentials), selectinload(Person.experiences))
        .order_by(*LIST_ORDER)
    )
    return session.execute(statement).scalars().all()


def count_people(
    session: Session,
    filters: StaffFilters,
    size: SearchSize | None = None,
    limit: int | None = None,
) -> int:
    """How many people the filters leave (up to ``limit + 1``, see ``counted``): the search's
    ``size`` when a search is the only filter; from the stored counters when only an
    eligibility filter (with a staff status or position the counters keep) is set; else one
    count query."""
    if size is not None and filters.only_search:
        return size.matches
    tallied = _counted_by_tallies(session, filters)
    if tallied is not None:
        return tallied
    return counted(session, filters.conditions(), limit)


def _counted_by_tallies(session: Session, filters: StaffFilters) -> int | None:
    """The count ``lms.tallies`` keeps for these filters, or None when they ask for more than
    it keeps (a search; an eligibility status with unverified facts, or with another position
    than the one evaluated)."""
    if filters.search and filters.search.strip():
        return None
    staff_statuses = None
    if filters.status is not None:
        staff_statuses = {filters.status.value}
    elif filters.current:
        staff_statuses = {status.value for status in StaffStatus if status != StaffStatus.SEPARATED}
    if filters.unverified and filters.eligibility is None:
        # Who has something to verify is today's state, kept from the first day there is.
        counts = counts_on(
            session,
            "verification",
            dt.date.max,
            positions=None if filters.position is None else {filters.position.value},
            staff_statuses=staff_statuses,
            statuses={"to_verify"},
        )
        return counts["to_verify"]
    if filters.eligibility is None or filters.as_of is None or filters.unverified:
        return None
    if filters.position not in (None, Position(EVALUATED_POSITION)):
        return None
    counts = counts_on(
        session,
        "eligibility",
        filters.as_of,
        positions={EVALUATED_POSITION},
        staff_statuses=staff_statuses,
        statuses={filters.eligibility.value},
    )
    return counts[filters.eligibility.value]


@dataclass(frozen=True)
class Cursor:
    """Where a page of the staff list starts: right after (or, going back, right before) the
    person with id ``person_id`` in the list's order. Next and previous links carry one, so
    the page is read by keyset from the (legal_name, id) index, however deep in the list."""

    person_id: int
    backwards: bool = False


#: What eligibility reads of a credential and of a job, as plain rows: ``verified`` and
#: ``human_services_field`` mirror the models' properties of the same names.
CREDENTIAL_FACTS = (
    EducationCredential.person_id,
    EducationCredential.level,
    EducationCredential.field_of_study,
    EducationCredential.institution,
    EducationCredential.human_services_basis.is_not(None).label("human_services_field"),
    EducationCredential.accredited,
    EducationCredential.conferred_on,
    EducationCredential.verified_at.is_not(None).label("verified"),
)
CREDENTIAL_ORDER = (
    EducationCredential.person_id,
    EducationCredential.conferred_on,
    EducationCredential.id,
)
EXPERIENCE_FACTS = (
    ExperienceRecord.person_id,
    ExperienceRecord.employer,
    ExperienceRecord.role,
    ExperienceRecord.start_on,
    ExperienceRecord.end_on,
    ExperienceRecord.hours_per_week,
    ExperienceRecord.population,
    ExperienceRecord.target_population,
    ExperienceRecord.verified_at.is_not(None).label("verified"),
)
EXPERIENCE_ORDER = (ExperienceRecord.person_id, ExperienceRecord.start_on, ExperienceRecord.id)


@dataclass(frozen=True)
class ListedPerson:
    """A person as the staff list shows and evaluates them (``lms.eligibility``'s
    ``PersonRecord`` as far as the list reads it), built from plain rows: loading whole ORM
    objects with their collections cost the page a third of its throughput."""

    id: int
    legal_name: str
    preferred_name: str | None
    date_of_birth: dt.date
    hire_on: dt.date | None
    position: Position
    status: StaffStatus
    identity_verified: bool
    credentials: list[Row]
    experiences: list[Row]

    @property
    def display_name(self) -> str:
        return display_name(self.legal_name, self.preferred_name)


LISTED_COLUMNS = (
    Person.id,
    Person.legal_name,
    Person.preferred_name,
    Person.date_of_birth,
    Person.hire_on,
    Person.position,
    Person.status,
    Person.identity_verified_at.is_not(None).label("identity_verified"),
)


def people_page(
    session: Session, filters: StaffFilters, page: Page, cursor: Cursor | None = None
) -> list[ListedPerson]:
    """One page of people, with their credentials and experience: three queries, whatever the
    page (one when it is empty).

    With a ``cursor`` the page is the ``page.size`` people after (or before) it; without one,
    the page's number gives its offset. A cursor whose person is gone gives an empty page; the
    caller falls back to the number then."""
    conditions = filters.conditions()
    statement = select(*LISTED_COLUMNS).where(*conditions).limit(page.size)
    if cursor is None and page.offset:
        # A deferred join: the rows skipped are counted off the names' index alone (their ids),
        # and only the page's own rows are read — skipping 99,950 whole rows read each one.
        ids = select(Person.id).where(*conditions)
        after = page.total - page.last_shown  # rows after this page
        if page.exact and after < page.offset:
            # Nearer the end: skip the fewer rows after it, reading the names backwards (the
            # last page of 100,000 skips none rather than 99,950).
            ids = ids.order_by(Person.legal_name.desc(), Person.id.desc())
            ids = ids.offset(after).limit(page.last_shown - page.offset)
        else:
            ids = ids.order_by(*LIST_ORDER).offset(page.offset).limit(page.size)
        statement = select(*LISTED_COLUMNS).where(Person.id.in_(ids)).order_by(*LIST_ORDER)
    elif cursor is None:
        statement = statement.order_by(*LIST_ORDER)
    else:
        anchor = aliased(Person)
        position = (
            select(anchor.legal_name, anchor.id)
            .where(anchor.id == cursor.person_id)
            .scalar_subquery()
        )
        key = tuple_(*LIST_ORDER)
        if cursor.backwards:
            statement = statement.where(key < position).order_by(
                Person.legal_name.desc(), Person.id.desc()
            )
        else:
            statement = statement.where(key > position).order_by(*LIST_ORDER)
    people = session.execute(statement).all()
    if cursor is not None and cursor.backwards:
        people.reverse()
    if not people:
        return []
    ids = [person.id for person in people]
    credentials = _grouped_by_person(
        session,
        select(*CREDENTIAL_FACTS)
        .where(EducationCredential.person_id.in_(ids))
        .order_by(*CREDENTIAL_ORDER),
    )
    experiences = _grouped_by_person(
        session,
        select(*EXPERIENCE_FACTS)
        .where(ExperienceRecord.person_id.in_(ids))
        .order_by(*EXPERIENCE_ORDER),
    )
    return [
        ListedPerson(*person, credentials.get(person.id, []), experiences.get(person.id, []))
        for person in people
    ]


@dataclass(frozen=True)
class MentorFacts:
    """What ``facts_document`` reads about one mentor, as plain rows (no ORM objects)."""

    person: Row
    credentials: list[Row]
    experiences: list[Row]


def mentor_facts(session: Session, filters: StaffFilters) -> list[MentorFacts]:
    """Every therapeutic mentor matching ``filters`` (``mentor_facts_where``)."""
    return mentor_facts_where(session, filters.conditions())


def mentor_facts_of(session: Session, person_ids: Sequence[int]) -> list[MentorFacts]:
    """The facts of those of ``person_ids`` who are therapeutic mentors: three queries."""
    return mentor_facts_where(session, [Person.id.in_(person_ids)])


def mentor_facts_where(session: Session, where: Sequence[ColumnElement[bool]]) -> list[MentorFacts]:
    """Every therapeutic mentor matching ``filters``, in the list's order, with just the columns
    eligibility needs (``CREDENTIAL_FACTS``, ``EXPERIENCE_FACTS``): three queries however many
    mentors. Facts are selected through the same filters rather than an IN list of ids, which
    would need splitting for thousands of people."""
    # The SQL form of eligibility.rules.is_evaluated: only therapeutic mentors are evaluated.
    conditions = [*where, Person.position == EVALUATED_POSITION]
    people = session.execute(
        select(
            Person.id,
            Person.date_of_birth,
            Person.identity_verified_at.is_not(None).label("identity_verified"),
        )
        .where(*conditions)
        .order_by(*LIST_ORDER)
    ).all()
    credentials = _grouped_by_person(
        session,
        select(*CREDENTIAL_FACTS)
        .join(Person, Person.id == EducationCredential.person_id)
        .where(*conditions)
        .order_by(*CREDENTIAL_ORDER),
    )
    experiences = _grouped_by_person(
        session,
        select(*EXPERIENCE_FACTS)
        .join(Person, Person.id == ExperienceRecord.person_id)
        .where(*conditions)
        .order_by(*EXPERIENCE_ORDER),
    )
    return [
        MentorFacts(person, credentials.get(person.id, []), experiences.get(person.id, []))
        for person in people
    ]


def _grouped_by_person(session: Session, statement: Select) -> dict[int, list[Row]]:
    by_person: dict[int, list[Row]] = defaultdict(list)
    for row in session.execute(statement):
        by_person[row.person_id].append(row)
    return by_person


def people_with_facts_by_id(session: Session, person_ids: Sequence[int]) -> list[Person]:
    """The given people, in the given order, with credentials and experience loaded."""
    people = session.execute(
        select(Person)
        .where(Person.id.in_(person_ids))
        .options(selectinload(Person.credentials), selectinload(Person.experiences))
    ).scalars()
    by_id = {person.id: person for person in people}
    return [by_id[person_id] for person_id in person_ids if person_id in by_id]


def person_with_facts(session: Session, person_id: int) -> Person | None:
    return session.execute(
        select(Person)
        .where(Person.id == person_id)
        .options(
            selectinload(Person.credentials),
            selectinload(Person.experiences),
            selectinload(Person.evidence),
            selectinload(Person.supervisor),
        )
    ).scalar_one_or_none()


def person_for_user(session: Session, user_id: int) -> Person | None:
    return session.execute(select(Person).where(Person.user_id == user_id)).scalar_one_or_none()


def supervisors(session: Session) -> Sequence[Person]:
    """Licensed clinicians still on staff, who may supervise mentors."""
    return (
        session.execute(
            select(Person)
            .where(Person.position.in_(CLINICAL_POSITIONS), Person.status != StaffStatus.SEPARATED)
            .order_by(Person.legal_name)
        )
        .scalars()
        .all()
    )


def determination_history(session: Session, person_id: int) -> Sequence[Determination]:
    return (
        session.execute(
            select(Determination)
            .where(Determination.person_id == person_id)
            .order_by(Determination.determined_at.desc(), Determination.id.desc())
        )
        .scalars()
        .all()
    )


def has_identity_evidence(session: Session, person_id: int) -> bool:
    """Whether a document backs the person's identity and date of birth."""
    found = session.execute(
        select(EvidenceDocument.id)
        .where(
            EvidenceDocument.person_id == person_id,
            EvidenceDocument.subject == EvidenceSubject.IDENTITY,
        )
        .limit(1)
    )
    return found.first() is not None


def evidence_document(
    session: Session, person_id: int, document_id: int
) -> EvidenceDocument | None:
    """One evidence document of one person, with its content (deferred elsewhere)."""
    return session.execute(
        select(EvidenceDocument)
        .where(EvidenceDocument.id == document_id, EvidenceDocument.person_id == person_id)
        .options(undefer(EvidenceDocument.content))
    ).scalar_one_or_none()


def employment_periods(session: Session, person_id: int) -> list[EmploymentPeriod]:
    """The person's periods of employment, oldest first."""
    return list(
        session.execute(
            select(EmploymentPeriod)
            .where(EmploymentPeriod.person_id == person_id)
            .order_by(EmploymentPeriod.hired_on)
        ).scalars()
    )


def employment_periods_of(
    session: Session, person_ids: Sequence[int]
) -> dict[int, list[EmploymentPeriod]]:
    """Each person's periods of employment, oldest first: one query for them all."""
    periods: dict[int, list[EmploymentPeriod]] = {person_id: [] for person_id in person_ids}
    for period in session.execute(
        select(EmploymentPeriod)
        .where(EmploymentPeriod.person_id.in_(person_ids))
        .order_by(EmploymentPeriod.person_id, EmploymentPeriod.hired_on)
    ).scalars():
        periods[period.person_id].append(period)
    return periods


def employed_between(since: dt.date, until: dt.date) -> ColumnElement[bool]:
    """Whether the person had a period of employment overlapping ``since`` to ``until``."""
    return (
        select(EmploymentPeriod.id)
        .where(
            EmploymentPeriod.person_id == Person.id,
            EmploymentPeriod.hired_on <= until,
            or_(EmploymentPeriod.separated_on.is_(None), EmploymentPeriod.separated_on >= since),
        )
        .exists()
    )


def position_changes(session: Session, person_id: int) -> list[PositionChange]:
    """The person's position history, oldest first."""
    return list(
        session.execute(
            select(PositionChange)
            .where(PositionChange.person_id == person_id)
            .order_by(PositionChange.effective_on)
        ).scalars()
    )


def position_history(
    session: Session, person_id: int | None = None
) -> dict[int, list[tuple[dt.date, Position]]]:
    """Every person's (or one person's) position changes as (effective_on, position), oldest
    first: one query, whatever the number of people."""
    query = select(
        PositionChange.person_id, PositionChange.effective_on, PositionChange.position
    ).order_by(PositionChange.person_id, PositionChange.effective_on)
    if person_id is not None:
        query = query.where(PositionChange.person_id == person_id)
    found: dict[int, list[tuple[dt.date, Position]]] = {}
    for pid, effective_on, position in session.execute(query):
        found.setdefault(pid, []).append((effective_on, position))
    return found


def position_history_of(
    session: Session, person_ids: Sequence[int]
) -> dict[int, list[tuple[dt.date, Position]]]:
    """``position_history`` for the given people only: one query, whatever their number."""
    query = (
        select(PositionChange.person_id, PositionChange.effective_on, PositionChange.position)
        .where(PositionChange.person_id.in_(person_ids))
        .order_by(PositionChange.person_id, PositionChange.effective_on)
    )
    found: dict[int, list[tuple[dt.date, Position]]] = {}
    for pid, effective_on, position in session.execute(query):
        found.setdefault(pid, []).append((effective_on, position))
    return found


def held_on(
    history: Sequence[tuple[dt.date, Position]], day: dt.date, current: Position
) -> Position:
    """The position held on ``day`` from a history as ``position_history`` gives it: the latest
    change on or before the day; before the first change, the first position; with no history,
    ``current`` (the record's position)."""
    begun = [position for effective_on, position in history if effective_on <= day]
    if begun:
        return begun[-1]
    return history[0][1] if history else current


def position_held_on(session: Session, person: Person, day: dt.date) -> Position:
    """The position ``person`` held on ``day``: the latest change on or before it; before the
    first change, the first position; with no history, the record's position."""
    return held_on(position_history(session, person.id).get(person.id, []), day, person.position)

"""The compliance dashboard's data: mentors employed on a date with their training state, counts
by status and the daily share of mentors current over the year before.

Three queries load everything, however many people (mentors with their supervisors; their
periods of employment; their cycles with the first day of module activity in each); the rest
is ``lms.compliance.rules``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, literal, or_, select, union
from sqlalchemy.orm import Session, aliased

from lms import clock
from lms.compliance.rules import (
    STATUS_ORDER,
    ComplianceRow,
    DailyShare,
    MentorRecord,
    MonthSummary,
    chart_start,
    compliance_rows,
    count_by_status,
    daily_shares,
    expires_within,
    monthly_summaries,
)
from lms.staff.models import CLINICAL_POSITIONS, Person, Position, StaffStatus
from lms.staff.queries import Page, employed_between
from lms.supervision.queries import MISSED_WINDOWS, missed_a_week_in, missed_recent_weeks
from lms.supervision.rules import SupervisionSettings
from lms.tallies.queries import changes_between, counts_on
from lms.tallies.rules import EXPIRING_WITHIN_DAYS
from lms.training.models import TrainingStatusPeriod
from lms.training.queries import period_covers, training_histories
from lms.training.rules import CyclePolicy, TrainingHistory, TrainingState, TrainingStatus

#: The positions whose training the dashboard follows (the ones assigned the curriculum).
TRACKED_POSITIONS = (Position.THERAPEUTIC_MENTOR,)

#: The list's columns, on the page and in the CSV export alike.
COLUMNS = ("Mentor", "Status", "Due or expiry date", "Days left", "Supervisor", "Position")
NO_SUPERVISOR = "No supervisor"


@dataclass(frozen=True)
class ComplianceFilters:
    status: TrainingStatus | None = None
    supervisor_id: int | None = None
    without_supervisor: bool = False  # only mentors with no supervisor assigned
    position: Position | None = None
    expiring_within: int | None = None  # only training valid now that expires within N days
    #: Only mentors with a ``missed`` supervision week among the last N weeks over (4 or 13),
    #: from the stored runs of unsupervised weeks (``SupervisionGap``).
    missed_supervision: int | None = None


@dataclass(frozen=True)
class Dashboard:
    as_of: dt.date
    rows: list[ComplianceRow]  # the list shown: every filter applied, worst first
    counts: dict[TrainingStatus, int]  # by status, before the status filter
    shares: list[DailyShare] = field(default_factory=list)
    months: list[MonthSummary] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _scope(
    since: dt.date, until: dt.date, team_of: int | None, filters: ComplianceFilters
) -> list[ColumnElement[bool]]:
    """People in a tracked position employed at some time from ``since`` to ``until``."""
    return [*_in_scope(team_of, filters), employed_between(since, until)]


def mentor_records(
    session: Session,
    since: dt.date,
    until: dt.date,
    *,
    team_of: int | None = None,
    filters: ComplianceFilters = ComplianceFilters(),
    timezone: str = clock.DEFAULT_TIMEZONE,
) -> list[MentorRecord]:
    """Mentors employed at some time from ``since`` to ``until`` with every period of employment
    and every cycle: three queries."""
    conditions = _scope(since, until, team_of, filters)
    boss = aliased(Person)
    # Columns rather than whole Person objects: a fraction of the cost for thousands of rows.
    people = session.execute(
        select(*_mentor_columns(boss))
        .outerjoin(boss, boss.id == Person.supervisor_id)
        .where(*conditions)
    ).all()
    histories = training_histories(session, select(Person.id).where(*conditions), timezone)
    return [
        MentorRecord(
            person_id=person_id,
            name=display_name(legal_name, preferred_name),
            position=position.value,
            supervisor_id=supervisor_id,
            supervisor_name=display_name(boss_legal, boss_preferred) if boss_legal else None,
            employments=histories.get(person_id, TrainingHistory(())).employments,
            cycles=histories.get(person_id, TrainingHistory(())).cycles,
        )
        for (
            person_id,
            legal_name,
            preferred_name,
            position,
            supervisor_id,
            boss_legal,
            boss_preferred,
        ) in people
    ]


def display_name(legal_name: str, preferred_name: str | None) -> str:
    """What ``Person.display_name`` shows, from the two columns alone."""
    return Person.display_name.fget(
        SimpleNamespace(legal_name=legal_name, preferred_name=preferred_name)
    )


def compliance_dashboard(
    session: Session,
    as_of: dt.date,
    policy: CyclePolicy,
    *,
    team_of: int | None = None,
    filters: ComplianceFilters = ComplianceFilters(),
    timezone: str = clock.DEFAULT_TIMEZONE,
    chart: bool = True,
) -> Dashboard:
    """Everything the dashboard shows for ``as_of``; ``team_of`` limits it to one supervisor's
    team. The chart covers the same people as the list, before the status filter."""
    start = chart_start(as_of)
    records = mentor_records(
        session,
        start if chart else as_of,
        as_of,
        team_of=team_of,
        filters=filters,
        timezone=timezone,
    )
    everyone = compliance_rows(records, as_of, policy)
    shown = [
        r
        for r in everyone
        if (filters.status is None or r.state.status is filters.status)
        and (
            filters.expiring_within is None
            or expires_within(r.state, as_of, filters.expiring_within)
        )
    ]
    shares = daily_shares(records, start, as_of, policy) if chart else []
    return Dashboard(as_of, shown, count_by_status(everyone), shares, monthly_summaries(shares))


def supervisor_choices(session: Session) -> list[tuple[int, str]]:
    """Whom HR may filter by: clinicians on staff and anyone now supervising a mentor. One
    query whose cost follows the number of supervisors, not of mentors (see ``_supervising``)."""
    clinicians = select(Person.id).where(
        Person.position.in_(CLINICAL_POSITIONS), Person.status != StaffStatus.SEPARATED
    )
    people = session.execute(
        select(Person)
        .where(Person.id.in_(union(_supervising(), clinicians)))
        .order_by(Person.legal_name, Person.id)
    ).scalars()
    return [(person.id, person.display_name) for person in people]


def _supervising() -> Select:
    """The distinct supervisors of mentors, found by hopping from one supervisor id to the
    next along the ``supervisor_id`` index (a recursive query: one index probe per supervisor
    of anyone) instead of reading every mentor's row, then kept when they supervise a mentor."""
    # "ORDER BY … LIMIT 1" rather than min(): both databases answer it with one index seek.
    anyone = aliased(Person)
    lowest = (
        select(anyone.supervisor_id)
        .where(anyone.supervisor_id.is_not(None))
        .order_by(anyone.supervisor_id)
        .limit(1)
        .scalar_subquery()
    )
    found = select(lowest.label("id")).cte("supervising", recursive=True)
    following = aliased(Person)
    next_id = (
        select(following.supervisor_id)
        .where(following.supervisor_id > found.c.id)
        .order_by(following.supervisor_id)
        .limit(1)
        .scalar_subquery()
    )
    found = found.union_all(select(next_id).where(found.c.id.is_not(None)))
    mentor = aliased(Person)
    supervises_a_mentor = (
        select(mentor.id)
        .where(mentor.supervisor_id == found.c.id, mentor.position.in_(TRACKED_POSITIONS))
        .exists()
    )
    return select(found.c.id).where(found.c.id.is_not(None), supervises_a_mentor)


def cells(row: ComplianceRow) -> list[str]:
    """One row of the list as text, exactly as the page and the CSV export show it."""
    return [
        row.record.name,
        row.state.status.label,
        row.state.due_on.isoformat(),
        str(row.state.days_left),
        row.record.supervisor_name or NO_SUPERVISOR,
        Position(row.record.position).label,
    ]


def as_json(dashboard: Dashboard) -> dict[str, Any]:
    """The list and counts for programs: codes rather than labels, null for no supervisor."""
    return {
        "as_of": dashboard.as_of.isoformat(),
        "counts": {status.value: count for status, count in dashboard.counts.items()},
        "mentors": [
            {
                "person_id": row.record.person_id,
                "mentor": row.record.name,
                "status": row.state.status.value,
                "due_or_expires_on": row.state.due_on.isoformat(),
                "days_left": row.state.days_left,
                "supervisor": row.record.supervisor_name,
                "supervisor_id": row.record.supervisor_id,
                "position": row.record.position,
            }
            for row in dashboard.rows
        ],
    }


# -- from the stored status periods: paged, counted and charted in SQL -------------------------
#
# ``training_status_periods`` (kept equal to the rules by ``lms.statuses``) says, per person,
# which status ``state_on`` gives over each run of days; a mentor employed on a day has exactly
# one period covering it. So the list, its counts and the daily shares are SQL over the stored
# dates; the rows shown are the same ``ComplianceRow`` the rules give (days left is the due date
# minus the day). ``compliance_dashboard`` above stays the rules-only reference (the auditors'
# roster reads every employment from it); the tests hold the two equal.

_PERIOD = TrainingStatusPeriod
_RANK_OF = case(
    {status.value: rank for rank, status in enumerate(STATUS_ORDER)}, value=_PERIOD.status
)
_CURRENT = _PERIOD.status.in_([status for status in STATUS_ORDER if status.current])


def _display_name(legal, preferred) -> ColumnElement[str]:
    """``Person.display_name`` in SQL, for sorting."""
    return case(
        (
            preferred.is_not(None) & (preferred != legal),
            preferred + literal(" (") + legal + literal(")"),
        ),
        else_=legal,
    )


def _positions(filters: ComplianceFilters) -> set[str]:
    chosen = (filters.position,) if filters.position else TRACKED_POSITIONS
    return {position.value for position in chosen}


def _counted_by_tallies(team_of: int | None, filters: ComplianceFilters) -> bool:
    """Whether ``lms.tallies`` keeps the counts of this scope: every mentor of the positions
    chosen, whatever their supervisor (the counters are not kept per supervisor)."""
    return team_of is None and filters.supervisor_id is None and not filters.without_supervisor


def _in_scope(team_of: int | None, filters: ComplianceFilters) -> list[ColumnElement[bool]]:
    """Mentors in a tracked position (or the one chosen), of the team or supervisor chosen."""
    positions = (filters.position,) if filters.position else TRACKED_POSITIONS
    conditions = [Person.position.in_(positions)]
    if team_of is not None:
        conditions.append(Person.supervisor_id == team_of)
    if filters.supervisor_id is not None:
        conditions.append(Person.supervisor_id == filters.supervisor_id)
    if filters.without_supervisor:
        conditions.append(Person.supervisor_id.is_(None))
    return conditions


def _listed(
    as_of: dt.date, team_of: int | None, filters: ComplianceFilters
) -> list[ColumnElement[bool]]:
    """Mentors in scope with a stored period (joined as ``_PERIOD``) covering ``as_of``: those
    employed that day."""
    return [*_in_scope(team_of, filters), *period_covers(as_of)]


def _shown(
    as_of: dt.date, filters: ComplianceFilters, supervision: SupervisionSettings
) -> list[ColumnElement[bool]]:
    conditions = []
    if filters.missed_supervision is not None:  # the stored runs of unsupervised weeks
        conditions.append(
            missed_a_week_in(filters.missed_supervision, as_of, supervision, Person.id)
        )
    if filters.status is not None:
        conditions.append(_PERIOD.status == filters.status)
    if filters.expiring_within is not None:  # the SQL form of rules.expires_within
        conditions += [
            _PERIOD.status.in_([TrainingStatus.COMPLIANT, TrainingStatus.DUE_SOON]),
            _PERIOD.expires_on >= as_of,
            _PERIOD.expires_on <= as_of + dt.timedelta(days=filters.expiring_within),
        ]
    return conditions


def _mentor_columns(boss) -> tuple:
    """A mentor's id, names, position and supervisor, with the supervisor's (``boss``, an
    alias) names: what every list of mentors here shows of them."""
    return (
        Person.id,
        Person.legal_name,
        Person.preferred_name,
        Person.position,
        Person.supervisor_id,
        boss.legal_name,
        boss.preferred_name,
    )


def _row_columns(boss) -> Select:
    """What ``_row`` reads of a mentor, their supervisor (``boss``, an alias) and the period."""
    return select(
        *_mentor_columns(boss),
        _PERIOD.status,
        _PERIOD.due_on,
        _PERIOD.expires_on,
        _PERIOD.window_opens_on,
        _PERIOD.last_completed_on,
    )


def _rows_statement(
    as_of: dt.date,
    team_of: int | None,
    filters: ComplianceFilters,
    supervision: SupervisionSettings,
) -> Select:
    boss = aliased(Person)
    return (
        _row_columns(boss)
        .join(_PERIOD, _PERIOD.person_id == Person.id)
        .outerjoin(boss, boss.id == Person.supervisor_id)
        .where(*_listed(as_of, team_of, filters), *_shown(as_of, filters, supervision))
        # Worst first, fewest days left, then name: rules.sort_key.
        .order_by(
            _RANK_OF,
            _PERIOD.due_on,
            _display_name(Person.legal_name, Person.preferred_name),
            Person.id,
        )
    )


def _row(row, as_of: dt.date) -> ComplianceRow:
    (
        person_id,
        legal_name,
        preferred_name,
        position,
        supervisor_id,
        boss_legal,
        boss_preferred,
        status,
        due_on,
        expires_on,
        window_opens_on,
        last_completed_on,
    ) = row
    return ComplianceRow(
        MentorRecord(
            person_id=person_id,
            name=display_name(legal_name, preferred_name),
            position=position.value,
            supervisor_id=supervisor_id,
            supervisor_name=display_name(boss_legal, boss_preferred) if boss_legal else None,
            employments=(),  # not loaded: the stored period already answers for the day
        ),
        TrainingState(
            status,
            due_on,
            expires_on,
            window_opens_on,
            last_completed_on,
            (due_on - as_of).days,
        ),
    )


def status_counts(
    session: Session,
    as_of: dt.date,
    *,
    team_of: int | None = None,
    filters: ComplianceFilters = ComplianceFilters(),
) -> dict[TrainingStatus, int]:
    """Mentors in scope on ``as_of`` by status, every status present, worst first: one query
    (the status and expiry filters do not apply, as on the page)."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    if _counted_by_tallies(team_of, filters):
        stored = counts_on(session, "training", as_of, positions=_positions(filters))
        counts.update({status: stored[status.value] for status in STATUS_ORDER})
        return counts
    for status, count in session.execute(
        select(_PERIOD.status, func.count())
        .join(Person, Person.id == _PERIOD.person_id)
        .where(*_listed(as_of, team_of, filters))
        .group_by(_PERIOD.status)
    ):
        counts[TrainingStatus(status)] = count
    return counts


def count_shown(
    session: Session,
    as_of: dt.date,
    *,
    team_of: int | None = None,
    filters: ComplianceFilters = ComplianceFilters(),
    supervision: SupervisionSettings | None = None,
) -> int:
    """How many rows the list has with every filter applied: one query."""
    supervision = supervision or DEFAULT_SUPERVISION
    status_only = (
        filters.status is not None
        and filters.expiring_within is None
        and filters.missed_supervision is None
    )
    if status_only and _counted_by_tallies(team_of, filters):
        stored = counts_on(
            session,
            "training",
            as_of,
            positions=_positions(filters),
            statuses={filters.status.value},
        )
        return stored[filters.status.value]
    expiring_only = (
        filters.expiring_within == EXPIRING_WITHIN_DAYS
        and filters.status is None
        and filters.missed_supervision is None
    )
    if expiring_only and _counted_by_tallies(team_of, filters):
        # The counters keep training valid and expiring within that many days.
        stored = counts_on(session, "training_expiring", as_of, positions=_positions(filters))
        return stored["expiring"]
    return session.execute(
        select(func.count())
        .select_from(Person)
        .join(_PERIOD, _PERIOD.person_id == Person.id)
        .where(*_listed(as_of, team_of, filters), *_shown(as_of, filters, supervision))
    ).scalar_one()


def rows_page(
    session: Session,
    as_of: dt.date,
    page: Page,
    *,
    team_of: int | None = None,
    filters: ComplianceFilters = ComplianceFilters(),
    counts: dict[TrainingStatus, int] | None = None,
    supervision: SupervisionSettings | None = None,
) -> list[ComplianceRow]:
    """One page of the list, worst first: one query, whatever the page; with the mentors'
    ``counts`` by status for the whole provider, one query per status the page reaches."""
    supervision = supervision or DEFAULT_SUPERVISION
    by_status = (
        counts is not None
        and filters.expiring_within is None
        and filters.missed_supervision is None
    )
    if by_status and _counted_by_tallies(team_of, filters):
        return _rows_page_by_status(session, as_of, page, filters, counts)
    statement = _rows_statement(as_of, team_of, filters, supervision)
    statement = statement.limit(page.size).offset(page.offset)
    return [_row(row, as_of) for row in session.execute(statement)]


#: The last day an open-ended period covers, for comparing ``ends_on`` as one expression.
_OPEN_END = dt.date(9999, 12, 31)


def _rows_page_by_status(
    session: Session,
    as_of: dt.date,
    page: Page,
    filters: ComplianceFilters,
    counts: dict[TrainingStatus, int],
) -> list[ComplianceRow]:
    """A page of the whole provider's list, read status by status (worst first): the counts
    say which statuses the page reaches and where in each it starts, and each status is read
    in due-date order from the (status, due_on, …) index, stopping once the page is full —
    rather than sorting every mentor on every request."""
    rows: list[ComplianceRow] = []
    before = 0  # rows of the statuses already passed
    for status in STATUS_ORDER:
        if filters.status is not None and status is not filters.status:
            continue
        first, after = before, before + counts.get(status, 0)
        before = after
        if after <= page.offset or first >= page.offset + page.size:
            continue
        offset = max(0, page.offset - first)
        limit = min(page.offset + page.size, after) - first - offset
        statement = _status_rows_statement(as_of, filters, status).limit(limit).offset(offset)
        rows += [_row(row, as_of) for row in session.execute(statement)]
    return rows


def _status_rows_statement(
    as_of: dt.date, filters: ComplianceFilters, status: TrainingStatus
) -> Select:
    """Mentors of the positions chosen with ``status`` on ``as_of``, fewest days left first.
    The scope is read from the period itself (it keeps its person's position) and the end
    compared as one expression, so the (status, due_on, …) index serves the filter and the
    order alike."""
    boss = aliased(Person)
    return (
        _row_columns(boss)
        .select_from(_PERIOD)
        .join(Person, Person.id == _PERIOD.person_id)
        .outerjoin(boss, boss.id == Person.supervisor_id)
        .where(
            _PERIOD.status == status,
            _PERIOD.starts_on <= as_of,
            func.coalesce(_PERIOD.ends_on, _OPEN_END) >= as_of,
            _PERIOD.position.in_(sorted(_positions(filters))),
        )
        .order_by(
            _PERIOD.due_on,
            _display_name(Person.legal_name, Person.preferred_name),
            Person.id,
        )
    )


#: Rows fetched at a time when the whole list is streamed (the CSV export).
STREAM_BATCH = 500

#: The supervision columns beside the list's, on the page and in the CSV export: weeks
#: ``missed`` among the last 4 and 13 weeks over as of the dashboard's date (issue 10).
SUPERVISION_COLUMNS = tuple(
    f"Supervision weeks missed (last {window})" for window in MISSED_WINDOWS
)

#: The weekly rule's defaults (the app passes its ``LMS_SUPERVISION_*`` settings).
DEFAULT_SUPERVISION = SupervisionSettings()

#: A row's missed weeks by window (4, 13).
Missed = dict[int, int]


def with_missed_weeks(
    session: Session,
    rows: list[ComplianceRow],
    as_of: dt.date,
    settings: SupervisionSettings,
    missed_supervision: int | None = None,
) -> list[tuple[ComplianceRow, Missed]]:
    """``rows`` with each mentor's missed supervision weeks (``lms.supervision``'s loader and
    weekly rule, six queries for the lot, none for no rows); with ``missed_supervision`` only
    the rows with a missed week among that many last weeks."""
    missed = missed_recent_weeks(
        session, [row.record.person_id for row in rows], as_of=as_of, settings=settings
    )
    pairs = [(row, missed[row.record.person_id]) for row in rows]
    if missed_supervision is not None:
        pairs = [pair for pair in pairs if pair[1][missed_supervision] > 0]
    return pairs


def stream_rows_with_missed(
    session: Session,
    as_of: dt.date,
    settings: SupervisionSettings,
    *,
    team_of: int | None = None,
    filters: ComplianceFilters = ComplianceFilters(),
) -> Iterator[tuple[ComplianceRow, Missed]]:
    """``stream_rows`` with the missed supervision weeks, worked out ``STREAM_BATCH`` rows at a
    time (six queries a batch); the supervision filter is applied in SQL and checked again on
    each batch by the weekly rule itself."""
    batch: list[ComplianceRow] = []
    for row in stream_rows(session, as_of, team_of=team_of, filters=filters, supervision=settings):
        batch.append(row)
        if len(batch) >= STREAM_BATCH:
            yield from with_missed_weeks(
                session, batch, as_of, settings, filters.missed_supervision
            )
            batch = []
    if batch:
        yield from with_missed_weeks(session, batch, as_of, settings, filters.missed_supervision)


def stream_rows(
    session: Session,
    as_of: dt.date,
    *,
    team_of: int | None = None,
    filters: ComplianceFilters = ComplianceFilters(),
    supervision: SupervisionSettings | None = None,
) -> Iterator[ComplianceRow]:
    """Every row of the list, worst first, fetched ``STREAM_BATCH`` at a time (a server-side
    cursor on PostgreSQL): memory stays flat however long the list."""
    statement = _rows_statement(
        as_of, team_of, filters, supervision or DEFAULT_SUPERVISION
    ).execution_options(yield_per=STREAM_BATCH)
    for row in session.execute(statement):
        yield _row(row, as_of)


def stored_daily_shares(
    session: Session,
    start: dt.date,
    end: dt.date,
    *,
    team_of: int | None = None,
    filters: ComplianceFilters = ComplianceFilters(),
) -> list[DailyShare]:
    """For each day from ``start`` to ``end``, mentors employed and how many were current, from
    the periods' first and last days grouped in SQL: two queries, at most a few rows per day,
    however many mentors (``rules.daily_shares`` is the same sum over the rules' periods)."""
    days = (end - start).days + 1
    if _counted_by_tallies(team_of, filters):
        return _tallied_daily_shares(session, start, days, _positions(filters))
    employed, not_current = [0] * (days + 1), [0] * (days + 1)
    overlapping = [
        *_in_scope(team_of, filters),
        _PERIOD.starts_on <= end,
        or_(_PERIOD.ends_on.is_(None), _PERIOD.ends_on >= start),
    ]
    current = _CURRENT.label("current")
    for edge, sign in ((_PERIOD.starts_on, 1), (_PERIOD.ends_on, -1)):
        for day, is_current, count in session.execute(
            select(edge, current, func.count())
            .join(Person, Person.id == _PERIOD.person_id)
            .where(*overlapping, *([] if sign > 0 else [_PERIOD.ends_on < end]))
            .group_by(edge, current)
        ):
            # A period adds from its first day (or the chart's) and stops after its last.
            index = max(0, (day - start).days) if sign > 0 else (day - start).days + 1
            employed[index] += sign * count
            if not is_current:
                not_current[index] += sign * count
    shares, on_staff, behind = [], 0, 0
    for index in range(days):
        on_staff += employed[index]
        behind += not_current[index]
        shares.append(DailyShare(start + dt.timedelta(days=index), on_staff, on_staff - behind))
    return shares


def _tallied_daily_shares(
    session: Session, start: dt.date, days: int, positions: set[str]
) -> list[DailyShare]:
    """``stored_daily_shares`` from the counters: the counts the day before ``start``, then
    each day's changes added in turn (two queries, a few rows per day that has changes)."""
    end = start + dt.timedelta(days=days - 1)
    before, by_day = changes_between(session, "training", start, end, positions=positions)
    current = {status.value for status in STATUS_ORDER if status.current}
    on_staff = sum(before.values())
    on_track = sum(count for status, count in before.items() if status in current)
    shares = []
    for index in range(days):
        day = start + dt.timedelta(days=index)
        changes = by_day.get(day)
        if changes:
            on_staff += sum(changes.values())
            on_track += sum(count for status, count in changes.items() if status in current)
        shares.append(DailyShare(day, on_staff, on_track))
    return shares


@dataclass(frozen=True)
class DashboardPage:
    as_of: dt.date
    rows: list[ComplianceRow]  # one page of the list: every filter applied, worst first
    page: Page  # which page, of how many rows matching every filter
    counts: dict[TrainingStatus, int]  # by status, before the status filter
    shares: list[DailyShare] = field(default_factory=list)
    months: list[MonthSummary] = field(default_factory=list)
    #: Each shown mentor's missed supervision weeks by window, by person id.
    missed: dict[int, Missed] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def dashboard_page(
    session: Session,
    as_of: dt.date,
    requested_page: int,
    page_size: int,
    *,
    team_of: int | None = None,
    filters: ComplianceFilters = ComplianceFilters(),
    chart: bool = True,
    supervision: SupervisionSettings = DEFAULT_SUPERVISION,
) -> DashboardPage:
    """The dashboard from the stored statuses: counts, one page of the list with its missed
    supervision weeks and the 12-month chart, in at most eleven queries (nine without the chart)
    besides one per status the page reaches, however many mentors. The supervision filter is a
    comparison with the stored runs of unsupervised weeks; the counts and the chart do not
    depend on it."""
    counts = status_counts(session, as_of, team_of=team_of, filters=filters)
    unfiltered = (
        filters.status is None
        and filters.expiring_within is None
        and filters.missed_supervision is None
    )
    if unfiltered:
        matching = sum(counts.values())
    else:
        matching = count_shown(
            session, as_of, team_of=team_of, filters=filters, supervision=supervision
        )
    page = Page.clamped(requested_page, page_size, matching)
    rows = rows_page(
        session,
        as_of,
        page,
        team_of=team_of,
        filters=filters,
        counts=counts,
        supervision=supervision,
    )
    missed = {
        row.record.person_id: windows
        for row, windows in with_missed_weeks(session, rows, as_of, supervision)
    }
    shares = (
        stored_daily_shares(session, chart_start(as_of), as_of, team_of=team_of, filters=filters)
        if chart
        else []
    )
    return DashboardPage(as_of, rows, page, counts, shares, monthly_summaries(shares), missed)

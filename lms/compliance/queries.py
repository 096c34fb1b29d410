"""The compliance dashboard's data: mentors employed on a date with their training state, counts
by status and the daily share of mentors current over the year before.

Three queries load everything, however many people (mentors with their supervisors; their
periods of employment; their cycles with the first day of module activity in each); the rest
is ``lms.compliance.rules``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, aliased

from lms import clock
from lms.compliance.rules import (
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
from lms.staff.queries import employed_between
from lms.training.queries import training_histories
from lms.training.rules import CyclePolicy, TrainingHistory, TrainingStatus

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
    positions = (filters.position,) if filters.position else TRACKED_POSITIONS
    conditions = [
        Person.position.in_(positions),
        employed_between(since, until),
    ]
    if team_of is not None:
        conditions.append(Person.supervisor_id == team_of)
    if filters.supervisor_id is not None:
        conditions.append(Person.supervisor_id == filters.supervisor_id)
    if filters.without_supervisor:
        conditions.append(Person.supervisor_id.is_(None))
    return conditions


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
        select(
            Person.id,
            Person.legal_name,
            Person.preferred_name,
            Person.position,
            Person.supervisor_id,
            boss.legal_name,
            boss.preferred_name,
        )
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
    """Whom HR may filter by: clinicians on staff and anyone now supervising a mentor."""
    supervising = select(Person.supervisor_id).where(
        Person.position.in_(TRACKED_POSITIONS), Person.supervisor_id.is_not(None)
    )
    people = session.execute(
        select(Person)
        .where(
            or_(
                Person.id.in_(supervising),
                Person.position.in_(CLINICAL_POSITIONS) & (Person.status != StaffStatus.SEPARATED),
            )
        )
        .order_by(Person.legal_name, Person.id)
    ).scalars()
    return [(person.id, person.display_name) for person in people]


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

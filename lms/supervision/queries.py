"""Read-only queries for supervision: sessions, leave, and every mentor's weeks for a range of
dates in a constant number of queries (whatever the number of mentors)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from lms.clinicians.models import Licence
from lms.clinicians.queries import areas_by_person
from lms.clinicians.rules import LicenceTerm, TrainingArea, licences_valid_on
from lms.staff.models import EmploymentPeriod, Person, Position, PositionChange
from lms.supervision.models import LeavePeriod, SupervisionGap, SupervisionSession
from lms.supervision.rules import (
    Period,
    SessionFacts,
    SupervisionSettings,
    WeekResult,
    employment_in,
    missed_in_recent_weeks,
    position_spells,
    recent_weeks_over,
    supervision_weeks,
    week_start,
)


@dataclass(slots=True)
class SessionInfo:
    """What a page or report shows beside a session besides the rule's outcome."""

    id: int
    supervisor_id: int
    supervisor_name: str
    supervisor_email: str | None
    signed: bool
    imported: bool
    acknowledged: bool
    superseded: bool
    supersedes_id: int | None
    licence_unverified: bool
    missing_areas: bool


@dataclass
class MentorWeeks:
    mentor_id: int
    name: str
    email: str | None
    supervisor_id: int | None
    weeks: list[WeekResult] = field(default_factory=list)
    sessions: dict[int, SessionInfo] = field(default_factory=dict)


def mentors_statement(
    first: dt.date,
    last: dt.date,
    supervisor_id: int | None = None,
    mentor_id: int | None = None,
    mentor_ids: Collection[int] | None = None,
) -> Select:
    """People who are, or have been, therapeutic mentors with a period of employment
    overlapping ``first`` to ``last`` (``mentor_weeks`` keeps the days they were mentors)."""
    employed = (
        select(EmploymentPeriod.id)
        .where(
            EmploymentPeriod.person_id == Person.id,
            EmploymentPeriod.hired_on <= last,
            or_(EmploymentPeriod.separated_on.is_(None), EmploymentPeriod.separated_on >= first),
        )
        .exists()
    )
    was_mentor = (
        select(PositionChange.id)
        .where(
            PositionChange.person_id == Person.id,
            PositionChange.position == Position.THERAPEUTIC_MENTOR,
        )
        .exists()
    )
    statement = select(Person.id).where(
        or_(Person.position == Position.THERAPEUTIC_MENTOR, was_mentor), employed
    )
    if supervisor_id is not None:
        statement = statement.where(Person.supervisor_id == supervisor_id)
    if mentor_id is not None:
        statement = statement.where(Person.id == mentor_id)
    if mentor_ids is not None:
        statement = statement.where(Person.id.in_(sorted(set(mentor_ids))))
    return statement


def mentors_in_order(
    session: Session,
    *,
    first: dt.date,
    last: dt.date,
    settings: SupervisionSettings,
    mentor_ids: Collection[int] | None = None,
) -> list[int]:
    """The ids of the people :func:`mentor_weeks` considers for ``first`` to ``last``, in its
    order (by name): one query. Some may have no weeks (mentors only outside the range)."""
    range_first = week_start(first, settings.week_starts)
    range_last = week_start(last, settings.week_starts) + dt.timedelta(days=6)
    ids = mentors_statement(range_first, range_last, mentor_ids=mentor_ids).scalar_subquery()
    return list(
        session.execute(
            select(Person.id).where(Person.id.in_(ids)).order_by(Person.legal_name, Person.id)
        ).scalars()
    )


def mentor_weeks(
    session: Session,
    *,
    first: dt.date,
    last: dt.date,
    as_of: dt.date,
    settings: SupervisionSettings,
    supervisor_id: int | None = None,
    mentor_id: int | None = None,
    mentor_ids: Collection[int] | None = None,
    areas: bool = True,
) -> list[MentorWeeks]:
    """Every therapeutic mentor's weeks containing a day from ``first`` to ``last``, as of
    ``as_of``, ordered by name: only the days each was employed as a therapeutic mentor (the
    position held on each day, from the position history). Seven queries, however many mentors
    and sessions (six with ``areas=False``: the supervisors' training areas, shown beside
    sessions, are not read). ``mentor_ids`` limits it to those people (a page of a list)."""
    range_first = week_start(first, settings.week_starts)
    range_last = week_start(last, settings.week_starts) + dt.timedelta(days=6)
    ids = mentors_statement(
        range_first, range_last, supervisor_id, mentor_id, mentor_ids
    ).scalar_subquery()
    found = _weekly_inputs(session, ids, range_first, range_last, as_of, settings, areas)
    result = []
    for row in found.mentors:
        if row.id in found.changed_position and not any(
            period.first_day <= range_last
            and (period.last_day is None or period.last_day >= range_first)
            for period in found.employment.get(row.id, ())
        ):
            continue  # not a therapeutic mentor on any day of the range
        weeks = supervision_weeks(
            found.employment.get(row.id, []),
            found.leave.get(row.id, []),
            found.facts.get(row.id, []),
            first=first,
            last=last,
            as_of=as_of,
            settings=settings,
        )
        result.append(
            MentorWeeks(
                mentor_id=row.id,
                name=row.legal_name,
                email=row.work_email,
                supervisor_id=row.supervisor_id,
                weeks=weeks,
                sessions=found.infos.get(row.id, {}),
            )
        )
    return result


@dataclass
class WeeklyInputs:
    """What the weekly rule reads for a set of mentors, by mentor id: the days employed as a
    therapeutic mentor, leave and sessions (with what pages show beside them)."""

    mentors: list
    employment: dict[int, list[Period]]
    changed_position: set[int]  # mentors with a position history (employment cut to it)
    leave: dict[int, list[Period]]
    facts: dict[int, list[SessionFacts]]
    infos: dict[int, dict[int, SessionInfo]]


def _weekly_inputs(
    session: Session,
    ids,
    range_first: dt.date,
    range_last: dt.date,
    as_of: dt.date,
    settings: SupervisionSettings,
    areas: bool,
) -> WeeklyInputs:
    """The weekly rule's inputs for the mentors ``ids`` (a subquery) from ``range_first`` to
    ``range_last``: six queries, seven with the supervisors' training ``areas``."""
    mentors = session.execute(
        select(Person.id, Person.legal_name, Person.work_email, Person.supervisor_id)
        .where(Person.id.in_(ids))
        .order_by(Person.legal_name, Person.id)
    ).all()
    employment: dict[int, list[Period]] = defaultdict(list)
    for row in session.execute(
        select(EmploymentPeriod.person_id, EmploymentPeriod.hired_on, EmploymentPeriod.separated_on)
        .where(EmploymentPeriod.person_id.in_(ids))
        .order_by(EmploymentPeriod.hired_on)
    ):
        employment[row.person_id].append(Period(row.hired_on, row.separated_on))
    changes: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for person_id, effective_on, position in session.execute(
        select(PositionChange.person_id, PositionChange.effective_on, PositionChange.position)
        .where(PositionChange.person_id.in_(ids))
        .order_by(PositionChange.person_id, PositionChange.effective_on)
    ):
        changes[person_id].append((effective_on, position.value))
    for person_id, history in changes.items():
        spells = position_spells(history, Position.THERAPEUTIC_MENTOR.value)
        employment[person_id] = employment_in(employment.get(person_id, []), spells)
    leave: dict[int, list[Period]] = defaultdict(list)
    for row in session.execute(
        select(LeavePeriod.person_id, LeavePeriod.first_day, LeavePeriod.last_day).where(
            LeavePeriod.person_id.in_(ids),
            LeavePeriod.first_day <= range_last,
            LeavePeriod.last_day >= range_first,
        )
    ):
        leave[row.person_id].append(Period(row.first_day, row.last_day))

    supervisor = aliased(Person)
    correction = aliased(SupervisionSession)
    superseded = select(correction.id).where(correction.supersedes_id == SupervisionSession.id)
    in_range = and_(
        SupervisionSession.mentor_id.in_(ids),
        SupervisionSession.held_on >= range_first,
        SupervisionSession.held_on <= min(range_last, as_of),
    )
    # Core rows, not ORM ones: a year of sessions is hundreds of thousands of them.
    rows = (
        session.connection()
        .execute(
            select(
                SupervisionSession.id,
                SupervisionSession.mentor_id,
                SupervisionSession.supervisor_id,
                SupervisionSession.held_on,
                SupervisionSession.format,
                SupervisionSession.minutes,
                SupervisionSession.signed_at.is_not(None).label("signed"),
                SupervisionSession.imported,
                SupervisionSession.acknowledged_at.is_not(None).label("acknowledged"),
                SupervisionSession.recorded_at,
                SupervisionSession.supersedes_id,
                superseded.exists().label("superseded"),
                supervisor.legal_name.label("supervisor_name"),
                supervisor.work_email.label("supervisor_email"),
            )
            .join(supervisor, supervisor.id == SupervisionSession.supervisor_id)
            .where(in_range)
            .order_by(SupervisionSession.held_on, SupervisionSession.id)
        )
        .all()
    )
    supervisor_ids = select(SupervisionSession.supervisor_id).where(in_range).distinct()
    licences: dict[int, list[LicenceTerm]] = defaultdict(list)
    for row in session.execute(
        select(Licence.person_id, Licence.issued_on, Licence.expires_on, Licence.verified_at).where(
            Licence.person_id.in_(supervisor_ids.scalar_subquery())
        )
    ):
        licences[row.person_id].append(
            LicenceTerm(row.issued_on, row.expires_on, row.verified_at is not None)
        )
    areas = areas_by_person(session, {row.supervisor_id for row in rows}) if areas else {}

    facts: dict[int, list[SessionFacts]] = defaultdict(list)
    infos: dict[int, dict[int, SessionInfo]] = defaultdict(dict)
    terms_of = {person_id: tuple(items) for person_id, items in licences.items()}
    # Whether the supervisor holds a licence valid that day, and whether it is verified: the
    # same few (supervisor, day) pairs recur across thousands of sessions, so each is worked
    # out once (the rule is told the answer rather than asking again for every session).
    licence_on: dict[tuple[int, dt.date], tuple[bool, bool]] = {}
    zone = ZoneInfo(settings.timezone)
    recorded_on: dict[dt.datetime, dt.date] = {}
    all_areas = len(TrainingArea)
    missing_areas = {person_id: len(areas.get(person_id, ())) < all_areas for person_id in terms_of}
    # Rows unpacked by position: attribute access by name costs more than the rest of the loop.
    for (
        session_id,
        mentor_id,
        supervisor_id,
        held_on,
        session_format,
        minutes,
        signed,
        imported,
        acknowledged,
        recorded_at,
        supersedes_id,
        superseded,
        supervisor_name,
        supervisor_email,
    ) in rows:
        terms = terms_of.get(supervisor_id, ())
        key = (supervisor_id, held_on)
        standing = licence_on.get(key)
        if standing is None:
            valid = licences_valid_on(terms, held_on)
            standing = licence_on[key] = (
                bool(valid),
                bool(valid) and not any(term.verified for term in valid),
            )
        day = recorded_on.get(recorded_at)
        if day is None:
            day = recorded_on[recorded_at] = recorded_at.astimezone(zone).date()
        facts[mentor_id].append(
            SessionFacts(
                held_on=held_on,
                format=session_format,
                minutes=minutes,
                signed=bool(signed) or imported,
                supervisor_licences=terms,
                recorded_on=day,
                superseded=bool(superseded),
                key=session_id,
                licence_valid=standing[0],
            )
        )
        infos[mentor_id][session_id] = SessionInfo(
            id=session_id,
            supervisor_id=supervisor_id,
            supervisor_name=supervisor_name,
            supervisor_email=supervisor_email,
            signed=bool(signed),
            imported=imported,
            acknowledged=bool(acknowledged),
            superseded=bool(superseded),
            supersedes_id=supersedes_id,
            licence_unverified=standing[1],
            missing_areas=missing_areas.get(supervisor_id, True),
        )

    return WeeklyInputs(list(mentors), employment, set(changes), leave, facts, infos)


def session_row(session: Session, session_id: int) -> SupervisionSession | None:
    return session.get(SupervisionSession, session_id)


def sessions_of_mentor(session: Session, mentor_id: int, limit: int = 200):
    """A mentor's sessions, newest first, with whether each was superseded."""
    correction = aliased(SupervisionSession)
    superseded = (
        select(correction.id).where(correction.supersedes_id == SupervisionSession.id).exists()
    )
    supervisor = aliased(Person)
    return session.execute(
        select(SupervisionSession, supervisor.legal_name, superseded.label("superseded"))
        .join(supervisor, supervisor.id == SupervisionSession.supervisor_id)
        .where(SupervisionSession.mentor_id == mentor_id)
        .order_by(SupervisionSession.held_on.desc(), SupervisionSession.id.desc())
        .limit(limit)
    ).all()


def leave_of(session: Session, person_id: int) -> list[LeavePeriod]:
    return list(
        session.execute(
            select(LeavePeriod)
            .where(LeavePeriod.person_id == person_id)
            .order_by(LeavePeriod.first_day.desc())
        ).scalars()
    )


def team_of(session: Session, supervisor_id: int) -> list[Person]:
    """The supervisor's current team of mentors (not separated), by name."""
    return list(
        session.execute(
            select(Person)
            .where(
                Person.supervisor_id == supervisor_id,
                Person.position == Position.THERAPEUTIC_MENTOR,
                Person.separated_on.is_(None),
            )
            .order_by(Person.legal_name)
        ).scalars()
    )


#: The windows the compliance dashboard counts missed weeks over: the last 4 and 13 weeks over.
MISSED_WINDOWS = (4, 13)


def missed_a_week_in(
    window: int, as_of: dt.date, settings: SupervisionSettings, mentor_id
) -> ColumnElement[bool]:
    """The mentor whose id is the column ``mentor_id`` missed supervision in at least one of the
    ``window`` most recent weeks over as of ``as_of``: a stored run of unsupervised weeks
    overlaps them (``SupervisionGap``). A correlated EXISTS, so a list stops once its page is
    full."""
    weeks = recent_weeks_over(as_of, window, settings.week_starts)
    return unsupervised_between(weeks[0], weeks[-1], mentor_id)


def unsupervised_between(first_week: dt.date, last_week: dt.date, mentor_id) -> ColumnElement[bool]:
    """A stored run of unsupervised weeks of the mentor whose id is the column ``mentor_id``
    overlaps the weeks starting ``first_week`` to ``last_week``: for weeks over by the as-of
    date, the mentor missed at least one of them."""
    return (
        select(SupervisionGap.id)
        .where(
            SupervisionGap.mentor_id == mentor_id,
            SupervisionGap.first_week <= last_week,
            or_(SupervisionGap.last_week.is_(None), SupervisionGap.last_week >= first_week),
        )
        .exists()
    )


def weeks_over_between(
    first: dt.date, last: dt.date, as_of: dt.date, settings: SupervisionSettings
) -> tuple[dt.date, dt.date] | None:
    """The first days of the first and last weeks that contain a day from ``first`` to
    ``last`` and are over as of ``as_of`` (only those can be ``missed``); None if there are
    none."""
    first_week = week_start(first, settings.week_starts)
    last_over = week_start(as_of, settings.week_starts) - dt.timedelta(days=7)
    last_week = min(week_start(last, settings.week_starts), last_over)
    return (first_week, last_week) if first_week <= last_week else None


def _who_missed(first: dt.date, last: dt.date, as_of: dt.date, settings: SupervisionSettings):
    weeks = weeks_over_between(first, last, as_of, settings)
    if weeks is None:
        return None
    return mentors_statement(*weeks, mentor_ids=None).where(unsupervised_between(*weeks, Person.id))


def count_who_missed(
    session: Session, first: dt.date, last: dt.date, as_of: dt.date, settings: SupervisionSettings
) -> int:
    """How many mentors missed supervision in a week from ``first`` to ``last`` (over as of
    ``as_of``): one query over the stored runs of unsupervised weeks."""
    statement = _who_missed(first, last, as_of, settings)
    if statement is None:
        return 0
    return session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()


def who_missed_page(
    session: Session,
    first: dt.date,
    last: dt.date,
    as_of: dt.date,
    settings: SupervisionSettings,
    *,
    offset: int,
    limit: int,
) -> list[int]:
    """The ids of one page of those mentors, by name: one query."""
    statement = _who_missed(first, last, as_of, settings)
    if statement is None:
        return []
    return list(
        session.execute(
            statement.order_by(Person.legal_name, Person.id).offset(offset).limit(limit)
        ).scalars()
    )


def all_weekly_inputs(
    session: Session, mentor_ids: Collection[int], settings: SupervisionSettings
) -> WeeklyInputs:
    """The weekly rule's inputs for ``mentor_ids`` over every day (those ever therapeutic
    mentors): six queries, however many."""
    first, last = dt.date(1900, 1, 1), dt.date(9999, 12, 31)
    ids = mentors_statement(first, last, mentor_ids=mentor_ids).scalar_subquery()
    return _weekly_inputs(session, ids, first, last, last, settings, areas=False)


def missed_recent_weeks(
    session: Session,
    mentor_ids: Collection[int],
    *,
    as_of: dt.date,
    settings: SupervisionSettings,
    windows: tuple[int, ...] = MISSED_WINDOWS,
) -> dict[int, dict[int, int]]:
    """For each of ``mentor_ids``: window (number of weeks) -> weeks ``missed`` among that many
    most recent weeks over as of ``as_of``, by the weekly rule. Six queries however many mentors
    (none for no mentors); a mentor with no reported week has 0 in every window."""
    counts = {mentor_id: dict.fromkeys(windows, 0) for mentor_id in mentor_ids}
    if not counts or not windows:
        return counts
    weeks = recent_weeks_over(as_of, max(windows), settings.week_starts)
    for mentor in mentor_weeks(
        session,
        first=weeks[0],
        last=weeks[-1] + dt.timedelta(days=6),
        as_of=as_of,
        settings=settings,
        mentor_ids=counts.keys(),
        areas=False,
    ):
        if mentor.mentor_id in counts:
            counts[mentor.mentor_id] = {
                window: missed_in_recent_weeks(mentor.weeks, as_of, window, settings.week_starts)
                for window in windows
            }
    return counts

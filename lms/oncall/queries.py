"""Reading on-call blocks and the coverage they give: read-only ``select()`` builders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from lms.clinicians.models import Licence
from lms.clock import end_of_day
from lms.oncall.models import OnCallBlock
from lms.oncall.rules import (
    MINUTES_PER_DAY,
    Block,
    Gap,
    ServiceHours,
    coverage_gaps,
    covering,
    date_range,
    local_dates,
    senior_licensed_days_from_records,
    wall_clock,
)
from lms.organisation.models import OrganisationSettingsVersion
from lms.service_hours.rules import parse_service_hours
from lms.staff.models import Person, Position
from lms.staff.rules import StaffStatus


def service_hours_by_day(
    session: Session, config: Mapping[str, Any], first: dt.date, last: dt.date, timezone: str
) -> dict[dt.date, ServiceHours]:
    """The service hours in force on each day from ``first`` to ``last``: those of the newest
    organisation settings saved by the end of that day, or ``LMS_SERVICE_HOURS`` when none was
    saved or its service hours were left blank. One query."""
    versions = session.execute(
        select(OrganisationSettingsVersion.saved_at, OrganisationSettingsVersion.service_hours)
        .where(OrganisationSettingsVersion.saved_at < end_of_day(last, timezone))
        .order_by(OrganisationSettingsVersion.id)
    ).all()
    parsed: dict[str, ServiceHours] = {}

    def hours(text: str) -> ServiceHours:
        text = text.strip() or str(config["SERVICE_HOURS"])
        if text not in parsed:
            parsed[text] = parse_service_hours(text)
        return parsed[text]

    answer = {}
    for day in date_range(first, last):
        cutoff = end_of_day(day, timezone)
        in_force = [text for saved_at, text in versions if saved_at < cutoff]
        answer[day] = hours(in_force[-1] if in_force else "")
    return answer


def service_hours_on(
    session: Session, config: Mapping[str, Any], day: dt.date, timezone: str
) -> ServiceHours:
    """The service hours in force on ``day``."""
    return service_hours_by_day(session, config, day, day, timezone)[day]


def qualifying_days(
    session: Session, person_ids: Iterable[int], first: dt.date, last: dt.date
) -> dict[int, frozenset[dt.date]]:
    """For each person, the local dates from ``first`` to ``last`` on which they may cover
    on-call: senior clinician position, a licence valid that day, and still employed.

    The one place that answers "senior and licensed on day D", from the licence records
    (``lms.clinicians``) only: someone with no licence record has no qualifying day.
    """
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Person.id, Person.position, Person.separated_on).where(Person.id.in_(ids))
    ).all()
    records: dict[int, list[Licence]] = {}
    for licence in session.execute(select(Licence).where(Licence.person_id.in_(ids))).scalars():
        records.setdefault(licence.person_id, []).append(licence)
    answer = {}
    for person_id, position, separated_on in rows:
        senior = position == Position.SENIOR_CLINICIAN
        days = senior_licensed_days_from_records(senior, records.get(person_id, ()), first, last)
        if separated_on is not None:
            days = frozenset(day for day in days if day <= separated_on)
        answer[person_id] = days
    return answer


def _range_instants(
    first: dt.date, last: dt.date, timezone: str
) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(timezone)
    return wall_clock(first, 0, zone), wall_clock(last, MINUTES_PER_DAY, zone)


def blocks_between(
    session: Session,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    recorded_by: dt.datetime | None = None,
) -> list[OnCallBlock]:
    """Blocks that overlap ``[starts_at, ends_at)``, with their clinician, in start order.

    Without ``recorded_by``: the blocks on the roster now. With it: the roster as the records
    stood at that instant (blocks entered by then and not yet removed).
    """
    query = (
        select(OnCallBlock)
        .options(joinedload(OnCallBlock.clinician))
        .where(OnCallBlock.starts_at < ends_at, OnCallBlock.ends_at > starts_at)
    )
    if recorded_by is None:
        query = query.where(OnCallBlock.removed_at.is_(None))
    else:
        query = query.where(
            OnCallBlock.created_at <= recorded_by,
            or_(OnCallBlock.removed_at.is_(None), OnCallBlock.removed_at > recorded_by),
        )
    return list(session.execute(query.order_by(OnCallBlock.starts_at, OnCallBlock.id)).scalars())


@dataclass(frozen=True)
class Coverage:
    """On-call over a range of local dates: the blocks (with whether each counts) and the gaps."""

    first: dt.date
    last: dt.date
    blocks: Sequence[OnCallBlock]
    rule_blocks: Mapping[int, Block]
    gaps: Sequence[Gap]
    timezone: str

    def counts(self, block: OnCallBlock) -> bool:
        """Whether the block's clinician qualifies on every local date it touches."""
        rule = self.rule_blocks[block.id]
        return all(
            day in rule.qualifying_days
            for day in local_dates(rule.starts_at, rule.ends_at, self.timezone)
        )


def rule_blocks(
    session: Session, blocks: Sequence[OnCallBlock], first: dt.date, last: dt.date
) -> dict[int, Block]:
    """The blocks as the pure rule takes them, qualification read in one query."""
    if blocks:
        first = min(first, min(block.starts_at.date() for block in blocks) - dt.timedelta(days=1))
        last = max(last, max(block.ends_at.date() for block in blocks) + dt.timedelta(days=1))
    days = qualifying_days(session, (block.clinician_id for block in blocks), first, last)
    return {
        block.id: Block(
            block.starts_at, block.ends_at, days.get(block.clinician_id, frozenset()), block.id
        )
        for block in blocks
    }


def coverage(
    session: Session,
    config: Mapping[str, Any],
    first: dt.date,
    last: dt.date,
    timezone: str,
    recorded_by: dt.datetime | None = None,
) -> Coverage:
    """Blocks and gaps from ``first`` to ``last`` (inclusive local dates), each day against the
    service hours in force that day: three queries whatever the range."""
    hours = service_hours_by_day(session, config, first, last, timezone)
    starts_at, ends_at = _range_instants(first, last, timezone)
    blocks = blocks_between(session, starts_at, ends_at, recorded_by)
    rules = rule_blocks(session, blocks, first, last)
    gaps = coverage_gaps(hours, rules.values(), first, last, timezone)
    return Coverage(first, last, blocks, rules, gaps, timezone)


def on_call_at(
    session: Session, instant: dt.datetime, timezone: str, recorded_by: dt.datetime | None = None
) -> tuple[list[OnCallBlock], list[OnCallBlock]]:
    """(blocks that count, blocks that do not) covering ``instant``."""
    blocks = blocks_between(session, instant, instant + dt.timedelta(microseconds=1), recorded_by)
    day = instant.astimezone(ZoneInfo(timezone)).date()
    rules = rule_blocks(session, blocks, day, day)
    counting = {block.key for block in covering(list(rules.values()), instant, timezone)}
    return (
        [block for block in blocks if block.id in counting],
        [block for block in blocks if block.id not in counting],
    )


def senior_clinicians(session: Session) -> list[Person]:
    """Everyone who may be put on the roster: senior clinicians not separated, by name."""
    return list(
        session.execute(
            select(Person)
            .where(
                Person.position == Position.SENIOR_CLINICIAN,
                Person.status != StaffStatus.SEPARATED,
            )
            .order_by(Person.legal_name, Person.id)
        ).scalars()
    )

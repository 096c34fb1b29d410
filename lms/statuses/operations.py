"""Keep the stored statuses equal to what the rules answer.

``training_status_periods`` and ``eligibility_status_periods`` hold, per person, the runs of days
over which ``lms.training.rules.state_on`` and ``lms.eligibility.rules.evaluate`` give the same
answer (``status_periods`` in each rules module). ``refresh_statuses`` recomputes a batch of
people from the rules — a constant number of statements per batch — and replaces their rows.
``lms.statuses.tracking`` calls it, in the same transaction, for every person whose inputs a
flush changed; ``lms status verify`` and ``rebuild`` use the same recomputation.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from flask import current_app, has_app_context
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from lms import clock
from lms.config import load_config
from lms.eligibility.facts_json import parse_facts
from lms.eligibility.models import EligibilityStatusPeriod
from lms.eligibility.rules import StatusPeriod as EligibilityPeriod
from lms.eligibility.rules import status_periods as eligibility_periods
from lms.eligibility.snapshot import facts_document
from lms.requirements.models import ClearancePeriod, RequirementStatusPeriod, RequirementTally
from lms.requirements.stored import (
    catalogue_inputs,
    cell_fields,
    describe_cells,
    expected_clearance,
    refresh_requirements,
    stored_cells,
    stored_clearance,
    stored_tallies,
)
from lms.requirements.stored import recompute as recompute_requirements
from lms.requirements.stored import tallies_from_periods as requirement_tallies_from_periods
from lms.staff.models import Person, PersonToVerify
from lms.staff.queries import mentor_facts_of, something_unverified
from lms.supervision.models import SupervisionGap
from lms.supervision.queries import all_weekly_inputs
from lms.supervision.rules import Period as WeekRun
from lms.supervision.rules import SupervisionSettings, unsupervised_runs
from lms.supervision.settings import supervision_settings
from lms.tallies.models import StatusTally
from lms.tallies.operations import apply_changes
from lms.tallies.queries import stored_changes
from lms.tallies.rules import (
    DAY,
    EXPIRING_WITHIN_DAYS,
    Spans,
    TallyKey,
    changes_of,
    days_within,
    rolled_up,
    without_zeros,
)
from lms.training.models import TrainingStatusPeriod
from lms.training.operations import settings_from_config
from lms.training.queries import training_histories
from lms.training.rules import CyclePolicy, TrainingHistory, TrainingStatus
from lms.training.rules import StatusPeriod as TrainingPeriod
from lms.training.rules import status_periods as training_periods

#: People recomputed per batch: the statements per batch are constant, the IN lists bounded.
BATCH_SIZE = 500


DEFAULT_SUPERVISION = SupervisionSettings()


@dataclass(frozen=True)
class StatusSettings:
    """What the stored statuses depend on besides the records: change any and the stored rows
    must be rebuilt (``lms status rebuild``)."""

    policy: CyclePolicy
    timezone: str
    #: The weekly supervision rule's settings (the stored runs of unsupervised weeks).
    supervision: SupervisionSettings = DEFAULT_SUPERVISION


def settings_from(config: Mapping[str, object]) -> StatusSettings:
    return StatusSettings(
        settings_from_config(config).policy,
        str(config.get("LMS_TIMEZONE") or clock.DEFAULT_TIMEZONE),
        supervision_settings(config),
    )


def current_settings() -> StatusSettings:
    """The app's settings, or (outside a request or command) the same LMS_* settings read."""
    return settings_from(current_app.config if has_app_context() else load_config())


@dataclass(frozen=True)
class Recomputed:
    training: dict[int, list[TrainingPeriod]]
    eligibility: dict[int, list[EligibilityPeriod]]
    #: Runs of weeks that require supervision and have none that counts, by mentor.
    unsupervised: dict[int, list[WeekRun]]


def recompute(session: Session, person_ids: Sequence[int], settings: StatusSettings) -> Recomputed:
    """The periods the rules give for ``person_ids`` today, and their runs of unsupervised
    weeks: eleven queries, however many."""
    histories = training_histories(session, list(person_ids), settings.timezone)
    training = {
        person_id: training_periods(histories.get(person_id, TrainingHistory(())), settings.policy)
        for person_id in person_ids
    }
    eligibility: dict[int, list[EligibilityPeriod]] = {pid: [] for pid in person_ids}
    for mentor in mentor_facts_of(session, list(person_ids)):
        # The periods cover every day from birth; the document's as_of is not read.
        born = mentor.person.date_of_birth
        document = facts_document(mentor.person, mentor.credentials, mentor.experiences, born)
        facts = parse_facts(document, born)
        eligibility[mentor.person.id] = eligibility_periods(facts)
    weekly = all_weekly_inputs(session, person_ids, settings.supervision)
    unsupervised = {
        mentor.id: unsupervised_runs(
            weekly.employment.get(mentor.id, []),
            weekly.leave.get(mentor.id, []),
            weekly.facts.get(mentor.id, []),
            settings.supervision,
        )
        for mentor in weekly.mentors
    }
    return Recomputed(training, eligibility, unsupervised)


def refresh_statuses(
    session: Session, person_ids: Iterable[int], settings: StatusSettings | None = None
) -> None:
    """Recompute and replace the stored statuses of ``person_ids`` — training, eligibility, runs
    of unsupervised weeks, requirement cells and clearance — and move the counters by the
    difference: at most 26 + 16 statements a batch (the first locks the people's rows), and
    two more a call (Core inserts: one executemany per table, whichever columns are empty)."""
    settings = settings or current_settings()
    requirement_inputs = catalogue_inputs(session)
    for batch in _batches(sorted(set(person_ids))):
        _take_turns_on(session, batch)
        refresh_requirements(session, batch, requirement_inputs)
        found = recompute(session, batch, settings)
        scopes = _scopes(session, batch)
        changes = stored_changes_of(session, batch, sign=-1)  # what the old rows counted
        to_verify = _replace_people_to_verify(session, batch)
        session.execute(
            delete(TrainingStatusPeriod).where(TrainingStatusPeriod.person_id.in_(batch))
        )
        session.execute(
            delete(EligibilityStatusPeriod).where(EligibilityStatusPeriod.person_id.in_(batch))
        )
        session.execute(delete(SupervisionGap).where(SupervisionGap.mentor_id.in_(batch)))
        gap_rows = [
            {"mentor_id": mentor_id, **_gap_fields(run)}
            for mentor_id, runs in found.unsupervised.items()
            for run in runs
        ]
        if gap_rows:
            session.execute(insert(SupervisionGap.__table__), gap_rows)
        training_rows = [
            {"person_id": person_id, **scopes[person_id], **_training_fields(period)}
            for person_id, periods in found.training.items()
            for period in periods
        ]
        eligibility_rows = [
            {"person_id": person_id, **scopes[person_id], **_eligibility_fields(period)}
            for person_id, periods in found.eligibility.items()
            for period in periods
        ]
        if training_rows:
            session.execute(insert(TrainingStatusPeriod.__table__), training_rows)
        if eligibility_rows:
            session.execute(insert(EligibilityStatusPeriod.__table__), eligibility_rows)
        changes.update(_changes_of_rows(TRAINING, training_rows))
        changes.update(_changes_of_rows(ELIGIBILITY, eligibility_rows))
        changes.update(to_verify)
        apply_changes(session, changes)


def refresh_requirement_statuses(session: Session, person_ids: Iterable[int]) -> None:
    """Recompute only the requirement cells and clearance of ``person_ids`` (a new catalogue
    or policy version changes nothing else): 10 to 17 statements a batch, two a call."""
    requirement_inputs = catalogue_inputs(session)
    for batch in _batches(sorted(set(person_ids))):
        _take_turns_on(session, batch)
        refresh_requirements(session, batch, requirement_inputs)


def _take_turns_on(session: Session, person_ids: Sequence[int]) -> None:
    """Lock the people's rows (in id order) until the transaction ends: two transactions that
    recompute one person take turns, and the second reads what the first committed — else each
    would replace the stored rows it saw and count them out of the counters, the second adding
    its rows beside the first's. (SQLite has one writer at a time already.)"""
    # FOR NO KEY UPDATE: the rows that reference a person (a record being inserted) hold FOR
    # KEY SHARE on it, which FOR UPDATE would wait for — two such transactions, deadlocked.
    session.execute(
        select(Person.id)
        .where(Person.id.in_(person_ids))
        .order_by(Person.id)
        .with_for_update(key_share=True)
    ).all()


#: The kinds of stored status, as the counters name them.
TRAINING, ELIGIBILITY = "training", "eligibility"
_TABLES = {TRAINING: TrainingStatusPeriod, ELIGIBILITY: EligibilityStatusPeriod}
#: The counters kept beside them: training valid and expiring within ``EXPIRING_WITHIN_DAYS``
#: (status ``expiring``), and people with something to verify (status ``to_verify``, from the
#: first day there is: it is today's state, not a history).
TRAINING_EXPIRING, EXPIRING = "training_expiring", "expiring"
VERIFICATION, TO_VERIFY = "verification", "to_verify"
_VALID = frozenset({TrainingStatus.COMPLIANT.value, TrainingStatus.DUE_SOON.value})


def _scopes(session: Session, person_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """Each person's position and staff status, as the periods keep them: one query."""
    rows = session.execute(
        select(Person.id, Person.position, Person.status).where(Person.id.in_(person_ids))
    )
    return {
        person_id: {"position": position.value, "staff_status": status.value}
        for person_id, position, status in rows
    }


def _changes_of_rows(
    kind: str, rows: Iterable[Mapping[str, object]], sign: int = 1
) -> Counter[TallyKey]:
    """What stored periods of ``kind`` (rows with a ``count``, or one each) add to the counters:
    their status, and for training the days on which it lapses within the counters' horizon."""
    changes: Counter[TallyKey] = Counter()
    for row in rows:
        status = getattr(row["status"], "value", row["status"])
        count = row.get("count", 1)
        scope = (row["position"], row["staff_status"])
        changes.update(
            changes_of(kind, [Spans(*scope, status, row["starts_on"], row["ends_on"], count)], sign)
        )
        if kind == TRAINING:
            soon = _expiring_days(row, status)
            if soon is not None:
                spans = [Spans(*scope, EXPIRING, *soon, count)]
                changes.update(changes_of(TRAINING_EXPIRING, spans, sign))
    return changes


def _expiring_days(row: Mapping[str, object], status: str):
    """The days of a training period on which the training is valid and expires within the
    counters' horizon — the compliance list's "expiring within" filter (``_shown``)."""
    expires_on = row.get("expires_on")
    if status not in _VALID or expires_on is None:
        return None
    soon = expires_on - dt.timedelta(days=EXPIRING_WITHIN_DAYS)
    return days_within(row["starts_on"], row["ends_on"], soon, expires_on)


def _stored_rows(session: Session, kind: str, where=()) -> Iterator[dict[str, object]]:
    """The stored periods of ``kind`` grouped by scope, status and dates (and expiry, for
    training), each with its ``count``: one query."""
    table = _TABLES[kind]
    names = ["position", "staff_status", "status", "starts_on", "ends_on"]
    if kind == TRAINING:
        names.append("expires_on")
    columns = [getattr(table, name) for name in names]
    for values in session.execute(select(*columns, func.count()).where(*where).group_by(*columns)):
        yield {**dict(zip(names, values[:-1], strict=True)), "count": values[-1]}


def stored_changes_of(
    session: Session, person_ids: Sequence[int] | None, sign: int = 1
) -> Counter[TallyKey]:
    """What the stored rows of ``person_ids`` (None: everyone) add to the counters: three
    queries."""
    changes: Counter[TallyKey] = Counter()
    for kind, table in _TABLES.items():
        where = [] if person_ids is None else [table.person_id.in_(person_ids)]
        changes.update(_changes_of_rows(kind, _stored_rows(session, kind, where), sign))
    where = [] if person_ids is None else [PersonToVerify.person_id.in_(person_ids)]
    for position, staff_status, count in session.execute(
        select(PersonToVerify.position, PersonToVerify.staff_status, func.count())
        .where(*where)
        .group_by(PersonToVerify.position, PersonToVerify.staff_status)
    ):
        spans = [Spans(position, staff_status, TO_VERIFY, dt.date.min, None, count)]
        changes.update(changes_of(VERIFICATION, spans, sign))
    return changes


def tallies_from_periods(session: Session) -> dict[TallyKey, int]:
    """The counters the stored rows add up to (``lms status verify`` compares them)."""
    return without_zeros(stored_changes_of(session, None))


def people_to_verify(session: Session, person_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Those of ``person_ids`` with their identity, a credential or a job not yet verified, with
    their position and staff status: one query."""
    return {
        person_id: (position.value, status.value)
        for person_id, position, status in session.execute(
            select(Person.id, Person.position, Person.status).where(
                Person.id.in_(person_ids), something_unverified()
            )
        )
    }


def _replace_people_to_verify(session: Session, person_ids: Sequence[int]) -> Counter[TallyKey]:
    """Store which of ``person_ids`` have something to verify; what they add to the counters."""
    session.execute(delete(PersonToVerify).where(PersonToVerify.person_id.in_(person_ids)))
    found = sorted(people_to_verify(session, person_ids).items())
    rows = [
        {"person_id": person_id, "position": position, "staff_status": staff_status}
        for person_id, (position, staff_status) in found
    ]
    if rows:
        session.execute(insert(PersonToVerify.__table__), rows)
    spans = [
        Spans(position, staff_status, TO_VERIFY, dt.date.min, None)
        for _, (position, staff_status) in found
    ]
    return changes_of(VERIFICATION, spans)


def refresh_status(
    session: Session, person_id: int, settings: StatusSettings | None = None
) -> None:
    """Recompute one person's stored statuses from the rules."""
    refresh_statuses(session, [person_id], settings)


def rebuild(session: Session, settings: StatusSettings | None = None) -> int:
    """Recompute everyone's stored statuses (one transaction: the caller commits). Returns how
    many people were recomputed."""
    person_ids = session.execute(select(Person.id).order_by(Person.id)).scalars().all()
    session.execute(delete(TrainingStatusPeriod))
    session.execute(delete(EligibilityStatusPeriod))
    session.execute(delete(StatusTally))
    session.execute(delete(SupervisionGap))
    session.execute(delete(PersonToVerify))
    session.execute(delete(RequirementStatusPeriod))
    session.execute(delete(ClearancePeriod))
    session.execute(delete(RequirementTally))
    refresh_statuses(session, person_ids, settings)
    return len(person_ids)


def fill_if_empty(session: Session, settings: StatusSettings | None = None) -> int:
    """Compute every stored status, counter and run of unsupervised weeks from the rules when
    no counter is stored yet but people exist: the one-time fill after the migrations that
    created them (run by ``lms db upgrade`` at the head, where the models match the schema).
    Returns how many people were computed (0 when there was nothing to do)."""
    if session.execute(select(StatusTally.id).limit(1)).first() is not None:
        return 0
    return rebuild(session, settings)


@dataclass(frozen=True)
class Difference:
    person_id: int
    field: str  # "training" or "eligibility"
    stored: str
    recomputed: str


def differences(session: Session, settings: StatusSettings | None = None) -> Iterator[Difference]:
    """Every person whose stored periods differ from what the rules give now (or keep another
    position or staff status than theirs), batch by batch; then every counter that differs from
    what the stored periods add up to."""
    settings = settings or current_settings()
    person_ids = session.execute(select(Person.id).order_by(Person.id)).scalars().all()
    stored_ids = set(
        session.execute(select(TrainingStatusPeriod.person_id).distinct()).scalars()
    ) | set(session.execute(select(EligibilityStatusPeriod.person_id).distinct()).scalars())
    stored_ids |= set(session.execute(select(SupervisionGap.mentor_id).distinct()).scalars())
    stored_ids |= set(
        session.execute(select(RequirementStatusPeriod.person_id).distinct()).scalars()
    )
    for orphan in sorted(stored_ids - set(person_ids)):
        yield Difference(orphan, "person", "stored", "no such person")
    requirement_inputs = catalogue_inputs(session)
    for batch in _batches(person_ids):
        yield from _requirement_differences(session, batch, requirement_inputs)
        found = recompute(session, batch, settings)
        stored_training = _stored(session, TrainingStatusPeriod, batch, _training_fields)
        stored_eligibility = _stored(session, EligibilityStatusPeriod, batch, _eligibility_fields)
        yield from _scope_differences(session, batch)
        yield from _to_verify_differences(session, batch)
        stored_gaps = _stored_gaps(session, batch)
        for person_id in batch:
            expected_gaps = [_gap_fields(run) for run in found.unsupervised.get(person_id, [])]
            if stored_gaps.get(person_id, []) != expected_gaps:
                yield Difference(
                    person_id,
                    "supervision",
                    _describe_gaps(stored_gaps.get(person_id, [])),
                    _describe_gaps(expected_gaps),
                )
            for field, stored, expected in (
                (
                    "training",
                    stored_training.get(person_id, []),
                    [_training_fields(p) for p in found.training[person_id]],
                ),
                (
                    "eligibility",
                    stored_eligibility.get(person_id, []),
                    [_eligibility_fields(p) for p in found.eligibility[person_id]],
                ),
            ):
                if stored != expected:
                    yield Difference(person_id, field, _describe(stored), _describe(expected))
    yield from tally_differences(session)


def _to_verify_differences(session: Session, batch: Sequence[int]) -> Iterator[Difference]:
    """People stored as having something to verify, or not, against what their rows say."""
    expected = people_to_verify(session, batch)
    stored = {
        person_id: (position, staff_status)
        for person_id, position, staff_status in session.execute(
            select(
                PersonToVerify.person_id, PersonToVerify.position, PersonToVerify.staff_status
            ).where(PersonToVerify.person_id.in_(batch))
        )
    }
    for person_id in sorted(expected.keys() | stored.keys()):
        if expected.get(person_id) != stored.get(person_id):
            yield Difference(
                person_id,
                "to verify",
                " ".join(stored.get(person_id, ("(no)",))),
                " ".join(expected.get(person_id, ("(no)",))),
            )


def _requirement_differences(
    session: Session, batch: Sequence[int], inputs
) -> Iterator[Difference]:
    """People whose stored requirement cells or clearance differ from the rules'."""
    found = recompute_requirements(session, batch, inputs)
    cells, clearance = stored_cells(session, batch), stored_clearance(session, batch)
    for person_id in batch:
        expected = [cell_fields(period) for period in found.cells.get(person_id, [])]
        if cells.get(person_id, []) != expected:
            yield Difference(
                person_id,
                "requirements",
                describe_cells(cells.get(person_id, [])),
                describe_cells(expected),
            )
        expected = expected_clearance(found.clearance.get(person_id, {}))
        if clearance.get(person_id, []) != expected:
            yield Difference(
                person_id,
                "clearance",
                describe_cells(clearance.get(person_id, [])),
                describe_cells(expected),
            )


def _gap_fields(run: WeekRun) -> dict[str, object]:
    return {"first_week": run.first_day, "last_week": run.last_day}


def _stored_gaps(session: Session, batch: Sequence[int]) -> dict[int, list[dict]]:
    gaps: dict[int, list[dict]] = {}
    for mentor_id, first_week, last_week in session.execute(
        select(SupervisionGap.mentor_id, SupervisionGap.first_week, SupervisionGap.last_week)
        .where(SupervisionGap.mentor_id.in_(batch))
        .order_by(SupervisionGap.mentor_id, SupervisionGap.first_week)
    ):
        gaps.setdefault(mentor_id, []).append({"first_week": first_week, "last_week": last_week})
    return gaps


def _describe_gaps(gaps: list[dict]) -> str:
    """Runs as one line: ``weeks 2026-01-04..2026-01-11; 2026-02-01..``."""
    if not gaps:
        return "(none)"
    return "weeks " + "; ".join(f"{g['first_week']}..{g['last_week'] or ''}" for g in gaps)


def _scope_differences(session: Session, batch: Sequence[int]) -> Iterator[Difference]:
    """Periods that keep a position or staff status other than their person's: two queries."""
    scopes = _scopes(session, batch)
    for kind, table in _TABLES.items():
        rows = session.execute(
            select(table.person_id, table.position, table.staff_status)
            .where(table.person_id.in_(batch))
            .distinct()
        )
        for person_id, position, staff_status in rows:
            expected = scopes.get(person_id, {})
            stored = {"position": position, "staff_status": staff_status}
            if stored != expected:
                yield Difference(
                    person_id, f"{kind} scope", _describe_scope(stored), _describe_scope(expected)
                )


def _describe_scope(scope: Mapping[str, str]) -> str:
    return " ".join(f"{name}={value}" for name, value in scope.items()) or "(no person)"


def tally_differences(session: Session) -> Iterator[Difference]:
    """Counters that differ from what the stored periods add up to (person id 0: a counter is
    nobody's own)."""
    for expected, stored, label in (
        (rolled_up(tallies_from_periods(session)), stored_changes(session), "tally"),
        (
            rolled_up(requirement_tallies_from_periods(session)),
            stored_tallies(session),
            "requirement tally",
        ),
    ):
        for key in sorted(set(expected) | set(stored)):
            if expected.get(key, 0) != stored.get(key, 0):
                scope = " ".join(
                    part for part in (key.kind, key.position, key.staff_status, key.status) if part
                )
                day = key.day if key.span == DAY else f"{key.span} from {key.day}"
                name = f"{label} {scope} {day}"
                yield Difference(0, name, str(stored.get(key, 0)), str(expected.get(key, 0)))


def _stored(session: Session, table, batch: Sequence[int], fields) -> dict[int, list[dict]]:
    rows: dict[int, list[dict]] = {}
    for row in session.execute(
        select(table).where(table.person_id.in_(batch)).order_by(table.person_id, table.starts_on)
    ).scalars():
        rows.setdefault(row.person_id, []).append(fields(row))
    return rows


def _training_fields(period) -> dict[str, object]:
    return {
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "status": period.status,
        "due_on": period.due_on,
        "expires_on": period.expires_on,
        "window_opens_on": period.window_opens_on,
        "last_completed_on": period.last_completed_on,
    }


def _eligibility_fields(period) -> dict[str, object]:
    return {"starts_on": period.starts_on, "ends_on": period.ends_on, "status": period.status}


def _describe(periods: list[dict]) -> str:
    """Periods as one line: ``2024-01-01..2024-03-31 overdue due 2024-01-31; 2024-04-01.. …``."""
    if not periods:
        return "(none)"
    parts = []
    for period in periods:
        days = f"{period['starts_on']}..{period['ends_on'] or ''}"
        extra = " ".join(
            f"{name}={value}"
            for name, value in period.items()
            if name not in ("starts_on", "ends_on", "status") and value is not None
        )
        parts.append(f"{days} {period['status'].value}{' ' + extra if extra else ''}")
    return "; ".join(parts)


def _batches(person_ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(person_ids), BATCH_SIZE):
        yield list(person_ids[start : start + BATCH_SIZE])

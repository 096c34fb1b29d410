"""Read-only queries for requirements: the catalogue in force on a date and the compliance matrix
(people by requirements) in a constant number of queries, whatever the number of people."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.certificates.models import Certificate
from lms.clinicians.models import Licence
from lms.curriculum.models import CurriculumEdition
from lms.requirements.catalogue import requirement_from_dict
from lms.requirements.models import (
    CatalogueVersion,
    PolicyDocument,
    PolicySignature,
    RequirementRecord,
)
from lms.requirements.rules import (
    NO_EVIDENCE,
    Clearance,
    Evidence,
    PersonFacts,
    PolicyVersion,
    PositionSpell,
    Requirement,
    RequirementKind,
    RequirementStatus,
    StatusResult,
    catalogue_in_force,
    cell_on,
    cleared_to_work,
    position_on,
    start_on,
)
from lms.staff.models import EmploymentPeriod, Person, Position
from lms.staff.queries import position_history
from lms.staff.rules import Employment, StaffStatus


def catalogue_versions(
    session: Session, recorded_by: dt.datetime | None = None
) -> list[CatalogueVersion]:
    """Every catalogue version, oldest first (a handful of rows).

    With ``recorded_by``: those loaded before it, so a later change never rewrites a past
    status; when none had been loaded yet, the first one (there was no other catalogue then)."""
    versions = list(
        session.execute(select(CatalogueVersion).order_by(CatalogueVersion.version)).scalars()
    )
    if recorded_by is None:
        return versions
    loaded = [version for version in versions if version.loaded_at < recorded_by]
    return loaded or versions[:1]


def version_on(versions: Sequence[CatalogueVersion], day: dt.date) -> CatalogueVersion | None:
    """The version in force on ``day``; before the first version, the first one (there was no
    other catalogue then)."""
    return catalogue_in_force(versions, day)


def requirements_on(versions: Sequence[CatalogueVersion], day: dt.date) -> dict[str, Requirement]:
    """The catalogue in force on ``day``, by key, in the file's order."""
    version = version_on(versions, day)
    if version is None:
        return {}
    return {d["key"]: requirement_from_dict(d) for d in version.definitions}


@dataclass(frozen=True)
class MatrixFilters:
    position: Position | None = None
    status: RequirementStatus | None = None
    requirement: str | None = None
    supervisor_id: int | None = None
    person_id: int | None = None


@dataclass(frozen=True)
class PersonSummary:
    """The columns of a person the matrix needs: lighter than loading 5,000 ``Person`` objects."""

    id: int
    legal_name: str
    preferred_name: str | None
    work_email: str | None
    position: Position
    status: StaffStatus
    hire_on: dt.date | None
    separated_on: dt.date | None

    @property
    def display_name(self) -> str:
        if self.preferred_name and self.preferred_name != self.legal_name:
            return f"{self.preferred_name} ({self.legal_name})"
        return self.legal_name


PERSON_COLUMNS = (
    Person.id,
    Person.legal_name,
    Person.preferred_name,
    Person.work_email,
    Person.position,
    Person.status,
    Person.hire_on,
    Person.separated_on,
)


@dataclass(frozen=True)
class MatrixRow:
    person: PersonSummary
    statuses: dict[str, StatusResult]
    clearance: Clearance


@dataclass(frozen=True)
class Matrix:
    as_of: dt.date
    catalogue_version: int | None
    requirements: list[Requirement]  # the columns shown
    rows: list[MatrixRow]
    counts: dict[RequirementStatus, int] = field(default_factory=dict)
    not_cleared: int = 0


def employment_history(
    session: Session, person_id: int | None = None, person_ids: Sequence[int] | None = None
) -> dict[int, tuple[Employment, ...]]:
    """Every person's (or one person's, or ``person_ids``') employment periods, oldest first, in
    one query."""
    query = select(
        EmploymentPeriod.person_id, EmploymentPeriod.hired_on, EmploymentPeriod.separated_on
    ).order_by(EmploymentPeriod.person_id, EmploymentPeriod.hired_on)
    if person_id is not None:
        query = query.where(EmploymentPeriod.person_id == person_id)
    if person_ids is not None:
        query = query.where(EmploymentPeriod.person_id.in_(person_ids))
    found: dict[int, list[Employment]] = defaultdict(list)
    for pid, hired_on, separated_on in session.execute(query):
        found[pid].append(Employment(hired_on, separated_on))
    return {pid: tuple(periods) for pid, periods in found.items()}


def person_facts(
    person: PersonSummary | Person,
    employments: tuple[Employment, ...],
    positions: Sequence[tuple[dt.date, Position]] = (),
) -> PersonFacts:
    """The person's employment periods and position history (``positions``: each change as
    (effective_on, position), from ``lms.staff.queries.position_history``); with no history,
    the position on the record stands for every date."""
    if not employments and person.status is not StaffStatus.CANDIDATE and person.hire_on:
        # A record written without its period (older rows): the record's own dates stand in.
        employments = (Employment(person.hire_on, person.separated_on),)
    planned = person.hire_on if person.status is StaffStatus.CANDIDATE else None
    spells = tuple(PositionSpell(day, position.value) for day, position in positions) or (
        PositionSpell(dt.date.min, person.position.value),
    )
    return PersonFacts(employments, spells, planned_hire_on=planned)


def compliance_matrix(
    session: Session,
    as_of: dt.date,
    filters: MatrixFilters | None = None,
    recorded_by: dt.datetime | None = None,
) -> Matrix:
    """Every person employed (or about to start) on ``as_of`` with the status of each applicable
    requirement, each judged by the position held on ``as_of``. Nine queries, whatever the
    number of people.

    With ``recorded_by`` (the end of the as-of day, for auditors): only what had been recorded
    by that instant — catalogue versions (but for the first, when none had been loaded yet),
    policy versions, records and signatures entered later are left out, as if the question had
    been asked that day."""
    filters = filters or MatrixFilters()
    versions = catalogue_versions(session, recorded_by)
    version = version_on(versions, as_of)
    catalogue = requirements_on(versions, as_of)
    people_query = select(*PERSON_COLUMNS).order_by(Person.legal_name, Person.id)
    if filters.supervisor_id is not None:
        people_query = people_query.where(Person.supervisor_id == filters.supervisor_id)
    if filters.person_id is not None:
        people_query = people_query.where(Person.id == filters.person_id)
    people = [PersonSummary(*values) for values in session.execute(people_query)]
    employments = employment_history(session, filters.person_id)
    positions = position_history(session, filters.person_id)
    versions_by_key = policy_versions(session, recorded_by)
    person_ids = None if filters.person_id is None else [filters.person_id]
    evidence = evidence_of(session, person_ids, as_of, recorded_by)
    # A requirement turned off (no positions) is no column unless asked for by name.
    columns = [
        requirement
        for requirement in catalogue.values()
        if (filters.requirement is None and requirement.positions)
        or requirement.key == filters.requirement
    ]
    rows: list[MatrixRow] = []
    counts: dict[RequirementStatus, int] = defaultdict(int)
    not_cleared = 0
    for person in people:
        facts = person_facts(person, employments.get(person.id, ()), positions.get(person.id, ()))
        started, position = start_on(facts, as_of), position_on(facts, as_of)
        if filters.position is not None and position != filters.position.value:
            continue  # the position held on the date, not today's
        records = evidence.get(person.id, NO_EVIDENCE)
        statuses = {
            requirement.key: cell_on(
                requirement, started, position, as_of, records, versions_by_key[requirement.key]
            )
            for requirement in catalogue.values()
        }
        if all(s.status is RequirementStatus.NOT_APPLICABLE for s in statuses.values()):
            continue
        shown = [statuses[r.key].status for r in columns]
        if filters.status is not None and filters.status not in shown:
            continue
        clearance = cleared_to_work(
            catalogue.values(), {key: s.status for key, s in statuses.items()}
        )
        not_cleared += not clearance.cleared
        for status in shown:
            if status is not RequirementStatus.NOT_APPLICABLE:
                counts[status] += 1
        rows.append(MatrixRow(person, statuses, clearance))
    return Matrix(
        as_of, version.version if version else None, columns, rows, dict(counts), not_cleared
    )


def policy_versions(
    session: Session, recorded_by: dt.datetime | None = None
) -> dict[str, list[PolicyVersion]]:
    by_key: dict[str, list[PolicyVersion]] = defaultdict(list)
    query = select(
        PolicyDocument.requirement_key, PolicyDocument.version, PolicyDocument.effective_on
    )
    if recorded_by is not None:
        query = query.where(PolicyDocument.published_at < recorded_by)
    for key, version, effective_on in session.execute(query):
        by_key[key].append(PolicyVersion(version, effective_on))
    return by_key


def evidence_of(
    session: Session,
    person_ids: Sequence[int] | None = None,
    as_of: dt.date | None = None,
    recorded_by: dt.datetime | None = None,
) -> dict[int, Evidence]:
    """Person id -> their records that requirements read (HR's records, policy signatures,
    licences, certificates): four queries, for ``person_ids`` (None: everyone). With ``as_of``:
    only records made by that day; with ``recorded_by``: only those entered before it."""
    records: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    signatures: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    licences: dict[int, list] = defaultdict(list)
    certificates: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))

    def chosen(query, person_column, made_on, entered_at=None):
        if person_ids is not None:
            query = query.where(person_column.in_(person_ids))
        if as_of is not None:
            query = query.where(made_on <= as_of)
        if recorded_by is not None and entered_at is not None:
            query = query.where(entered_at < recorded_by)
        return query

    rows = select(
        RequirementRecord.person_id,
        RequirementRecord.requirement_key,
        RequirementRecord.done_on,
        RequirementRecord.expires_on,
    )
    rows = chosen(
        rows, RequirementRecord.person_id, RequirementRecord.done_on, RequirementRecord.recorded_at
    )
    for pid, key, done_on, expires_on in session.execute(rows):
        records[pid][key].append((done_on, expires_on))
    rows = select(
        PolicySignature.person_id,
        PolicySignature.requirement_key,
        PolicySignature.version,
        PolicySignature.signed_on,
    )
    rows = chosen(
        rows, PolicySignature.person_id, PolicySignature.signed_on, PolicySignature.signed_at
    )
    for pid, key, version, signed_on in session.execute(rows):
        signatures[pid][key].append((version, signed_on))
    rows = chosen(
        select(Licence.person_id, Licence.issued_on, Licence.expires_on),
        Licence.person_id,
        Licence.issued_on,
    )
    for pid, issued_on, expires_on in session.execute(rows):
        licences[pid].append((issued_on, expires_on))
    rows = select(
        Certificate.person_id,
        CurriculumEdition.curriculum_key,
        Certificate.issued_on,
        Certificate.expires_on,
        Certificate.revoked_on,
    ).join(CurriculumEdition, CurriculumEdition.id == Certificate.edition_id)
    rows = chosen(rows, Certificate.person_id, Certificate.issued_on)
    for pid, curriculum, issued_on, expires_on, revoked_on in session.execute(rows):
        certificates[pid][curriculum].append((issued_on, expires_on, revoked_on))
    return {
        pid: Evidence(
            records.get(pid, {}),
            signatures.get(pid, {}),
            licences.get(pid, ()),
            certificates.get(pid, {}),
        )
        for pid in records.keys() | signatures.keys() | licences.keys() | certificates.keys()
    }


def person_records(session: Session, person_id: int) -> list[RequirementRecord]:
    """The person's recorded credentials and checks, newest first (history)."""
    return list(
        session.execute(
            select(RequirementRecord)
            .where(RequirementRecord.person_id == person_id)
            .order_by(RequirementRecord.done_on.desc(), RequirementRecord.id.desc())
        ).scalars()
    )


def person_signatures(session: Session, person_id: int) -> list[PolicySignature]:
    return list(
        session.execute(
            select(PolicySignature)
            .where(PolicySignature.person_id == person_id)
            .order_by(PolicySignature.signed_at.desc())
        ).scalars()
    )


def policy_documents(session: Session) -> list[PolicyDocument]:
    return list(
        session.execute(
            select(PolicyDocument).order_by(
                PolicyDocument.requirement_key, PolicyDocument.version.desc()
            )
        ).scalars()
    )


def policies_to_sign(session: Session, person: Person, as_of: dt.date) -> list[PolicyDocument]:
    """The newest version (in force or published to come) of each policy that applies to the
    person and that they have not signed."""
    catalogue = requirements_on(catalogue_versions(session), as_of)
    applicable = {
        key
        for key, requirement in catalogue.items()
        if requirement.kind is RequirementKind.ACKNOWLEDGMENT
        and requirement.applies_to(person.position.value)
    }
    signed = {
        document_id
        for (document_id,) in session.execute(
            select(PolicySignature.document_id).where(PolicySignature.person_id == person.id)
        )
    }
    newest: dict[str, PolicyDocument] = {}
    for document in policy_documents(session):
        if document.requirement_key in applicable and document.requirement_key not in newest:
            newest[document.requirement_key] = document
    return [d for d in newest.values() if d.id not in signed]


def report_rows(matrix: Matrix) -> list[dict[str, int | str | None]]:
    """One row per person and applicable requirement, for the CLI report and the CSV."""
    rows = []
    for row in matrix.rows:
        for requirement in matrix.requirements:
            result = row.statuses[requirement.key]
            if result.status is RequirementStatus.NOT_APPLICABLE:
                continue
            rows.append(
                {
                    "person_id": row.person.id,
                    "work_email": row.person.work_email,
                    "name": row.person.legal_name,
                    "requirement": requirement.key,
                    "status": result.status.value,
                    "valid_until": result.valid_until.isoformat() if result.valid_until else None,
                    "due_on": result.due_on.isoformat() if result.due_on else None,
                }
            )
    return rows


@dataclass(frozen=True)
class Summary:
    not_cleared: int  # people not cleared to work on the date
    expiring: int  # requirements held on the date that lapse within ``days``
    days: int
    catalogue_version: int | None = None  # None: no catalogue is loaded yet


def evidence_hashes(session: Session, as_of: dt.date) -> dict[tuple[int, str], list[str]]:
    """(person id, requirement key) -> the SHA-256 of each record's evidence and of each signed
    policy text, for records made and policies signed on or before ``as_of``. Two queries."""
    found: dict[tuple[int, str], list[str]] = defaultdict(list)
    records = select(
        RequirementRecord.person_id,
        RequirementRecord.requirement_key,
        RequirementRecord.evidence_sha256,
    ).where(RequirementRecord.done_on <= as_of, RequirementRecord.evidence_sha256.is_not(None))
    for pid, key, sha in session.execute(records.order_by(RequirementRecord.id)):
        found[(pid, key)].append(sha)
    signatures = select(
        PolicySignature.person_id, PolicySignature.requirement_key, PolicySignature.document_sha256
    ).where(PolicySignature.signed_on <= as_of)
    for pid, key, sha in session.execute(signatures.order_by(PolicySignature.id)):
        found[(pid, key)].append(sha)
    return found

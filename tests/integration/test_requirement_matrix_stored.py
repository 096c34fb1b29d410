"""The matrix page read from the stored cells (``lms.requirements.matrix``) lists, pages and
counts exactly what the rules' matrix (``compliance_matrix``) gives, over a seeded random history:
hires, separations, rehires, candidates, position changes, checks, credentials, licences, two
policy versions and signatures, and a second catalogue version. The stored rows stay in step as
each input changes (``lms.statuses.tracking``), and ``lms status verify`` finds nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from sqlalchemy import func, select

from lms import clock
from lms.actor import Actor
from lms.requirements import matrix as stored_matrix
from lms.requirements.catalogue import DEFAULT_PATH, parse_catalogue
from lms.requirements.matrix import export_rows, matrix_page, summary
from lms.requirements.models import (
    ClearancePeriod,
    PolicyDocument,
    PolicySignature,
    RequirementRecord,
    RequirementStatusPeriod,
)
from lms.requirements.operations import ensure_catalogue, load_catalogue
from lms.requirements.queries import MatrixFilters, compliance_matrix, report_rows
from lms.requirements.rules import HELD, RequirementKind, RequirementStatus
from lms.staff.models import (
    EmploymentPeriod,
    Person,
    Position,
    PositionChange,
    StaffStatus,
    VerificationMethod,
)
from lms.statuses.operations import StatusSettings, differences
from lms.training.rules import CyclePolicy
from tests.integration.supervision_records import add_licence
from tests.support.factories import insert_person

D = dt.date
S = RequirementStatus
SETTINGS = StatusSettings(CyclePolicy(), "America/New_York")
ACTOR = Actor.system("test")
CHECKS = ("cori", "sori", "oig_exclusion_screening", "mandated_reporter_training")
CREDENTIALS = ("cpr_first_aid", "drivers_licence", "car_insurance")
DATES = (
    D(2025, 6, 1),
    D(2026, 1, 10),
    D(2026, 3, 15),
    D(2026, 7, 1),
    D(2026, 11, 23),
    D(2027, 2, 1),
)


def _record(db, person, key, kind, done_on, expires_on=None):
    now = clock.now()
    db.add(
        RequirementRecord(
            person_id=person.id,
            requirement_key=key,
            kind=kind,
            done_on=done_on,
            expires_on=expires_on,
            verified_at=now,
            verification_method=VerificationMethod.GOVERNMENT_ID,
            recorded_at=now,
        )
    )


def _policy(db, key, version, effective_on):
    document = PolicyDocument(
        requirement_key=key,
        version=version,
        title=f"{key} v{version}",
        effective_on=effective_on,
        text=f"Text of {key} version {version}.",
        sha256=f"{version:064d}",
        published_at=clock.now(),
    )
    db.add(document)
    db.flush()
    return document


def _sign(db, person, document, signed_on):
    db.add(
        PolicySignature(
            person_id=person.id,
            document_id=document.id,
            requirement_key=document.requirement_key,
            version=document.version,
            document_sha256=document.sha256,
            typed_name=person.legal_name,
            signed_at=clock.now(),
            signed_on=signed_on,
        )
    )


def _random_history(db, rng: random.Random) -> list[Person]:
    ensure_catalogue(db, ACTOR, D(2025, 1, 1))
    v1 = _policy(db, "code_of_conduct", 1, D(2025, 1, 1))
    v2 = _policy(db, "code_of_conduct", 2, D(2026, 6, 1))
    confidentiality = _policy(db, "confidentiality_policy", 1, D(2026, 2, 1))
    people = []
    for number in range(14):
        position = rng.choice(
            (Position.THERAPEUTIC_MENTOR,) * 3 + (Position.LICENSED_CLINICIAN, Position.OTHER)
        )
        hired = D(2025, 3, 1) + dt.timedelta(days=rng.randint(0, 600))
        candidate = rng.random() < 0.15
        person = insert_person(
            db,
            f"{rng.choice(('Silva', 'Ng', 'Okafor'))} {number:02}",
            position,
            hire_on=hired,
            status=StaffStatus.CANDIDATE if candidate else StaffStatus.ACTIVE,
            work_email=f"p{number}@example.org",
        )
        people.append(person)
        for key in CHECKS:
            day = hired - dt.timedelta(days=rng.randint(-40, 30))
            while rng.random() < 0.6 and day < D(2027, 1, 1):
                _record(db, person, key, RequirementKind.CHECK, day)
                day += dt.timedelta(days=rng.randint(20, 400))
        for key in CREDENTIALS:
            if rng.random() < 0.7:
                issued = hired - dt.timedelta(days=rng.randint(-20, 300))
                expires = issued + dt.timedelta(days=rng.randint(100, 900))
                _record(db, person, key, RequirementKind.CREDENTIAL, issued, expires)
        if position is Position.LICENSED_CLINICIAN and rng.random() < 0.8:
            issued = D(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 500))
            add_licence(db, person, issued, issued + dt.timedelta(days=rng.randint(200, 900)))
        for document in (v1, v2, confidentiality):
            if rng.random() < 0.5:
                signed = max(hired, document.effective_on) + dt.timedelta(days=rng.randint(-5, 60))
                _sign(db, person, document, signed)
        if not candidate and rng.random() < 0.3:
            period = db.execute(
                select(EmploymentPeriod).where(EmploymentPeriod.person_id == person.id)
            ).scalar_one()
            period.separated_on = hired + dt.timedelta(days=rng.randint(20, 300))
            person.separated_on = period.separated_on
            person.status = StaffStatus.SEPARATED
            if rng.random() < 0.5:
                rehired = period.separated_on + dt.timedelta(days=rng.randint(1, 90))
                db.add(
                    EmploymentPeriod(person_id=person.id, hired_on=rehired, created_at=clock.now())
                )
                person.hire_on, person.separated_on = rehired, None
                person.status = StaffStatus.ACTIVE
        if not candidate and rng.random() < 0.25:
            changed_on = hired + dt.timedelta(days=rng.randint(10, 200))
            new = (
                Position.OTHER
                if position is Position.THERAPEUTIC_MENTOR
                else (Position.THERAPEUTIC_MENTOR)
            )
            db.add_all(
                [
                    PositionChange(
                        person_id=person.id,
                        effective_on=hired,
                        position=position,
                        recorded_at=clock.now(),
                    ),
                    PositionChange(
                        person_id=person.id,
                        effective_on=changed_on,
                        position=new,
                        recorded_at=clock.now(),
                    ),
                ]
            )
            person.position = new
        db.flush()
    return people


def _whole_page(db, day, filters, size=4):
    """Every page of ``matrix_page`` joined, and the first page's figures."""
    first = matrix_page(db, day, filters, 1, size)
    rows = list(first.rows)
    for number in range(2, first.page.count + 1):
        rows += matrix_page(db, day, filters, number, size).rows
    return first, rows


def _expected_counts(db, day, filters):
    """The cells in scope by status, worked out from the rules' matrix without the status
    filter (the counts are of the scope; the status filter chooses rows)."""
    scope = MatrixFilters(filters.position, None, filters.requirement, filters.supervisor_id)
    matrix = compliance_matrix(db, day, scope)
    counts = Counter()
    for row in matrix.rows:
        for requirement in matrix.requirements:
            status = row.statuses[requirement.key].status
            if status is not S.NOT_APPLICABLE:
                counts[status] += 1
    return dict(counts)


def _last_days(db, per_kind=2):
    """Last days of stored runs the filters below read (people listed with a missing or expired
    requirement; CPR due soon): a filter reading ``ends_on`` one day off lists someone the day
    after their run, or misses them on its last day."""
    runs = [
        select(ClearancePeriod.ends_on).where(
            ClearancePeriod.ends_on.is_not(None),
            ClearancePeriod.with_status.in_([S.MISSING.value, S.EXPIRED.value]),
        ),
        select(RequirementStatusPeriod.ends_on).where(
            RequirementStatusPeriod.ends_on.is_not(None),
            RequirementStatusPeriod.requirement_key == "cpr_first_aid",
            RequirementStatusPeriod.status == S.DUE_SOON,
        ),
    ]
    days = set()
    for query in runs:
        ends = sorted(set(db.execute(query).scalars()))
        days.update(ends[:: max(1, len(ends) // per_kind)][:per_kind])
    return sorted(days)


def _assert_same(db, people):
    supervisor = people[0]
    for person in people[1:6]:
        person.supervisor_id = supervisor.id
    db.flush()
    filter_sets = [
        MatrixFilters(),
        MatrixFilters(position=Position.THERAPEUTIC_MENTOR),
        MatrixFilters(status=S.MISSING),
        MatrixFilters(status=S.EXPIRED, position=Position.THERAPEUTIC_MENTOR),
        MatrixFilters(requirement="cori"),
        MatrixFilters(requirement="cpr_first_aid", status=S.DUE_SOON),
        MatrixFilters(supervisor_id=supervisor.id),
        MatrixFilters(supervisor_id=supervisor.id, status=S.PENDING),
    ]
    for day in (*DATES, *_last_days(db)):
        for filters in filter_sets:
            expected = compliance_matrix(db, day, filters)
            first, rows = _whole_page(db, day, filters)
            assert [row.person.id for row in rows] == [row.person.id for row in expected.rows]
            shown = [requirement.key for requirement in expected.requirements]
            assert [row.statuses for row in rows] == [
                {key: row.statuses[key] for key in shown} for row in expected.rows
            ], (day, filters)
            assert [row.cleared for row in rows] == [
                row.clearance.cleared for row in expected.rows
            ], (day, filters)
            assert first.total == len(expected.rows)
            assert first.not_cleared == expected.not_cleared, (day, filters)
            assert first.requirements == expected.requirements
            assert first.counts == _expected_counts(db, day, filters), (day, filters)
            exported = [
                row
                for row in report_rows(expected)
                if filters.status is None or row["status"] == filters.status.value
            ]
            assert list(export_rows(db, day, filters)) == exported, (day, filters)
        # HR's home figures, worked out from the rules' matrix.
        matrix = compliance_matrix(db, day)
        horizon = day + dt.timedelta(days=30)
        expiring = sum(
            1
            for row in matrix.rows
            for result in row.statuses.values()
            if result.status in HELD
            and result.valid_until is not None
            and result.valid_until < horizon
        )
        found = summary(db, day)
        assert (found.not_cleared, found.expiring) == (matrix.not_cleared, expiring), day


#: How a filtered page finds its people: probing each person in name order (a cost of 0 never
#: reads the matching runs first), from the matching runs (always), or chosen by the counts.
STRATEGIES = {"probing": 0, "matching first": 10**9, "by the counts": stored_matrix.PROBE_COST}


@pytest.mark.parametrize(
    ("seed", "strategy"), [(1, "probing"), (2, "matching first"), (3, "by the counts")]
)
def test_the_stored_matrix_is_the_rules_matrix_on_every_date_and_filter(
    db, monkeypatch, seed, strategy
):
    monkeypatch.setattr(stored_matrix, "PROBE_COST", STRATEGIES[strategy])
    people = _random_history(db, random.Random(seed))
    assert db.execute(select(func.count()).select_from(RequirementStatusPeriod)).scalar_one()
    _assert_same(db, people)
    assert list(differences(db, SETTINGS)) == []


def test_a_new_catalogue_version_and_policy_version_recompute_everyone(db):
    people = _random_history(db, random.Random(7))
    catalogue = parse_catalogue(
        DEFAULT_PATH.read_text().replace("warning_days: 60", "warning_days: 90")
    )
    assert load_catalogue(db, ACTOR, catalogue, "test", D(2026, 9, 1)) is not None
    _policy(db, "confidentiality_policy", 2, D(2026, 10, 1))
    db.flush()
    _assert_same(db, people)
    assert list(differences(db, SETTINGS)) == []


def test_verify_reports_a_changed_cell_and_a_changed_counter(db):
    _random_history(db, random.Random(4))
    cell = db.execute(select(RequirementStatusPeriod).limit(1)).scalar_one()
    cell.status = S.MET if cell.status is not S.MET else S.MISSING
    db.flush()
    fields = {difference.field for difference in differences(db, SETTINGS)}
    assert "requirements" in fields
    assert any(field.startswith("requirement tally") for field in fields)

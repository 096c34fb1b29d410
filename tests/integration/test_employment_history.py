"""A mentor hired, trained, gone and rehired: the first employment is kept, and reports for a date
answer from the period of employment that covered it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from lms.actor import Actor
from lms.auditlog.models import AuditEvent
from lms.auditors.documents import roster
from lms.auditors.packet import people_on
from lms.compliance.queries import compliance_dashboard
from lms.staff.models import EmploymentPeriod, Person, Position, StaffStatus
from lms.staff.operations import PersonDetails, create_person, update_person
from lms.staff.rules import Employment
from lms.training.documents import employment_summary, transcript_pdf
from lms.training.models import CycleKind, TrainingCycle
from lms.training.rules import CyclePolicy, TrainingStatus, add_one_year
from lms.validation import InvalidInput
from tests.support.factories import person_details
from tests.support.pdfs import text_of

D = dt.date
POLICY = CyclePolicy(initial_training_days=30, renewal_window_days=90)
TZ = "UTC"


def details(**changes) -> PersonDetails:
    values = {
        "legal_name": "Marisol Ortega",
        "date_of_birth": D(1997, 8, 14),
        "position": Position.THERAPEUTIC_MENTOR,
        "status": StaffStatus.ACTIVE,
        "hire_on": D(2024, 1, 15),
    }
    return person_details(**values | changes)


def completed(db, person: Person, day: dt.date) -> None:
    """A completed cycle, as an import would record it (setup, not the behaviour under test)."""
    db.add(
        TrainingCycle(
            person_id=person.id,
            kind=CycleKind.INITIAL,
            assigned_on=day,
            due_on=day,
            completed_on=day,
            expires_on=add_one_year(day),
            imported=True,
            created_at=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
        )
    )
    db.flush()


def periods(db, person: Person) -> list[Employment]:
    rows = db.execute(
        select(EmploymentPeriod)
        .where(EmploymentPeriod.person_id == person.id)
        .order_by(EmploymentPeriod.hired_on)
    ).scalars()
    return [row.employment for row in rows]


@pytest.fixture
def rehired(db, users, frozen_clock) -> Person:
    """Hired 15 January 2024, trained 1 February 2024, left 31 March 2025, back 1 June 2026."""
    hr = Actor(users["hr"].id, users["hr"].email)
    today = D(2026, 11, 23)
    person = create_person(db, hr, details(), today)
    completed(db, person, D(2024, 2, 1))
    update_person(
        db, hr, person, details(status=StaffStatus.SEPARATED, separated_on=D(2025, 3, 31)), today
    )
    update_person(db, hr, person, details(hire_on=D(2026, 6, 1)), today)
    return person


def test_a_rehire_adds_a_period_and_keeps_the_first(db, rehired):
    assert periods(db, rehired) == [
        Employment(D(2024, 1, 15), D(2025, 3, 31)),
        Employment(D(2026, 6, 1)),
    ]
    actions = db.execute(
        select(AuditEvent.action).where(AuditEvent.target_type == "employment_period")
    ).scalars()
    assert list(actions) == ["employment.start", "employment.change", "employment.start"]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # First employment: trained 1 Feb 2024, so compliant in June 2024 (expires 1 Feb 2025).
        (D(2024, 6, 1), (TrainingStatus.COMPLIANT, D(2024, 1, 15))),
        # Expired 1 Feb 2025, still employed until 31 March: lapsed.
        (D(2025, 3, 31), (TrainingStatus.LAPSED, D(2024, 1, 15))),
        # Between the two employments: not on the roster at all.
        (D(2025, 10, 1), None),
        # Rehired 1 June 2026: a new initial cycle due 1 July 2026; the old training does not count.
        (D(2026, 6, 15), (TrainingStatus.NOT_STARTED, D(2026, 6, 1))),
        (D(2026, 7, 2), (TrainingStatus.OVERDUE, D(2026, 6, 1))),
    ],
)
def test_reports_for_a_date_answer_from_the_period_that_covered_it(db, rehired, day, expected):
    dashboard = compliance_dashboard(db, day, POLICY, timezone=TZ, chart=False)
    rows = [(r.state.status, r.record.employment_on(day).hired_on) for r in dashboard.rows]
    assert rows == ([] if expected is None else [expected])
    roster_rows = [(r.name, r.hire_on) for r in roster(db, day, POLICY, TZ)]
    assert roster_rows == ([] if expected is None else [("Marisol Ortega", expected[1])])
    assert [p.id for p in people_on(db, day, None)] == ([] if expected is None else [rehired.id])


def test_the_chart_counts_each_period_and_not_the_gap(db, rehired):
    shares = compliance_dashboard(db, D(2026, 6, 15), POLICY, timezone=TZ).shares
    employed = {share.day: share.employed for share in shares}
    assert employed[D(2025, 6, 16)] == 0  # the chart's first day, in the gap
    assert employed[D(2026, 5, 31)] == 0
    assert employed[D(2026, 6, 1)] == 1


def test_a_refused_change_writes_nothing(db, users, rehired):
    hr = Actor(users["hr"].id, users["hr"].email)
    before = periods(db, rehired)
    events = db.execute(select(AuditEvent.id)).scalars().all()
    with pytest.raises(InvalidInput) as error:
        update_person(
            db, hr, rehired, details(status=StaffStatus.CANDIDATE, hire_on=None), D.today()
        )
    assert error.value.field == "status"
    assert periods(db, rehired) == before
    assert rehired.status is StaffStatus.ACTIVE
    assert db.execute(select(AuditEvent.id)).scalars().all() == events


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2024, 1, 14), "not employed by then"),
        (D(2024, 6, 1), "employed from 2024-01-15"),
        (D(2025, 10, 1), "employed 2024-01-15 to 2025-03-31"),
        (D(2026, 6, 15), "employed 2024-01-15 to 2025-03-31 and from 2026-06-01"),
    ],
)
def test_the_transcript_states_the_employment_known_on_its_date(db, rehired, day, expected):
    employments = periods(db, rehired)
    assert employment_summary(employments, day) == expected
    content = text_of(transcript_pdf(rehired, [], [], day, "Agency", employments))
    assert f"Agency · {expected} · as of {day.isoformat()}" in content

"""Position history (#12: ``not_applicable`` is "not the person's position on that date"): a
change of position takes effect on its date, and statuses on earlier dates keep the position held
then. Expected values are worked from the default catalogue (requirements/default.yaml): a
driver's licence and car insurance are a therapeutic mentor's, due before the first day."""

import datetime as dt

import pytest
from sqlalchemy import select

from lms.actor import Actor
from lms.auditlog.models import AuditEvent
from lms.requirements.operations import ensure_catalogue
from lms.requirements.queries import MatrixFilters, compliance_matrix
from lms.requirements.rules import RequirementStatus
from lms.staff.models import Person, Position, StaffStatus
from lms.staff.operations import PersonDetails, create_person, update_person
from lms.staff.queries import position_changes, position_held_on
from lms.validation import InvalidInput

S = RequirementStatus
HIRED = dt.date(2025, 1, 6)
CHANGED = dt.date(2026, 7, 1)
TODAY = dt.date(2026, 8, 1)


@pytest.fixture
def hr(users):
    return Actor(users["hr"].id, users["hr"].email, "192.0.2.1")


def details(position: Position, since: dt.date | None = None) -> PersonDetails:
    return PersonDetails(
        legal_name="Rowan Hale",
        date_of_birth=dt.date(1990, 3, 3),
        position=position,
        status=StaffStatus.ACTIVE,
        work_email="rowan@example.org",
        hire_on=HIRED,
        position_since=since,
    )


@pytest.fixture
def rowan(db, hr) -> Person:
    """A mentor until 2026-06-30, a licensed clinician from 2026-07-01."""
    ensure_catalogue(db, hr, dt.date(2025, 1, 1))
    person = create_person(db, hr, details(Position.THERAPEUTIC_MENTOR), dt.date(2025, 1, 6))
    update_person(db, hr, person, details(Position.LICENSED_CLINICIAN, CHANGED), TODAY)
    return person


def statuses(db, person, day, **filters):
    matrix = compliance_matrix(db, day, MatrixFilters(person_id=person.id, **filters))
    return {key: result.status for row in matrix.rows for key, result in row.statuses.items()}


def test_the_change_is_recorded_with_its_date_and_audited(db, rowan):
    history = [(c.effective_on, c.position) for c in position_changes(db, rowan.id)]
    assert history == [(HIRED, Position.THERAPEUTIC_MENTOR), (CHANGED, Position.LICENSED_CLINICIAN)]
    assert rowan.position is Position.LICENSED_CLINICIAN
    events = db.execute(
        select(AuditEvent.details).where(AuditEvent.action == "position.change")
    ).scalars()
    assert [(e["before"], e["position"], e["effective_on"]) for e in events] == [
        (None, "therapeutic_mentor", "2025-01-06"),
        ("therapeutic_mentor", "licensed_clinician", "2026-07-01"),
    ]
    assert position_held_on(db, rowan, dt.date(2026, 6, 30)) is Position.THERAPEUTIC_MENTOR
    assert position_held_on(db, rowan, CHANGED) is Position.LICENSED_CLINICIAN
    assert position_held_on(db, rowan, dt.date(2020, 1, 1)) is Position.THERAPEUTIC_MENTOR


def test_requirements_on_a_past_date_use_the_position_held_then(db, rowan):
    # 2026-06-15: a mentor, so the mentor-only credentials are due (and missing: none recorded).
    june = statuses(db, rowan, dt.date(2026, 6, 15))
    assert june["drivers_licence"] is S.MISSING
    assert june["car_insurance"] is S.MISSING
    assert june["tm_core_course"] is S.MISSING  # due 30 days after hire
    # 2026-08-01: a licensed clinician: not the position of any of these on that date.
    august = statuses(db, rowan, dt.date(2026, 8, 1))
    assert august["drivers_licence"] is S.NOT_APPLICABLE
    assert august["car_insurance"] is S.NOT_APPLICABLE
    assert august["tm_core_course"] is S.NOT_APPLICABLE
    # Requirements of every position apply on both dates.
    assert june["cori"] is august["cori"] is S.MISSING


def test_the_matrix_position_filter_is_the_position_held_on_the_date(db, rowan):
    mentor = Position.THERAPEUTIC_MENTOR
    clinician = Position.LICENSED_CLINICIAN
    assert statuses(db, rowan, dt.date(2026, 6, 15), position=mentor)
    assert not statuses(db, rowan, dt.date(2026, 6, 15), position=clinician)
    assert statuses(db, rowan, dt.date(2026, 8, 1), position=clinician)
    assert not statuses(db, rowan, dt.date(2026, 8, 1), position=mentor)


def test_a_change_must_take_effect_by_today_and_after_the_last_one(db, hr, rowan):
    with pytest.raises(InvalidInput) as future:
        update_person(db, hr, rowan, details(Position.OTHER, dt.date(2026, 8, 2)), TODAY)
    assert future.value.field == "position_since"
    with pytest.raises(InvalidInput) as earlier:
        update_person(db, hr, rowan, details(Position.OTHER, dt.date(2026, 6, 30)), TODAY)
    assert earlier.value.field == "position_since"
    assert rowan.position is Position.LICENSED_CLINICIAN
    # The same day as the last change corrects it.
    update_person(db, hr, rowan, details(Position.SENIOR_CLINICIAN, CHANGED), TODAY)
    history = [(c.effective_on, c.position) for c in position_changes(db, rowan.id)]
    assert history == [(HIRED, Position.THERAPEUTIC_MENTOR), (CHANGED, Position.SENIOR_CLINICIAN)]
    # No date given: the change takes effect today.
    update_person(db, hr, rowan, details(Position.OTHER), TODAY)
    assert position_changes(db, rowan.id)[-1].effective_on == TODAY


def test_a_record_without_history_keeps_its_old_position_for_earlier_dates(db, hr):
    from tests.support.factories import insert_person

    old = insert_person(db, "Old Record", hire_on=HIRED)  # written directly: no history
    update_person(
        db,
        hr,
        old,
        PersonDetails(
            legal_name="Old Record",
            date_of_birth=old.date_of_birth,
            position=Position.LICENSED_CLINICIAN,
            status=StaffStatus.ACTIVE,
            hire_on=HIRED,
            position_since=CHANGED,
        ),
        TODAY,
    )
    history = [(c.effective_on, c.position) for c in position_changes(db, old.id)]
    assert history == [(HIRED, Position.THERAPEUTIC_MENTOR), (CHANGED, Position.LICENSED_CLINICIAN)]


def test_the_supervision_report_keeps_the_weeks_someone_was_a_mentor(db, rowan):
    """Weeks run Sunday to Saturday. Rowan was a mentor to Tuesday 2026-06-30: the week of
    Sunday 2026-06-28 is reported (a mentor on three of its days, two of them weekdays, so it
    does not require supervision: fewer than 3); weeks from 2026-07-05 are not, and a week
    in June is required and missed (no session)."""
    from lms.supervision.queries import mentor_weeks
    from lms.supervision.rules import SupervisionSettings, WeekStatus

    [found] = mentor_weeks(
        db,
        first=dt.date(2026, 6, 14),
        last=dt.date(2026, 7, 18),
        as_of=TODAY,
        settings=SupervisionSettings(),
        mentor_id=rowan.id,
    )
    weeks = [(w.starts_on, w.duty_weekdays, w.required, w.status) for w in found.weeks]
    assert weeks == [
        (dt.date(2026, 6, 14), 5, True, WeekStatus.MISSED),
        (dt.date(2026, 6, 21), 5, True, WeekStatus.MISSED),
        (dt.date(2026, 6, 28), 2, False, WeekStatus.NOT_REQUIRED),
    ]
    # A range wholly after the change: not a mentor then, so not reported at all.
    assert (
        mentor_weeks(
            db,
            first=dt.date(2026, 7, 5),
            last=dt.date(2026, 7, 18),
            as_of=TODAY,
            settings=SupervisionSettings(),
            mentor_id=rowan.id,
        )
        == []
    )

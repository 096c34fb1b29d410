"""Property: whatever a signed-in user posts to the main forms, the answer is never a 500, and
a refused post changes no row (issue 13). CSRF is switched off after signing in: the tokens are
tested elsewhere, and here every example should reach the view."""

from __future__ import annotations

import pytest
from hypothesis import given

from lms.eligibility.forms import CredentialForm, ExperienceForm
from lms.oncall.forms import BlockForm
from lms.requirements.forms import RecordForm
from lms.staff.forms import PersonForm
from lms.staff.models import Position
from lms.supervision.forms import SessionForm
from tests.integration.supervision_records import add_licence, add_person
from tests.property.support import BOUNDED, fingerprint, form_bytes, form_values

PERSON = {
    "legal_name": "Imani Clarke",
    "date_of_birth": "1999-03-04",
    "position": "therapeutic_mentor",
    "status": "candidate",
    "supervisor_id": "",
}
CREDENTIAL = {
    "level": "bachelor",
    "field_of_study": "Psychology",
    "institution": "UMass Lowell",
    "conferred_on": "2021-05-20",
    "accredited": "yes",
    "human_services_basis": "listed",
}
EXPERIENCE = {
    "employer": "Y",
    "role": "Aide",
    "start_on": "2024-01-01",
    "hours_per_week": "20",
    "population": "youth",
}
RECORD = {"requirement": "cori", "done_on": "2026-11-20", "method": "other", "note": "portal"}


def field_names(form_class) -> list[str]:
    return [name for name, value in vars(form_class).items() if hasattr(value, "field_class")]


@pytest.fixture
def team(db, users, frozen_clock):
    supervisor = add_person(
        db,
        "Sue Pervisor",
        position=Position.LICENSED_CLINICIAN,
        user_id=users["supervisor"].id,
        email="sue@example.org",
    )
    add_licence(db, supervisor)
    mentor = add_person(db, "Alex Able", supervisor=supervisor, user_id=users["mentor"].id)
    senior = add_person(db, "Sol Senior", position=Position.SENIOR_CLINICIAN, email="sol@e.org")
    add_licence(db, senior)
    db.commit()
    return {"supervisor": supervisor, "mentor": mentor, "senior": senior}


def signed_in(app, auth, email: str):
    auth.login(email)
    app.config["WTF_CSRF_ENABLED"] = False
    return auth.client


def cases(team):
    mentor, senior = team["mentor"].id, team["senior"].id
    edit = {
        **PERSON,
        "legal_name": "Alex Able",
        "date_of_birth": "1990-04-02",
        "work_email": "alex@example.org",
        "status": "active",
        "hire_on": "2026-01-05",
        "supervisor_id": str(team["supervisor"].id),
    }
    block = {
        "clinician": str(senior),
        "starts_at": "2026-11-23T18:00",
        "ends_at": "2026-11-24T08:00",
        "phone": "617-555-0100",
    }
    session = {
        "mentor_id": str(mentor),
        "held_on": "2026-11-23",
        "minutes": "60",
        "format": "individual",
        "modality": "in_person",
    }
    return {
        "staff create": ("hr", "/staff/new", PERSON, PersonForm),
        "staff edit": ("hr", f"/staff/{mentor}/edit", edit, PersonForm),
        "credential": ("hr", f"/staff/{mentor}/credentials/new", CREDENTIAL, CredentialForm),
        "experience": ("hr", f"/staff/{mentor}/experience/new", EXPERIENCE, ExperienceForm),
        "requirement record": ("hr", f"/requirements/people/{mentor}/record", RECORD, RecordForm),
        "on-call block": ("hr", "/oncall/blocks", block, BlockForm),
        "supervision session": ("supervisor", "/supervision/record", session, SessionForm),
    }


@pytest.mark.parametrize(
    "name",
    [
        "staff create",
        "staff edit",
        "credential",
        "experience",
        "requirement record",
        "on-call block",
        "supervision session",
    ],
)
def test_no_form_post_gives_a_500_or_a_partial_write(app, auth, db, team, name):
    role, path, valid, form_class = cases(team)[name]
    client = signed_in(app, auth, f"{role}@example.org")

    @BOUNDED
    @given(data=form_values(valid, field_names(form_class)))
    def one(data):
        before = fingerprint(db)
        response = client.post(
            path, data=form_bytes(data), content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code < 500, (response.status_code, data)
        if response.status_code != 302:  # not saved: refused, or the form shown again
            assert fingerprint(db) == before, (response.status_code, data)

    one()

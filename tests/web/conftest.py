"""Fixtures for the web tests: real rows behind every URL, and one API token per role."""

from __future__ import annotations

import datetime as dt

import pytest

#: Later than any date these tests move the clock to.
FAR_FUTURE = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def tokens(db, users) -> dict[str, str]:
    """One token per role, keyed by the role's value: the secrets.

    They outlive any frozen clock here (expiry is tested in test_api_tokens.py).
    """
    from lms.actor import Actor
    from lms.api.operations import create_token
    from lms.auth.models import Role

    actor = Actor(users["admin"].id, "admin@example.org")
    secrets = {}
    for role in Role:
        token, secrets[role.value] = create_token(db, actor, f"{role} system", role)
        token.expires_at = FAR_FUTURE
    db.commit()
    return secrets


@pytest.fixture
def records(db, users, tmp_path):
    """A supervisor and their mentor (linked to the mentor account), with a credential and
    evidence, so that every URL has real rows behind it (the features' own sample rows are
    added by ``tests.web.permission_matrix.endpoint_requests``)."""
    from decimal import Decimal

    from lms.actor import Actor
    from lms.api.operations import create_token
    from lms.auth.models import Role
    from lms.eligibility.models import EvidenceSubject
    from lms.eligibility.operations import (
        CredentialDetails,
        ExperienceDetails,
        add_credential,
        add_experience,
        attach_evidence,
    )
    from lms.eligibility.rules import CredentialLevel, Population
    from lms.staff.models import Position, StaffStatus
    from tests.support.factories import make_person

    actor, today = Actor.system("test"), dt.date(2026, 11, 23)
    supervisor = make_person(
        db,
        "Sue Pervisor",
        today=today,
        date_of_birth=dt.date(1980, 1, 1),
        position=Position.LICENSED_CLINICIAN,
        status=StaffStatus.ACTIVE,
        hire_on=dt.date(2020, 1, 1),
        user_email="supervisor@example.org",
    )
    mentor = make_person(
        db,
        "Men Tor",
        today=today,
        date_of_birth=dt.date(1999, 1, 1),
        position=Position.THERAPEUTIC_MENTOR,
        status=StaffStatus.ACTIVE,
        hire_on=dt.date(2026, 1, 5),
        supervisor_id=supervisor.id,
        user_email="mentor@example.org",
    )
    credential = add_credential(
        db,
        actor,
        mentor,
        CredentialDetails(
            CredentialLevel.HIGH_SCHOOL,
            "Somerville High School",
            dt.date(2017, 6, 1),
            True,
        ),
        today,
    )
    document = attach_evidence(
        db, actor, mentor, EvidenceSubject.CREDENTIAL, credential, "diploma.pdf", b"%PDF-1.4 x"
    )
    entry = add_experience(
        db,
        actor,
        mentor,
        ExperienceDetails(
            "Boys & Girls Club",
            "Counsellor",
            dt.date(2019, 1, 1),
            None,
            Decimal(20),
            Population.YOUTH,
            False,
        ),
        today,
    )
    token, _ = create_token(db, actor, "HR system", Role.HR)
    cycle_id, attempt_id, progress_id = _training_records(db, mentor, tmp_path)
    return {
        "db": db,
        "mentor_person_id": mentor.id,
        "cycle_id": cycle_id,
        "position": 1,
        "attempt_id": attempt_id,
        "progress_id": progress_id,
        "person_id": mentor.id,
        "fact_id": credential.id,
        "credential_id": credential.id,
        "experience_id": entry.id,
        "document_id": document.id,
        "token_id": token.id,
    }


def _training_records(db, mentor, tmp_path):
    """A published edition, the mentor's cycle, and an open knowledge-check attempt."""
    import random

    from lms.actor import Actor
    from lms.curriculum.loader import load_edition
    from lms.curriculum.operations import plan_publication, publish_edition
    from lms.training.operations import (
        TrainingSettings,
        ensure_current_cycle,
        open_module,
        start_attempt,
    )
    from lms.training.rules import CyclePolicy
    from tests.support.editions import Folder

    actor = Actor.system("test")
    edition, _ = load_edition(Folder(tmp_path / "demo" / "2030").path)
    publish_edition(db, actor, plan_publication(db, edition, {}))
    settings = TrainingSettings(CyclePolicy(), "demo", 0, dt.timedelta(minutes=5))
    cycle = ensure_current_cycle(db, mentor, dt.date(2030, 1, 10), settings)
    _, progress = open_module(db, cycle, 1, 0, settings)
    attempt = start_attempt(db, actor, progress, settings, random.Random(1))
    db.commit()
    return cycle.id, attempt.id, progress.id

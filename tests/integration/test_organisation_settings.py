"""Saving organisation settings: the newest save is in force, every save is kept and audited,
bad input writes nothing, and with nothing saved the environment's values apply."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from lms.actor import Actor
from lms.auditlog.models import AuditEvent
from lms.config import load_config
from lms.organisation.models import OrganisationSettingsVersion
from lms.organisation.operations import save_organisation_settings
from lms.organisation.queries import history_with_changes, organisation_settings
from lms.organisation.rules import OrganisationDetails
from lms.validation import InvalidInput

ADMIN = Actor(None, "admin@example.org", "192.0.2.10")

#: What the environment says: the defaults until the first save.
CONFIG = load_config(
    {
        "LMS_ENV": "testing",
        "LMS_SECRET_KEY": "x" * 32,
        "LMS_ORGANISATION_NAME": "Bayside Mentoring",
        "LMS_ON_CALL_PHONE": "508-555-0123",
        "LMS_TRAINING_DIRECTOR": "Pat Lee",
    }
)

HARBOR = OrganisationDetails(
    organisation_name="Harbor Youth Services",
    on_call_phone="617-555-0100",
    emergency_protocol="call 911, then the on-call clinician",
    supervisor_contact="your supervisor",
    training_director_name="Dr. Ana Reyes",
    training_director_title="Clinical Director",
)


def versions(db) -> int:
    return db.execute(select(func.count()).select_from(OrganisationSettingsVersion)).scalar_one()


def saves(db) -> list[AuditEvent]:
    return list(
        db.execute(
            select(AuditEvent)
            .where(AuditEvent.action == "organisation.settings_save")
            .order_by(AuditEvent.sequence)
        ).scalars()
    )


def test_with_nothing_saved_the_environment_applies(db):
    settings = organisation_settings(db, CONFIG)
    assert settings.from_environment
    assert settings.organisation_name == "Bayside Mentoring"
    assert settings.on_call_phone == "508-555-0123"
    assert settings.training_director_name == "Pat Lee"
    assert settings.training_director_title == "Director of Training"
    assert settings.curriculum_placeholders["on_call_phone"] == "508-555-0123"


def test_a_save_is_in_force_at_once(db, frozen_clock):
    version, saved = save_organisation_settings(db, ADMIN, HARBOR, CONFIG)
    assert saved
    settings = organisation_settings(db, CONFIG)
    assert not settings.from_environment
    assert settings.details() == HARBOR
    assert settings.saved_at == dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
    assert settings.saved_by == "admin@example.org"
    assert settings.curriculum_placeholders["organisation_name"] == "Harbor Youth Services"
    assert settings.curriculum_placeholders["training_director"] == "Dr. Ana Reyes"
    assert (version.saved_by_label, version.saved_by_id) == ("admin@example.org", None)


def test_values_are_stored_trimmed(db, frozen_clock):
    padded = OrganisationDetails(**{**HARBOR.as_dict(), "on_call_phone": "  617-555-0100\n"})
    version, _ = save_organisation_settings(db, ADMIN, padded, CONFIG)
    assert version.on_call_phone == "617-555-0100"


def test_every_save_is_a_new_version_and_the_old_ones_say_what_applied_then(db, frozen_clock):
    first, _ = save_organisation_settings(db, ADMIN, HARBOR, CONFIG)
    frozen_clock.advance(days=30)
    renamed = OrganisationDetails(**{**HARBOR.as_dict(), "training_director_name": "Sam Okafor"})
    second, _ = save_organisation_settings(db, ADMIN, renamed, CONFIG)
    assert versions(db) == 2
    assert organisation_settings(db, CONFIG).training_director_name == "Sam Okafor"
    in_between = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert organisation_settings(db, CONFIG, at=in_between).training_director_name == (
        "Dr. Ana Reyes"
    )
    before_any = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    assert organisation_settings(db, CONFIG, at=before_any).organisation_name == (
        "Bayside Mentoring"
    )
    assert history_with_changes(db) == [(second, ("training_director_name",)), (first, None)]


def test_each_save_is_audited_with_the_values_before_and_after(db, frozen_clock):
    first, _ = save_organisation_settings(db, ADMIN, HARBOR, CONFIG)
    moved = OrganisationDetails(**{**HARBOR.as_dict(), "on_call_phone": "617-555-0199"})
    second, _ = save_organisation_settings(db, ADMIN, moved, CONFIG)
    first_event, second_event = saves(db)
    assert (first_event.actor_label, first_event.ip_address) == ("admin@example.org", "192.0.2.10")
    assert (first_event.target_type, first_event.target_id) == (
        "organisation_settings_version",
        str(first.id),
    )
    assert first_event.details == {
        "before_source": "environment",
        "before": {
            "organisation_name": "Bayside Mentoring",
            "on_call_phone": "508-555-0123",
            "emergency_protocol": "",
            "supervisor_contact": "",
            "training_director_name": "Pat Lee",
            "training_director_title": "Director of Training",
            "service_hours": "",
        },
        "after": {
            "organisation_name": "Harbor Youth Services",
            "on_call_phone": "617-555-0100",
            "emergency_protocol": "call 911, then the on-call clinician",
            "supervisor_contact": "your supervisor",
            "training_director_name": "Dr. Ana Reyes",
            "training_director_title": "Clinical Director",
            "service_hours": "",
        },
        "changed": [
            "organisation_name",
            "on_call_phone",
            "emergency_protocol",
            "supervisor_contact",
            "training_director_name",
            "training_director_title",
        ],
    }
    assert second_event.target_id == str(second.id)
    assert second_event.details["before_source"] == f"version {first.id}"
    assert second_event.details["before"]["on_call_phone"] == "617-555-0100"
    assert second_event.details["after"]["on_call_phone"] == "617-555-0199"
    assert second_event.details["changed"] == ["on_call_phone"]


def test_saving_the_values_in_force_writes_nothing(db, frozen_clock):
    first, _ = save_organisation_settings(db, ADMIN, HARBOR, CONFIG)
    again, saved = save_organisation_settings(db, ADMIN, HARBOR, CONFIG)
    assert not saved
    assert again.id == first.id
    assert versions(db) == 1
    assert len(saves(db)) == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"organisation_name": "   "}, "organisation_name", "Enter the organisation's name."),
        (
            {"emergency_protocol": "Call 911.\nThen call on-call."},
            "emergency_protocol",
            "Emergency protocol must be on one line, without tabs or other control characters.",
        ),
        (
            {"training_director_title": "T" * 121},
            "training_director_title",
            "Training director's title must be 120 characters or fewer.",
        ),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(db, frozen_clock, values, field, message):
    with pytest.raises(InvalidInput) as refused:
        save_organisation_settings(
            db, ADMIN, OrganisationDetails(**{**HARBOR.as_dict(), **values}), CONFIG
        )
    assert (refused.value.field, refused.value.message) == (field, message)
    assert versions(db) == 0
    assert saves(db) == []
    assert organisation_settings(db, CONFIG).from_environment

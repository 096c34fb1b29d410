"""Organisation settings rules: what may be saved, trimming, what changed, and the defaults the
environment gives when nothing has been saved."""

import datetime as dt

import pytest

from lms.config import load_config
from lms.organisation.rules import (
    OrganisationDetails,
    changed_fields,
    cleaned,
    details_problems,
    environment_settings,
    saved_settings,
    value_problem,
)

HARBOR = OrganisationDetails(
    organisation_name="Harbor Youth Services",
    on_call_phone="617-555-0100 (answered 24 hours)",
    emergency_protocol="call 911, then the on-call clinician",
    supervisor_contact="your supervisor, Dana Whitfield",
    training_director_name="Dr. Ana Reyes",
    training_director_title="Clinical Director",
)


def with_values(**values: str) -> OrganisationDetails:
    return OrganisationDetails(**{**HARBOR.as_dict(), **values})


def test_complete_details_have_no_problems():
    assert details_problems(HARBOR) == []


def test_names_in_any_language_are_accepted():
    details = with_values(
        organisation_name="Centro Latino de Niños de Lowell",
        training_director_name="Dr. Trần Thị Mai",
    )
    assert details_problems(details) == []


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("organisation_name", "Enter the organisation's name."),
        ("training_director_name", "Enter the training director's name."),
        ("training_director_title", "Enter the training director's title."),
    ],
)
def test_the_name_and_the_signatory_are_required(field, message):
    assert details_problems(with_values(**{field: ""})) == [(field, message)]


@pytest.mark.parametrize("field", ["on_call_phone", "emergency_protocol", "supervisor_contact"])
def test_the_course_placeholders_may_be_left_blank(field):
    # Blank means the course's own wording (curricula/FORMAT.md), so it is not a mistake.
    assert value_problem(field, "") is None


@pytest.mark.parametrize(
    ("field", "longest", "message"),
    [
        ("organisation_name", 200, "Organisation name must be 200 characters or fewer."),
        ("on_call_phone", 60, "On-call phone must be 60 characters or fewer."),
        ("emergency_protocol", 500, "Emergency protocol must be 500 characters or fewer."),
        ("supervisor_contact", 200, "Supervisor contact must be 200 characters or fewer."),
        ("training_director_name", 120, "Training director must be 120 characters or fewer."),
        (
            "training_director_title",
            120,
            "Training director's title must be 120 characters or fewer.",
        ),
    ],
)
def test_each_value_has_a_longest_length(field, longest, message):
    assert value_problem(field, "x" * longest) is None
    assert value_problem(field, "x" * (longest + 1)) == message


@pytest.mark.parametrize(
    "value",
    [
        "Harbor\nYouth Services",
        "Harbor\r\nYouth Services",
        "Harbor\tYouth Services",
        "Harbor\x00Youth Services",
        "Harbor\x1bYouth Services",
        "Harbor\u2028Youth Services",  # a Unicode line separator is a line break too
    ],
)
def test_line_breaks_and_control_characters_are_refused(value):
    assert value_problem("organisation_name", value) == (
        "Organisation name must be on one line, without tabs or other control characters."
    )


def test_the_phone_is_free_text():
    for phone in ["617-555-0100", "(617) 555 0100 ext. 12", "Call the front desk, then press 2"]:
        assert value_problem("on_call_phone", phone) is None


def test_every_problem_is_reported_with_its_field():
    details = with_values(organisation_name="", on_call_phone="617\t555")
    assert details_problems(details) == [
        ("organisation_name", "Enter the organisation's name."),
        (
            "on_call_phone",
            "On-call phone must be on one line, without tabs or other control characters.",
        ),
    ]


def test_cleaning_trims_surrounding_spaces_and_line_breaks_only():
    details = with_values(on_call_phone="  617-555-0100 \n", organisation_name=" Harbor  Youth ")
    assert cleaned(details) == with_values(
        on_call_phone="617-555-0100", organisation_name="Harbor  Youth"
    )
    assert details_problems(cleaned(with_values(training_director_title="   "))) == [
        ("training_director_title", "Enter the training director's title.")
    ]


def test_changed_fields_are_listed_in_the_pages_order():
    after = with_values(training_director_name="Dr. Sam Okafor", on_call_phone="617-555-0199")
    assert changed_fields(HARBOR, after) == ("on_call_phone", "training_director_name")
    assert changed_fields(HARBOR, HARBOR) == ()


def test_saved_settings_fill_the_course_placeholders_from_the_details():
    at = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
    settings = saved_settings(HARBOR, at, "admin@example.org")
    assert not settings.from_environment
    assert (settings.saved_at, settings.saved_by) == (at, "admin@example.org")
    assert settings.details() == HARBOR
    assert settings.curriculum_placeholders == {
        "organisation_name": "Harbor Youth Services",
        "on_call_phone": "617-555-0100 (answered 24 hours)",
        "emergency_protocol": "call 911, then the on-call clinician",
        "supervisor_contact": "your supervisor, Dana Whitfield",
        "training_director": "Dr. Ana Reyes",
    }


def environment(**variables: str) -> dict[str, str]:
    return {"LMS_ENV": "testing", "LMS_SECRET_KEY": "x" * 32, **variables}


def test_the_environment_gives_the_defaults_exactly_as_before():
    config = load_config(
        environment(
            LMS_ORGANISATION_NAME="Harbor Youth Services",
            LMS_ON_CALL_PHONE="617-555-0100",
            LMS_TRAINING_DIRECTOR="Dr. Ana Reyes",
        )
    )
    settings = environment_settings(config)
    assert settings.from_environment
    assert settings.details() == OrganisationDetails(
        organisation_name="Harbor Youth Services",
        on_call_phone="617-555-0100",
        emergency_protocol="",
        supervisor_contact="",
        training_director_name="Dr. Ana Reyes",
        training_director_title="Director of Training",
    )
    assert settings.curriculum_placeholders == {
        "organisation_name": "Harbor Youth Services",
        "on_call_phone": "617-555-0100",
        "emergency_protocol": "",
        "supervisor_contact": "",
        "training_director": "Dr. Ana Reyes",
    }


def test_without_variables_the_header_and_the_course_keep_their_own_defaults():
    # The header has always said "Demo Mentoring Agency" while the course said "your agency"
    # (a blank placeholder): published editions must not change just because this page exists.
    settings = environment_settings(load_config(environment()))
    assert settings.organisation_name == "Demo Mentoring Agency"
    assert settings.training_director_name == "Training Director"
    assert settings.curriculum_placeholders["organisation_name"] == ""
    assert settings.curriculum_placeholders["training_director"] == ""

"""The JSON facts shape: bad input names its field; good input becomes exact facts."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from lms.eligibility.facts_json import FactsError, parse_facts
from lms.eligibility.rules import CredentialLevel, Population

TODAY = dt.date(2026, 11, 23)


def good(**changes):
    data = {
        "as_of": "2026-11-23",
        "date_of_birth": "1998-04-02",
        "identity_verified": True,
        "education": [
            {
                "credential": "bachelor",
                "field": "Psychology",
                "human_services_field": True,
                "accredited": True,
                "conferred_on": "2020-05-15",
                "verified": True,
            }
        ],
        "experience": [
            {
                "start": "2021-01-04",
                "end": None,
                "hours_per_week": 40,
                "population": "youth",
                "target_population": False,
                "verified": True,
            }
        ],
    }
    data.update(changes)
    return data


def with_job(**fields):
    job = {"start": "2021-01-04", "hours_per_week": 40, "population": "youth"}
    job.update(fields)
    return good(experience=[job])


def with_degree(**fields):
    credential = {"credential": "bachelor", "conferred_on": "2020-05-15"}
    credential.update(fields)
    return good(education=[credential])


def test_the_documented_example_parses():
    facts = parse_facts(good(), TODAY)
    assert facts.credentials[0].level is CredentialLevel.BACHELOR
    assert facts.experience[0].population is Population.YOUTH
    assert facts.experience[0].end_on is None


def test_as_of_defaults_to_today_and_flags_to_false():
    data = {
        "date_of_birth": "1998-04-02",
        "experience": [{"start": "2021-01-04", "hours_per_week": 20, "population": "youth"}],
    }
    facts = parse_facts(data, TODAY)
    assert facts.as_of == TODAY
    assert facts.identity_verified is False
    assert facts.experience[0].verified is False
    assert facts.experience[0].target_population is False


def test_decimal_hours_are_exact():
    facts = parse_facts(with_job(hours_per_week=Decimal("17.5")), TODAY)
    assert facts.experience[0].hours_per_week == Fraction(35, 2)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (good(date_of_birth=None), "date_of_birth"),
        (good(date_of_birth="04/02/1998"), "date_of_birth"),
        (good(date_of_birth="2026-11-24"), "date_of_birth"),
        (good(as_of="2026-13-01"), "as_of"),
        (with_job(start=None), "experience[0].start"),
        (with_job(end="2020-01-01"), "experience[0].end"),
        (with_job(hours_per_week="40"), "experience[0].hours_per_week"),
        (with_job(hours_per_week=0), "experience[0].hours_per_week"),
        (with_job(hours_per_week=-5), "experience[0].hours_per_week"),
        (with_job(hours_per_week=168.5), "experience[0].hours_per_week"),
        (with_job(hours_per_week=True), "experience[0].hours_per_week"),
        (with_job(population=None), "experience[0].population"),
        (with_job(population="adults"), "experience[0].population"),
        (with_job(population="other", target_population=True), "experience[0].target_population"),
        (with_job(verified="yes"), "experience[0].verified"),
        (with_job(verifed=True), "experience[0].verifed"),
        (with_degree(credential=None), "education[0].credential"),
        (with_degree(credential="phd"), "education[0].credential"),
        (with_degree(conferred_on=None), "education[0].conferred_on"),
        (with_degree(accredited=1), "education[0].accredited"),
        (good(education={"credential": "ged"}), "education"),
        (good(surname="Smith"), "surname"),
        ([], "input"),
    ],
)
def test_bad_input_names_the_field(data, field):
    with pytest.raises(FactsError) as raised:
        parse_facts(data, TODAY)
    assert raised.value.field == field


def test_hours_of_exactly_168_are_allowed():
    assert parse_facts(with_job(hours_per_week=168), TODAY).experience[0].hours_per_week == 168

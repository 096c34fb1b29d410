"""Well-formed but hostile input is refused with a message naming what is wrong, never a 500
(issue 13): ids past the database's integer range, NUL and unpaired surrogates in text, and
dates in year 1 or 9999."""

import datetime as dt

import pytest
from werkzeug.exceptions import NotFound

from lms.actor import Actor
from lms.staffimport.imports import check_import
from lms.training.imports import import_completions
from lms.training.operations import TrainingSettings
from lms.training.rules import CyclePolicy
from tests.conftest import csrf_token
from tests.integration.test_staff_import import credential, csv_bytes, person
from tests.web.test_api import PERSON, create
from tests.web.test_api import hr as hr_api  # noqa: F401 - a fixture

TOO_BIG = 2**31  # one past the largest id a 32-bit integer column holds
LARGEST = 2**31 - 1


def int_arguments(rule) -> set[str]:
    return {
        name
        for name, converter in rule._converters.items()
        if type(converter).__name__ == "BoundedIntegerConverter"
    }


def urls_with_ids(app, value: int):
    """(rule, method, url) for every route with an integer in its path, each integer ``value``."""
    from flask import url_for

    for rule in app.url_map.iter_rules():
        ints = int_arguments(rule)
        if not ints:
            continue
        values = {name: value if name in ints else "credentials" for name in rule.arguments}
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, url


def test_every_integer_in_a_path_is_bounded_by_the_database(app):
    adapter = app.url_map.bind("localhost")
    fits = list(urls_with_ids(app, LARGEST))
    assert len(fits) > 20
    for rule, method, url in fits:
        assert adapter.match(url, method=method)[0] == rule.endpoint
    for _rule, method, url in urls_with_ids(app, TOO_BIG):
        with pytest.raises(NotFound):
            adapter.match(url, method=method)


@pytest.mark.parametrize("limit", [0, 1, 9, 10, 99, 100, 250, 1009])
def test_the_id_pattern_matches_exactly_the_numbers_up_to_its_limit(limit):
    import re

    from lms.web import digits_up_to

    pattern = re.compile(digits_up_to(limit) + r"\Z")
    assert [n for n in range(limit * 11 + 20) if pattern.match(str(n))] == list(range(limit + 1))
    assert not pattern.match("00")


@pytest.mark.parametrize("role", ["admin", "hr", "supervisor", "mentor", "auditor"])
def test_ids_past_the_range_are_404_for_every_role(app, client, auth, users, role):
    auth.login(f"{role}@example.org")
    for rule, method, url in urls_with_ids(app, TOO_BIG):
        if rule.endpoint.startswith("api."):
            continue
        assert client.open(url, method=method).status_code == 404, (rule.endpoint, method, url)


def test_the_api_answers_404_for_ids_past_the_range(hr_api):  # noqa: F811
    assert hr_api.get(f"/staff/{TOO_BIG}").status_code == 404
    assert hr_api.get(f"/staff/{TOO_BIG}/credentials").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**PERSON, "legal_name": "Ann\u0000"}, "legal_name"),
        ({**PERSON, "preferred_name": "\ud800"}, "preferred_name"),
        ({**PERSON, "supervisor_id": TOO_BIG}, "supervisor_id"),
        ({**PERSON, "status": "active", "hire_on": "0001-01-01"}, "hire_on"),
        ({**PERSON, "status": "active", "hire_on": "9999-12-31"}, "hire_on"),
    ],
)
def test_the_api_refuses_unstorable_text_ids_and_dates_naming_the_field(hr_api, body, field):  # noqa: F811
    import json

    raw = json.dumps(body)  # ensure_ascii: NUL and the surrogate travel as \u escapes
    response = hr_api.post("/staff", raw=raw)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["field"] == field


@pytest.mark.parametrize(
    ("change", "field"),
    [({"start_on": "0001-01-01"}, "start_on"), ({"end_on": "9999-12-31"}, "end_on")],
)
def test_the_api_refuses_experience_dates_at_the_ends_of_the_calendar(hr_api, change, field):  # noqa: F811
    from tests.web.test_api import EXPERIENCE

    created = create(hr_api)
    response = hr_api.post(f"/staff/{created['id']}/experience", {**EXPERIENCE, **change})
    assert response.status_code == 422
    assert response.get_json()["field"] == field


def test_the_api_refuses_a_conferral_date_in_year_one(hr_api):  # noqa: F811
    created = create(hr_api)
    body = {
        "level": "bachelor",
        "institution": "UMass Boston",
        "conferred_on": "0001-01-01",
        "accredited": True,
        "field_of_study": "Psychology",
        "human_services_basis": "listed",
    }
    response = hr_api.post(f"/staff/{created['id']}/credentials", body)
    assert response.status_code == 422
    assert response.get_json()["field"] == "conferred_on"


def test_a_nul_in_a_form_field_is_a_400_naming_it(client, auth, users):
    auth.login("hr@example.org")
    response = client.post(
        "/staff/new",
        data={"csrf_token": csrf_token(client, "/staff/new"), "legal_name": "Ann\x00"},
    )
    assert response.status_code == 400
    assert "legal_name" in response.get_data(as_text=True)


def test_a_nul_in_the_query_is_a_400_naming_it(client, auth, users):
    auth.login("hr@example.org")
    response = client.get("/compliance/?status=%00")
    assert response.status_code == 400
    assert "status" in response.get_data(as_text=True)


@pytest.mark.parametrize("as_of", ["0001-01-01", "1899-12-31"])
def test_as_of_dates_before_1900_are_refused(client, auth, users, as_of):
    auth.login("hr@example.org")
    response = client.get(f"/compliance/?as_of={as_of}")
    assert response.status_code == 400
    assert "1900-01-01" in response.get_data(as_text=True)


@pytest.mark.parametrize("as_of", ["0001-01-01", "1899-12-31"])
@pytest.mark.parametrize("path", ["/audit/roster.csv", "/audit/certificates.csv"])
def test_report_dates_before_1900_go_back_to_the_date_field(client, auth, users, path, as_of):
    # A download has no page of its own: the refusal goes back to the form that asked for it.
    auth.login("auditor@example.org")
    response = client.get(f"{path}?as_of={as_of}")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1900-01-01" in page


@pytest.mark.parametrize(
    "args",
    [
        ["compliance", "report", "--as-of", "0001-01-01"],
        ["alerts", "run", "--dry-run", "--as-of", "0001-01-01"],
    ],
)
def test_the_commands_refuse_as_of_dates_before_1900(runner, users, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 2, result.output
    assert "1900-01-01" in result.output


def test_a_nul_in_a_staff_import_cell_is_a_problem_on_its_line(db):
    data = csv_bytes(person(), credential(institution="UMass\x00Boston"))
    problems = check_import(db, Actor.system("test"), data, dt.date(2026, 11, 23)).problems
    nul = [p for p in problems if "NUL" in p.message]
    assert [(p.line, p.field) for p in nul] == [(3, "institution")]


def test_a_nul_in_a_training_import_cell_is_a_problem_on_its_line(db):
    data = b"work_email,completed_on\nann@example.org,2026-01-0\x001\n"
    settings = TrainingSettings(CyclePolicy(), "demo", 0, dt.timedelta(minutes=5))
    result = import_completions(
        db, Actor.system("test"), data, dt.date(2026, 11, 23), settings, True
    )
    assert [(p.line, p.field) for p in result.problems] == [(2, "completed_on")]


def test_the_openapi_document_states_the_bounds():
    from lms.api.openapi import openapi_document

    document = openapi_document()
    parameters = document["components"]["parameters"]
    assert parameters["PersonId"]["schema"]["maximum"] == LARGEST
    schemas = document["components"]["schemas"]
    text = repr(schemas)
    assert "'minLength': 1" in text and "'maxLength': 200" in text and "u0000" in text
    assert "1900-01-01" in text and "1900-01-01" in document["info"]["description"]


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"as_of": "9999-12-31", "date_of_birth": "1990-01-01"}, "as_of"),
        ({"date_of_birth": "0001-01-01"}, "date_of_birth"),
        (
            {
                "date_of_birth": "1990-01-01",
                "education": [{"credential": "bachelor", "conferred_on": "0001-01-01"}],
            },
            "education[0].conferred_on",
        ),
    ],
)
def test_the_rules_engine_refuses_dates_at_the_ends_of_the_calendar(hr_api, facts, field):  # noqa: F811
    response = hr_api.post("/eligibility/evaluate", facts)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["field"] == field

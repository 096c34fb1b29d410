"""schemathesis over /api/v1/openapi.json, in-process against the Flask app (issue 13).

Every operation, with every role's token, positive and negative examples, every built-in
check (a server error, status codes, content types and headers the document states, response
bodies against their schemas, valid data accepted and invalid data refused, …): zero failures.
Bounded: a few examples per operation, role and mode, so it costs well under two minutes.
"""

from __future__ import annotations

import contextlib
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from lms.staff.models import Position
from tests.integration.supervision_records import add_licence, add_person
from tests.web.test_api import CREDENTIAL, EXPERIENCE, PERSON, Api

ROLES = ("admin", "hr", "supervisor", "mentor", "auditor")
EXAMPLES = int(os.environ.get("LMS_SCHEMATHESIS_EXAMPLES", "5"))

#: Every check at its defaults but one: data the document allows may still be refused with 422
#: when a rule no schema can state refuses it (an id that names no one, `to` before `from`, a
#: date after "a year from today"); the answer names the field, as the document says.
STATUSES = os.environ.get(
    "LMS_SCHEMATHESIS_ACCEPT", '["2xx", "3xx", "401", "403", "404", "409", "422", "429"]'
)
CONFIG = SchemathesisConfig.from_str(
    f"""
[checks.positive_data_acceptance]
expected-statuses = {STATUSES}
"""
)


@pytest.fixture
def records(app, db, tokens, frozen_clock):
    """A person with a credential and experience, a team for supervision, a senior clinician:
    so that generated ids and emails sometimes find something."""
    supervisor = add_person(
        db, "Sam Super", position=Position.LICENSED_CLINICIAN, email="sam@example.org"
    )
    add_licence(db, supervisor)
    add_person(db, "Mia Mentor", supervisor=supervisor, email="mia@example.org")
    add_licence(db, add_person(db, "Sol Senior", position=Position.SENIOR_CLINICIAN))
    db.commit()
    hr = Api(app.test_client(), tokens["hr"])
    person = hr.post("/staff", PERSON).get_json()
    hr.post(f"/staff/{person['id']}/credentials", CREDENTIAL)
    hr.post(f"/staff/{person['id']}/experience", EXPERIENCE)
    return person


def test_schemathesis_finds_nothing(app, db, tokens, records):
    """Each generated request is sent once with each role's token (generating is the costly
    part), and every answer is checked."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
    failures: dict[str, str] = {}
    sent = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                nonlocal sent
                for role in ROLES:
                    sent += 1
                    try:
                        case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"})
                    except (AssertionError, BaseExceptionGroup) as failure:
                        key = f"{case.operation.label} [{case.meta.generation.mode.value}, {role}]"
                        failures.setdefault(key, str(failure))

            # Unsatisfiable: nothing of this mode to generate (no invalid form of a free string).
            with contextlib.suppress(Unsatisfiable):
                run()
    print(f"schemathesis: {len(operations)} operations, {sent} requests, {len(failures)} failures")
    assert not failures, "\n\n".join(f"{key}: {text}" for key, text in failures.items())

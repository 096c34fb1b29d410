"""``lms eligibility evaluate`` prints the same JSON the rules give, and exits 2 on bad input."""

import json

EXAMPLE = {
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


def test_evaluate_from_stdin(runner):
    result = runner.invoke(args=["eligibility", "evaluate"], input=json.dumps(EXAMPLE))
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    assert output["status"] == "eligible"
    assert output["pathway"] == "bachelor"
    assert output["eligible_from"] == "2022-01-03"
    assert output["youth_experience_days"] == 2150.0
    assert output["ruleset"] == "ma-tm-2023"


def test_evaluate_from_a_file(runner, tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(EXAMPLE))
    result = runner.invoke(args=["eligibility", "evaluate", str(path)])
    assert json.loads(result.output)["status"] == "eligible"


def test_bad_input_exits_2_with_one_line_naming_the_field(runner):
    bad = {**EXAMPLE, "experience": [{**EXAMPLE["experience"][0], "hours_per_week": 0}]}
    result = runner.invoke(args=["eligibility", "evaluate"], input=json.dumps(bad))
    assert result.exit_code == 2
    assert result.output.strip() == (
        "experience[0].hours_per_week: must be more than 0 and at most 168"
    )


def test_malformed_json_exits_2(runner):
    result = runner.invoke(args=["eligibility", "evaluate"], input="{not json")
    assert result.exit_code == 2
    assert result.output.startswith("input: not valid JSON")


def test_human_services_field_list_can_be_changed(runner):
    listed = runner.invoke(args=["eligibility", "fields", "list"])
    assert "Psychology" in listed.output.splitlines()
    added = runner.invoke(args=["eligibility", "fields", "add", "Youth  Studies"])
    assert added.exit_code == 0
    assert "Youth Studies" in runner.invoke(args=["eligibility", "fields", "list"]).output
    again = runner.invoke(args=["eligibility", "fields", "add", "youth studies"])
    assert again.exit_code == 2
    assert "already on the list" in again.output
    removed = runner.invoke(args=["eligibility", "fields", "remove", "YOUTH STUDIES"])
    assert removed.exit_code == 0
    assert "Youth Studies" not in runner.invoke(args=["eligibility", "fields", "list"]).output

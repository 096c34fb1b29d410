"""The catalogue file: the shipped defaults pass, and every problem is named with its line."""

import pytest

from lms.requirements.catalogue import (
    DEFAULT_PATH,
    CatalogueError,
    load_catalogue_file,
    parse_catalogue,
)
from lms.requirements.rules import RequirementKind


def test_the_shipped_catalogue_passes_and_holds_the_issues_list():
    catalogue = load_catalogue_file(DEFAULT_PATH)
    by_key = catalogue.by_key()
    assert {"cori", "sori", "dcf_background_check", "oig_exclusion_screening"} <= set(by_key)
    assert by_key["oig_exclusion_screening"].validity_months == 1  # every month
    assert by_key["masshealth_exclusion_screening"].validity_months == 1
    assert by_key["dcf_background_check"].positions == frozenset()  # off until a contract needs it
    assert by_key["tm_core_course"].positions == {"therapeutic_mentor"}
    assert len(by_key["policies_and_procedures_course"].positions) == 4  # every position
    kinds = {requirement.kind for requirement in catalogue.requirements}
    assert kinds == set(RequirementKind)


def test_every_problem_is_listed_with_its_line():
    text = (
        "format: 1\n"  # 1
        "requirements:\n"  # 2
        "  - key: cpr\n"  # 3
        "    name: CPR\n"  # 4
        "    kind: credential\n"  # 5
        "    positions: [mentor]\n"  # 6
        "    first_due: {days_after_hire: 0}\n"  # 7
        "    blocks_work: maybe\n"  # 8
        "  - key: cpr\n"  # 9
        "    name: CPR again\n"  # 10
        "    kind: check\n"  # 11
        "    positions: all\n"  # 12
        "    first_due: before_start\n"  # 13
        "    validity: {months: 12}\n"  # 14
        "    blocks_work: false\n"  # 15
        "    colour: red\n"  # 16
    )
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(text, "x.yaml")
    assert [str(problem) for problem in raised.value.problems] == [
        "x.yaml:6: 'positions' must be 'all' or a list of therapeutic_mentor, "
        "licensed_clinician, senior_clinician, other",
        "x.yaml:7: 'first_due' must be before_start or {days_after_hire: N} with N of 1 or more",
        "x.yaml:8: 'blocks_work' must be true or false",
        "x.yaml:16: unknown field 'colour'",
    ]


def test_a_duplicate_key_names_the_first_line():
    item = (
        "  - key: cori\n    name: CORI\n    kind: check\n    positions: all\n"
        "    first_due: before_start\n    validity: {months: 36}\n    blocks_work: true\n"
    )
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue("format: 1\nrequirements:\n" + item + item, "x.yaml")
    assert [str(p) for p in raised.value.problems] == [
        "x.yaml:10: key 'cori' is already used on line 3"
    ]


def test_yaml_errors_have_a_line():
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue("format: 1\nrequirements: [\n", "x.yaml")
    assert raised.value.problems[0].line >= 2


def test_the_catalogue_written_out_reads_back_the_same():
    from lms.requirements.catalogue import catalogue_yaml

    catalogue = load_catalogue_file(DEFAULT_PATH)
    again = parse_catalogue(catalogue_yaml(catalogue.requirements), "out.yaml")
    assert again.requirements == catalogue.requirements
    assert again.sha256 == catalogue.sha256

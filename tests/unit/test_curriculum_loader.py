"""The curriculum loader and validator against small editions built by hand, broken one way each.

The line numbers asserted below are those of the texts in ``tests/support/editions.py``:
``alpha.md`` and ``beta.md`` are both ``module_text``, and curriculum.yaml is ``EDITION_YAML``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from lms.curriculum.format import Option, QuestionType, Section
from lms.curriculum.loader import edition_hash, find_editions, load_edition, load_module
from lms.curriculum.rendering import fill_placeholders, render_markdown
from lms.curriculum.topics import REQUIRED_TOPIC_KEYS, REQUIRED_TOPICS
from tests.support.editions import (
    ALPHA,
    ALPHA_TOPICS,
    Folder,
    module_text,
)


@pytest.fixture
def folder(tmp_path) -> Folder:
    return Folder(tmp_path / "demo" / "2030")


def uncovered(key: str) -> str:
    wording = next(topic.wording for topic in REQUIRED_TOPICS if topic.key == key)
    return f"required topic '{key}' ({wording}) is not covered by any module"


class TestAValidEdition:
    def test_loads_with_no_problems(self, folder):
        edition, problems = load_edition(folder.path)
        assert problems == []
        assert edition is not None
        assert (edition.id, edition.title, edition.edition) == ("demo", "Demo training", "2030")
        assert edition.effective_on == dt.date(2030, 1, 1)
        assert edition.pass_mark == 75
        assert [module.id for module in edition.modules] == ["alpha", "beta"]
        assert list(edition.crosswalk) == list(REQUIRED_TOPIC_KEYS)
        assert edition.crosswalk["conflict_resolution"] == ("beta",)
        assert edition.source_path == folder.path

    def test_module_parts(self, folder):
        edition, _ = load_edition(folder.path)
        alpha = edition.modules[0]
        assert alpha.title == "The alpha module"
        assert alpha.topics == ALPHA_TOPICS
        assert (alpha.estimated_minutes, alpha.questions_per_attempt) == (10, 3)
        assert [objective.id for objective in alpha.objectives] == ["name", "explain", "apply"]
        assert alpha.references == ("A reference.",)
        assert alpha.sections == (
            Section(
                "First section",
                "Call {{ on_call_phone }} when in doubt.\n\n"
                "| when | do |\n| --- | --- |\n| danger | call 911 |",
            ),
            Section("Second section", "### Scenario: A late bus\n\nSome *text*."),
        )
        assert alpha.source == ALPHA

    def test_questions(self, folder):
        edition, _ = load_edition(folder.path)
        single, multiple, true_false = edition.modules[0].questions
        assert single.type is QuestionType.SINGLE
        assert (single.id, single.objective, single.prompt) == ("q01", "name", "Which one?")
        assert single.options == (
            Option("a", "This one", True),
            Option("b", "That one", False),
            Option("c", "The other one", False),
        )
        assert single.answer is None
        assert single.rationale == "Because."
        assert [option.correct for option in multiple.options] == [True, True, False]
        assert multiple.type == "multiple"
        assert true_false.type is QuestionType.TRUE_FALSE
        assert (true_false.options, true_false.answer) == ((), True)

    def test_pass_mark_defaults_to_80(self, folder):
        folder.edit("curriculum.yaml", "pass_mark: 75\n", "")
        edition, problems = load_edition(folder.path)
        assert problems == []
        assert edition.pass_mark == 80

    def test_windows_line_endings_keep_line_numbers(self, folder):
        folder.write("alpha.md", ALPHA.replace("{{ on_call_phone }}", "{{ pager }}"))
        text = (folder.path / "alpha.md").read_text(encoding="utf-8")
        (folder.path / "alpha.md").write_bytes(text.replace("\n", "\r\n").encode())
        assert folder.problems() == [
            folder.problem(
                "alpha.md",
                20,
                "unknown placeholder {{ pager }} (known: organisation_name, on_call_phone, "
                "emergency_protocol, supervisor_contact, training_director)",
            )
        ]


class TestYamlErrors:
    def test_bad_yaml_in_curriculum_yaml(self, folder):
        folder.edit("curriculum.yaml", "title: Demo training", "title: Demo: training")
        assert folder.problems() == [
            folder.problem(
                "curriculum.yaml", 2, "invalid YAML: mapping values are not allowed here"
            )
        ]

    def test_bad_yaml_in_front_matter(self, folder):
        folder.edit("alpha.md", "title: The alpha module", "title: [The alpha module")
        problems = folder.problems()
        assert [(p.path.name, p.line) for p in problems] == [("alpha.md", 4)]
        assert problems[0].message.startswith("invalid YAML: ")

    def test_bad_yaml_in_the_knowledge_check(self, folder):
        folder.edit("beta.md", "prompt: Which one?", "prompt: Which: one?")
        assert folder.problems() == [
            folder.problem("beta.md", 36, "invalid YAML: mapping values are not allowed here")
        ]

    def test_duplicate_key(self, folder):
        folder.edit("curriculum.yaml", "pass_mark: 75\n", "pass_mark: 75\ntitle: Again\n")
        assert folder.problems() == [
            folder.problem("curriculum.yaml", 6, "duplicate key 'title'"),
        ]


class TestSchema:
    def test_unknown_key_in_curriculum_yaml(self, folder):
        folder.edit("curriculum.yaml", "pass_mark: 75\n", "pass_mark: 75\ncolour: blue\n")
        assert folder.problems() == [
            folder.problem(
                "curriculum.yaml",
                6,
                "unknown key 'colour' (allowed: id, title, edition, effective_on, modules, "
                "crosswalk, pass_mark)",
            )
        ]

    def test_missing_key_in_curriculum_yaml(self, folder):
        folder.edit("curriculum.yaml", "title: Demo training\n", "")
        assert folder.problems() == [
            folder.problem("curriculum.yaml", 1, "missing required key 'title'")
        ]

    def test_unknown_key_in_front_matter(self, folder):
        folder.edit("alpha.md", "estimated_minutes: 10\n", "estimated_minutes: 10\nlevel: 2\n")
        problems = folder.problems()
        assert [(p.path.name, p.line) for p in problems] == [("alpha.md", 6)]
        assert problems[0].message.startswith("unknown key 'level' (allowed: id, title, ")

    def test_missing_key_in_a_question(self, folder):
        folder.edit("alpha.md", "  answer: true\n  rationale: Because.\n", "  answer: true\n")
        assert folder.problems() == [
            folder.problem("alpha.md", 60, "question q03: missing required key 'rationale'")
        ]

    def test_unquoted_edition(self, folder):
        folder.edit("curriculum.yaml", 'edition: "2030"', "edition: 2030")
        assert folder.problems() == [
            folder.problem("curriculum.yaml", 3, "'edition' must be text: write edition: \"2030\"")
        ]

    @pytest.mark.parametrize("value", ["0", "101", "eighty", "true"])
    def test_pass_mark_out_of_range(self, folder, value):
        folder.edit("curriculum.yaml", "pass_mark: 75", f"pass_mark: {value}")
        assert folder.problems() == [
            folder.problem("curriculum.yaml", 5, "'pass_mark' must be a whole number from 1 to 100")
        ]

    def test_effective_on_must_be_a_date(self, folder):
        folder.edit("curriculum.yaml", "effective_on: 2030-01-01", "effective_on: next year")
        assert folder.problems() == [
            folder.problem("curriculum.yaml", 4, "'effective_on' must be a date written YYYY-MM-DD")
        ]

    def test_questions_per_attempt_at_least_one(self, folder):
        folder.edit("alpha.md", "questions_per_attempt: 3", "questions_per_attempt: 0")
        assert folder.problems() == [
            folder.problem(
                "alpha.md", 6, "'questions_per_attempt' must be a whole number of at least 1"
            )
        ]

    def test_option_text_that_yaml_reads_as_a_boolean(self, folder):
        folder.edit("alpha.md", "text: That one", "text: No")
        assert folder.problems() == [
            folder.problem("alpha.md", 42, "question q01: 'text' must be text (put it in quotes)")
        ]


class TestIds:
    def test_module_id_must_equal_the_file_name(self, folder):
        folder.edit("alpha.md", "id: alpha", "id: alfa")
        assert folder.problems() == [
            folder.problem("alpha.md", 2, "id 'alfa' does not match the file name 'alpha.md'")
        ]

    def test_curriculum_id_and_edition_must_match_the_folders(self, folder):
        folder.edit("curriculum.yaml", "id: demo", "id: dome")
        folder.edit("curriculum.yaml", 'edition: "2030"', 'edition: "2031"')
        assert folder.problems() == [
            folder.problem("curriculum.yaml", 1, "id 'dome' does not match the folder name 'demo'"),
            folder.problem(
                "curriculum.yaml", 3, "edition '2031' does not match the folder name '2030'"
            ),
        ]

    def test_module_id_must_be_lower_case(self, folder):
        folder.edit("alpha.md", "id: alpha", "id: Alpha")
        assert folder.problems() == [
            folder.problem(
                "alpha.md", 2, "'id' must be an id of lower-case letters, digits and hyphens"
            )
        ]

    def test_question_ids_unique(self, folder):
        folder.edit("alpha.md", "- id: q02", "- id: q01")
        assert folder.problems() == [
            folder.problem("alpha.md", 46, "question id 'q01' is used twice"),
        ]

    def test_objective_ids_unique(self, folder):
        folder.edit("alpha.md", "  - id: apply\n", "  - id: name\n")
        assert folder.problems() == [
            folder.problem("alpha.md", 12, "objective id 'name' is used twice"),
            folder.problem("alpha.md", 61, "question q03: objective 'apply' is not defined"),
        ]

    def test_option_ids_unique(self, folder):
        folder.edit("alpha.md", "    - id: c\n      text: Third", "    - id: b\n      text: Third")
        assert folder.problems() == [
            folder.problem("alpha.md", 57, "question q02: option id 'b' is used twice")
        ]


class TestModulesAndCrosswalk:
    def test_module_file_not_listed(self, folder):
        folder.write("gamma.md", module_text("gamma", ()))
        assert folder.problems() == [
            folder.problem("curriculum.yaml", 6, "gamma.md is not listed under 'modules'")
        ]

    def test_module_listed_but_missing(self, folder):
        (folder.path / "beta.md").unlink()
        assert folder.problems() == [
            folder.problem(
                "curriculum.yaml", 8, "module 'beta' is listed but beta.md does not exist"
            ),
            folder.problem(
                "curriculum.yaml",
                26,
                "the crosswalk maps 'conflict_resolution' to 'beta', which is not a module",
            ),
            folder.problem("curriculum.yaml", 26, uncovered("conflict_resolution")),
        ]

    def test_topic_not_covered_by_any_module(self, folder):
        folder.edit("curriculum.yaml", "  conflict_resolution: [beta]\n", "")
        folder.edit("beta.md", "topics: [conflict_resolution]", "topics: []")
        assert folder.problems() == [
            folder.problem("curriculum.yaml", 9, uncovered("conflict_resolution"))
        ]

    def test_topic_with_an_empty_list(self, folder):
        folder.edit("curriculum.yaml", "conflict_resolution: [beta]", "conflict_resolution: []")
        folder.edit("beta.md", "topics: [conflict_resolution]", "topics: []")
        assert folder.problems() == [
            folder.problem("curriculum.yaml", 26, uncovered("conflict_resolution"))
        ]

    def test_unknown_topic_key_in_the_crosswalk(self, folder):
        folder.edit("curriculum.yaml", "crosswalk:\n", "crosswalk:\n  sailing: [alpha]\n")
        assert folder.problems() == [
            folder.problem("curriculum.yaml", 10, "unknown topic key 'sailing' in the crosswalk")
        ]

    def test_unknown_topic_key_in_a_module(self, folder):
        folder.edit("beta.md", "topics: [conflict_resolution]", "topics: [conflict_resolution, x]")
        assert folder.problems() == [folder.problem("beta.md", 4, "unknown topic key 'x'")]

    def test_module_claims_a_topic_the_crosswalk_does_not_give_it(self, folder):
        folder.edit(
            "beta.md", "topics: [conflict_resolution]", "topics: [conflict_resolution, wraparound]"
        )
        assert folder.problems() == [
            folder.problem(
                "beta.md",
                4,
                "topic 'wraparound' is listed here but the crosswalk does not map it to 'beta'",
            )
        ]

    def test_crosswalk_gives_a_module_a_topic_it_does_not_claim(self, folder):
        folder.edit("curriculum.yaml", "wraparound: [alpha]", "wraparound: [alpha, beta]")
        assert folder.problems() == [
            folder.problem(
                "curriculum.yaml",
                12,
                "the crosswalk maps 'wraparound' to 'beta', "
                "but beta.md does not list 'wraparound' in its topics",
            )
        ]

    def test_crosswalk_names_a_module_that_does_not_exist(self, folder):
        folder.edit("curriculum.yaml", "wraparound: [alpha]", "wraparound: [alpha, omega]")
        assert folder.problems() == [
            folder.problem(
                "curriculum.yaml",
                12,
                "the crosswalk maps 'wraparound' to 'omega', which is not a module",
            )
        ]

    def test_missing_curriculum_yaml(self, folder):
        (folder.path / "curriculum.yaml").unlink()
        assert folder.problems() == [
            folder.problem("curriculum.yaml", None, "the edition has no curriculum.yaml")
        ]


class TestQuestions:
    def test_single_question_with_two_correct_options(self, folder):
        folder.edit(
            "alpha.md", "      text: That one\n", "      text: That one\n      correct: true\n"
        )
        assert folder.problems() == [
            folder.problem(
                "alpha.md",
                37,
                "question q01: a single question needs exactly one correct option; it has 2",
            )
        ]

    def test_single_question_with_two_options(self, folder):
        folder.edit("alpha.md", "    - id: c\n      text: The other one\n", "")
        assert folder.problems() == [
            folder.problem(
                "alpha.md", 37, "question q01: a single question needs 3-5 options; it has 2"
            )
        ]

    def test_multiple_question_with_no_correct_option(self, folder):
        folder.edit("alpha.md", "      text: First\n      correct: true\n", "      text: First\n")
        folder.edit("alpha.md", "      text: Second\n      correct: true\n", "      text: Second\n")
        assert folder.problems() == [
            folder.problem(
                "alpha.md",
                50,
                "question q02: a multiple question needs at least one correct option",
            )
        ]

    def test_true_false_with_options(self, folder):
        folder.edit(
            "alpha.md",
            "  answer: true\n",
            "  answer: true\n  options:\n    - id: a\n      text: True\n",
        )
        assert folder.problems() == [
            folder.problem("alpha.md", 65, "question q03: a true_false question has no options")
        ]

    def test_true_false_without_a_boolean_answer(self, folder):
        folder.edit("alpha.md", "  answer: true\n", "  answer: maybe\n")
        assert folder.problems() == [
            folder.problem(
                "alpha.md",
                64,
                "question q03: a true_false question needs 'answer: true' or 'answer: false'",
            )
        ]

    def test_unknown_question_type(self, folder):
        folder.edit("alpha.md", "type: multiple", "type: essay")
        assert folder.problems() == [
            folder.problem(
                "alpha.md", 48, "question q02: 'type' must be one of single, multiple, true_false"
            )
        ]

    def test_option_that_refers_to_the_others(self, folder):
        folder.edit("alpha.md", "text: The other one", "text: All of the above")
        assert folder.problems() == [
            folder.problem(
                "alpha.md",
                44,
                "question q01: options are shuffled, so an option cannot refer to the others",
            )
        ]

    def test_question_for_an_objective_that_does_not_exist(self, folder):
        folder.edit("alpha.md", "objective: apply", "objective: aply")
        assert folder.problems() == [
            folder.problem("alpha.md", 12, "objective 'apply' is not assessed by any question"),
            folder.problem("alpha.md", 61, "question q03: objective 'aply' is not defined"),
        ]

    def test_objective_without_a_question(self, folder):
        folder.edit("alpha.md", "objective: apply", "objective: name")
        assert folder.problems() == [
            folder.problem("alpha.md", 12, "objective 'apply' is not assessed by any question")
        ]

    def test_pool_smaller_than_questions_per_attempt(self, folder):
        folder.edit("alpha.md", "questions_per_attempt: 3", "questions_per_attempt: 4")
        assert folder.problems() == [
            folder.problem("alpha.md", 6, "the pool has 3 questions but questions_per_attempt is 4")
        ]

    def test_too_few_objectives(self, folder):
        folder.edit("alpha.md", "  - id: apply\n    text: Apply the thing.\n", "")
        folder.edit("alpha.md", "objective: apply", "objective: name")
        assert folder.problems() == [
            folder.problem("alpha.md", 7, "a module needs 3-6 objectives; it has 2")
        ]


class TestScenarioAndSection:
    """The optional question fields ``scenario`` and ``section``."""

    def test_default_to_not_a_scenario_and_no_section(self, folder):
        edition, _ = load_edition(folder.path)
        assert all(not q.scenario and q.section is None for q in edition.modules[0].questions)

    def test_are_loaded(self, folder):
        folder.edit(
            "alpha.md",
            "  prompt: Which one?\n",
            "  prompt: Which one?\n  scenario: true\n  section: Second section\n",
        )
        edition, problems = load_edition(folder.path)
        assert problems == []
        single, multiple, _ = edition.modules[0].questions
        assert (single.scenario, single.section) == (True, "Second section")
        assert (multiple.scenario, multiple.section) == (False, None)

    def test_scenario_false_is_the_default_written_out(self, folder):
        folder.edit(
            "alpha.md", "  prompt: Which one?\n", "  prompt: Which one?\n  scenario: false\n"
        )
        edition, problems = load_edition(folder.path)
        assert problems == []
        assert edition.modules[0].questions[0].scenario is False

    def test_scenario_must_be_true_or_false(self, folder):
        folder.edit(
            "alpha.md", "  prompt: Which one?\n", "  prompt: Which one?\n  scenario: yes please\n"
        )
        assert folder.problems() == [
            folder.problem("alpha.md", 37, "question q01: 'scenario' must be true or false")
        ]

    def test_section_must_be_the_exact_title_of_a_section(self, folder):
        folder.edit(
            "alpha.md",
            "  prompt: Which one?\n",
            "  prompt: Which one?\n  section: second section\n",
        )
        assert folder.problems() == [
            folder.problem(
                "alpha.md",
                37,
                "question q01: section 'second section' is not the title of a '## ' section of "
                "this module (did you mean 'Second section'?)",
            )
        ]

    def test_section_naming_no_section_at_all(self, folder):
        folder.edit(
            "alpha.md", "  prompt: Which one?\n", "  prompt: Which one?\n  section: Glossary\n"
        )
        assert folder.problems() == [
            folder.problem(
                "alpha.md",
                37,
                "question q01: section 'Glossary' is not the title of a '## ' section of "
                "this module",
            )
        ]

    def test_section_must_be_text(self, folder):
        folder.edit("alpha.md", "  prompt: Which one?\n", "  prompt: Which one?\n  section: 2\n")
        assert folder.problems() == [
            folder.problem(
                "alpha.md", 37, "question q01: 'section' must be text (put it in quotes)"
            )
        ]

    def test_unknown_question_key_lists_the_new_fields(self, folder):
        folder.edit("alpha.md", "  prompt: Which one?\n", "  prompt: Which one?\n  hint: Look.\n")
        assert folder.problems() == [
            folder.problem(
                "alpha.md",
                37,
                "question q01: unknown key 'hint' (allowed: id, objective, type, prompt, "
                "rationale, options, answer, scenario, section)",
            )
        ]


class TestBody:
    def test_text_before_the_first_section(self, folder):
        folder.edit("alpha.md", "---\n\n## First section", "---\n\nWelcome.\n\n## First section")
        assert folder.problems() == [
            folder.problem("alpha.md", 18, "text before the first '## ' heading is not allowed")
        ]

    def test_no_sections(self, folder):
        folder.edit("alpha.md", "## First section", "### First section")
        folder.edit("alpha.md", "## Second section", "### Second section")
        assert folder.problems() == [
            folder.problem("alpha.md", 17, "the module has no '## ' sections"),
            folder.problem("alpha.md", 18, "text before the first '## ' heading is not allowed"),
        ]

    def test_knowledge_check_must_be_last(self, folder):
        folder.write("alpha.md", ALPHA + "\n## Afterword\n\nOne more thing.\n")
        assert folder.problems() == [
            folder.problem(
                "alpha.md", 68, "the ```knowledge-check block must be the last thing in the file"
            )
        ]

    def test_missing_knowledge_check(self, folder):
        body, _ = ALPHA.split("```knowledge-check")
        folder.write("alpha.md", body)
        assert folder.problems() == [
            folder.problem("alpha.md", 31, "the module has no ```knowledge-check block at its end")
        ]

    def test_not_utf8(self, folder):
        (folder.path / "alpha.md").write_bytes(ALPHA.encode().replace(b"Some", b"S\xffme"))
        assert folder.problems() == [folder.problem("alpha.md", 30, "the file is not UTF-8 text")]

    def test_unknown_placeholder(self, folder):
        folder.edit("alpha.md", "{{ on_call_phone }}", "{{ pager_number }}")
        assert folder.problems() == [
            folder.problem(
                "alpha.md",
                20,
                "unknown placeholder {{ pager_number }} (known: organisation_name, on_call_phone, "
                "emergency_protocol, supervisor_contact, training_director)",
            )
        ]

    def test_raw_inline_html(self, folder):
        folder.edit("alpha.md", "Some *text*.", "Some <b>text</b>.")
        assert folder.problems() == [folder.problem("alpha.md", 30, "raw HTML is not allowed: <b>")]

    def test_raw_html_block(self, folder):
        folder.edit(
            "alpha.md", "| danger | call 911 |\n", "| danger | call 911 |\n\n<div>\nx\n</div>\n"
        )
        assert folder.problems() == [
            folder.problem("alpha.md", 26, "raw HTML is not allowed: <div>")
        ]

    def test_inline_html_on_a_later_line_of_a_paragraph(self, folder):
        folder.edit("alpha.md", "Some *text*.", "Some text\nand <script>alert(1)</script>.")
        assert folder.problems() == [
            folder.problem("alpha.md", 31, "raw HTML is not allowed: <script>")
        ]


class TestCollectsEverything:
    def test_problems_in_several_files_are_all_reported_in_file_order(self, folder):
        folder.edit("curriculum.yaml", "pass_mark: 75", "pass_mark: 750")
        folder.edit("beta.md", "{{ on_call_phone }}", "{{ pager }}")
        folder.edit("alpha.md", "type: multiple", "type: essay")
        folder.edit("alpha.md", "Some *text*.", "Some <i>text</i>.")
        problems = folder.problems()
        assert [(p.path.name, p.line) for p in problems] == [
            ("curriculum.yaml", 5),
            ("alpha.md", 30),
            ("alpha.md", 48),
            ("beta.md", 20),
        ]

    def test_str_is_path_line_message(self, folder):
        problem = folder.problem("alpha.md", 6, "oops")
        assert str(problem) == f"{folder.path / 'alpha.md'}:6: oops"
        assert str(folder.problem("alpha.md", None, "oops")) == f"{folder.path / 'alpha.md'}: oops"

    def test_load_module_on_its_own(self, folder):
        module, problems = load_module(folder.path / "alpha.md")
        assert problems == []
        assert module.id == "alpha"

    def test_find_editions_under_a_parent(self, folder, tmp_path):
        other = Folder(tmp_path / "demo" / "2031")
        assert find_editions(tmp_path) == [folder.path, other.path]
        assert find_editions(folder.path) == [folder.path]


class TestHashes:
    def test_module_hash_is_the_sha256_of_the_file(self, folder):
        edition, _ = load_edition(folder.path)
        assert edition.modules[0].content_hash == hashlib.sha256(ALPHA.encode()).hexdigest()

    def test_edition_hash_is_the_sha256sum_manifest(self, folder):
        edition, _ = load_edition(folder.path)
        manifest = "".join(
            f"{hashlib.sha256((folder.path / name).read_bytes()).hexdigest()}  {name}\n"
            for name in ("curriculum.yaml", "alpha.md", "beta.md")
        )
        assert edition.content_hash == hashlib.sha256(manifest.encode()).hexdigest()
        yaml_bytes = (folder.path / "curriculum.yaml").read_bytes()
        assert edition_hash(yaml_bytes, edition.modules) == edition.content_hash

    def test_one_byte_in_a_module_changes_its_hash_and_the_editions(self, folder):
        before, _ = load_edition(folder.path)
        folder.edit("beta.md", "Some *text*.", "Some *text*!")
        after, _ = load_edition(folder.path)
        assert after.modules[0].content_hash == before.modules[0].content_hash
        assert after.modules[1].content_hash != before.modules[1].content_hash
        assert after.content_hash != before.content_hash

    def test_one_byte_in_curriculum_yaml_changes_the_edition_hash(self, folder):
        before, _ = load_edition(folder.path)
        folder.edit("curriculum.yaml", "title: Demo training", "title: Demo trainings")
        after, _ = load_edition(folder.path)
        assert [m.content_hash for m in after.modules] == [m.content_hash for m in before.modules]
        assert after.content_hash != before.content_hash


class TestRendering:
    def test_script_never_reaches_the_output(self):
        html = render_markdown(
            "Hello <script>alert(1)</script>\n\n<script>alert(2)</script>\n\n"
            "[click](javascript:alert(3))\n"
        )
        assert "<script" not in html
        assert "javascript:" not in html.replace("[click](javascript:alert(3))", "")
        assert "<a" not in html

    def test_links_keep_only_href(self):
        html = render_markdown('[the spec](https://www.mass.gov/ "title")')
        assert html == '<p><a href="https://www.mass.gov/">the spec</a></p>\n'

    def test_tables_render(self):
        html = render_markdown("| when | do |\n| --- | ---: |\n| danger | call 911 |\n")
        assert "<table>" in html
        assert "<th>when</th>" in html
        assert "<td>call 911</td>" in html
        assert "style" not in html

    def test_markdown_basics(self):
        html = render_markdown("### Scenario: A\n\n**What a good mentor does**\n\n- *Listens*\n")
        assert html == (
            "<h3>Scenario: A</h3>\n<p><strong>What a good mentor does</strong></p>\n"
            "<ul>\n<li><em>Listens</em></li>\n</ul>\n"
        )

    def test_placeholders_take_defaults(self):
        text = "At {{ organisation_name }}, call {{on_call_phone}}."
        assert fill_placeholders(text, {}) == (
            "At your agency, call the on-call number listed on your agency badge."
        )

    def test_a_default_opening_a_sentence_is_capitalised(self):
        text = (
            "# {{ organisation_name }} policies\n\n{{ organisation_name }}'s rules come first. "
            "Ask {{ supervisor_contact }}. **{{ organisation_name }}** decides; "
            "ask about {{ organisation_name }}'s rule.\n\n- {{ supervisor_contact }} knows."
        )
        assert fill_placeholders(text, {}) == (
            "# Your agency policies\n\nYour agency's rules come first. "
            "Ask your assigned supervisor. **Your agency** decides; "
            "ask about your agency's rule.\n\n- Your assigned supervisor knows."
        )
        # A provider's own setting is printed exactly as they wrote it.
        opening = "# {{ organisation_name }} policies\n\n{{ organisation_name }}'s rules"
        assert fill_placeholders(opening, {"organisation_name": "eHealth Mentors"}) == (
            "# eHealth Mentors policies\n\neHealth Mentors's rules"
        )

    def test_placeholders_take_settings(self):
        text = "At {{ organisation_name }}, ask {{ supervisor_contact }}."
        settings = {"organisation_name": "Harbor Youth Services", "supervisor_contact": " "}
        assert fill_placeholders(text, settings) == (
            "At Harbor Youth Services, ask your assigned supervisor."
        )

    def test_unknown_placeholder_is_refused(self):
        with pytest.raises(ValueError, match="unknown placeholder"):
            fill_placeholders("{{ pager }}", {"pager": "555"})

"""Publishing editions: immutable versions, shared module versions, placeholders filled."""

from sqlalchemy import func, select

from lms.actor import Actor
from lms.auditlog.models import AuditEvent
from lms.curriculum.loader import load_edition
from lms.curriculum.models import CurriculumEdition, ModuleVersion
from lms.curriculum.operations import plan_publication, publish_edition
from tests.support.editions import Folder

ACTOR = Actor(None, "cli:test")


def publish(db, path, settings=None):
    edition, problems = load_edition(path)
    assert problems == []
    plan = plan_publication(db, edition, settings or {})
    return plan, *publish_edition(db, ACTOR, plan)


def count(db, model):
    return db.execute(select(func.count()).select_from(model)).scalar_one()


def test_first_publication_stores_every_module_with_settings_filled(db, tmp_path):
    folder = Folder(tmp_path / "demo" / "2030")
    plan, edition, created = publish(db, folder.path, {"on_call_phone": "617-000-0000"})
    assert created
    assert plan.diff.first_publication
    assert (edition.curriculum_key, edition.edition, edition.version) == ("demo", "2030", 1)
    assert edition.pass_mark == 75
    versions = db.execute(select(ModuleVersion).order_by(ModuleVersion.module_key)).scalars().all()
    assert [(v.module_key, v.version) for v in versions] == [("alpha", 1), ("beta", 1)]
    assert "Call 617-000-0000 when in doubt." in versions[0].sections[0]["markdown"]
    assert "{{" not in versions[0].source
    assert db.execute(select(AuditEvent.action)).scalars().all()[-1] == "curriculum.publish"


def test_publishing_unchanged_content_again_stores_nothing(db, tmp_path):
    folder = Folder(tmp_path / "demo" / "2030")
    _, first, _ = publish(db, folder.path)
    plan, again, created = publish(db, folder.path)
    assert not created
    assert again.id == first.id
    assert not plan.diff.any_change
    assert count(db, CurriculumEdition) == 1


def test_changing_one_module_makes_a_new_version_of_it_only(db, tmp_path):
    folder = Folder(tmp_path / "demo" / "2030")
    _, first, _ = publish(db, folder.path)
    folder.edit("beta.md", "Some *text*.", "Some *better* text.")
    plan, second, created = publish(db, folder.path)
    assert created and second.version == 2
    assert plan.diff.changed == ("beta",) and plan.diff.unchanged == ("alpha",)
    rows = db.execute(
        select(ModuleVersion.module_key, ModuleVersion.version).order_by(ModuleVersion.id)
    ).all()
    assert rows == [("alpha", 1), ("beta", 1), ("beta", 2)]
    assert first.sha256 != second.sha256


def test_a_changed_setting_is_a_change_of_content(db, tmp_path):
    folder = Folder(tmp_path / "demo" / "2030")
    publish(db, folder.path, {"on_call_phone": "617-000-0000"})
    plan, _, created = publish(db, folder.path, {"on_call_phone": "617-000-9999"})
    assert created
    assert set(plan.diff.changed) == {"alpha", "beta"}


def test_the_real_course_publishes(db):
    from lms.config import PROJECT_ROOT

    plan, edition, created = publish(db, PROJECT_ROOT / "curricula" / "tm-core" / "2026")
    assert created
    assert len(plan.modules) == 20
    assert len(edition.crosswalk) == 17


def test_the_2026_course_hashes_as_it_did_before_scenario_and_section_existed(db):
    # Published with the default settings by the code of f6cc11c, before questions could
    # carry `scenario` or `section`: a module written without them must store the same
    # content, or every provider would see all 20 modules as changed on republishing.
    from lms.config import PROJECT_ROOT

    # One module changed since, on purpose (issue 14): the title "your agency policies and
    # procedures" now opens with a capital when the default agency name fills it. Every other
    # module hashes as it did, so republishing shows just that one as changed.
    plan, _, _ = publish(db, PROJECT_ROOT / "curricula" / "tm-core" / "2026")
    assert plan.sha256 == "7f2fbd3fab48efdfb3ffd37ac15f92b50c28f07d2cc84cc8fe5a605f16cb4f69"
    modules = {m.key: m for m in plan.modules}
    assert modules["agency-policies"].content["title"] == "Your agency policies and procedures"
    assert dict((m.key, m.sha256) for m in plan.modules)["tm-service"] == (
        "517a30873c60669ab86f11d675104615993bcebde4e8ad6a0e80c809802e385c"
    )


def test_scenario_and_section_are_stored_with_the_question(db, tmp_path):
    folder = Folder(tmp_path / "demo" / "2030")
    folder.edit("alpha.md", "## First section", "## First section at {{ organisation_name }}")
    folder.edit(
        "alpha.md",
        "  prompt: Which one?\n",
        "  prompt: Which one?\n  scenario: true\n"
        "  section: First section at {{ organisation_name }}\n",
    )
    publish(db, folder.path, {"organisation_name": "Harbor Youth Services"})
    alpha = db.execute(
        select(ModuleVersion).where(ModuleVersion.module_key == "alpha")
    ).scalar_one()
    single, multiple, true_false = alpha.questions
    # Filled like the section's own title, so the player can match the two.
    assert alpha.sections[0]["title"] == "First section at Harbor Youth Services"
    assert (single["scenario"], single["section"]) == (True, alpha.sections[0]["title"])
    # Left out when not written, so that older modules keep their content and hash.
    assert "scenario" not in multiple and "section" not in multiple
    assert set(true_false) == {
        "id",
        "objective",
        "type",
        "prompt",
        "options",
        "answer",
        "rationale",
    }


def test_the_publish_command_refuses_an_edition_that_breaks_the_item_rules(db, runner, tmp_path):
    folder = Folder(tmp_path / "demo" / "2030", item_rules=True)
    folder.edit("beta.md", "questions_per_attempt: 3", "questions_per_attempt: 4")
    result = runner.invoke(args=["curriculum", "publish", str(folder.path)])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"{folder.path / 'beta.md'}:6: the pool has 9 questions; it needs at least 12 "
        "(3 x questions_per_attempt 4) so that a retake shows mostly new ones "
        "[item rule: pool-size]",
        "Not published: 1 problem(s).",
    ]
    assert count(db, CurriculumEdition) == 0


def test_the_publish_command_refuses_the_2026_course(db, runner):
    from lms.config import PROJECT_ROOT

    path = PROJECT_ROOT / "curricula" / "tm-core" / "2026"
    result = runner.invoke(args=["curriculum", "publish", "--dry-run", str(path)])
    assert result.exit_code == 2
    assert "[item rule: key-length]" in result.output
    assert result.output.splitlines()[-1].startswith("Not published: ")
    assert count(db, CurriculumEdition) == 0


def test_the_publish_command_publishes_an_edition_that_meets_the_item_rules(db, runner, tmp_path):
    folder = Folder(tmp_path / "demo" / "2030", item_rules=True)
    result = runner.invoke(args=["curriculum", "publish", str(folder.path)])
    assert result.exit_code == 0, result.output
    assert "Published demo 2030 version 1" in result.output
    assert count(db, CurriculumEdition) == 1

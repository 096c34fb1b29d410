"""Publishing editions: immutable versions, shared module versions, placeholders filled."""

from sqlalchemy import func, select

from lms.actor import Actor
from lms.auditlog.models import AuditEvent
from lms.curriculum.loader import load_edition
from lms.curriculum.models import CurriculumEdition, ModuleVersion
from lms.curriculum.operations import plan_publication, publish_edition
from tests.unit.test_curriculum_loader import Folder

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

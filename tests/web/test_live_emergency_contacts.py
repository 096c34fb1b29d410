"""Issue 14, item 8: "After an admin publishes a new edition with the real on-call number,
mentors in the middle of a cycle still read 'the on-call number listed on your agency badge'.
A mentor must always see the provider's current emergency contacts, wherever they appear,
without losing the exact record of the content version they trained on."
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from lms.curriculum.models import CurriculumEdition, ModuleVersion
from lms.curriculum.rendering import live_text, section_markdown
from lms.training.models import ModuleProgress, TrainingCycle
from lms.training.operations import ensure_current_cycle
from tests.integration.test_training_operations import SETTINGS, complete_module
from tests.support.editions import Folder
from tests.support.pdfs import text_of
from tests.web.test_organisation_pages import admin, mentor, save  # noqa: F401 (fixtures)

BADGE = "Call the on-call number listed on your agency badge when in doubt."
REAL = "Call 617-555-0100 when in doubt."  # HARBOR's on-call phone, saved by ``save``


@pytest.fixture
def environment(app):
    """Nothing set in the environment: the first edition is published with the defaults."""
    app.config.update(
        LMS_ORGANISATION_NAME="Bayside Mentoring",
        CURRICULUM_PLACEHOLDERS={
            "organisation_name": "Bayside Mentoring",
            "on_call_phone": "",
            "emergency_protocol": "",
            "supervisor_contact": "",
            "training_director": "",
        },
    )


def module_page(client, cycle_id: int) -> str:
    response = client.get(f"/training/cycles/{cycle_id}/modules/1?section=0")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_mentor_mid_cycle_reads_the_on_call_number_published_later(
    admin,  # noqa: F811 (the imported fixture)
    auth,
    runner,
    db,
    frozen_clock,
    tmp_path,
    mentor,  # noqa: F811
):
    frozen_clock.current = dt.datetime(2030, 1, 20, 15, 0, tzinfo=dt.UTC)
    folder = Folder(tmp_path / "demo" / "2030", item_rules=True)
    assert runner.invoke(args=["curriculum", "publish", str(folder.path)]).exit_code == 0
    first = db.execute(select(CurriculumEdition)).scalar_one()
    cycle = ensure_current_cycle(db, mentor, dt.date(2030, 1, 20), SETTINGS)
    db.commit()
    assert cycle.edition_id == first.id

    auth.login("mentor@example.org")
    assert BADGE in module_page(admin, cycle.id)
    auth.login("admin@example.org")
    documentation_before = admin.get(f"/audit/curriculum/{first.id}/documentation.pdf")
    assert BADGE in text_of(documentation_before.data)

    # The admin saves the real number and publishes the edition again with it.
    frozen_clock.advance(days=1)
    auth.login("admin@example.org")
    save(admin)
    published = runner.invoke(args=["curriculum", "publish", str(folder.path)])
    assert published.exit_code == 0, published.output
    db.expire_all()
    assert db.execute(select(CurriculumEdition.id)).scalars().all() != [first.id]

    # The mentor, still in the cycle on the first edition, reads the real number.
    auth.login("mentor@example.org")
    page = module_page(admin, cycle.id)
    assert "617-555-0100" in page and "agency badge" not in page
    assert db.get(TrainingCycle, cycle.id).edition_id == first.id

    # What was published, and what the records cite, is unchanged: the version trained on.
    progress = db.execute(
        select(ModuleProgress).where(ModuleProgress.cycle_id == cycle.id)
    ).scalar_one()
    trained_on = db.get(ModuleVersion, progress.module_version_id)
    assert trained_on.version == 1 and trained_on.module_key == "alpha"
    assert BADGE in trained_on.sections[0]["markdown"]
    assert first.placeholder_values["on_call_phone"] in BADGE

    # The auditors' documentation shows the current contacts too: not a stale cached copy.
    auth.login("admin@example.org")
    documentation_after = admin.get(f"/audit/curriculum/{first.id}/documentation.pdf")
    text = text_of(documentation_after.data)
    assert REAL in text and BADGE not in text
    assert "as published" in text

    # Completing the cycle records the version trained on in the transcript.
    complete_module(db, mentor, db.get(TrainingCycle, cycle.id), 1, dt.date(2030, 1, 21))
    complete_module(db, mentor, db.get(TrainingCycle, cycle.id), 2, dt.date(2030, 1, 21))
    db.commit()
    versions = db.execute(
        select(ModuleProgress.module_version_id).where(ModuleProgress.cycle_id == cycle.id)
    ).scalars()
    assert trained_on.id in set(versions)

    # Re-reading completed training shows the current number as well.
    auth.login("mentor@example.org")
    reread = admin.get(f"/training/cycles/{cycle.id}/modules/1/reread?section=0")
    assert "617-555-0100" in reread.get_data(as_text=True)


def test_the_contacts_are_filled_as_publishing_fills_them():
    kept = "{{ on_call_phone }} answers at night. Or call {{ on_call_phone }}."
    # Unset: the default, capitalised where it opens a sentence.
    assert live_text(kept, {"on_call_phone": " "}) == (
        "The on-call number listed on your agency badge answers at night. "
        "Or call the on-call number listed on your agency badge."
    )
    # Set: printed exactly as the provider wrote it.
    assert live_text(kept, {"on_call_phone": "617-555-0100"}) == (
        "617-555-0100 answers at night. Or call 617-555-0100."
    )
    # Text without the markers (a version published before they were kept) is shown as is.
    sections = [{"title": "A", "markdown": "Call 508-555-0123."}]
    assert section_markdown(sections, None, 0, {"on_call_phone": "1"}) == "Call 508-555-0123."
    assert section_markdown(sections, ["Call {{ on_call_phone }}."], 0, None) == (
        "Call 508-555-0123."
    )

"""Migration 13c7dc3ec799: module versions published before it keep their text, and gain the
emergency-contact markers when the authored file in curricula/ provably gave that text."""

import datetime as dt

import sqlalchemy as sa

from lms.config import PROJECT_ROOT
from lms.curriculum.loader import load_module
from lms.curriculum.operations import _placeholder_values, filled_module_content
from lms.curriculum.rendering import live_text
from lms.db import UTCDateTime, make_engine
from lms.migrate import upgrade
from tests.support.databases import configured_url, scratch_database

BEFORE = "56d9fba43df9"
CREATED = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
SETTINGS = {"organisation_name": "Harbor Youth Services", "on_call_phone": "617-555-0100"}

EDITIONS = sa.table(
    "curriculum_editions",
    *(
        sa.column(name, kind)
        for name, kind in [
            ("id", sa.Integer()),
            ("curriculum_key", sa.String()),
            ("edition", sa.String()),
            ("version", sa.Integer()),
            ("title", sa.String()),
            ("effective_on", sa.Date()),
            ("pass_mark", sa.Integer()),
            ("crosswalk", sa.JSON()),
            ("sha256", sa.String()),
            ("source_sha256", sa.String()),
            ("placeholder_values", sa.JSON()),
            ("published_at", UTCDateTime()),
            ("published_by_label", sa.String()),
        ]
    ),
)
VERSIONS = sa.table(
    "module_versions",
    *(
        sa.column(name, kind)
        for name, kind in [
            ("id", sa.Integer()),
            ("module_key", sa.String()),
            ("version", sa.Integer()),
            ("sha256", sa.String()),
            ("source_sha256", sa.String()),
            ("title", sa.String()),
            ("estimated_minutes", sa.Integer()),
            ("questions_per_attempt", sa.Integer()),
            ("topics", sa.JSON()),
            ("objectives", sa.JSON()),
            ("references", sa.JSON()),
            ("sections", sa.JSON()),
            ("questions", sa.JSON()),
            ("source", sa.Text()),
            ("created_at", UTCDateTime()),
        ]
    ),
)
LINKS = sa.table(
    "edition_modules",
    sa.column("edition_id", sa.Integer()),
    sa.column("module_version_id", sa.Integer()),
    sa.column("position", sa.Integer()),
)


def version_row(version_id, module, values, sections=None):
    content = filled_module_content(module, values)
    return {
        "id": version_id,
        "module_key": module.id,
        "version": version_id,
        "sha256": f"{version_id:064d}",
        "source_sha256": module.content_hash,
        "title": content["title"],
        "estimated_minutes": content["estimated_minutes"],
        "questions_per_attempt": content["questions_per_attempt"],
        "topics": content["topics"],
        "objectives": content["objectives"],
        "references": content["references"],
        "sections": sections or content["sections"],
        "questions": content["questions"],
        "source": "",
        "created_at": CREATED,
    }


def test_versions_gain_markers_only_where_the_file_gives_back_their_text():
    module, problems = load_module(PROJECT_ROOT / "curricula/tm-core/2026/agency-policies.md")
    assert module is not None, problems
    values = _placeholder_values(SETTINGS)
    altered = [dict(s) for s in filled_module_content(module, values)["sections"]]
    altered[0]["markdown"] += "\n\nEdited by hand after publication."
    with scratch_database(configured_url(), "live_contacts") as url:
        engine = make_engine(url)
        try:
            upgrade(engine, BEFORE)
            with engine.begin() as connection:
                connection.execute(
                    EDITIONS.insert(),
                    {
                        "id": 1,
                        "curriculum_key": "tm-core",
                        "edition": "2026",
                        "version": 1,
                        "title": "Core",
                        "effective_on": dt.date(2026, 1, 1),
                        "pass_mark": 80,
                        "crosswalk": {},
                        "sha256": "e" * 64,
                        "source_sha256": "f" * 64,
                        "placeholder_values": values,
                        "published_at": CREATED,
                        "published_by_label": "cli:root",
                    },
                )
                connection.execute(
                    VERSIONS.insert(),
                    [version_row(1, module, values), version_row(2, module, values, altered)],
                )
                connection.execute(
                    LINKS.insert(),
                    [
                        {"edition_id": 1, "module_version_id": 1, "position": 1},
                        {"edition_id": 1, "module_version_id": 2, "position": 2},
                    ],
                )
            upgrade(engine)
            with engine.connect() as connection:
                rows = {
                    row.id: row.live_sections
                    for row in connection.execute(
                        sa.select(VERSIONS.c.id, sa.column("live_sections", sa.JSON())).select_from(
                            VERSIONS
                        )
                    )
                }
        finally:
            engine.dispose()
    live = rows[1]
    published = [s["markdown"] for s in filled_module_content(module, values)["sections"]]
    assert any("{{ on_call_phone }}" in text for text in live)
    assert not any("617-555-0100" in text for text in live)  # the number is read when shown
    assert [live_text(text, values) for text in live] == published
    assert rows[2] is None  # its text is not what the file gives: shown as published

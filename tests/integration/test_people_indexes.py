"""The staff list's indexes: (legal_name, id) for its order everywhere, and trigram indexes for
the name search on PostgreSQL, where the server has pg_trgm (PostgreSQL's contrib has it)."""

import pytest
from sqlalchemy import inspect, text

SEARCHED = ("legal_name", "preferred_name", "work_email")


def test_the_list_order_has_its_index(db):
    indexes = {index["name"]: index for index in inspect(db.connection()).get_indexes("people")}
    assert indexes["ix_people_legal_name_id"]["column_names"] == ["legal_name", "id"]


def test_name_search_uses_trigram_indexes_on_postgresql(db):
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's (pg_trgm)")
    definitions = dict(
        db.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'people'")
        ).all()
    )
    for column in SEARCHED:
        definition = definitions[f"ix_people_{column}_trigrams"]
        assert "USING gin" in definition
        assert f"{column} gin_trgm_ops" in definition

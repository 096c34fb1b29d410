"""The curriculum documentation PDF: checked by extracting its text."""

import io
import re

import pytest
from pypdf import PdfReader

from lms.actor import Actor
from lms.auditors.queries import module_history
from lms.config import PROJECT_ROOT
from lms.curriculum.documents import (
    DeliveryPolicy,
    answer_key_pdf,
    curriculum_documentation_pdf,
)
from lms.curriculum.loader import load_edition
from lms.curriculum.operations import plan_publication, publish_edition
from lms.curriculum.topics import REQUIRED_TOPICS
from lms.training.queries import edition_modules


@pytest.fixture
def published(db):
    edition, problems = load_edition(PROJECT_ROOT / "curricula" / "tm-core" / "2026")
    assert not problems
    stored, _ = publish_edition(db, Actor.system("test"), plan_publication(db, edition, {}))
    return stored, edition_modules(db, stored.id)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # Table cells wrap lines; join words so phrases can be searched across line breaks.
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_documentation_covers_the_crosswalk_modules_blueprint_and_history(db, published):
    edition, modules = published
    history = module_history(db, [m.module_key for m in modules])
    pdf = curriculum_documentation_pdf(
        edition, modules, history, DeliveryPolicy(30, 90, 0), "Harbor Youth Services"
    )
    text = text_of(pdf)
    for topic in REQUIRED_TOPICS:
        wording = " ".join(topic.wording.replace("\u2019", "'").split())
        assert wording in text.replace("\u2019", "'"), topic.key
    for module in modules:
        assert module.title in text
    assert "Harbor Youth Services" in text
    assert edition.sha256 in text
    assert "due 30 days later" in text
    assert "the renewal opens 90 days before it expires" in text
    assert "Knowledge-check blueprint" in text
    assert "Version history of each module" in text
    assert "Contents" in text
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert f"Page {pages} of {pages}" in text
    assert re.search(r"Pool of 1[2-9] questions; 8 drawn per attempt", text)


def test_documentation_is_the_same_every_time(db, published):
    edition, modules = published
    history = module_history(db, [m.module_key for m in modules])
    policy = DeliveryPolicy(30, 90, 3)
    first = curriculum_documentation_pdf(edition, modules, history, policy, "Agency")
    assert first == curriculum_documentation_pdf(edition, modules, history, policy, "Agency")


def test_answer_key_has_every_question_with_its_answer(published):
    edition, modules = published
    text = text_of(answer_key_pdf(edition, modules, "Agency"))
    assert "Restricted: administrators and auditors only." in text
    first = modules[0].questions[0]
    assert " ".join(first["rationale"].split())[:60] in text

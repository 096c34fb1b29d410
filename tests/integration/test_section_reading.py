"""Study time per section, a minimum time before a section counts as read, and re-reading the
sections a failed check flagged before a retake."""

import dataclasses
import random

import pytest

from lms.training.documents import transcript_data, transcript_pdf
from lms.training.operations import ensure_current_cycle, open_module, start_attempt, submit_attempt
from lms.training.rules import SectionsRead, sections_read
from lms.validation import InvalidInput
from tests.integration.test_training_operations import (  # noqa: F401 - fixtures
    ACTOR,
    HIRED,
    SETTINGS,
    answers_for,
    edition,
    mentor,
)
from tests.integration.test_transcript import text


def test_time_is_credited_to_the_section_the_mentor_moves_on_from(
    db,
    mentor,  # noqa: F811
    edition,  # noqa: F811
    frozen_clock,
):
    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    open_module(db, cycle, 1, 0, SETTINGS)
    frozen_clock.advance(seconds=40)
    open_module(db, cycle, 1, 1, SETTINGS)  # 40 s on section 0
    frozen_clock.advance(seconds=90)
    _, progress = open_module(db, cycle, 1, 0, SETTINGS)  # 90 s on section 1
    frozen_clock.advance(minutes=20)
    _, progress = open_module(db, cycle, 1, 1, SETTINGS)  # 20 min idle: capped at 5 min
    assert progress.section_seconds == {"0": 40 + 300, "1": 90}
    assert progress.seconds_spent == 40 + 90 + 300


def test_sections_left_before_the_minimum_are_not_counted_as_read(
    db,
    mentor,  # noqa: F811
    edition,  # noqa: F811
    frozen_clock,
):
    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    open_module(db, cycle, 1, 0, SETTINGS)
    frozen_clock.advance(seconds=30)  # section 0: 30 s, under a 60 s minimum
    _, progress = open_module(db, cycle, 1, 1, SETTINGS)
    frozen_clock.advance(seconds=75)  # section 1: 75 s
    open_module(db, cycle, 1, 0, SETTINGS)
    assert sections_read(progress.section_seconds, progress.furthest_section, 2, 60) == (
        SectionsRead(read=1, under_minimum=1)
    )
    assert sections_read(progress.section_seconds, progress.furthest_section, 2, 0).read == 2

    lines = transcript_data(db, mentor.id)
    shown = text(transcript_pdf(mentor, lines, [], HIRED, "Agency", min_section_seconds=60))
    assert "sections read: 1 of 2 (1 opened for less than the 60 s minimum, not counted)" in shown
    plain = text(transcript_pdf(mentor, lines, [], HIRED, "Agency"))
    assert "sections read: 2 of 2" in plain


def _flag_first_section(db, module):
    """As the loader will store it once questions name their section: every question points
    at the module's first section."""
    first = module.sections[0]["title"]
    module.questions = [dict(q, section=first) for q in module.questions]
    db.flush()


@pytest.mark.parametrize("minimum", [0, 60])
def test_a_retake_waits_for_the_flagged_section_to_be_re_read(
    db,
    mentor,  # noqa: F811
    edition,  # noqa: F811
    frozen_clock,
    minimum,
):
    settings = dataclasses.replace(SETTINGS, min_section_seconds=minimum, reread_before_retake=True)
    cycle = ensure_current_cycle(db, mentor, HIRED, settings)
    module, progress = open_module(db, cycle, 1, 1, settings)  # straight to the last section
    _flag_first_section(db, module)
    failed = start_attempt(db, ACTOR, progress, settings, random.Random(1))
    submit_attempt(db, ACTOR, failed, answers_for(failed, module, right=False), 75)
    assert progress.reread_due == [0]

    with pytest.raises(InvalidInput, match="Re-read these sections before you try again: First"):
        start_attempt(db, ACTOR, progress, settings, random.Random(2))
    frozen_clock.advance(seconds=5)
    open_module(db, cycle, 1, 0, settings)  # opens the flagged section…
    frozen_clock.advance(seconds=minimum + 1)
    open_module(db, cycle, 1, 1, settings)  # …and moves on after the minimum
    assert progress.reread_due == []
    assert start_attempt(db, ACTOR, progress, settings, random.Random(2)).number == 2


def test_a_too_quick_re_read_does_not_count(db, mentor, edition, frozen_clock):  # noqa: F811
    settings = dataclasses.replace(SETTINGS, min_section_seconds=60, reread_before_retake=True)
    cycle = ensure_current_cycle(db, mentor, HIRED, settings)
    module, progress = open_module(db, cycle, 1, 1, settings)
    _flag_first_section(db, module)
    failed = start_attempt(db, ACTOR, progress, settings, random.Random(1))
    submit_attempt(db, ACTOR, failed, answers_for(failed, module, right=False), 75)
    open_module(db, cycle, 1, 0, settings)
    frozen_clock.advance(seconds=59)
    open_module(db, cycle, 1, 1, settings)
    assert progress.reread_due == [0]
    with pytest.raises(InvalidInput):
        start_attempt(db, ACTOR, progress, settings, random.Random(2))


def test_without_the_setting_a_retake_is_not_held_back(
    db,
    mentor,  # noqa: F811
    edition,  # noqa: F811
):
    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    module, progress = open_module(db, cycle, 1, 1, SETTINGS)
    _flag_first_section(db, module)
    failed = start_attempt(db, ACTOR, progress, SETTINGS, random.Random(1))
    submit_attempt(db, ACTOR, failed, answers_for(failed, module, right=False), 75)
    assert start_attempt(db, ACTOR, progress, SETTINGS, random.Random(2)).number == 2

"""The training transcript: every cycle, module, attempt and attestation, read from its text."""

import datetime as dt
import io
import random

from pypdf import PdfReader

from lms.training.documents import CertificateLine, transcript_data, transcript_pdf
from lms.training.operations import ensure_current_cycle, open_module, start_attempt, submit_attempt
from tests.integration.test_training_operations import (  # noqa: F401 - fixtures
    ACTOR,
    HIRED,
    SETTINGS,
    answers_for,
    complete_module,
    edition,
    mentor,
)


def text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_transcript_lists_cycles_attempts_attestations_and_certificates(db, mentor, edition):  # noqa: F811
    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    module, progress = open_module(db, cycle, 1, 0, SETTINGS)
    failed = start_attempt(db, ACTOR, progress, SETTINGS, random.Random(1))
    submit_attempt(db, ACTOR, failed, answers_for(failed, module, right=False), 75)
    complete_module(db, mentor, cycle, 1, dt.date(2030, 1, 20))
    complete_module(db, mentor, cycle, 2, dt.date(2030, 1, 21))

    lines = transcript_data(db, mentor.id)
    assert len(lines) == 1 and len(lines[0].modules) == 2
    pdf = transcript_pdf(
        mentor,
        lines,
        [CertificateLine("TM-2030-ABCD-EFGH", dt.date(2030, 1, 21), dt.date(2031, 1, 21), "valid")],
        dt.date(2030, 2, 1),
        "Agency",
    )
    content = text(pdf)
    assert "Training transcript: Rosa María Díaz" in content
    assert "completed 2030-01-21, valid until 2031-01-21" in content
    assert "The alpha module (v1" in content and "The beta module (v1" in content
    assert "#1 " in content and "not passed" in content and "100% passed" in content
    assert "rosa maría díaz" in content.lower()
    assert "TM-2030-ABCD-EFGH: issued 2030-01-21, expires 2031-01-21: valid" in content


def test_transcript_as_of_a_past_date_leaves_out_later_cycles(db, mentor, edition):  # noqa: F811
    ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    assert transcript_data(db, mentor.id, as_of=HIRED - dt.timedelta(days=1)) == []
    assert len(transcript_data(db, mentor.id, as_of=HIRED)) == 1


def test_transcript_as_of_before_completion_shows_the_cycle_open(db, mentor, edition, frozen_clock):  # noqa: F811
    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    frozen_clock.current = dt.datetime(2030, 1, 20, 15, tzinfo=dt.UTC)
    complete_module(db, mentor, cycle, 1, dt.date(2030, 1, 20))
    frozen_clock.current = dt.datetime(2030, 1, 22, 15, tzinfo=dt.UTC)
    complete_module(db, mentor, cycle, 2, dt.date(2030, 1, 22))
    before = transcript_data(db, mentor.id, as_of=dt.date(2030, 1, 21), timezone="UTC")
    assert before[0].completed_on is None
    assert before[0].modules[0].attestation is not None
    assert before[0].modules[1].progress is None  # opened only on the 22nd
    after = transcript_data(db, mentor.id, as_of=dt.date(2030, 1, 22), timezone="UTC")
    assert after[0].completed_on == dt.date(2030, 1, 22)


def test_transcript_names_the_estimate_and_the_recorded_time_apart(db, mentor, edition):  # noqa: F811
    from lms.training.queries import progress_for_cycle

    cycle = ensure_current_cycle(db, mentor, HIRED, SETTINGS)
    complete_module(db, mentor, cycle, 1, dt.date(2030, 1, 20))
    complete_module(db, mentor, cycle, 2, dt.date(2030, 1, 21))
    first, second = sorted(progress_for_cycle(db, cycle.id).values(), key=lambda p: p.id)
    first.seconds_spent, second.seconds_spent = 25 * 60, 16 * 60
    db.flush()

    content = text(transcript_pdf(mentor, transcript_data(db, mentor.id), [], HIRED, "Agency"))
    # Two modules estimated at 10 minutes each: 20 min = 0.333… h, to one decimal 0.3;
    # recorded 25 + 16 = 41 min.
    assert "Estimated course length: 0.3 hours · Study time recorded: 41 min" in content
    assert "est. 10 min 25 min recorded" in content
    assert "est. 10 min 16 min recorded" in content

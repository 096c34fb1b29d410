"""A fact is verified on something an auditor can see: the document when the method is reading
one, or a note saying whom, how they were reached and when (issue: "Official transcript" +
"Mark as verified" said "Verified." beside "No evidence attached.")."""

from lms.eligibility.rules import verification_problem


def test_a_transcript_without_the_transcript_attached_is_refused():
    field, message = verification_problem("transcript", "Official transcript", False, None)
    assert field == "method"
    assert "“Official transcript” needs the document attached" in message


def test_a_transcript_attached_is_enough():
    assert verification_problem("transcript", "Official transcript", True, None) is None


def test_a_call_without_a_note_is_refused_and_with_one_accepted():
    assert verification_problem("registrar", "Confirmed with the registrar", False, None)[0] == (
        "note"
    )
    note = "Called the registrar's office (617-555-0142) on 2026-11-20, spoke to R. Diaz"
    assert verification_problem("registrar", "Confirmed with the registrar", False, note) is None


def test_a_note_too_short_to_say_whom_and_when_is_refused():
    assert verification_problem("employer_reference", "Employer reference", False, "ok")[0] == (
        "note"
    )

"""A fact is verified on something an auditor can see: the document when the method is reading
one, or a note saying whom, how they were reached and when (issue: "Official transcript" +
"Mark as verified" said "Verified." beside "No evidence attached.")."""

from lms.eligibility.rules import evidence_statement, verification_problem


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


# The same rule for every "mark verified" (issue 14, item 3, same class elsewhere): an identity
# verified by government ID, a licence by the board's letter, a training area by a
# certification, each with no document and no note, is refused; a look-up or a call with a note
# saying whom, the number and the date is accepted.


def test_an_identity_verified_by_government_id_needs_the_id_attached():
    field, message = verification_problem(
        "government_id", "Government-issued photo ID", False, None
    )
    assert field == "method"
    assert "“Government-issued photo ID” needs the document attached" in message
    assert verification_problem("government_id", "Government-issued photo ID", True, None) is None


def test_a_licence_by_the_boards_letter_needs_the_letter_and_a_look_up_needs_a_note():
    letter = "Written verification from the licensing board"
    assert verification_problem("board_letter", letter, False, None)[0] == "method"
    assert verification_problem("board_letter", letter, True, None) is None
    look_up = "State licensing board's online look-up"
    assert verification_problem("board_lookup", look_up, False, None)[0] == "note"
    note = "Board of Registration online look-up on 2026-11-20: LICSW 1234 active"
    assert verification_problem("board_lookup", look_up, False, note) is None


def test_a_training_area_shown_by_a_certification_needs_the_certificate():
    assert verification_problem("certification", "Certification", False, None)[0] == "method"
    assert verification_problem("course", "Course", False, "")[0] == "note"
    note = "Course roster confirmed by the trainer (617-555-0100) on 2026-11-20"
    assert verification_problem("course", "Course", False, note) is None


def test_what_auditors_read_about_the_evidence_is_the_same_everywhere():
    assert evidence_statement(verified=True, has_evidence=True) is None
    assert evidence_statement(verified=True, has_evidence=False) == (
        "No evidence attached: verified without a document, on the strength of the note"
    )
    assert evidence_statement(verified=False, has_evidence=False) == "No evidence attached"

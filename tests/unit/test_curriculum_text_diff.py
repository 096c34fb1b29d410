"""The publisher's per-module text diff, worked by hand."""

from lms.curriculum.text_diff import DiffLine, module_diffs, text_diff

OLD = "# Safety\n\nCall the on-call line.\nWrite it down.\nTell your supervisor.\n"
NEW = "# Safety\n\nCall 911 first, then the on-call line.\nWrite it down.\nTell your supervisor.\n"


def test_a_changed_line_shows_as_removed_then_added_with_two_lines_of_context():
    assert text_diff(OLD, NEW) == (
        DiffLine("gap", "", 1),
        DiffLine("same", "# Safety", 1),
        DiffLine("same", "", 2),
        DiffLine("removed", "Call the on-call line.", 3),
        DiffLine("added", "Call 911 first, then the on-call line.", 3),
        DiffLine("same", "Write it down.", 4),
        DiffLine("same", "Tell your supervisor.", 5),
    )


def test_the_same_text_has_no_lines():
    assert text_diff(OLD, OLD) == ()


def test_each_module_is_new_changed_unchanged_or_removed():
    published = {
        "safety": (2, "Safety", OLD),
        "ethics": (1, "Ethics", "Be kind.\n"),
        "intake": (3, "Intake", "Old module.\n"),
    }
    folder = [
        ("safety", "Safety", NEW),
        ("ethics", "Ethics", "Be kind.\n"),
        ("trauma", "Trauma-informed care", "New.\n"),
    ]
    diffs = module_diffs(published, folder)
    assert [(d.key, d.status, d.published_version) for d in diffs] == [
        ("safety", "changed", 2),
        ("ethics", "unchanged", 1),
        ("trauma", "new", None),
        ("intake", "removed", 3),
    ]
    assert (diffs[0].added, diffs[0].removed) == (1, 1)

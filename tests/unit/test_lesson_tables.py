"""Lesson tables labelled for phones: each body cell names its column, escaped."""

from lms.curriculum.rendering import render_markdown
from lms.curriculum.tables import label_table_cells


def test_each_body_cell_is_labelled_with_its_column_heading():
    html = label_table_cells(
        render_markdown(
            "Before.\n\n"
            "| Class | Often used for |\n|---|---|\n"
            "| Stimulants | ADHD |\n| Valproate | Seizures |\n"
        )
    )
    assert '<table class="lesson-table">' in html
    assert '<td data-label="Class">Stimulants</td>' in html
    assert '<td data-label="Often used for">ADHD</td>' in html
    assert '<td data-label="Class">Valproate</td>' in html
    assert '<td data-label="Often used for">Seizures</td>' in html
    assert "<th>Class</th>" in html  # the header row itself is unchanged
    assert html.startswith("<p>Before.</p>")


def test_a_heading_with_markup_quotes_or_ampersands_becomes_plain_escaped_text():
    html = label_table_cells(render_markdown('| *Risk* & "signs" |\n|---|\n| Rash |\n'))
    assert '<td data-label="Risk &amp; &quot;signs&quot;">Rash</td>' in html


def test_two_tables_are_each_labelled_with_their_own_headings():
    html = label_table_cells(render_markdown("| A |\n|---|\n| 1 |\n\n| B |\n|---|\n| 2 |\n"))
    assert '<td data-label="A">1</td>' in html
    assert '<td data-label="B">2</td>' in html

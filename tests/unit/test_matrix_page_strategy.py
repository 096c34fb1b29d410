"""When the matrix's filtered page reads the matching runs first rather than probing people in
name order (``lms.requirements.matrix.matching_first``), worked by hand with PROBE_COST 1.5;
and when a page's row says every requirement shown is met."""

from lms.requirements.matrix import PROBE_COST, PageRow, matching_first
from lms.requirements.queries import PersonSummary
from lms.requirements.rules import RequirementStatus as S
from lms.requirements.rules import StatusResult
from lms.staff.models import Position


def test_the_probe_cost_the_cases_below_are_worked_with():
    assert PROBE_COST == 1.5


def test_a_status_few_people_hold_reads_its_runs_first():
    # 613 of 10,001 people: the first page of 100 takes ~1,632 probes (100 x 10,001 / 613),
    # costing as much as ~2,447 rows read; 613 rows are fewer.
    assert matching_first(613, 10_001, 100)


def test_the_same_share_of_ten_times_the_people_probes():
    # 6,130 of 100,001: still ~1,632 probes (~2,448 rows' worth), but 6,130 rows to read.
    assert not matching_first(6_130, 100_001, 100)


def test_a_status_most_people_hold_probes_people_in_name_order():
    # 6,751 of 10,001: ~148 probes (~222 rows' worth) against 6,751 rows.
    assert not matching_first(6_751, 10_001, 100)


def test_a_later_page_needs_more_probes_so_it_turns_to_the_runs_sooner():
    # 1,500 of 10,001: page 1 ~667 probes (~1,000 rows' worth) < 1,500 rows: probe;
    # page 3 (people 201-300) ~2,000 probes (~3,000 rows' worth) > 1,500 rows: runs first.
    assert not matching_first(1_500, 10_001, 100)
    assert matching_first(1_500, 10_001, 300)


def test_nobody_matching_reads_the_empty_runs():
    assert matching_first(0, 10_001, 100)
    assert matching_first(0, 0, 100)


def _row(*statuses):
    mentor = Position.THERAPEUTIC_MENTOR
    person = PersonSummary(1, "Ana Silva", None, None, mentor, None, None, None)
    return PageRow(person, {f"r{i}": StatusResult(s) for i, s in enumerate(statuses)}, True)


def test_a_row_with_only_met_and_not_applicable_cells_is_all_met():
    assert _row(S.MET, S.NOT_APPLICABLE, S.MET).all_met
    assert _row().all_met  # nothing shown applies


def test_a_row_with_one_cell_to_act_on_is_not_all_met():
    assert not _row(S.MET, S.DUE_SOON).all_met
    assert not _row(S.PENDING).all_met

"""When a name search's page is found by walking people in name order rather than through the
trigram index (``lms.staff.queries.SearchSize``), worked by hand with WALK_COST 0.5."""

from lms.staff.queries import WALK_COST, SearchSize


def test_the_walk_cost_the_cases_below_are_worked_with():
    assert WALK_COST == 0.5


def test_a_search_a_ninth_of_100000_people_match_walks_the_names():
    # 11,111 matches: the first page of 50 takes ~450 rows walked (50 x 100,000 / 11,111),
    # worth ~225 fetched matches, against 11,111 fetched and sorted.
    assert SearchSize(matches=11_111, headcount=100_000).walk_in_name_order(50)


def test_a_rare_search_goes_through_the_index():
    # 3 matches: the walk would read ~1.7 million rows' worth; the index reads 3.
    assert not SearchSize(matches=3, headcount=100_000).walk_in_name_order(50)


def test_the_turn_comes_where_the_two_costs_meet():
    # 0.5 x 50 x 100,000 / m < m  <=>  m^2 > 2,500,000  <=>  m > 1,581.
    assert not SearchSize(matches=1_581, headcount=100_000).walk_in_name_order(50)
    assert SearchSize(matches=1_582, headcount=100_000).walk_in_name_order(50)
    # A later page needs a longer walk: page 10 (people 451-500) stays with the index.
    assert not SearchSize(matches=1_582, headcount=100_000).walk_in_name_order(500)


def test_a_search_nobody_matches_goes_through_the_index():
    assert not SearchSize(matches=0, headcount=100_000).walk_in_name_order(50)
    assert not SearchSize(matches=0, headcount=0).walk_in_name_order(50)


def test_a_count_stopped_at_its_limit_walks_the_names():
    # 1,001 counted with a limit of 1,000: at least 1,001 match, so the walk reads at most
    # ~2,498 entries' worth (0.5 x 50 x 100,000 / 1,001) while fetching grows with every match.
    assert SearchSize(matches=1_001, headcount=100_000, limit=1_000).walk_in_name_order(50)
    # 900 counted under the same limit is exact: the index, as without a limit.
    assert not SearchSize(matches=900, headcount=100_000, limit=1_000).walk_in_name_order(50)

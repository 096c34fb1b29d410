"""The compliance chart's geometry: shares placed on a 0-100% scale, gaps where no one was
employed, a tick on the first of each month, a marker on each month's last day."""

import datetime as dt

import pytest

from lms.compliance.chart import HEIGHT, build_chart, percent
from lms.compliance.rules import DailyShare, monthly_summaries

D = dt.date


def shares_from(start: dt.date, counts: list[tuple[int, int]]) -> list[DailyShare]:
    return [
        DailyShare(start + dt.timedelta(days=index), employed, current)
        for index, (employed, current) in enumerate(counts)
    ]


def test_full_and_empty_shares_sit_on_the_top_and_bottom_gridlines():
    # 30 Dec - 2 Jan: 2 of 2, 1 of 2, 0 of 2, 1 of 1.
    shares = shares_from(D(2025, 12, 30), [(2, 2), (2, 1), (2, 0), (1, 1)])
    chart = build_chart(shares, monthly_summaries(shares))
    gridlines = {line.label: line.y for line in chart.gridlines}
    assert list(gridlines) == ["0%", "25%", "50%", "75%", "100%"]
    assert gridlines["100%"] == chart.plot_top and gridlines["0%"] == chart.plot_bottom
    (segment,) = chart.segments
    points = [tuple(map(float, p.split(","))) for p in segment.split()]
    assert [y for _, y in points] == [
        gridlines["100%"],
        gridlines["50%"],
        gridlines["0%"],
        gridlines["100%"],
    ]
    assert points[0][0] == chart.plot_left and points[-1][0] == chart.plot_right
    # Markers on 31 December (50%) and on 2 January, the last day (100%), which is also latest.
    assert [(m.day, m.percent) for m in chart.markers] == [
        (D(2025, 12, 31), 50),
        (D(2026, 1, 2), 100),
    ]
    assert (chart.latest.day, chart.latest.percent, chart.latest.current) == (D(2026, 1, 2), 100, 1)


def test_days_with_no_one_employed_break_the_line():
    shares = shares_from(D(2026, 3, 1), [(1, 1), (1, 0), (0, 0), (0, 0), (2, 1), (2, 2)])
    chart = build_chart(shares, monthly_summaries(shares))
    assert [len(segment.split()) for segment in chart.segments] == [2, 2]


def test_a_tick_on_each_first_of_the_month_with_the_year_under_january_and_the_first():
    start = D(2025, 11, 24)
    shares = shares_from(start, [(1, 1)] * 365)
    chart = build_chart(shares, monthly_summaries(shares))
    assert [(t.label, t.year) for t in chart.ticks] == [
        ("Dec", "2025"),
        ("Jan", "2026"),
        *[(m, "") for m in ("Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct")],
        ("Nov", ""),
    ]
    xs = [t.x for t in chart.ticks]
    assert xs == sorted(xs) and chart.plot_left < xs[0] and xs[-1] < chart.plot_right
    assert len(chart.markers) == 13  # November 2025 (a week) to November 2026
    assert chart.height == HEIGHT


def test_no_one_ever_employed_draws_no_line():
    shares = shares_from(D(2026, 1, 1), [(0, 0)] * 10)
    chart = build_chart(shares, monthly_summaries(shares))
    assert chart.segments == () and chart.markers == () and chart.latest is None


@pytest.mark.parametrize(
    ("share", "shown"),
    [(1.0, 100), (0.999, 99), (0.875, 88), (0.5, 50), (0.004, 1), (0.0, 0), (2 / 3, 67)],
)
def test_percent_never_rounds_to_everyone_or_no_one(share, shown):
    assert percent(share) == shown

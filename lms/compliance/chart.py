"""The dashboard's chart: the share of mentors current on each day of the 12 months ending on the
as-of date. Pure geometry; templates/compliance/_chart.html draws it as SVG, with a line, a marker
on each month's last day, percent gridlines and labelled axes, so no colour is needed to read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from lms.compliance.rules import DailyShare, MonthSummary

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 28, 40, 70
PERCENTS = (0, 25, 50, 75, 100)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str  # the month
    year: str  # under January and the first tick, else ""


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: dt.date
    percent: int
    employed: int
    current: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    segments: tuple[str, ...]  # SVG polylines "x,y x,y …"; a day with no one employed breaks it
    markers: tuple[Point, ...]  # each month's last charted day
    latest: Point | None  # the as-of date
    gridlines: tuple[Gridline, ...]
    ticks: tuple[Tick, ...]


def percent(share: float) -> int:
    """A share as a whole percentage, rounded half up, except that only everyone reads 100% and
    only no one reads 0%."""
    value = int(share * 100 + 0.5)
    if value == 100 and share < 1:
        return 99
    if value == 0 and share > 0:
        return 1
    return value


def build_chart(shares: Sequence[DailyShare], months: Sequence[MonthSummary]) -> Chart:
    """Place each day's share on the plot; ``months`` give the markers."""
    span = max(len(shares) - 1, 1)
    index = {share.day: number for number, share in enumerate(shares)}

    def x(day: dt.date) -> float:
        return round(LEFT + index[day] / span * (WIDTH - LEFT - RIGHT), 1)

    def y(share: float) -> float:
        return round(TOP + (1 - share) * (HEIGHT - TOP - BOTTOM), 1)

    def point(share: DailyShare) -> Point | None:
        if share.share is None:
            return None
        return Point(
            x(share.day),
            y(share.share),
            share.day,
            percent(share.share),
            share.employed,
            share.current,
        )

    segments, current = [], []
    for share in shares:
        if share.share is None:
            if current:
                segments.append(" ".join(current))
            current = []
        else:
            current.append(f"{x(share.day)},{y(share.share)}")
    if current:
        segments.append(" ".join(current))
    markers = tuple(p for p in (point(m.last) for m in months) if p is not None)
    firsts = [share.day for share in shares if share.day.day == 1]
    ticks = tuple(
        Tick(x(day), MONTHS[day.month - 1], str(day.year) if day.month == 1 or number == 0 else "")
        for number, day in enumerate(firsts)
    )
    return Chart(
        WIDTH,
        HEIGHT,
        LEFT,
        WIDTH - RIGHT,
        TOP,
        HEIGHT - BOTTOM,
        segments=tuple(segments),
        markers=markers,
        latest=point(shares[-1]) if shares else None,
        gridlines=tuple(Gridline(y(p / 100), f"{p}%") for p in PERCENTS),
        ticks=ticks,
    )

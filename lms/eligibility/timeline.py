"""The timeline picture on a person's page: experience credit building towards the one- and
two-year lines, with the 21st birthday and degree conferrals marked. Pure geometry; the
template draws it as SVG."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lms.eligibility.rules import (
    CREDENTIAL_NAMES,
    FULL_TIME_HOURS,
    EligibilityFacts,
    EligibilityResult,
    ExperienceCurve,
    Population,
    minimum_age_reached_on,
)

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 20, 70
MAX_YEARS_SHOWN = 15
TOP_DAYS = 800.0


@dataclass(frozen=True)
class Line:
    label: str
    points: str  # SVG polyline "x,y x,y …" up to the day evaluated
    projected_points: str  # the projection beyond it, drawn dashed ("" when none)
    days_now: float


@dataclass(frozen=True)
class Marker:
    x: float
    label: str
    day: dt.date
    kind: str  # birthday | conferral | today | eligible


@dataclass(frozen=True)
class Guide:
    y: float
    label: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    youth: Line
    target: Line
    guides: tuple[Guide, ...]
    markers: tuple[Marker, ...]
    ticks: tuple[Tick, ...]


def build_timeline(facts: EligibilityFacts, result: EligibilityResult) -> Timeline:
    as_of = facts.as_of
    entries = [e for e in facts.experience if e.start_on <= as_of]
    credentials = [c for c in facts.credentials if c.conferred_on <= as_of]
    birthday = minimum_age_reached_on(facts.date_of_birth)
    interesting = [e.start_on for e in entries] + [c.conferred_on for c in credentials]
    interesting += [birthday, as_of - dt.timedelta(days=365)]
    start = max(min(interesting), as_of.replace(year=as_of.year - MAX_YEARS_SHOWN, day=1))
    start = start.replace(day=1) - dt.timedelta(days=1)
    end = max(as_of, result.eligible_from or as_of) + dt.timedelta(days=90)

    youth_curve = ExperienceCurve.of(e for e in entries if e.population is Population.YOUTH)
    target_curve = ExperienceCurve.of(e for e in entries if e.target_population)
    # The picture is about reaching the one- and two-year lines; credit beyond that is drawn
    # flat along the top rather than squashing the lines that matter.
    top_days = TOP_DAYS
    span = (end - start).days or 1

    def x(day: dt.date) -> float:
        return round(LEFT + (day - start).days / span * (WIDTH - LEFT - RIGHT), 1)

    def y(days: float) -> float:
        shown = min(days, top_days)
        return round(HEIGHT - BOTTOM - shown / top_days * (HEIGHT - TOP - BOTTOM), 1)

    def line(label: str, curve: ExperienceCurve, days_now: float) -> Line:
        actual = curve.points(start, as_of)
        projected = curve.points(as_of, end)
        return Line(
            label,
            " ".join(f"{x(day)},{y(float(value) / FULL_TIME_HOURS)}" for day, value in actual),
            " ".join(f"{x(day)},{y(float(value) / FULL_TIME_HOURS)}" for day, value in projected)
            if len(projected) > 1 and projected[-1][1] > projected[0][1]
            else "",
            days_now,
        )

    markers = (
        [Marker(x(birthday), "21st birthday", birthday, "birthday")]
        if start <= birthday <= end
        else []
    )
    markers += [
        Marker(x(c.conferred_on), CREDENTIAL_NAMES[c.level], c.conferred_on, "conferral")
        for c in credentials
        if c.conferred_on >= start
    ]
    markers.append(Marker(x(as_of), "As of", as_of, "today"))
    if result.eligible_from and start <= result.eligible_from <= end:
        markers.append(
            Marker(x(result.eligible_from), "Eligible from", result.eligible_from, "eligible")
        )

    ticks = tuple(
        Tick(x(dt.date(year, 1, 1)), str(year))
        for year in range(start.year + 1, end.year + 1)
        if (end.year - start.year) <= 12 or year % 2 == 0
    )
    return Timeline(
        WIDTH,
        HEIGHT,
        LEFT,
        WIDTH - RIGHT,
        TOP,
        HEIGHT - BOTTOM,
        youth=line("Youth experience", youth_curve, result.youth_experience_days),
        target=line("Target-population experience", target_curve, result.target_experience_days),
        guides=(Guide(y(365), "1 year"), Guide(y(730), "2 years")),
        markers=tuple(markers),
        ticks=ticks,
    )

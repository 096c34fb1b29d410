"""The runs of days that ``requirement_periods`` and ``clearance_runs`` build agree, day by day,
with the one-day rules: for any catalogue history, person and evidence, the period covering a
day reads what ``cell_on`` gives under the catalogue in force that day (no period: not
applicable, or the key is not in that catalogue), and the clearance run covering a day reads
what ``cleared_to_work`` gives over that catalogue (no run: nothing applies that day)."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from lms.requirements.rules import (
    CatalogueSpan,
    ClearanceRun,
    Evidence,
    PersonFacts,
    PolicyVersion,
    PositionSpell,
    Requirement,
    RequirementKind,
    RequirementPeriod,
    RequirementStatus,
    catalogue_in_force,
    cell_on,
    clearance_runs,
    cleared_to_work,
    position_on,
    requirement_periods,
    start_on,
)
from lms.staff.rules import Employment
from tests.property.support import BOUNDED

ORIGIN = dt.date(2026, 1, 1)
ONE_DAY = dt.timedelta(days=1)
POSITIONS = ("mentor", "clinician")
KEYS = ("k0", "k1", "k2", "k3")
CURRICULA = ("c0", "c1")
#: Mostly both positions, so that requirements often apply; now and then none.
POSITION_SETS = (*(frozenset({p}) for p in POSITIONS), frozenset(POSITIONS), frozenset(POSITIONS),
                 frozenset())  # fmt: skip
#: Every day of a window this long or shorter is checked; a longer one is sampled.
EVERY_DAY_UP_TO = 2000
#: The furthest a cell can change after the last date given: a 13-month check's expiry.
LONGEST_REACH = dt.timedelta(days=13 * 31)

days = st.integers(0, 150).map(lambda n: ORIGIN + dt.timedelta(days=n))
gaps = st.integers(0, 90).map(lambda n: dt.timedelta(days=n))


@st.composite
def requirements(draw, key: str) -> Requirement:
    kind = draw(st.sampled_from(RequirementKind))
    return Requirement(
        key=key,
        name=key,
        kind=kind,
        positions=draw(st.sampled_from(POSITION_SETS)),
        first_due_days=draw(st.integers(0, 60)),
        validity_months=draw(st.integers(1, 13)) if kind is RequirementKind.CHECK else None,
        grace_days=draw(st.integers(0, 40)),
        warning_days=draw(st.integers(0, 60)),
        blocks_work=draw(st.booleans()),
        curriculum=draw(st.sampled_from(CURRICULA)) if kind is RequirementKind.COURSE else None,
        records=(
            draw(st.sampled_from((None, "clinician_licences")))
            if kind is RequirementKind.CREDENTIAL
            else None
        ),
    )


@st.composite
def catalogues(draw) -> list[CatalogueSpan]:
    spans = []
    for version in range(1, draw(st.integers(1, 3)) + 1):
        keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=4, unique=True))
        defined = {key: draw(requirements(key)) for key in keys}
        spans.append(CatalogueSpan(version, draw(days), defined))
    return spans


@st.composite
def people(draw) -> PersonFacts:
    """0-3 employments in order, only the last one possibly open; a candidate's planned first
    day when there is none, or after the last one ended; a first position and 0-2 changes of
    position."""
    employments: list[Employment] = []
    day = draw(days)
    count = draw(st.sampled_from((0, 1, 1, 2, 3)))
    for index in range(count):
        open_ended = index == count - 1 and draw(st.booleans())
        end = None if open_ended else day + draw(gaps)
        employments.append(Employment(day, end))
        if end is not None:
            day = end + ONE_DAY + draw(gaps)
    planned = None
    if not employments and draw(st.sampled_from((False, True, True))):
        planned = draw(days)
    elif employments and employments[-1].separated_on is not None and draw(st.booleans()):
        planned = day  # a former employee, a candidate again
    first = employments[0].hired_on if employments else (planned or draw(days))
    # The first position from the first day, or from any day (before it: the same position).
    starts = [first if draw(st.booleans()) else draw(days)]
    starts += [draw(days) for _ in range(draw(st.integers(0, 2)))]
    spells = [PositionSpell(start, draw(st.sampled_from(POSITIONS))) for start in starts]
    return PersonFacts(tuple(employments), tuple(spells), planned)


def expiries(draw, start: dt.date) -> dt.date | None:
    return draw(st.none() | st.integers(-10, 400).map(lambda n: start + dt.timedelta(days=n)))


@st.composite
def evidence(draw) -> Evidence:
    records = {
        key: [(start, expiries(draw, start)) for start in draw(st.lists(days, max_size=3))]
        for key in draw(st.lists(st.sampled_from(KEYS), max_size=4, unique=True))
    }
    signatures = {
        key: draw(st.lists(st.tuples(st.integers(1, 3), days), max_size=3))
        for key in draw(st.lists(st.sampled_from(KEYS), max_size=4, unique=True))
    }
    licences = [(start, expiries(draw, start)) for start in draw(st.lists(days, max_size=2))]
    certificates = {}
    for curriculum in CURRICULA:
        rows = []
        for issued_on in draw(st.lists(days, max_size=3)):
            expires_on = issued_on + dt.timedelta(days=draw(st.integers(-5, 400)))
            revoked_after = draw(st.none() | st.integers(-10, 400))
            revoked_on = None if revoked_after is None else issued_on + dt.timedelta(revoked_after)
            rows.append((issued_on, expires_on, revoked_on))
        certificates[curriculum] = rows
    return Evidence(records, signatures, licences, certificates)


@st.composite
def policy_versions(draw) -> dict[str, list[PolicyVersion]]:
    found = {}
    for key in draw(st.lists(st.sampled_from(KEYS), max_size=4, unique=True)):
        effective = sorted(draw(st.lists(days, min_size=1, max_size=3)))
        found[key] = [PolicyVersion(n, day) for n, day in enumerate(effective, start=1)]
    return found


def input_dates(spans, facts: PersonFacts, proof: Evidence, versions) -> set[dt.date]:
    found = {span.effective_on for span in spans}
    for period in facts.employments:
        found |= {period.hired_on, period.separated_on}
    found |= {spell.start_on for spell in facts.positions} | {facts.planned_hire_on}
    for rows in proof.records.values():
        found |= {day for row in rows for day in row}
    found |= {day for rows in proof.signatures.values() for _, day in rows}
    found |= {day for row in proof.licences for day in row}
    found |= {day for rows in proof.certificates.values() for row in rows for day in row}
    found |= {version.effective_on for rows in versions.values() for version in rows}
    found.discard(None)
    return found


def checked_days(spans, facts, proof, versions) -> list[dt.date]:
    """Every day of the window around all the inputs, 40 days either side and the longest reach
    of a record after the last one (first-due, grace and warning periods reach less far); when
    that is long, every seventh day and every input date with the days either side. And the
    first and last days there are."""
    inputs = input_dates(spans, facts, proof, versions)
    first = min(inputs) - dt.timedelta(days=40)
    last = max(inputs) + LONGEST_REACH + dt.timedelta(days=40)
    length = (last - first).days
    step = 1 if length <= EVERY_DAY_UP_TO else 7
    chosen = {first + dt.timedelta(days=n) for n in range(0, length + 1, step)}
    for day in inputs:
        chosen |= {day - ONE_DAY, day, day + ONE_DAY}
    chosen |= {dt.date.min, dt.date.min + ONE_DAY, dt.date.max}
    return sorted(chosen)


def covering(runs, starts, day):
    """The one run (sorted, disjoint, starting on ``starts``) whose days include ``day``."""
    index = bisect.bisect_right(starts, day) - 1
    if index < 0:
        return None
    run = runs[index]
    return run if run.ends_on is None or day <= run.ends_on else None


def assert_sorted_disjoint_and_merged(runs, values) -> None:
    for before, after in itertools.pairwise(runs):
        assert before.ends_on is not None, (before, after)
        assert before.starts_on <= before.ends_on < after.starts_on, (before, after)
        if before.ends_on + ONE_DAY == after.starts_on:
            assert values(before) != values(after), (before, after)
    if runs:
        assert runs[-1].ends_on is None or runs[-1].starts_on <= runs[-1].ends_on


def period_values(period: RequirementPeriod):
    return period[3:]


def run_values(run: ClearanceRun):
    return run.position, run.cleared


@settings(BOUNDED, max_examples=100)
@given(spans=catalogues(), facts=people(), proof=evidence(), versions=policy_versions())
def test_periods_and_clearance_runs_agree_with_the_rules_for_one_day(spans, facts, proof, versions):
    periods = requirement_periods(spans, facts, proof, versions)
    keys = sorted({key for span in spans for key in span.requirements})
    assert [p.key for p in periods] == sorted(p.key for p in periods)
    by_key = {key: [p for p in periods if p.key == key] for key in keys}
    assert sum(map(len, by_key.values())) == len(periods)
    for runs in by_key.values():
        assert_sorted_disjoint_and_merged(runs, period_values)
    starts = {key: [p.starts_on for p in rows] for key, rows in by_key.items()}
    runs = clearance_runs(periods)
    assert_sorted_disjoint_and_merged(runs, run_values)
    run_starts = [run.starts_on for run in runs]

    for day in checked_days(spans, facts, proof, versions):
        in_force = catalogue_in_force(spans, day).requirements
        started, position = start_on(facts, day), position_on(facts, day)
        statuses = {}
        for key in keys:
            requirement = in_force.get(key)
            period = covering(by_key[key], starts[key], day)
            if requirement is None:
                assert period is None, (day, key)
                continue
            cell = cell_on(requirement, started, position, day, proof, versions.get(key, ()))
            statuses[key] = cell.status
            if cell.status is RequirementStatus.NOT_APPLICABLE:
                assert period is None, (day, key, cell)
                continue
            expected = (*cell, position, requirement.blocks_work)
            assert period is not None, (day, key, expected)
            assert period_values(period) == expected, (day, key)

        run = covering(runs, run_starts, day)
        if all(status is RequirementStatus.NOT_APPLICABLE for status in statuses.values()):
            assert run is None, (day, statuses)
        else:
            cleared = cleared_to_work(in_force.values(), statuses).cleared
            assert run is not None, (day, statuses)
            assert run_values(run) == (position, cleared), (day, statuses)

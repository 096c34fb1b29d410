"""The timeline picture's geometry: lines, guides and markers where the facts put them."""

import datetime as dt
from fractions import Fraction

from lms.eligibility.rules import (
    Credential,
    CredentialLevel,
    EligibilityFacts,
    ExperienceEntry,
    Population,
    evaluate,
)
from lms.eligibility.timeline import build_timeline


def test_markers_guides_and_projection():
    facts = EligibilityFacts(
        as_of=dt.date(2026, 6, 30),
        date_of_birth=dt.date(2004, 2, 29),
        identity_verified=True,
        credentials=(Credential(CredentialLevel.BACHELOR, dt.date(2025, 5, 1), True, True, True),),
        experience=(
            ExperienceEntry(dt.date(2026, 1, 1), None, Fraction(20), Population.YOUTH, True, True),
        ),
    )
    result = evaluate(facts)
    timeline = build_timeline(facts, result)
    labels = {marker.kind: marker for marker in timeline.markers}
    assert labels["birthday"].day == dt.date(2025, 3, 1)  # 29 February birthday, common year
    assert labels["conferral"].label == "bachelor's degree"
    assert labels["today"].day == dt.date(2026, 6, 30)
    assert labels["eligible"].day == result.eligible_from == dt.date(2027, 12, 31)
    assert [guide.label for guide in timeline.guides] == ["1 year", "2 years"]
    assert timeline.guides[0].y > timeline.guides[1].y  # two years is higher up
    assert timeline.youth.points and timeline.youth.projected_points  # ongoing job projects
    xs = [marker.x for marker in sorted(timeline.markers, key=lambda m: m.day)]
    assert xs == sorted(xs)
    assert all(timeline.plot_left <= x <= timeline.plot_right for x in xs)


def test_no_projection_when_nothing_is_ongoing():
    facts = EligibilityFacts(
        as_of=dt.date(2026, 6, 30),
        date_of_birth=dt.date(1990, 1, 1),
        experience=(
            ExperienceEntry(
                dt.date(2020, 1, 1), dt.date(2020, 12, 31), Fraction(40), Population.YOUTH
            ),
        ),
    )
    timeline = build_timeline(facts, evaluate(facts))
    assert timeline.youth.projected_points == ""

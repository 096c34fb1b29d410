"""HR's home page counts what needs doing, and each count is the size of the list it links to."""

import datetime as dt
import re

from lms import clock
from lms.actor import Actor
from lms.requirements.operations import ensure_catalogue
from lms.staff.models import Position, StaffStatus
from tests.web.staff_records import add_people
from tests.web.test_compliance_pages import D, add_completion, add_person


def counts(html: str) -> dict[str, tuple[int, str]]:
    """Each to-do item's label -> (its number, its link)."""
    found = {}
    for href, number, label in re.findall(
        r'<li class="to-do__item[^"]*"><a href="([^"]+)"><span class="status-counts__number">'
        r"(\d+)</span> ([^<]+)<",
        html,
    ):
        found[label.strip()] = (int(number), href.replace("&amp;", "&"))
    return found


def test_hr_home_counts_people_to_verify_and_not_yet_eligible(client, auth, users, db):
    # Ann: qualified, everything verified: eligible, nothing to do.
    add_people(db, ["Ann Verified"], qualified=True, verified=True)
    # Ben: qualified but nothing verified: provisional, so to verify (not "not eligible").
    add_people(db, ["Ben Pending"], qualified=True)
    # Cal: a candidate with identity verified and no degree or job: not eligible, nothing to verify.
    cal = add_people(db, ["Cal Candidate"], status=StaffStatus.CANDIDATE)[0]
    cal.identity_verified_at = clock.now()
    # Dee: left; unverified and not eligible, but no longer anyone's work.
    add_person(
        db,
        "Dee Gone",
        hire_on=D(2024, 1, 1),
        status=StaffStatus.SEPARATED,
        separated_on=D(2025, 6, 30),
    )
    # Eve: a clinician with identity unverified: to verify; mentor qualifications do not apply.
    add_people(db, ["Eve Clinician"], position=Position.LICENSED_CLINICIAN)
    db.commit()
    auth.login("hr@example.org")

    found = counts(client.get("/hr").get_data(as_text=True))

    assert {label: number for label, (number, _) in found.items()} == {
        "To verify": 2,
        "Not eligible yet": 1,
        "Overdue": 0,
        "Expiring in 30 days": 0,
    }
    to_verify = client.get(found["To verify"][1]).get_data(as_text=True)
    assert "Showing 1\N{EN DASH}2 of 2 people." in to_verify
    assert "Ben Pending" in to_verify and "Eve Clinician" in to_verify
    not_eligible = client.get(found["Not eligible yet"][1]).get_data(as_text=True)
    assert "Showing 1 of 1 person." in not_eligible
    assert "Cal Candidate" in not_eligible and "Dee Gone" not in not_eligible


def test_hr_home_counts_overdue_and_expiring_training(client, auth, users, db, frozen_clock):
    """As of 2026-11-23 (initial training due in 30 days; a year's validity):
    Fay hired 2026-09-01, nothing done: overdue since 2026-10-01.
    Gus completed 2025-12-10: expires 2026-12-10, in 17 days.
    Ida completed 2025-12-23: expires 2026-12-23, in exactly 30 days (counted).
    Hal completed 2025-12-24: expires in 31 days (not counted).
    Jon completed 2025-11-20: expired 2026-11-20, lapsed (not counted: already expired)."""
    fay = add_person(db, "Fay Late", hire_on=D(2026, 9, 1))
    for name, completed in (
        ("Gus Soon", D(2025, 12, 10)),
        ("Ida Edge", D(2025, 12, 23)),
        ("Hal Later", D(2025, 12, 24)),
        ("Jon Lapsed", D(2025, 11, 20)),
    ):
        add_completion(db, add_person(db, name, hire_on=D(2024, 1, 1)), completed)
    assert fay.id
    db.commit()
    auth.login("hr@example.org")

    found = counts(client.get("/hr").get_data(as_text=True))

    assert found["Overdue"][0] == 1
    assert found["Expiring in 30 days"][0] == 2
    overdue = client.get(found["Overdue"][1]).get_data(as_text=True)
    assert "Overdue: 1</h2>" in overdue and "Fay Late" in overdue
    expiring = client.get(found["Expiring in 30 days"][1]).get_data(as_text=True)
    assert "All mentors, training expiring within 30 days: 2</h2>" in expiring
    assert "Gus Soon" in expiring and "Ida Edge" in expiring
    assert "Hal Later" not in expiring and "Jon Lapsed" not in expiring


def test_a_bad_expiring_within_is_refused_naming_the_filter(client, auth, users):
    auth.login("hr@example.org")
    page = client.get("/compliance/?expiring_within=0")
    assert page.status_code == 400
    assert "Expiring within must be a whole number of days from 1 to 366" in page.get_data(
        as_text=True
    )


def test_hr_home_costs_the_same_for_few_or_many_people(
    client, auth, users, db, frozen_clock, count_queries
):
    auth.login("hr@example.org")
    add_people(db, [f"First {n:03}" for n in range(5)], qualified=True)
    ensure_catalogue(db, Actor.system("test"), D(2026, 11, 23))  # as `lms db upgrade` does
    client.get("/hr")
    with count_queries() as few:
        assert client.get("/hr").status_code == 200
    add_people(db, [f"Later {n:03}" for n in range(120)])
    for number in range(20):
        add_completion(
            db,
            add_person(db, f"Trained {number:03}", hire_on=D(2024, 1, 1)),
            D(2025, 12, 1) + dt.timedelta(days=number),
        )
    db.commit()
    with count_queries() as many:
        page = client.get("/hr")
    assert page.status_code == 200
    assert counts(page.get_data(as_text=True))["To verify"][0] == 5 + 120 + 20
    # the layout's user, roles, organisation settings and unread notifications; to verify (one
    # count); every current mentor's eligibility columns, credentials and experience; the
    # dashboard's mentors, periods of employment and cycles; the requirements summary's
    # catalogue, people, periods, position history, policies, records, clinicians' licences,
    # signatures and certificates
    assert many.count == few.count <= 21, many.statements

"""The requirements pages: HR records a CORI check and a CPR card with evidence, a new policy
version is published, the mentor signs it, and the matrix shows it; the matrix's query count."""

import csv
import datetime as dt
import hashlib
import io
import re

import pytest
from sqlalchemy import select

from lms.actor import Actor
from lms.requirements.models import PolicySignature, RequirementRecord
from lms.staff.models import Position, StaffStatus
from tests.conftest import csrf_token
from tests.support.factories import make_person
from tests.web.staff_records import add_people, numbered

PDF = b"%PDF-1.7\n" + b"1" * 64


@pytest.fixture
def catalogue(db):
    """The shipped catalogue, loaded as ``lms db upgrade`` does (the pages' GETs write nothing)."""
    from lms.requirements.operations import ensure_catalogue

    ensure_catalogue(db, Actor.system("test"), dt.date(2026, 11, 23))
    db.commit()


def add_mentor(db):
    person = make_person(
        db,
        "Mia Mentor",
        today=dt.date(2026, 11, 23),
        date_of_birth=dt.date(1998, 4, 1),
        position=Position.THERAPEUTIC_MENTOR,
        status=StaffStatus.ACTIVE,
        work_email="mia@example.org",
        hire_on=dt.date(2026, 11, 2),
        user_email="mentor@example.org",
    )
    db.commit()
    return person


def test_hr_records_checks_a_policy_is_signed_and_the_matrix_turns_green(
    client, auth, users, db, frozen_clock, catalogue
):
    mentor = add_mentor(db)
    auth.login("hr@example.org")
    page = client.get("/requirements/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Mia Mentor" in text and "Not cleared" in text

    token = csrf_token(client, f"/requirements/people/{mentor.id}/record")
    for key in ("cori", "sori", "oig_exclusion_screening", "masshealth_exclusion_screening"):
        response = client.post(
            f"/requirements/people/{mentor.id}/record",
            data={
                "csrf_token": token,
                "requirement": key,
                "done_on": "2026-11-20",
                "method": "other",
                "note": "state portal",
                "file": (io.BytesIO(PDF), f"{key}.pdf"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    card = client.post(
        f"/requirements/people/{mentor.id}/record",
        data={
            "csrf_token": token,
            "requirement": "cpr_first_aid",
            "done_on": "2026-11-10",
            "expires_on": "2028-11-10",
            "method": "other",
            "note": "card seen",
            "file": (io.BytesIO(PDF), "card.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert card.status_code == 302
    stored = db.execute(select(RequirementRecord.evidence_sha256)).scalars().all()
    assert set(stored) == {hashlib.sha256(PDF).hexdigest()}

    # A credential without its expiry date: refused, naming the field, nothing stored.
    refused = client.post(
        f"/requirements/people/{mentor.id}/record",
        data={
            "csrf_token": token,
            "requirement": "cpr_first_aid",
            "done_on": "2026-11-10",
            "method": "other",
            "note": "card",
        },
    )
    assert refused.status_code == 422
    assert "Enter the date the credential expires." in refused.get_data(as_text=True)
    assert len(db.execute(select(RequirementRecord.id)).all()) == 5

    token = csrf_token(client, "/requirements/policies")
    published = client.post(
        "/requirements/policies",
        data={
            "csrf_token": token,
            "requirement": "code_of_conduct",
            "title": "Code of conduct",
            "effective_on": "2026-11-23",
            "text": "Treat every young person with respect.",
        },
    )
    assert published.status_code == 302
    person_page = client.get(f"/requirements/people/{mentor.id}").get_data(as_text=True)
    assert "Cleared to work" in person_page
    auth.logout()

    auth.login("mentor@example.org")
    sign_page = client.get("/requirements/sign")
    body = sign_page.get_data(as_text=True)
    assert "Treat every young person with respect." in body
    document = re.search(r'action="/requirements/sign\?document=(\d+)"', body).group(1)
    prefix = f"policy-{document}-"
    token = re.search(rf'name="{prefix}csrf_token" [^>]*value="([^"]+)"', body).group(1)
    wrong = client.post(
        f"/requirements/sign?document={document}",
        data={f"{prefix}csrf_token": token, f"{prefix}typed_name": "Someone Else"},
    )
    assert wrong.status_code == 422
    assert "Type your name as it is on your staff record." in wrong.get_data(as_text=True)
    signed = client.post(
        f"/requirements/sign?document={document}",
        data={f"{prefix}csrf_token": token, f"{prefix}typed_name": "Mia Mentor"},
    )
    assert signed.status_code == 302
    signature = db.execute(select(PolicySignature)).scalar_one()
    assert signature.typed_name == "Mia Mentor"
    assert signature.user_id == users["mentor"].id
    auth.logout()

    auth.login("hr@example.org")
    export = client.get("/requirements/export.csv?as_of=2026-11-23")
    rows = {
        row["requirement"]: row
        for row in csv.DictReader(io.StringIO(export.get_data(as_text=True)))
    }
    assert rows["cori"]["status"] == "met"
    assert rows["code_of_conduct"]["status"] == "met"
    assert rows["cpr_first_aid"]["valid_until"] == "2028-11-09"
    # The monthly screenings of 20 November are valid to 19 December.
    assert rows["oig_exclusion_screening"]["valid_until"] == "2026-12-19"


def test_bad_filters_are_named_and_refused(client, auth, users, frozen_clock):
    auth.login("hr@example.org")
    response = client.get("/requirements/?status=bogus")
    assert response.status_code == 400
    assert "Status “bogus” is not one of the choices offered." in response.get_data(as_text=True)
    assert client.get("/requirements/?as_of=31/12/2026").status_code == 400
    assert client.get("/requirements/export.csv?requirement=nope").status_code == 400


def test_a_mentor_sees_only_their_own_requirements(client, auth, users, db, frozen_clock):
    mentor = add_mentor(db)
    other = add_people(db, ["Olive Other"])[0]
    auth.login("mentor@example.org")
    assert client.get(f"/requirements/people/{mentor.id}").status_code == 200
    assert (
        client.get(f"/requirements/people/{other.id}").status_code == 404
    )  # not theirs: as if it did not exist


def test_csv_cells_that_look_like_formulas_are_made_inert(
    client, auth, users, db, frozen_clock, catalogue
):
    add_people(db, ["=HYPERLINK(1)"])
    auth.login("hr@example.org")
    text = client.get("/requirements/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in text


def test_the_matrix_costs_the_same_for_twenty_or_two_hundred_people(
    client, auth, users, db, frozen_clock, count_queries, catalogue
):
    auth.login("hr@example.org")
    (clinician,) = add_people(db, ["Cleo Clinician"], position=Position.LICENSED_CLINICIAN)

    def supervised(people):
        for person in people:
            person.supervisor_id = clinician.id
        db.flush()

    supervised(add_people(db, numbered("First", 1, 20)))
    filtered = (
        "/requirements/?status=missing&page=2",
        "/requirements/?requirement=cori&status=missing&page=2",
        f"/requirements/?supervisor={clinician.id}&page=2",
    )

    def statements() -> list[int]:
        counts = []
        for path in ("/requirements/?page=2", *filtered):
            with count_queries() as counted:
                assert client.get(path).status_code in (200, 400)
            counts.append(counted.count)
        return counts

    few = statements()
    page = client.get("/requirements/?page=2")
    assert "First 020" in page.get_data(as_text=True)  # one page only: clamped to it
    supervised(add_people(db, numbered("Later", 1, 180)))
    many = statements()
    text = client.get("/requirements/?page=2").get_data(as_text=True)
    assert "Later 179" in text and "Later 079" not in text  # 100 to a page
    assert "201 people" in text
    # The layout's user, roles, organisation settings and unread notifications (4); the
    # catalogue for the filters, supervisors, the catalogue for the matrix, the counters, the
    # page's people and their cells (6). A status, and a requirement's status, are counted from
    # the counters too; a supervisor's team from its cells (its cells by status, its people,
    # those not cleared: two more).
    assert many == few == [10, 10, 10, 12], many


def test_hr_home_counts_who_is_not_cleared_and_what_expires_soon(
    client, auth, users, db, frozen_clock
):
    mentor = add_mentor(db)  # hired 2 November 2026: no checks yet, so not cleared
    from lms.requirements.operations import (
        ItemDetails,
        ensure_catalogue,
        record_item,
        requirement_for,
    )
    from lms.staff.models import VerificationMethod

    actor, today = Actor.system("test"), dt.date(2026, 11, 23)
    ensure_catalogue(db, actor, today)
    cpr = requirement_for(db, "cpr_first_aid", today)
    # A card expiring on 10 December 2026 is valid to the 9th: inside 30 days of 23 November.
    details = ItemDetails(
        dt.date(2024, 12, 10),
        dt.date(2026, 12, 10),
        None,
        VerificationMethod.OTHER,
        "State portal look-up on the day: cleared",
    )
    record_item(db, actor, mentor, cpr, details, None, today)
    db.commit()
    auth.login("hr@example.org")
    text = client.get("/hr").get_data(as_text=True)
    assert "1 not cleared to work</strong>, 1 expiring in 30 days" in text


def test_an_administrator_edits_the_catalogue_as_a_new_version(
    client, auth, users, db, frozen_clock
):
    from sqlalchemy import func

    from lms.auditlog.models import AuditEvent
    from lms.requirements.models import CatalogueVersion

    auth.login("admin@example.org")
    page = client.get("/requirements/catalogue")
    text = page.get_data(as_text=True)
    assert "key: cori" in text
    token = csrf_token(client, "/requirements/catalogue")
    bad = client.post(
        "/requirements/catalogue",
        data={
            "csrf_token": token,
            "text": "format: 1\nrequirements:\n  - key: x\n    kind: nope\n",
        },
    )
    assert bad.status_code == 422
    assert "Line 4: &#39;kind&#39; must be one of" in bad.get_data(as_text=True)
    edited = re.search(r"<textarea[^>]*>(.*?)</textarea>", text, re.S).group(1)
    import html

    edited = html.unescape(edited).replace("months: 36", "months: 24", 1)
    saved = client.post("/requirements/catalogue", data={"csrf_token": token, "text": edited})
    assert saved.status_code == 302
    assert db.execute(select(func.count()).select_from(CatalogueVersion)).scalar_one() == 2
    event = (
        db.execute(
            select(AuditEvent)
            .where(AuditEvent.action == "requirements.catalogue.load")
            .order_by(AuditEvent.sequence.desc())
        )
        .scalars()
        .first()
    )
    assert event.details["changed"] == ["cori"]


def test_an_auditor_downloads_the_register_with_evidence_hashes(
    client, auth, users, db, frozen_clock
):
    from lms.requirements.operations import (
        Evidence,
        ItemDetails,
        ensure_catalogue,
        record_item,
        requirement_for,
    )
    from lms.staff.models import VerificationMethod

    mentor = add_mentor(db)
    actor, today = Actor.system("test"), dt.date(2026, 11, 23)
    ensure_catalogue(db, actor, today)
    details = ItemDetails(
        dt.date(2026, 11, 20),
        None,
        None,
        VerificationMethod.OTHER,
        "State portal look-up on the day: cleared",
    )
    cori = requirement_for(db, "cori", today)
    record_item(db, actor, mentor, cori, details, Evidence("cori.pdf", PDF), today)
    db.commit()
    auth.login("auditor@example.org")
    response = client.get("/requirements/register.csv?as_of=2026-11-23")
    assert response.status_code == 200
    rows = {
        r["requirement"]: r for r in csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    }
    assert rows["cori"]["status"] == "met"
    assert rows["cori"]["evidence_sha256"] == hashlib.sha256(PDF).hexdigest()
    assert rows["sori"]["evidence_sha256"] == ""
    # The day before the check, it was not yet on file.
    earlier = client.get("/requirements/register.csv?as_of=2026-11-19").get_data(as_text=True)
    rows = {r["requirement"]: r for r in csv.DictReader(io.StringIO(earlier))}
    assert rows["cori"]["status"] == "missing" and rows["cori"]["evidence_sha256"] == ""


def test_a_clinicians_licence_shows_as_a_requirement_from_the_licence_records(
    client, auth, users, db, frozen_clock, catalogue
):
    from lms.clinicians.operations import LicenceDetails, add_licence
    from lms.config import LICENCE_TYPES

    actor = Actor.system("test")
    sam = make_person(
        db,
        "Sam Okafor",
        date_of_birth=dt.date(1980, 9, 14),
        position=Position.SENIOR_CLINICIAN,
        status=StaffStatus.ACTIVE,
        hire_on=dt.date(2019, 3, 4),
        today=dt.date(2026, 11, 23),
    )
    details = LicenceDetails(
        "LICSW", "112233", "MA", "Board", dt.date(2024, 10, 1), dt.date(2027, 10, 1)
    )
    add_licence(db, actor, sam, details, LICENCE_TYPES)
    db.commit()
    auth.login("hr@example.org")
    page = client.get(f"/requirements/people/{sam.id}?as_of=2026-11-23").get_data(as_text=True)
    row = page[page.index("Clinical licence") :]
    row = row[: row.index("</tr>")]
    assert "Met" in row and "2027-09-30" in row
    assert f"/clinicians/{sam.id}" in row
    # Past its expiry: expired, and the person is not cleared to work.
    late = client.get(f"/requirements/people/{sam.id}?as_of=2027-10-01").get_data(as_text=True)
    assert "Not cleared to work" in late
    # The record form offers no second copy of it.
    form = client.get(f"/requirements/people/{sam.id}/record").get_data(as_text=True)
    assert "clinician_licence" not in form

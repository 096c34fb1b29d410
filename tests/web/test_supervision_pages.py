"""The supervision journey through the pages: a supervisor records and signs the team's week,
a mentor acknowledges, HR sees missed weeks and records leave; clinicians' licences.

``frozen_clock`` stands on Monday 23 November 2026 (10:00 in Massachusetts): this week runs
Sunday 22 to Saturday 28 November, last week 15 to 21 November."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from lms.clinicians.models import Licence
from lms.staff.models import Position
from lms.supervision.models import LeavePeriod, SupervisionSession
from tests.conftest import csrf_token
from tests.integration.supervision_records import add_licence, add_person


@pytest.fixture
def team(db, users, frozen_clock):
    supervisor = add_person(
        db,
        "Sue Pervisor",
        position=Position.LICENSED_CLINICIAN,
        user_id=users["supervisor"].id,
        email="sue@example.org",
    )
    add_licence(db, supervisor)
    alex = add_person(db, "Alex Able", supervisor=supervisor, user_id=users["mentor"].id)
    blair = add_person(db, "Blair Baker", supervisor=supervisor)
    other = add_person(db, "Casey Other")
    db.commit()
    return {"supervisor": supervisor, "alex": alex, "blair": blair, "other": other}


def count(db, model):
    return db.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_supervisor_records_and_signs_the_teams_week(client, auth, db, team):
    auth.login("supervisor@example.org")
    page = client.get("/supervision/record-week")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Alex Able" in text and "Blair Baker" in text and "Casey Other" not in text
    response = client.post(
        "/supervision/record-week",
        data={
            "csrf_token": csrf_token(client, "/supervision/record-week"),
            "rows-0-mentor_id": str(team["alex"].id),
            "rows-0-include": "y",
            "rows-0-held_on": "2026-11-23",
            "rows-0-minutes": "45",
            "rows-0-format": "individual",
            "rows-0-modality": "telehealth",
            "rows-1-mentor_id": str(team["blair"].id),
            "rows-1-held_on": "2026-11-23",
            "rows-1-minutes": "60",
            "rows-1-format": "individual",
            "rows-1-modality": "in_person",
            "topics": ["Case review"],
            "signed_name": "Sue Pervisor",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    row = db.execute(select(SupervisionSession)).scalar_one()
    assert (row.mentor_id, row.minutes, row.signed_name, row.topics) == (
        team["alex"].id,
        45,
        "Sue Pervisor",
        ["Case review"],
    )
    week = client.get("/supervision/week").get_data(as_text=True)
    alex_card, blair_card = week.split("Blair Baker")[0], week.split("Blair Baker")[1]
    assert ">Met<" in alex_card and ">Pending<" in blair_card


def test_a_supervisor_cannot_record_for_someone_elses_mentor(client, auth, db, team):
    auth.login("supervisor@example.org")
    response = client.post(
        "/supervision/record",
        data={
            "csrf_token": csrf_token(client, "/supervision/record"),
            "mentor_id": str(team["other"].id),
            "held_on": "2026-11-23",
            "minutes": "60",
            "format": "individual",
            "modality": "in_person",
        },
    )
    assert response.status_code == 422
    assert count(db, SupervisionSession) == 0


def test_a_note_that_looks_like_a_youths_details_is_held_back_until_checked(client, auth, db, team):
    auth.login("supervisor@example.org")
    data = {
        "csrf_token": csrf_token(client, "/supervision/record"),
        "mentor_id": str(team["alex"].id),
        "held_on": "2026-11-23",
        "minutes": "60",
        "format": "individual",
        "modality": "in_person",
        "note": "Talked through the plan for Jordan Smith, DOB 4/12/2011.",
    }
    response = client.post("/supervision/record", data=data)
    assert response.status_code == 422
    assert "looks like it holds a date of birth" in response.get_data(as_text=True)
    assert count(db, SupervisionSession) == 0
    response = client.post("/supervision/record", data={**data, "note_checked": "y"})
    assert response.status_code == 302
    assert count(db, SupervisionSession) == 1


def test_a_session_in_the_future_is_refused_naming_the_field(client, auth, db, team):
    auth.login("supervisor@example.org")
    response = client.post(
        "/supervision/record",
        data={
            "csrf_token": csrf_token(client, "/supervision/record"),
            "mentor_id": str(team["alex"].id),
            "held_on": "2026-11-25",
            "minutes": "60",
            "format": "individual",
            "modality": "in_person",
        },
    )
    assert response.status_code == 422
    assert "cannot be recorded before it is held" in response.get_data(as_text=True)


def test_the_mentor_acknowledges_a_signed_session(client, auth, db, team):
    auth.login("supervisor@example.org")
    client.post(
        "/supervision/record",
        data={
            "csrf_token": csrf_token(client, "/supervision/record"),
            "mentor_id": str(team["alex"].id),
            "held_on": "2026-11-23",
            "minutes": "50",
            "format": "individual",
            "modality": "in_person",
            "signed_name": "Sue Pervisor",
        },
    )
    row = db.execute(select(SupervisionSession)).scalar_one()
    auth.logout()
    auth.login("mentor@example.org")
    page = client.get("/supervision/mine").get_data(as_text=True)
    assert "Acknowledge" in page and "Signed by Sue Pervisor" in page
    response = client.post(
        f"/supervision/sessions/{row.id}/acknowledge",
        data={"csrf_token": csrf_token(client, "/supervision/mine")},
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.execute(select(SupervisionSession.acknowledged_at)).scalar_one() is not None


def test_a_signed_session_is_corrected_by_a_superseding_one(client, auth, db, team):
    auth.login("supervisor@example.org")
    client.post(
        "/supervision/record",
        data={
            "csrf_token": csrf_token(client, "/supervision/record"),
            "mentor_id": str(team["alex"].id),
            "held_on": "2026-11-23",
            "minutes": "50",
            "format": "individual",
            "modality": "in_person",
            "signed_name": "Sue Pervisor",
        },
    )
    original = db.execute(select(SupervisionSession)).scalar_one()
    url = f"/supervision/sessions/{original.id}/correct"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "mentor_id": str(team["alex"].id),
            "held_on": "2026-11-23",
            "minutes": "30",
            "format": "group",
            "modality": "in_person",
            "signed_name": "Sue Pervisor",
        },
    )
    assert response.status_code == 302
    rows = db.execute(select(SupervisionSession).order_by(SupervisionSession.id)).scalars().all()
    assert [(row.minutes, row.supersedes_id) for row in rows] == [(50, None), (30, original.id)]
    detail = client.get(f"/supervision/sessions/{original.id}").get_data(as_text=True)
    assert "Superseded" in detail


def test_hr_sees_missed_weeks_and_records_leave(client, auth, db, team):
    auth.login("hr@example.org")
    page = client.get("/supervision/missed?from=2026-11-15&to=2026-11-21&as_of=2026-11-23")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Alex Able" in text and "2026-11-15" in text
    csv_text = client.get(
        "/supervision/missed?from=2026-11-15&to=2026-11-21&as_of=2026-11-23&format=csv"
    ).get_data(as_text=True)
    assert csv_text.splitlines()[1].startswith("alex@example.org,2026-11-15,missed,true")

    url = f"/supervision/leave/{team['alex'].id}"
    refused = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "first_day": "2026-11-20",
            "last_day": "2026-11-16",
            "reason": "vacation",
        },
    )
    assert refused.status_code == 422
    assert "must not be before the first" in refused.get_data(as_text=True)
    assert count(db, LeavePeriod) == 0
    client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "first_day": "2026-11-16",
            "last_day": "2026-11-19",
            "reason": "vacation",
        },
    )
    text = client.get(
        "/supervision/missed?from=2026-11-15&to=2026-11-21&as_of=2026-11-23"
    ).get_data(as_text=True)
    assert "Alex Able" not in text and "Blair Baker" in text


def test_hr_records_and_verifies_a_licence(client, auth, db, team):
    auth.login("hr@example.org")
    person = team["supervisor"]
    url = f"/clinicians/{person.id}"
    bad = client.post(
        f"{url}/licences",
        data={
            "csrf_token": csrf_token(client, url),
            "licence_type": "LMHC",
            "licence_number": "9",
            "issuing_state": "M1",
            "issuing_board": "Board",
            "issued_on": "2026-01-01",
            "expires_on": "2028-01-01",
        },
    )
    assert bad.status_code == 422
    assert "two-letter state code" in bad.get_data(as_text=True)
    assert count(db, Licence) == 1
    not_yet = client.post(
        f"{url}/licences",
        data={
            "csrf_token": csrf_token(client, url),
            "licence_type": "LMHC",
            "licence_number": "9",
            "issuing_state": "MA",
            "issuing_board": "Board",
            "issued_on": "2026-12-31",
            "expires_on": "2028-12-31",
        },
    )
    assert not_yet.status_code == 422
    assert "the issue date is in the future" in not_yet.get_data(as_text=True)
    assert count(db, Licence) == 1
    good = client.post(
        f"{url}/licences",
        data={
            "csrf_token": csrf_token(client, url),
            "licence_type": "LMHC",
            "licence_number": "9",
            "issuing_state": "ma",
            "issuing_board": "Board of Allied Mental Health",
            "issued_on": "2026-01-01",
            "expires_on": "2028-01-01",
        },
    )
    assert good.status_code == 302
    licence = db.execute(select(Licence).where(Licence.licence_type == "LMHC")).scalar_one()
    assert licence.issuing_state == "MA" and not licence.verified
    verified = client.post(
        f"{url}/licences/{licence.id}/verify",
        data={
            "csrf_token": csrf_token(client, url),
            f"verify-{licence.id}-method": "board_lookup",
            f"verify-{licence.id}-note": "",
        },
    )
    # A look-up with nothing attached rests on a note saying what was looked up and when.
    assert verified.status_code == 422
    assert "No document is attached, so say how it was confirmed" in verified.get_data(as_text=True)
    verified = client.post(
        f"{url}/licences/{licence.id}/verify",
        data={
            "csrf_token": csrf_token(client, url),
            f"verify-{licence.id}-method": "board_lookup",
            f"verify-{licence.id}-note": "Board's online look-up on 2026-11-23: active.",
        },
    )
    assert verified.status_code == 302
    db.expire_all()
    assert db.execute(select(Licence.verified_at).where(Licence.id == licence.id)).scalar_one()
    page = client.get(f"{url}?on=2026-11-23").get_data(as_text=True)
    assert "Could supervise</dt><dd>Yes" in page
    assert "Specialised training not recorded" in page


def test_a_supervisor_sees_only_their_own_clinician_page(client, auth, db, team, users):
    auth.login("supervisor@example.org")
    assert client.get(f"/clinicians/{team['supervisor'].id}").status_code == 200
    stranger = add_person(db, "Sky Stranger", position=Position.LICENSED_CLINICIAN)
    db.commit()
    assert (
        client.get(f"/clinicians/{stranger.id}").status_code == 404
    )  # not theirs: as if it did not exist


def test_a_mentor_sees_only_their_own_history(client, auth, db, team):
    auth.login("mentor@example.org")
    assert client.get(f"/supervision/mentors/{team['alex'].id}").status_code == 200
    assert (
        client.get(f"/supervision/mentors/{team['blair'].id}").status_code == 404
    )  # not theirs: as if it did not exist


def test_the_week_page_takes_a_constant_number_of_queries(client, auth, db, team, count_queries):
    auth.login("supervisor@example.org")
    client.get("/supervision/week")
    with count_queries() as few:
        client.get("/supervision/week")
    for index in range(6):
        add_person(
            db, f"Extra{index} Mentor", supervisor=team["supervisor"], hire_on=dt.date(2026, 2, 2)
        )
    db.commit()
    with count_queries() as many:
        client.get("/supervision/week")
    assert many.count == few.count


def test_the_supervision_log_has_every_week_of_the_period(client, auth, db, team):
    auth.login("auditor@example.org")
    response = client.get("/supervision/log.csv?from=2026-11-15&to=2026-11-21&as_of=2026-11-23")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="supervision-log-2026-11-15-2026-11-21-as-of-2026-11-23.csv"'
    )
    assert response.get_data(as_text=True).splitlines() == [
        "mentor_email,week_starts_on,status,required,held_on,supervisor_email,counts,reason",
        "alex@example.org,2026-11-15,missed,true,,,,",
        "blair@example.org,2026-11-15,missed,true,,,,",
        "casey@example.org,2026-11-15,missed,true,,,,",
    ]


def test_an_auditor_limited_to_a_range_of_records_is_held_to_it(client, auth, db, team, users):
    users["auditor"].records_until = dt.date(2026, 10, 31)
    db.commit()
    auth.login("auditor@example.org")
    refused = client.get("/supervision/missed?as_of=2026-11-23")
    assert refused.status_code == 403
    allowed = client.get("/supervision/log.csv?from=2026-10-01&to=2026-10-31&as_of=2026-10-31")
    assert allowed.status_code == 200
    assert client.get("/supervision/missed?as_of=2026-10-31").status_code == 200


def test_the_future_and_long_periods_are_refused(client, auth, db, team):
    auth.login("hr@example.org")
    assert client.get("/supervision/missed?as_of=2026-12-01").status_code == 400
    assert client.get("/supervision/log.csv?from=2025-01-01&to=2026-11-23").status_code == 400


def test_a_supervisor_without_a_staff_record_is_told_to_ask_hr(client, auth, users):
    auth.login("supervisor@example.org")
    response = client.get("/supervision/week")
    assert response.status_code == 404
    assert "not linked to a staff record" in response.get_data(as_text=True)


def test_the_lists_take_a_constant_number_of_queries(client, auth, db, team, count_queries):
    auth.login("hr@example.org")
    pages = ("/clinicians", "/supervision/missed?from=2026-11-01&to=2026-11-21")
    for page in pages:
        client.get(page)
    with count_queries() as few:
        for page in pages:
            assert client.get(page).status_code == 200
    for index in range(5):
        clinician = add_person(db, f"Clin{index} Ician", position=Position.LICENSED_CLINICIAN)
        add_licence(db, clinician)
        add_person(db, f"Extra{index} Mentor", supervisor=clinician)
    db.commit()
    with count_queries() as many:
        for page in pages:
            assert client.get(page).status_code == 200
    assert many.count == few.count


def test_a_verification_by_other_means_must_say_how(client, auth, db, team):
    auth.login("hr@example.org")
    licence = db.execute(select(Licence)).scalar_one()
    url = f"/clinicians/{team['supervisor'].id}"
    response = client.post(
        f"{url}/licences/{licence.id}/verify",
        data={
            "csrf_token": csrf_token(client, url),
            f"verify-{licence.id}-method": "other",
            f"verify-{licence.id}-note": "",
        },
    )
    assert response.status_code == 422
    assert "Say how the licence was checked." in response.get_data(as_text=True)
    db.expire_all()
    assert db.execute(select(Licence.verified_at)).scalar_one() is None

"""The Organisation settings page: administrators save the provider's details; every page,
alert email, newly published edition and newly issued certificate uses them from then on."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from lms.actor import Actor
from lms.auditlog.models import AuditEvent
from lms.auth.models import Role
from lms.certificates.models import Certificate
from lms.curriculum.models import ModuleVersion
from lms.organisation.models import OrganisationSettingsVersion
from lms.staff.models import Position, StaffStatus
from lms.staff.operations import create_person
from lms.training.operations import ensure_current_cycle
from tests.conftest import csrf_token
from tests.integration.test_alert_cli import configure
from tests.integration.test_alert_delivery import free_port, smtp  # noqa: F401 (a fixture)
from tests.integration.test_alerts_decide import build_org
from tests.integration.test_training_operations import SETTINGS, complete_module
from tests.support.editions import Folder
from tests.support.factories import person_details
from tests.support.pdfs import text_of

PAGE = "/admin/organisation"
ACTOR = Actor.system("test")

HARBOR = {
    "organisation_name": "Harbor Youth Services",
    "on_call_phone": "617-555-0100",
    "emergency_protocol": "call 911, then the on-call clinician at 617-555-0100",
    "supervisor_contact": "your supervisor, Dana Whitfield",
    "training_director_name": "Dr. Ana Reyes",
    "training_director_title": "Clinical Director",
}


@pytest.fixture
def environment(app):
    """What the LMS_* variables say, pinned here rather than read from the shell running tests."""
    app.config.update(
        LMS_ORGANISATION_NAME="Bayside Mentoring",
        TRAINING_DIRECTOR_NAME="Pat Lee",
        TRAINING_DIRECTOR_TITLE="Director of Training",
        CURRICULUM_PLACEHOLDERS={
            "organisation_name": "Bayside Mentoring",
            "on_call_phone": "508-555-0123",
            "emergency_protocol": "",
            "supervisor_contact": "",
            "training_director": "Pat Lee",
        },
    )


@pytest.fixture
def admin(client, auth, users, environment, frozen_clock):
    auth.login("admin@example.org")
    return client


def save(client, **changes: str):
    token = csrf_token(client, PAGE)
    return client.post(PAGE, data={"csrf_token": token, **HARBOR, **changes})


def versions(db) -> int:
    return db.execute(select(func.count()).select_from(OrganisationSettingsVersion)).scalar_one()


def save_events(db) -> int:
    return db.execute(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "organisation.settings_save")
    ).scalar_one()


def test_until_a_save_the_page_shows_the_environments_values(admin):
    response = admin.get(PAGE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nothing has been saved here yet" in page
    assert 'value="Bayside Mentoring"' in page
    assert 'value="508-555-0123"' in page
    assert 'value="Pat Lee"' in page
    assert '<span class="brand__org">Bayside Mentoring</span>' in page
    assert "No changes saved yet." in page
    assert '<label for="on_call_phone">On-call phone</label>' in page
    # Blank values fall back to the course's own wording, and the page says which.
    assert "Leave blank for “your assigned supervisor”." in page


def test_an_admin_saves_and_every_page_shows_the_new_values(admin, db):
    response = save(admin)
    assert response.status_code == 302
    assert response.headers["Location"] == PAGE
    page = admin.get(PAGE).get_data(as_text=True)
    assert "Organisation settings saved." in page
    assert "In force since 2026-11-23 10:00 EST, saved by admin@example.org." in page
    for value in HARBOR.values():
        assert f'value="{value}"' in page
    assert '<span class="brand__org">Harbor Youth Services</span>' in page
    home = admin.get("/admin").get_data(as_text=True)
    assert "<title>Administration · Harbor Youth Services Mentor Training</title>" in home
    assert "qualification records for Harbor Youth Services." in home
    assert versions(db) == 1
    assert save_events(db) == 1


def test_the_history_shows_who_changed_what_and_when(admin, frozen_clock):
    save(admin)
    frozen_clock.advance(minutes=10)
    save(admin, training_director_name="Sam Okafor")
    page = admin.get(PAGE).get_data(as_text=True)
    history = page.split('id="history-heading"')[1]
    newest, first = history.split("<tr>")[2:4]
    # 15:10 UTC is 10:10 in Boston (EST, UTC-5): times are shown in LMS_TIMEZONE.
    assert "2026-11-23 10:10 EST" in newest and "admin@example.org" in newest
    assert "<dt>Training director</dt><dd>Sam Okafor</dd>" in newest
    assert "On-call phone" not in newest  # unchanged by that save
    assert "2026-11-23 10:00 EST" in first
    assert "The first save here; before it, the environment's values applied." in first
    assert "<dt>On-call phone</dt><dd>617-555-0100</dd>" in first


def test_saving_the_same_values_again_writes_nothing(admin, db):
    save(admin)
    response = save(admin)
    assert response.status_code == 302
    page = admin.get(PAGE).get_data(as_text=True)
    assert "Nothing changed: the settings were already these." in page
    assert versions(db) == 1
    assert save_events(db) == 1


def test_bad_input_is_refused_with_each_field_named_and_nothing_written(admin, db):
    response = save(admin, organisation_name="  ", on_call_phone="617-555\t0100")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert '<a href="#organisation_name">Enter the organisation&#39;s name.</a>' in page
    assert (
        '<a href="#on_call_phone">On-call phone must be on one line, without tabs or other '
        "control characters.</a>"
    ) in page
    assert 'aria-invalid="true"' in page
    assert versions(db) == 0
    assert save_events(db) == 0
    assert '<span class="brand__org">Bayside Mentoring</span>' in page


def test_a_too_long_value_is_refused(admin, db):
    response = save(admin, training_director_title="T" * 121)
    assert response.status_code == 422
    assert "Training director&#39;s title must be 120 characters or fewer." in (
        response.get_data(as_text=True)
    )
    assert versions(db) == 0


def test_without_the_forms_token_nothing_is_saved(admin, db):
    assert admin.post(PAGE, data=HARBOR).status_code == 400
    assert versions(db) == 0


@pytest.mark.parametrize("role", ["hr", "supervisor", "mentor", "auditor"])
def test_only_administrators_see_or_change_the_settings(client, auth, users, db, role):
    auth.login(f"{role}@example.org")
    assert client.get(PAGE).status_code == 403
    token = csrf_token(client, "/")  # a valid token: the refusal is about the role
    assert client.post(PAGE, data={"csrf_token": token, **HARBOR}).status_code == 403
    assert versions(db) == 0


def test_the_admin_home_page_links_to_the_settings(admin):
    assert f'href="{PAGE}"' in admin.get("/admin").get_data(as_text=True)


def test_a_page_reads_the_settings_once_however_often_it_shows_them(admin, count_queries):
    save(admin)
    with count_queries() as counter:
        assert admin.get("/admin").status_code == 200  # the name is in title, header and footer
    reads = [s for s in counter.statements if "organisation_settings_versions" in s]
    assert len(reads) == 1


def test_alert_emails_are_signed_with_the_saved_name(
    client,
    auth,
    make_user,
    environment,
    frozen_clock,
    app,
    runner,
    db,
    smtp,  # noqa: F811
):
    make_user("admin@example.org", Role.ADMIN)  # build_org makes the other accounts
    auth.login("admin@example.org")
    save(client)
    inbox, port = smtp
    configure(app, port)
    build_org(db)
    assert runner.invoke(args=["alerts", "run"]).exit_code == 0
    bodies = [message.get_body(("plain",)).get_content() for _, message in inbox.messages]
    assert bodies
    assert all("Sent by the Harbor Youth Services mentor training records" in b for b in bodies)


# -- the course text and certificates ---------------------------------------------------------


def test_publishing_the_course_after_a_save_fills_in_the_saved_values(admin, db):
    save(admin)
    page = admin.get("/admin/curriculum/review?folder=tm-core/2027").get_data(as_text=True)
    sha = page.split('name="sha256" value="')[1].split('"')[0]
    published = admin.post(
        "/admin/curriculum/publish",
        data={
            "csrf_token": csrf_token(admin, "/admin/curriculum/"),
            "folder": "tm-core/2027",
            "sha256": sha,
            "confirm": "yes",
        },
    )
    assert published.status_code == 302
    crisis = db.execute(
        select(ModuleVersion).where(ModuleVersion.module_key == "crisis-management")
    ).scalar_one()
    text = "\n".join(section["markdown"] for section in crisis.sections)
    assert (
        "Harbor Youth Services's emergency protocol is: call 911, then the on-call clinician at "
        "617-555-0100."
    ) in text
    assert "You reach the on-call senior clinician through 617-555-0100." in text


@pytest.fixture
def mentor(db, users):
    """A mentor (signed in as mentor@example.org) and their supervisor, hired 2030-01-06."""
    details = {"date_of_birth": dt.date(1980, 2, 2), "status": StaffStatus.ACTIVE}
    supervisor = create_person(
        db,
        ACTOR,
        person_details(
            "Sue Pervisor",
            position=Position.LICENSED_CLINICIAN,
            hire_on=dt.date(2020, 1, 1),
            user_email="supervisor@example.org",
            **details,
        ),
        dt.date(2030, 1, 6),
    )
    mentor = create_person(
        db,
        ACTOR,
        person_details(
            "Rosa María Díaz",
            position=Position.THERAPEUTIC_MENTOR,
            hire_on=dt.date(2030, 1, 6),
            supervisor_id=supervisor.id,
            user_email="mentor@example.org",
            **details,
        ),
        dt.date(2030, 1, 6),
    )
    db.commit()  # a request that writes nothing rolls back what was not committed
    return mentor


def test_a_certificate_issued_after_a_save_carries_the_saved_signatory(
    admin, auth, app, runner, db, frozen_clock, tmp_path, mentor
):
    frozen_clock.current = dt.datetime(2030, 1, 28, 15, 0, tzinfo=dt.UTC)
    auth.login("admin@example.org")  # the clock jumped past the session's limits
    save(admin)
    folder = Folder(tmp_path / "demo" / "2030", item_rules=True)  # the command checks them
    folder.edit(
        "alpha.md",
        "Call {{ on_call_phone }} when in doubt.",
        "At {{ organisation_name }}, call {{ on_call_phone }} when in doubt.",
    )
    published = runner.invoke(args=["curriculum", "publish", str(folder.path)])
    assert published.exit_code == 0, published.output
    alpha = db.execute(
        select(ModuleVersion).where(ModuleVersion.module_key == "alpha")
    ).scalar_one()
    assert (
        "At Harbor Youth Services, call 617-555-0100 when in doubt."
        in (alpha.sections[0]["markdown"])
    )

    cycle = ensure_current_cycle(db, mentor, dt.date(2030, 1, 28), SETTINGS)
    complete_module(db, mentor, cycle, 1, dt.date(2030, 1, 28))
    complete_module(db, mentor, cycle, 2, dt.date(2030, 1, 28))
    certificate = db.execute(select(Certificate)).scalar_one()
    db.commit()

    auth.login("mentor@example.org")
    pdf = admin.get(f"/certificates/{certificate.id}.pdf")
    assert pdf.status_code == 200
    text = text_of(pdf.data)
    for printed in ["Harbor Youth Services", "Dr. Ana Reyes", "Clinical Director"]:
        assert printed in text
    assert "Pat Lee" not in text and "Bayside Mentoring" not in text

    # A later change applies to later certificates and the next publication, never to what
    # was already issued or published: this certificate still reprints the same bytes.
    frozen_clock.advance(days=1)
    auth.login("admin@example.org")
    save(admin, training_director_name="Sam Okafor", on_call_phone="617-555-0199")
    auth.login("mentor@example.org")
    assert admin.get(f"/certificates/{certificate.id}.pdf").data == pdf.data
    db.expire_all()
    assert (
        "call 617-555-0100 when in doubt" in db.get(ModuleVersion, alpha.id).sections[0]["markdown"]
    )
    pending = runner.invoke(args=["curriculum", "publish", "--dry-run", str(folder.path)])
    assert "Changed modules: alpha, beta" in pending.output

"""A small demo organisation so a new developer or evaluator can sign in as every role."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from decimal import Decimal

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.actor import Actor
from lms.auth.models import Role, User
from lms.auth.operations import create_user
from lms.config import PROJECT_ROOT
from lms.curriculum.loader import load_edition
from lms.curriculum.operations import plan_publication, publish_edition
from lms.eligibility.models import HumanServicesBasis
from lms.eligibility.operations import (
    CredentialDetails,
    ExperienceDetails,
    add_credential,
    add_experience,
    verify_fact,
)
from lms.eligibility.rules import CredentialLevel, Population
from lms.provider_time import provider_today
from lms.staff.models import Person, Position, StaffStatus, VerificationMethod
from lms.staff.operations import PersonDetails, create_person, update_person, verify_identity
from lms.training.operations import (
    TrainingSettings,
    record_imported_completion,
    settings_from_config,
)

#: Shared by every demo account; printed by ``lms demo``. Demo data never exists in production.
DEMO_PASSWORD = "harbor-lantern-2026"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    roles: tuple[Role, ...]
    access_days: int | None = None  # auditors: how long from today their access lasts


DEMO_ACCOUNTS = (
    DemoAccount("admin@demo.example", "Avery Admin", (Role.ADMIN,)),
    DemoAccount("hr@demo.example", "Harper Reyes", (Role.HR,)),
    DemoAccount("supervisor@demo.example", "Dr. Sam Okafor, LICSW", (Role.SUPERVISOR,)),
    DemoAccount("mentor@demo.example", "Jordan Mentor", (Role.MENTOR,)),
    DemoAccount("mentor2@demo.example", "Riley Santos", (Role.MENTOR,)),
    DemoAccount("mentor3@demo.example", "Casey Nguyen", (Role.MENTOR,)),
    DemoAccount("auditor@demo.example", "Morgan Auditor", (Role.AUDITOR,), access_days=90),
)


class DemoRefused(RuntimeError):
    pass


def _holds_people(session: Session) -> bool:
    users = session.execute(select(func.count()).select_from(User)).scalar_one()
    people = session.execute(select(func.count()).select_from(Person)).scalar_one()
    return bool(users or people)


def load_demo(
    session: Session,
    actor: Actor,
    hasher,
    today: dt.date,
    placeholders: dict[str, str],
    training_settings: TrainingSettings,
) -> list[DemoAccount]:
    """Create the demo accounts and staff; refuses when the database already holds people."""
    if _holds_people(session):
        raise DemoRefused(
            "the database already holds people; the demo only loads into an empty one"
        )
    for account in DEMO_ACCOUNTS:
        create_user(
            session,
            actor,
            hasher,
            email=account.email,
            full_name=account.full_name,
            password=DEMO_PASSWORD,
            roles=account.roles,
            access_ends_on=(
                today + dt.timedelta(days=account.access_days) if account.access_days else None
            ),
        )
    _publish_demo_curriculum(session, actor, placeholders)
    _load_demo_staff(session, actor, today, training_settings)
    _load_demo_supervision(session, actor, today)
    _load_demo_requirements(session, actor, today)
    _load_demo_lapsed_supervisor(session, actor, today)
    return list(DEMO_ACCOUNTS)


def _load_demo_lapsed_supervisor(session: Session, actor: Actor, today: dt.date) -> None:
    """A covering clinician whose licence lapsed three weeks ago and a session they held since
    (from a paper log), so ``lms alerts run`` shows HR "supervision without a valid licence"."""
    from lms.clinicians.operations import LicenceDetails, add_licence
    from lms.config import LICENCE_TYPES
    from lms.supervision.operations import SessionDetails, record_imported_session
    from lms.supervision.rules import Modality, SessionFormat

    clinician = create_person(
        session,
        actor,
        PersonDetails(
            legal_name="Dana Reyes",
            date_of_birth=dt.date(1983, 9, 3),
            position=Position.LICENSED_CLINICIAN,
            status=StaffStatus.ACTIVE,
            work_email="dana.reyes@demo.example",
            hire_on=_years_ago(today, 3),
        ),
        today,
    )
    lapsed_on = today - dt.timedelta(days=21)
    add_licence(
        session,
        actor,
        clinician,
        LicenceDetails(
            "LMHC",
            "DEMO-0002",
            "MA",
            "Board of Registration of Allied Mental Health Professions",
            lapsed_on - dt.timedelta(days=730),
            lapsed_on,
        ),
        LICENCE_TYPES,
    )
    mentor = session.execute(
        select(Person)
        .where(
            Person.position == Position.THERAPEUTIC_MENTOR,
            Person.status == StaffStatus.ACTIVE,
            Person.work_email != "mentor@demo.example",
        )
        .order_by(Person.id)
        .limit(1)
    ).scalar_one_or_none()
    if mentor is None:
        return
    record_imported_session(
        session,
        actor,
        SessionDetails(
            mentor_id=mentor.id,
            supervisor_id=clinician.id,
            held_on=today - dt.timedelta(days=6),
            minutes=45,
            format=SessionFormat.INDIVIDUAL,
            modality=Modality.TELEHEALTH,
        ),
        today,
        (),
    )


def _load_demo_supervision(session: Session, actor: Actor, today: dt.date) -> None:
    """The supervisor's licence (verified) and five of the six training areas, so their page
    shows a warning, and last week's signed session with Jordan; this week is still pending."""
    from lms.clinicians.models import LicenceVerificationMethod, ShownHow
    from lms.clinicians.operations import (
        LicenceDetails,
        TrainingAreaDetails,
        add_licence,
        record_training_area,
        verify_licence,
    )
    from lms.clinicians.rules import TrainingArea
    from lms.config import LICENCE_TYPES, SUPERVISION_TOPICS
    from lms.supervision.operations import SessionDetails, record_session
    from lms.supervision.rules import Modality, SessionFormat, week_start

    def person(email: str) -> Person:
        return session.execute(select(Person).where(Person.work_email == email)).scalar_one()

    supervisor, jordan = person("supervisor@demo.example"), person("mentor@demo.example")
    expires_on = today + dt.timedelta(days=75)
    licence = add_licence(
        session,
        actor,
        supervisor,
        LicenceDetails(
            "LICSW",
            "DEMO-0001",
            "MA",
            "Board of Registration of Social Workers",
            expires_on - dt.timedelta(days=730),
            expires_on,
        ),
        LICENCE_TYPES,
    )
    verify_licence(session, actor, licence, LicenceVerificationMethod.BOARD_LOOKUP, None)
    for area in list(TrainingArea)[:5]:
        record_training_area(
            session,
            actor,
            supervisor,
            TrainingAreaDetails(area, ShownHow.DEGREE_COURSEWORK, dt.date(2004, 5, 20)),
            today,
        )
    signer = Actor(supervisor.user_id, "supervisor@demo.example")
    held_on = week_start(today) - dt.timedelta(days=5)  # last week's Tuesday
    record_session(
        session,
        signer,
        SessionDetails(
            mentor_id=jordan.id,
            supervisor_id=supervisor.id,
            held_on=held_on,
            minutes=60,
            format=SessionFormat.INDIVIDUAL,
            modality=Modality.IN_PERSON,
            topics=SUPERVISION_TOPICS[:2],
            note="Reviewed boundaries and self-care.",
        ),
        today,
        SUPERVISION_TOPICS,
        signed_name="Samuel Okafor",
    )


def _load_demo_requirements(session: Session, actor: Actor, today: dt.date) -> None:
    """Requirements in every status: the supervisor cleared with a policy signed (their monthly
    screening due within the week), one mentor with a CPR card about to lapse, one whose monthly
    screening lapsed, the rest with nothing yet."""
    from lms.requirements.operations import (
        Evidence,
        ItemDetails,
        ensure_catalogue,
        publish_policy,
        record_item,
        requirement_for,
        sign_policy,
    )

    ensure_catalogue(session, actor, today)
    people = list(session.execute(select(Person).order_by(Person.id)).scalars())
    day = dt.timedelta(days=1)
    pdf = b"%PDF-1.4\n% demo evidence\n"

    def add(person, key, done_on, expires_on=None):
        record_item(
            session,
            actor,
            person,
            requirement_for(session, key, today),
            ItemDetails(done_on, expires_on, None, VerificationMethod.OTHER, "Demo record"),
            Evidence(f"{key}.pdf", pdf),
            today,
        )

    checks = ("cori", "sori", "oig_exclusion_screening", "masshealth_exclusion_screening")
    active = [p for p in people if p.status is StaffStatus.ACTIVE]
    for index, person in enumerate(active):
        if index % 3 == 2:
            continue  # nothing recorded: missing, or pending inside the first-due period
        for key in checks:
            # The second of every three has last month's screening lapse; the rest are current.
            lapsed = index % 3 == 1 and "exclusion" in key
            # The first person's screening falls due within the week: HR's "check due" alert.
            due_soon = index == 0 and "exclusion" in key
            add(person, key, today - (40 if lapsed else 26 if due_soon else 5) * day)
        issued = today - 700 * day
        expires = today + (20 if index % 3 == 1 else 400) * day  # due soon, or met
        add(person, "cpr_first_aid", issued, expires)
    conduct = publish_policy(
        session,
        actor,
        requirement_for(session, "code_of_conduct", today),
        "Code of conduct",
        "Treat every young person and family with respect.\n\n"
        "Keep to the plan of care and tell your supervisor at once about any concern.",
        today,
        today,
    )
    signer = next((p for p in active if p.user_id is not None), None)
    if signer is not None:
        user = session.get(User, signer.user_id)
        sign_policy(
            session,
            Actor(user.id, user.email, None),
            signer,
            conduct,
            signer.legal_name,
            today,
        )


#: The 2026 edition stays published for the records trained on it; 2027 takes over on its
#: effective date (2027-01-01), so both are in the demo as in a provider's database.
DEMO_EDITIONS = ("2026", "2027")


def _publish_demo_curriculum(session: Session, actor: Actor, placeholders) -> None:
    for name in DEMO_EDITIONS:
        edition, problems = load_edition(PROJECT_ROOT / "curricula" / "tm-core" / name)
        if edition is None:
            raise DemoRefused(f"the demo curriculum has problems: {problems[0]}")
        publish_edition(session, actor, plan_publication(session, edition, placeholders))


def _years_ago(today: dt.date, years: int, days: int = 0) -> dt.date:
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


def _load_demo_staff(
    session: Session, actor: Actor, today: dt.date, training_settings: TrainingSettings
) -> None:
    """A supervisor and mentors in each eligibility state, built through the real operations."""
    supervisor = create_person(
        session,
        actor,
        PersonDetails(
            legal_name="Samuel Okafor",
            preferred_name="Sam",
            date_of_birth=dt.date(1979, 5, 14),
            position=Position.LICENSED_CLINICIAN,
            status=StaffStatus.ACTIVE,
            work_email="supervisor@demo.example",
            hire_on=_years_ago(today, 6),
            user_email="supervisor@demo.example",
            licence_type="LICSW",
            licence_number="DEMO-0001",
            licence_expires_on=today + dt.timedelta(days=75),
        ),
        today,
    )
    verify_identity(session, actor, supervisor, VerificationMethod.GOVERNMENT_ID, None, today)

    def mentor(name, born, status, email=None, hired=None, user=None):
        return create_person(
            session,
            actor,
            PersonDetails(
                legal_name=name,
                date_of_birth=born,
                position=Position.THERAPEUTIC_MENTOR,
                status=status,
                work_email=email,
                hire_on=hired,
                supervisor_id=supervisor.id,
                user_email=user,
            ),
            today,
        )

    def degree(person, level, field, school, conferred, basis, verify=True):
        credential = add_credential(
            session,
            actor,
            person,
            CredentialDetails(
                level=level,
                institution=school,
                conferred_on=conferred,
                accredited=True,
                field_of_study=field,
                accreditation_checked_how="DAPIP look-up",
                human_services_basis=basis,
            ),
            today,
        )
        if verify:
            # No transcript file in the demo: the degree was confirmed with the registrar,
            # and the note says how, as an auditor would need to see.
            verify_fact(
                session,
                actor,
                person,
                credential,
                VerificationMethod.REGISTRAR,
                f"Called the registrar's office (617-555-0142) on {today.isoformat()}: degree "
                "and conferral date confirmed by the records clerk.",
                today,
            )

    def job(person, employer, role, start, end, hours, target, verify=True):
        entry = add_experience(
            session,
            actor,
            person,
            ExperienceDetails(
                employer=employer,
                role=role,
                start_on=start,
                end_on=end,
                hours_per_week=Decimal(hours),
                population=Population.YOUTH,
                target_population=target,
            ),
            today,
        )
        if verify:
            verify_fact(
                session,
                actor,
                person,
                entry,
                VerificationMethod.EMPLOYER_REFERENCE,
                f"Reference call to the program director (617-555-0188) on {today.isoformat()}: "
                "dates, hours and the youth population confirmed.",
                today,
            )

    jordan = mentor(
        "Jordan Ellis",
        dt.date(1998, 4, 2),
        StaffStatus.ACTIVE,
        "mentor@demo.example",
        _years_ago(today, 1, 20),
        "mentor@demo.example",
    )
    verify_identity(session, actor, jordan, VerificationMethod.GOVERNMENT_ID, None, today)
    degree(
        jordan,
        CredentialLevel.BACHELOR,
        "Psychology",
        "University of Massachusetts Boston",
        dt.date(2020, 5, 15),
        HumanServicesBasis.LISTED,
    )
    job(
        jordan,
        "Boys & Girls Club of Dorchester",
        "Youth program staff",
        dt.date(2020, 9, 8),
        _years_ago(today, 1, 21),
        40,
        False,
    )
    # Trained last year, before the app: the renewal window is open now.
    record_imported_completion(
        session,
        actor,
        jordan,
        today - dt.timedelta(days=300),
        "Demo: completed on paper before the app",
        today,
        training_settings,
    )

    riley = mentor(
        "Riley Santos",
        dt.date(2000, 2, 29),
        StaffStatus.ACTIVE,
        "mentor2@demo.example",
        today - dt.timedelta(days=20),
        "mentor2@demo.example",
    )
    verify_identity(session, actor, riley, VerificationMethod.GOVERNMENT_ID, None, today)
    degree(
        riley, CredentialLevel.HIGH_SCHOOL, None, "Brockton High School", dt.date(2018, 6, 3), None
    )
    job(
        riley,
        "YMCA of Greater Brockton",
        "After-school counselor",
        dt.date(2019, 1, 7),
        dt.date(2021, 6, 30),
        25,
        False,
    )
    job(
        riley,
        "Brockton Public Schools",
        "Paraprofessional",
        dt.date(2021, 9, 1),
        today - dt.timedelta(days=21),
        35,
        True,
        verify=False,
    )

    casey = mentor(
        "Casey Nguyen", dt.date(2001, 9, 19), StaffStatus.CANDIDATE, user="mentor3@demo.example"
    )
    degree(
        casey,
        CredentialLevel.ASSOCIATE,
        "Human Services",
        "Bunker Hill Community College",
        dt.date(2023, 5, 20),
        HumanServicesBasis.LISTED,
        verify=False,
    )
    job(
        casey,
        "Camp Harbor View",
        "Camp counselor",
        today - dt.timedelta(days=400),
        None,
        20,
        False,
        verify=False,
    )

    # Left for a year and came back: the first employment and its training stay on record, and
    # the rehire starts a new initial cycle (already overdue).
    first_hire, left_on = _years_ago(today, 3), _years_ago(today, 1, 100)
    alex = mentor("Alex Romero", dt.date(1996, 11, 2), StaffStatus.ACTIVE, hired=first_hire)
    verify_identity(session, actor, alex, VerificationMethod.GOVERNMENT_ID, None, today)
    degree(
        alex,
        CredentialLevel.BACHELOR,
        "Social Work",
        "Salem State University",
        dt.date(2018, 5, 19),
        HumanServicesBasis.LISTED,
    )
    job(alex, "Lynn Youth Street Outreach", "Outreach worker", dt.date(2018, 7, 1), None, 20, True)
    record_imported_completion(
        session,
        actor,
        alex,
        first_hire + dt.timedelta(days=21),
        "Demo: completed on paper during the first employment",
        today,
        training_settings,
    )
    alex_details = dict(
        legal_name="Alex Romero",
        date_of_birth=dt.date(1996, 11, 2),
        position=Position.THERAPEUTIC_MENTOR,
        supervisor_id=supervisor.id,
    )
    update_person(
        session,
        actor,
        alex,
        PersonDetails(
            **alex_details,
            status=StaffStatus.SEPARATED,
            hire_on=first_hire,
            separated_on=left_on,
        ),
        today,
    )
    rehired = PersonDetails(
        **alex_details, status=StaffStatus.ACTIVE, hire_on=today - dt.timedelta(days=40)
    )
    update_person(session, actor, alex, rehired, today)

    taylor = mentor(
        "Taylor Brooks",
        today.replace(year=today.year - 21) + dt.timedelta(days=45),
        StaffStatus.CANDIDATE,
    )
    degree(taylor, CredentialLevel.GED, None, "Massachusetts HiSET", dt.date(2022, 8, 1), None)
    job(taylor, "Worcester Youth Center", "Peer mentor", dt.date(2022, 9, 1), None, 40, True)


@click.command("demo")
@with_appcontext
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing (and succeed) when the database already holds people.",
)
def demo_command(if_empty: bool) -> None:
    """Load the demo organisation into an empty development database and print its logins."""
    if current_app.config["LMS_ENV"] == "production":
        click.echo("Refusing to load demo accounts into a production configuration.", err=True)
        sys.exit(2)
    from lms.cli import cli_actor, new_session
    from lms.organisation.queries import organisation_settings

    session = new_session()
    try:
        accounts = load_demo(
            session,
            cli_actor(),
            current_app.extensions["lms.auth"].hasher,
            provider_today(),
            organisation_settings(session, current_app.config).curriculum_placeholders,
            settings_from_config(current_app.config),
        )
        session.commit()
    except DemoRefused as refusal:
        session.rollback()
        if if_empty:
            click.echo("Keeping the existing data (the demo loads only into an empty database).")
            return
        click.echo(f"Refusing to load the demo: {refusal}.", err=True)
        sys.exit(2)
    finally:
        session.close()
    click.echo(f"Demo organisation loaded. Sign in at {current_app.config['PUBLIC_URL']} with:")
    for account in accounts:
        roles = ", ".join(role.label for role in account.roles)
        click.echo(f"  {account.email:<26} {roles:<14} password: {DEMO_PASSWORD}")

"""A small demo organisation so a new developer or evaluator can sign in as every role."""

from __future__ import annotations

import datetime as dt
import random
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
from lms.certificates.models import Certificate
from lms.certificates.operations import revoke_certificate
from lms.config import PROJECT_ROOT
from lms.curriculum.loader import load_edition
from lms.curriculum.models import CurriculumEdition
from lms.curriculum.operations import plan_publication, publish_edition
from lms.eligibility.models import EvidenceSubject, HumanServicesBasis
from lms.eligibility.operations import (
    CredentialDetails,
    ExperienceDetails,
    add_credential,
    add_experience,
    attach_evidence,
    verify_fact,
)
from lms.eligibility.rules import CredentialLevel, Population
from lms.provider_time import provider_today
from lms.staff.models import Person, Position, StaffStatus, VerificationMethod
from lms.staff.operations import PersonDetails, create_person, update_person, verify_identity
from lms.training.models import TrainingCycle
from lms.training.operations import (
    TrainingSettings,
    assign_due_cycles,
    attest,
    ensure_current_cycle,
    open_module,
    record_imported_completion,
    settings_from_config,
    start_attempt,
    submit_attempt,
)
from lms.training.queries import edition_modules
from lms.training.quiz import correct_choice

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
    _publish_demo_curriculum(session, actor, placeholders, today)
    _load_demo_staff(session, actor, today, training_settings)
    _load_demo_history(session, actor, today, training_settings)
    # What the daily job has done by today: renewal cycles opened when their windows did.
    assign_due_cycles(session, today, training_settings)
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
    verify_licence(
        session,
        actor,
        licence,
        LicenceVerificationMethod.BOARD_LOOKUP,
        f"Board of Registration of Social Workers online look-up (mass.gov/check-a-license) on "
        f"{today.isoformat()}: licence DEMO-0001 active.",
    )
    for area in list(TrainingArea)[:5]:
        record_training_area(
            session,
            actor,
            supervisor,
            TrainingAreaDetails(
                area,
                ShownHow.DEGREE_COURSEWORK,
                dt.date(2004, 5, 20),
                "MSW coursework confirmed with the registrar's office (617-555-0142) on "
                f"{today.isoformat()}.",
            ),
            today,
        )
    signer = Actor(supervisor.user_id, "supervisor@demo.example")
    notes = (
        "Reviewed boundaries and self-care.",
        "Planned the first community outing and its safety plan.",
        "Went over the week's notes and a school meeting.",
        "Practised de-escalation steps for a hard session.",
        "Reviewed the youth's goals with the care plan.",
        "Talked through a family's questions about the service.",
    )
    # Last week's session and five weeks before it, each recorded and signed the day it was held.
    for weeks_back, note in enumerate(notes, start=1):
        held_on = week_start(today) - dt.timedelta(days=7 * weeks_back - 2)  # that week's Tuesday
        if jordan.hire_on is None or held_on < jordan.hire_on:
            break
        record_session(
            session,
            _dated(signer, held_on, today),
            SessionDetails(
                mentor_id=jordan.id,
                supervisor_id=supervisor.id,
                held_on=held_on,
                minutes=60,
                format=SessionFormat.INDIVIDUAL,
                modality=Modality.IN_PERSON,
                topics=SUPERVISION_TOPICS[:2] if weeks_back == 1 else SUPERVISION_TOPICS[2:4],
                note=note,
            ),
            held_on,
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

    # The catalogue was loaded when the provider started on the app, two years ago.
    started = today - dt.timedelta(days=HISTORY_DAYS)
    ensure_catalogue(session, _dated(actor, started, today), started)
    people = list(session.execute(select(Person).order_by(Person.id)).scalars())
    day = dt.timedelta(days=1)
    pdf = b"%PDF-1.4\n% demo evidence\n"
    # HR records and verifies them, so the register names who checked each one.
    hr = session.execute(select(User).where(User.email == "hr@demo.example")).scalar_one()
    hr_actor = Actor(hr.id, hr.email, None)
    how = {
        "cori": "Cleared: request and result in DCJIS iCORI",
        "sori": "Cleared: SORB registry search",
        "oig_exclusion_screening": "Not listed: OIG LEIE online search",
        "masshealth_exclusion_screening": "Not listed: MassHealth suspended/excluded list",
        "cpr_first_aid": "Card seen and copied",
    }

    def add(person, key, done_on, expires_on=None):
        # Recorded the day it was done, or the day the person was entered if that was later.
        recorded_on = min(max(done_on, person.created_at.date()), today)
        record_item(
            session,
            _dated(hr_actor, recorded_on, today),
            person,
            requirement_for(session, key, recorded_on),
            ItemDetails(done_on, expires_on, None, VerificationMethod.OTHER, how[key]),
            Evidence(f"{key}.pdf", pdf),
            recorded_on,
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


#: How far back the demo's history goes: two years of hires, verifications and training.
HISTORY_DAYS = 730

#: The 2026 edition stays published for the records trained on it; 2027 takes over on its
#: effective date (2027-01-01), so both are in the demo as in a provider's database.
DEMO_EDITIONS = ("2026", "2027")


def _publish_demo_curriculum(session: Session, actor: Actor, placeholders, today: dt.date) -> None:
    """Each edition published ahead of its effective date (or two years ago, for one already in
    force), as a provider would have."""
    for name in DEMO_EDITIONS:
        edition, problems = load_edition(PROJECT_ROOT / "curricula" / "tm-core" / name)
        if edition is None:
            raise DemoRefused(f"the demo curriculum has problems: {problems[0]}")
        published_on = max(
            today - dt.timedelta(days=HISTORY_DAYS + 30),
            min(today, edition.effective_on - dt.timedelta(days=45)),
        )
        publish_edition(
            session,
            _dated(actor, published_on, today),
            plan_publication(session, edition, placeholders),
        )


def _dated(actor: Actor, day: dt.date, today: dt.date) -> Actor:
    """``actor`` acting on ``day`` (mid-morning in Massachusetts): every timestamp the operations
    write for it (determinations, verifications, attempts, certificates, the audit log) is then,
    so as-of reports for a past date show what was on record that day. Today acts now."""
    if day >= today:
        return actor
    return actor.acting_at(dt.datetime.combine(day, dt.time(15, 0), tzinfo=dt.UTC))


def _years_ago(today: dt.date, years: int, days: int = 0) -> dt.date:
    if today.month == 2 and today.day == 29:
        today = today - dt.timedelta(days=1)
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


class _Builder:
    """The demo's people, each fact entered through the real operations on the day it happened
    (``_dated``), so the history an auditor reads for a past date is what was on record then."""

    def __init__(
        self, session: Session, actor: Actor, today: dt.date, settings: TrainingSettings
    ) -> None:
        self.session, self.actor, self.today, self.settings = session, actor, today, settings
        self.supervisor: Person | None = None

    def on(self, day: dt.date) -> Actor:
        return _dated(self.actor, day, self.today)

    def mentor(self, name, born, status, email=None, hired=None, user=None, entered=None):
        day = min(entered or hired or self.today, self.today)
        return create_person(
            self.session,
            self.on(day),
            PersonDetails(
                legal_name=name,
                date_of_birth=born,
                position=Position.THERAPEUTIC_MENTOR,
                status=status,
                work_email=email,
                hire_on=hired,
                supervisor_id=self.supervisor.id if self.supervisor else None,
                user_email=user,
            ),
            day,
        )

    def identity(self, person: Person, day: dt.date) -> None:
        # The ID is read and a scan of it kept, so auditors see what the verification rests on.
        attach_evidence(
            self.session,
            self.on(day),
            person,
            EvidenceSubject.IDENTITY,
            None,
            "photo-id.pdf",
            b"%PDF-1.4\n% demo photo ID scan\n",
        )
        verify_identity(
            self.session, self.on(day), person, VerificationMethod.GOVERNMENT_ID, None, day
        )

    def degree(self, person, level, field, school, conferred, basis, day, verify=True):
        credential = add_credential(
            self.session,
            self.on(day),
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
            day,
        )
        if verify:
            # No transcript file in the demo: the degree was confirmed with the registrar,
            # and the note says how, as an auditor would need to see.
            verify_fact(
                self.session,
                self.on(day),
                person,
                credential,
                VerificationMethod.REGISTRAR,
                f"Called the registrar's office (617-555-0142) on {day.isoformat()}: degree "
                "and conferral date confirmed by the records clerk.",
                day,
            )

    def job(self, person, employer, role, start, end, hours, target, day, verify=True):
        entry = add_experience(
            self.session,
            self.on(day),
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
            day,
        )
        if verify:
            verify_fact(
                self.session,
                self.on(day),
                person,
                entry,
                VerificationMethod.EMPLOYER_REFERENCE,
                f"Reference call to the program director (617-555-0188) on {day.isoformat()}: "
                "dates, hours and the youth population confirmed.",
                day,
            )

    def paper_completion(self, person: Person, completed_on: dt.date, note: str, day: dt.date):
        record_imported_completion(
            self.session, self.on(day), person, completed_on, note, day, self.settings
        )

    def complete_online(self, person: Person, day: dt.date) -> TrainingCycle | None:
        """The person's open cycle studied, passed and signed module by module on ``day`` (the
        mentor acting, as they would in the module player); None when none is open."""
        cycle = ensure_current_cycle(self.session, person, day, self.settings)
        if cycle is None or cycle.edition_id is None:
            return None
        signer = Actor(person.user_id, person.work_email or person.legal_name)
        mentor = _dated(signer, day, self.today)
        modules = edition_modules(self.session, cycle.edition_id)
        for position in range(1, len(modules) + 1):
            module, progress = open_module(
                self.session, cycle, position, 0, self.settings, at=mentor.now()
            )
            attempt = start_attempt(
                self.session, mentor, progress, self.settings, random.Random(position)
            )
            questions = {q["id"]: q for q in module.questions}
            answers = {
                item["id"]: sorted(correct_choice(questions[item["id"]])) for item in attempt.paper
            }
            edition = self.session.get(CurriculumEdition, cycle.edition_id)
            submit_attempt(self.session, mentor, attempt, answers, edition.pass_mark)
            attest(
                self.session, mentor, person, cycle, progress, person.legal_name, day, self.settings
            )
        return cycle


def _load_demo_staff(
    session: Session, actor: Actor, today: dt.date, training_settings: TrainingSettings
) -> None:
    """A supervisor and mentors in each eligibility state, built through the real operations,
    each fact entered on the day it happened."""
    build = _Builder(session, actor, today, training_settings)
    entered = today - dt.timedelta(days=HISTORY_DAYS)  # the provider's first day on the app
    supervisor = create_person(
        session,
        build.on(entered),
        PersonDetails(
            legal_name="Samuel Okafor",
            preferred_name="Sam",
            date_of_birth=dt.date(1979, 5, 14),
            position=Position.LICENSED_CLINICIAN,
            status=StaffStatus.ACTIVE,
            work_email="supervisor@demo.example",
            hire_on=_years_ago(today, 6),
            user_email="supervisor@demo.example",
        ),
        entered,
    )
    build.identity(supervisor, entered)
    build.supervisor = supervisor
    day = dt.timedelta(days=1)

    jordan_hired = _years_ago(today, 1, 20)
    jordan = build.mentor(
        "Jordan Ellis",
        dt.date(1998, 4, 2),
        StaffStatus.ACTIVE,
        "mentor@demo.example",
        jordan_hired,
        "mentor@demo.example",
        entered=jordan_hired - 10 * day,
    )
    build.identity(jordan, jordan_hired - 9 * day)
    build.degree(
        jordan,
        CredentialLevel.BACHELOR,
        "Psychology",
        "University of Massachusetts Boston",
        dt.date(2020, 5, 15),
        HumanServicesBasis.LISTED,
        jordan_hired - 8 * day,
    )
    build.job(
        jordan,
        "Boys & Girls Club of Dorchester",
        "Youth program staff",
        dt.date(2020, 9, 8),
        _years_ago(today, 1, 21),
        40,
        False,
        jordan_hired - 7 * day,
    )
    # Trained on paper, before this edition was in force: the renewal window is open now.
    build.paper_completion(
        jordan,
        today - 300 * day,
        "Demo: completed on paper before the app",
        today - 290 * day,
    )

    riley_hired = today - 20 * day
    riley = build.mentor(
        "Riley Santos",
        dt.date(2000, 2, 29),
        StaffStatus.ACTIVE,
        "mentor2@demo.example",
        riley_hired,
        "mentor2@demo.example",
        entered=riley_hired - 5 * day,
    )
    build.identity(riley, riley_hired - 4 * day)
    build.degree(
        riley,
        CredentialLevel.HIGH_SCHOOL,
        None,
        "Brockton High School",
        dt.date(2018, 6, 3),
        None,
        riley_hired - 4 * day,
    )
    build.job(
        riley,
        "YMCA of Greater Brockton",
        "After-school counselor",
        dt.date(2019, 1, 7),
        dt.date(2021, 6, 30),
        25,
        False,
        riley_hired - 3 * day,
    )
    build.job(
        riley,
        "Brockton Public Schools",
        "Paraprofessional",
        dt.date(2021, 9, 1),
        today - 21 * day,
        35,
        True,
        today,
        verify=False,
    )

    casey = build.mentor(
        "Casey Nguyen",
        dt.date(2001, 9, 19),
        StaffStatus.CANDIDATE,
        user="mentor3@demo.example",
        entered=today - 3 * day,
    )
    build.degree(
        casey,
        CredentialLevel.ASSOCIATE,
        "Human Services",
        "Bunker Hill Community College",
        dt.date(2023, 5, 20),
        HumanServicesBasis.LISTED,
        today - 3 * day,
        verify=False,
    )
    build.job(
        casey,
        "Camp Harbor View",
        "Camp counselor",
        today - 400 * day,
        None,
        20,
        False,
        today - 3 * day,
        verify=False,
    )

    # Left and came back: the first employment and its training stay on record, and the
    # rehire starts a new initial cycle (already overdue).
    first_hire, left_on = _years_ago(today, 3), _years_ago(today, 1, 100)
    alex = build.mentor(
        "Alex Romero",
        dt.date(1996, 11, 2),
        StaffStatus.ACTIVE,
        hired=first_hire,
        entered=entered,
    )
    build.identity(alex, entered)
    build.degree(
        alex,
        CredentialLevel.BACHELOR,
        "Social Work",
        "Salem State University",
        dt.date(2018, 5, 19),
        HumanServicesBasis.LISTED,
        entered,
    )
    build.job(
        alex,
        "Lynn Youth Street Outreach",
        "Outreach worker",
        dt.date(2018, 7, 1),
        None,
        20,
        True,
        entered,
    )
    build.paper_completion(
        alex,
        first_hire + 21 * day,
        "Demo: completed on paper during the first employment",
        entered,
    )
    alex_details = dict(
        legal_name="Alex Romero",
        date_of_birth=dt.date(1996, 11, 2),
        position=Position.THERAPEUTIC_MENTOR,
        supervisor_id=supervisor.id,
    )
    update_person(
        session,
        build.on(left_on),
        alex,
        PersonDetails(
            **alex_details,
            status=StaffStatus.SEPARATED,
            hire_on=first_hire,
            separated_on=left_on,
        ),
        left_on,
    )
    rehired_on = today - 40 * day
    rehired = PersonDetails(**alex_details, status=StaffStatus.ACTIVE, hire_on=rehired_on)
    update_person(session, build.on(rehired_on), alex, rehired, rehired_on)

    taylor = build.mentor(
        "Taylor Brooks",
        today.replace(year=today.year - 21) + dt.timedelta(days=45)
        if not (today.month == 2 and today.day == 29)
        else dt.date(today.year - 21, 3, 1) + dt.timedelta(days=45),
        StaffStatus.CANDIDATE,
        entered=today - 2 * day,
    )
    build.degree(
        taylor,
        CredentialLevel.GED,
        None,
        "Massachusetts HiSET",
        dt.date(2022, 8, 1),
        None,
        today - 2 * day,
    )
    build.job(
        taylor,
        "Worcester Youth Center",
        "Peer mentor",
        dt.date(2022, 9, 1),
        None,
        40,
        True,
        today - 2 * day,
    )


def _load_demo_history(
    session: Session, actor: Actor, today: dt.date, training_settings: TrainingSettings
) -> None:
    """Two years of history for the as-of reports: a mentor hired two years ago who renewed
    online, one whose training lapsed, and one whose certificate was revoked."""
    build = _Builder(session, actor, today, training_settings)
    build.supervisor = session.execute(
        select(Person).where(Person.work_email == "supervisor@demo.example")
    ).scalar_one()
    day = dt.timedelta(days=1)
    first_online = _first_online_day(session, training_settings, today)

    def qualified(person: Person, hired: dt.date, school: str, employer: str) -> None:
        build.identity(person, hired - 6 * day)
        build.degree(
            person,
            CredentialLevel.BACHELOR,
            "Human Services",
            school,
            dt.date(2016, 5, 21),
            HumanServicesBasis.LISTED,
            hired - 5 * day,
        )
        build.job(
            person,
            employer,
            "Youth worker",
            dt.date(2016, 9, 1),
            hired - 10 * day,
            30,
            True,
            hired - 4 * day,
        )

    # Hired two years ago, trained on paper, then renewed online when the window opened.
    morgan_hired = today - (HISTORY_DAYS - 10) * day
    morgan = build.mentor(
        "Morgan Lee",
        dt.date(1993, 7, 11),
        StaffStatus.ACTIVE,
        hired=morgan_hired,
        entered=morgan_hired - 8 * day,
    )
    qualified(morgan, morgan_hired, "Boston University", "Roxbury Youthworks")
    paper_on = morgan_hired + 20 * day
    build.paper_completion(morgan, paper_on, "Demo: initial training on paper", paper_on)
    renewed_on = max(_years_ago(paper_on, -1) - 25 * day, first_online)
    if renewed_on < today:
        build.complete_online(morgan, renewed_on)

    # Hired about twenty months ago and trained on paper; never renewed: lapsed.
    dana_hired = today - 600 * day
    dana = build.mentor(
        "Dana Whitaker",
        dt.date(1995, 1, 23),
        StaffStatus.ACTIVE,
        hired=dana_hired,
        entered=dana_hired - 8 * day,
    )
    qualified(dana, dana_hired, "Northeastern University", "Chelsea Collaborative")
    dana_trained = dana_hired + 20 * day
    build.paper_completion(dana, dana_trained, "Demo: initial training on paper", dana_trained)

    # Trained online, then the certificate was revoked: the attestation was found to have been
    # signed by someone else, so the training must be taken again.
    quinn_hired = max(today - 240 * day, first_online)
    if quinn_hired + 40 * day < today:
        quinn = build.mentor(
            "Quinn Harper",
            dt.date(1997, 3, 30),
            StaffStatus.ACTIVE,
            hired=quinn_hired,
            entered=quinn_hired - 8 * day,
        )
        qualified(quinn, quinn_hired, "Simmons University", "Cambridge Camping")
        cycle = build.complete_online(quinn, quinn_hired + 12 * day)
        certificate = (
            cycle
            and session.execute(
                select(Certificate).where(Certificate.cycle_id == cycle.id)
            ).scalar_one_or_none()
        )
        if certificate is not None:
            revoked_on = quinn_hired + 40 * day
            revoke_certificate(
                session,
                build.on(revoked_on),
                certificate,
                "The module sign-offs were typed by a co-worker on the mentor's behalf; the "
                "training is to be taken again.",
                revoked_on,
            )


def _first_online_day(session: Session, settings: TrainingSettings, today: dt.date) -> dt.date:
    """The first day a published edition of the course was in force (training before it was
    on paper)."""
    first = session.execute(
        select(func.min(CurriculumEdition.effective_on)).where(
            CurriculumEdition.curriculum_key == settings.curriculum_key
        )
    ).scalar_one()
    return max(first or today, today - dt.timedelta(days=HISTORY_DAYS)) + dt.timedelta(days=7)


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

"""Use cases for training: assigning cycles, studying modules, knowledge checks, attestation."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms import clock
from lms.actor import Actor
from lms.auditlog.operations import record
from lms.curriculum.models import ModuleVersion
from lms.events import CycleCompleted, announce
from lms.staff.models import Person, Position, StaffStatus
from lms.staff.rules import Employment
from lms.training.models import (
    Attestation,
    CycleKind,
    KnowledgeCheckAttempt,
    ModuleProgress,
    TrainingCycle,
)
from lms.training.queries import (
    cycles_of,
    edition_in_force,
    edition_modules,
    progress_for_cycle,
)
from lms.training.quiz import (
    AnswerError,
    check_answers,
    draw_paper,
    mark,
    sections_to_reread,
    to_review,
)
from lms.training.rules import (
    CyclePolicy,
    completion_chain,
    initial_due_on,
    next_expiry,
    window_opens_on,
)
from lms.validation import InvalidInput

ATTESTATION_STATEMENT = (
    "I completed this module myself: I read it and answered the knowledge check without help "
    "from anyone else."
)


@dataclass(frozen=True)
class TrainingSettings:
    policy: CyclePolicy
    curriculum_key: str
    max_attempts: int  # 0 = unlimited
    study_time_cap: dt.timedelta
    min_section_seconds: int = 0  # 0 = every section opened counts as read
    reread_before_retake: bool = False


def employment_of(person: Person) -> Employment | None:
    """The person's current (or last) employment, if they were ever hired."""
    if person.hire_on is None or person.status is StaffStatus.CANDIDATE:
        return None
    return Employment(person.hire_on, person.separated_on)


def completed_days(cycles: Sequence[TrainingCycle], employment: Employment) -> list[dt.date]:
    return [
        c.completed_on
        for c in cycles
        if c.completed_on is not None and c.completed_on >= employment.hired_on
    ]


def ensure_current_cycle(
    session: Session, person: Person, today: dt.date, settings: TrainingSettings
) -> TrainingCycle | None:
    """The person's open cycle, assigning the one the rules say is due by ``today``.

    Dated by the event that made it due, whenever this runs: the initial cycle by the hire (or
    rehire) date, an annual one by the day its renewal window opened. Runs when a person is
    hired, rehired or changed, after an imported completion, and daily (``lms training assign``,
    also part of ``lms alerts run``), so a mentor without an account has the same cycles as one
    who signs in. Idempotent; None when nothing is due.
    """
    if person.position != Position.THERAPEUTIC_MENTOR or person.status != StaffStatus.ACTIVE:
        return None
    employment = employment_of(person)
    if employment is None:
        return None
    cycles = cycles_of(session, person.id)
    open_cycle = next((c for c in cycles if c.is_open), None)
    if open_cycle is not None and open_cycle.assigned_on < employment.hired_on:
        _withdraw(session, open_cycle, today, "rehired")  # left by an earlier employment
        open_cycle = None
    chain = completion_chain(completed_days(cycles, employment), settings.policy)
    if open_cycle is not None and open_cycle.kind is CycleKind.INITIAL and chain:
        # An imported completion already answers for the initial training.
        _withdraw(session, open_cycle, today, "completed before this system")
        open_cycle = None
    if open_cycle is not None:
        return open_cycle
    if not chain:
        kind, due_on = CycleKind.INITIAL, initial_due_on(employment, settings.policy)
        assigned_on = employment.hired_on
    else:
        expires_on = chain[-1].expires_on
        assigned_on = window_opens_on(expires_on, settings.policy)
        if today < assigned_on:
            return None  # the annual assignment is not yet available
        kind, due_on = CycleKind.ANNUAL, expires_on
    edition = edition_in_force(session, settings.curriculum_key, assigned_on) or (
        edition_in_force(session, settings.curriculum_key, today)
    )
    if edition is None:
        return None
    cycle = TrainingCycle(
        person_id=person.id,
        edition_id=edition.id,
        kind=kind,
        assigned_on=assigned_on,
        due_on=due_on,
        imported=False,
        created_at=clock.now(),
    )
    try:
        with session.begin_nested():
            session.add(cycle)
    except IntegrityError:
        # Another request assigned the open cycle first: use theirs.
        return next(c for c in cycles_of(session, person.id) if c.is_open)
    record(
        session,
        Actor.system("training"),
        "training.assign_cycle",
        "training_cycle",
        cycle.id,
        {
            "person_id": person.id,
            "kind": kind.value,
            "assigned_on": assigned_on.isoformat(),
            "due_on": due_on.isoformat(),
            "edition_id": edition.id,
        },
    )
    return cycle


def assign_due_cycles(session: Session, today: dt.date, settings: TrainingSettings) -> int:
    """The daily job: open every cycle due by ``today`` for active mentors; the number opened."""
    has_open_cycle = (
        select(TrainingCycle.id)
        .where(
            TrainingCycle.person_id == Person.id,
            TrainingCycle.completed_on.is_(None),
            TrainingCycle.withdrawn_on.is_(None),
        )
        .exists()
    )
    mentors = session.execute(
        select(Person).where(
            Person.position == Position.THERAPEUTIC_MENTOR,
            Person.status == StaffStatus.ACTIVE,
            Person.hire_on.is_not(None),
            ~has_open_cycle,
        )
    ).scalars()
    return sum(
        ensure_current_cycle(session, person, today, settings) is not None
        for person in list(mentors)
    )


def _withdraw(session: Session, cycle: TrainingCycle, today: dt.date, reason: str) -> None:
    cycle.withdrawn_on = today
    session.flush()
    record(
        session,
        Actor.system("training"),
        "training.withdraw_cycle",
        "training_cycle",
        cycle.id,
        {"person_id": cycle.person_id, "reason": reason},
    )


def _module_in_cycle(session: Session, cycle: TrainingCycle, position: int) -> ModuleVersion:
    modules = edition_modules(session, cycle.edition_id) if cycle.edition_id else []
    if not 1 <= position <= len(modules):
        raise InvalidInput("That module is not part of this training.")
    return modules[position - 1]


def open_module(
    session: Session,
    cycle: TrainingCycle,
    position: int,
    section: int,
    settings: TrainingSettings,
    at: dt.datetime | None = None,
) -> tuple[ModuleVersion, ModuleProgress]:
    """Record a page view of one section (made ``at``, default now): where the mentor is, and
    time spent (capped).

    Race-safe: two simultaneous first views give one progress row (the loser of the insert
    counts as the later view), and views of one module take turns on the row's lock."""
    if cycle.completed_on is not None:
        raise InvalidInput("This training is already complete.")
    if cycle.withdrawn_on is not None:
        raise InvalidInput("This training was closed when your earlier employment ended.")
    module = _module_in_cycle(session, cycle, position)
    if not 0 <= section < len(module.sections):
        raise InvalidInput("That section does not exist.", "section")
    now = at if at is not None else clock.now()
    progress = _locked_progress(session, cycle.id, module.id)
    if progress is None:
        progress = ModuleProgress(
            cycle_id=cycle.id,
            module_version_id=module.id,
            current_section=section,
            furthest_section=section,
            seconds_spent=0,
            started_at=now,
            last_viewed_at=now,
        )
        try:
            # A savepoint: when a simultaneous first view inserted the row first, the unique
            # constraint refuses this one and the view below counts as a later one.
            with session.begin_nested():
                session.add(progress)
        except IntegrityError:
            progress = _locked_progress(session, cycle.id, module.id)
            if progress is None:
                raise
            _count_view(progress, section, now, settings)
    else:
        _count_view(progress, section, now, settings)
    session.flush()
    return module, progress


def _locked_progress(session: Session, cycle_id: int, module_id: int) -> ModuleProgress | None:
    """The progress row, locked until the transaction ends (so simultaneous views add up)."""
    return session.execute(
        select(ModuleProgress)
        .where(ModuleProgress.cycle_id == cycle_id, ModuleProgress.module_version_id == module_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _lock_progress(session: Session, progress: ModuleProgress) -> ModuleProgress:
    """Re-read ``progress`` under a row lock: requests about one module take turns."""
    return session.execute(
        select(ModuleProgress)
        .where(ModuleProgress.id == progress.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _count_view(
    progress: ModuleProgress, section: int, now: dt.datetime, settings: TrainingSettings
) -> None:
    # Time between page views, capped: an idle tab must not count as study. It is credited
    # to the section the mentor was on, which is the one they are moving on from.
    elapsed = min(now - progress.last_viewed_at, settings.study_time_cap)
    seconds = max(0, int(elapsed.total_seconds()))
    progress.seconds_spent += seconds
    left = str(progress.current_section)
    per_section = dict(progress.section_seconds or {})
    per_section[left] = per_section.get(left, 0) + seconds
    progress.section_seconds = per_section  # a new dict: JSON columns see reassignment only
    # A flagged section is re-read by this visit alone, not by time from before the failure.
    if progress.reread_due and seconds >= settings.min_section_seconds:
        progress.reread_due = [i for i in progress.reread_due if i != progress.current_section]
    progress.last_viewed_at = now
    progress.current_section = section
    progress.furthest_section = max(progress.furthest_section, section)


def start_attempt(
    session: Session,
    actor: Actor,
    progress: ModuleProgress,
    settings: TrainingSettings,
    rng: random.Random,
) -> KnowledgeCheckAttempt:
    """The open attempt if there is one (a second click must not start another), else a new
    paper drawn from the module's pool.

    Two simultaneous starts take turns on the progress row's lock, so the second finds the
    first's attempt; the partial unique index "one open attempt per progress" backs this up.
    """
    progress = _lock_progress(session, progress)
    if progress.passed_at is not None:
        raise InvalidInput("You have already passed this knowledge check.")
    open_attempt = session.execute(
        select(KnowledgeCheckAttempt).where(
            KnowledgeCheckAttempt.progress_id == progress.id,
            KnowledgeCheckAttempt.submitted_at.is_(None),
        )
    ).scalar_one_or_none()
    if open_attempt is not None:
        return open_attempt
    if settings.reread_before_retake and progress.reread_due:
        module = session.get(ModuleVersion, progress.module_version_id)
        titles = [module.sections[i]["title"] for i in sorted(progress.reread_due)]
        raise InvalidInput(
            "Re-read these sections before you try again: " + "; ".join(titles) + ".",
            "section",
        )
    used = session.execute(
        select(func.count())
        .select_from(KnowledgeCheckAttempt)
        .where(KnowledgeCheckAttempt.progress_id == progress.id)
    ).scalar_one()
    if settings.max_attempts and _attempts_since_reset(session, progress) >= settings.max_attempts:
        raise InvalidInput(
            "You have used every attempt allowed. Ask your supervisor to reset the check."
        )
    module = session.get(ModuleVersion, progress.module_version_id)
    paper = draw_paper(
        module.questions, module.questions_per_attempt, rng, _questions_seen(session, progress)
    )
    attempt = KnowledgeCheckAttempt(
        progress_id=progress.id,
        module_version_id=module.id,
        number=used + 1,
        paper=paper,
        started_at=actor.now(),
        question_count=len(paper),
    )
    try:
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:
        open_attempt = session.execute(
            select(KnowledgeCheckAttempt).where(
                KnowledgeCheckAttempt.progress_id == progress.id,
                KnowledgeCheckAttempt.submitted_at.is_(None),
            )
        ).scalar_one_or_none()
        if open_attempt is None:
            raise
        return open_attempt  # another request started it first
    return attempt


def _questions_seen(session: Session, progress: ModuleProgress) -> set[str]:
    """The questions asked in the mentor's earlier attempts at this module in this cycle."""
    papers = session.execute(
        select(KnowledgeCheckAttempt.paper).where(KnowledgeCheckAttempt.progress_id == progress.id)
    ).scalars()
    return {item["id"] for paper in papers for item in paper}


def _attempts_since_reset(session: Session, progress: ModuleProgress) -> int:
    statement = (
        select(func.count())
        .select_from(KnowledgeCheckAttempt)
        .where(KnowledgeCheckAttempt.progress_id == progress.id)
    )
    if progress.attempts_reset_at is not None:
        statement = statement.where(KnowledgeCheckAttempt.started_at > progress.attempts_reset_at)
    return session.execute(statement).scalar_one()


def reset_attempts(session: Session, actor: Actor, progress: ModuleProgress) -> None:
    """Give a mentor who used every allowed attempt a fresh allowance (earlier ones are kept)."""
    if progress.passed_at is not None:
        raise InvalidInput("This knowledge check is already passed.")
    progress.attempts_reset_at = actor.now()
    session.flush()
    record(
        session,
        actor,
        "training.reset_attempts",
        "module_progress",
        progress.id,
        {
            "module_version_id": progress.module_version_id,
            "cycle_id": progress.cycle_id,
        },
    )


def submit_attempt(
    session: Session,
    actor: Actor,
    attempt: KnowledgeCheckAttempt,
    answers: Mapping[str, Sequence[str]],
    pass_mark: int,
) -> tuple[KnowledgeCheckAttempt, bool]:
    """Mark an attempt once. Submitting again (double click, back button, a second tab)
    returns the stored result unchanged: (attempt, False)."""
    # Lock the row so two simultaneous submissions cannot both mark it.
    attempt = session.execute(
        select(KnowledgeCheckAttempt)
        .where(KnowledgeCheckAttempt.id == attempt.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    if attempt.submitted_at is not None:
        return attempt, False
    try:
        normalised = check_answers(attempt.paper, answers)
    except AnswerError as error:
        raise InvalidInput(f"These answers do not belong to this attempt ({error}).") from None
    module = session.get(ModuleVersion, attempt.module_version_id)
    marked = mark(attempt.paper, module.questions, normalised, pass_mark)
    now = actor.now()
    attempt.answers = normalised
    attempt.submitted_at = now
    attempt.correct_count = marked.correct_count
    attempt.score_percent = marked.score_percent
    attempt.passed = marked.passed
    progress = session.get(ModuleProgress, attempt.progress_id)
    if marked.passed and progress.passed_at is None:
        progress.passed_at = now
    if not marked.passed:
        # The sections the wrong answers point at, for an optional re-read before a retake.
        # Re-reading one means opening it again after this failure, then moving on.
        titles = sections_to_reread(
            to_review(attempt.paper, module.questions, module.objectives, marked.correct_ids)
        )
        index_of = {section["title"]: i for i, section in enumerate(module.sections)}
        progress.reread_due = sorted({index_of[t] for t in titles if t in index_of}) or None
    session.flush()
    record(
        session,
        actor,
        "training.attempt",
        "knowledge_check_attempt",
        attempt.id,
        {
            "module_version_id": module.id,
            "number": attempt.number,
            "score_percent": marked.score_percent,
            "passed": marked.passed,
        },
    )
    return attempt, True


def _normalised_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def attest(
    session: Session,
    actor: Actor,
    person: Person,
    cycle: TrainingCycle,
    progress: ModuleProgress,
    typed_name: str,
    today: dt.date,
    settings: TrainingSettings,
) -> Attestation:
    """Sign the module off; completing the last module completes the cycle."""
    if progress.passed_at is None:
        raise InvalidInput("Pass the knowledge check before you attest.")
    progress = _lock_progress(session, progress)  # a second signature waits, then finds the first
    existing = session.execute(
        select(Attestation).where(Attestation.progress_id == progress.id)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    expected = {_normalised_name(person.legal_name)}
    if person.preferred_name:
        surname = person.legal_name.split()[-1]
        expected.add(_normalised_name(f"{person.preferred_name} {surname}"))
    if _normalised_name(typed_name) not in expected:
        raise InvalidInput(
            f"Type your full name as your agency records it: {person.legal_name}.", "typed_name"
        )
    attestation = Attestation(
        progress_id=progress.id,
        module_version_id=progress.module_version_id,
        typed_name=" ".join(typed_name.split()),
        statement=ATTESTATION_STATEMENT,
        attested_at=actor.now(),
        ip_address=actor.ip_address,
    )
    session.add(attestation)
    progress.completed_on = today
    session.flush()
    record(
        session,
        actor,
        "training.attest",
        "module_progress",
        progress.id,
        {
            "module_version_id": progress.module_version_id,
            "cycle_id": cycle.id,
        },
    )
    _complete_cycle_if_done(session, actor, person, cycle, today, settings)
    return attestation


def _complete_cycle_if_done(
    session: Session,
    actor: Actor,
    person: Person,
    cycle: TrainingCycle,
    today: dt.date,
    settings: TrainingSettings,
) -> None:
    modules = edition_modules(session, cycle.edition_id)
    progress = progress_for_cycle(session, cycle.id)
    if any(progress.get(m.id) is None or progress[m.id].completed_on is None for m in modules):
        return
    employment = employment_of(person)
    earlier = [c for c in cycles_of(session, person.id) if c.id != cycle.id]
    chain = completion_chain(completed_days(earlier, employment), settings.policy)
    previous_expiry = chain[-1].expires_on if chain else None
    cycle.completed_on = today
    cycle.expires_on = next_expiry(previous_expiry, today, settings.policy)
    session.flush()
    record(
        session,
        actor,
        "training.complete_cycle",
        "training_cycle",
        cycle.id,
        {
            "person_id": person.id,
            "completed_on": today.isoformat(),
            "expires_on": cycle.expires_on.isoformat(),
            "edition_id": cycle.edition_id,
        },
    )
    announce(CycleCompleted(session, actor, cycle, person, today))


def settings_from_config(config: Mapping[str, object]) -> TrainingSettings:
    return TrainingSettings(
        policy=CyclePolicy(
            initial_training_days=int(config["INITIAL_TRAINING_DAYS"]),
            renewal_window_days=int(config["RENEWAL_WINDOW_DAYS"]),
        ),
        curriculum_key=str(config["CURRICULUM_KEY"]),
        max_attempts=int(config["MAX_KNOWLEDGE_CHECK_ATTEMPTS"]),
        study_time_cap=dt.timedelta(seconds=int(config["STUDY_TIME_CAP_SECONDS"])),
        min_section_seconds=int(config.get("MIN_SECTION_SECONDS", 0)),
        reread_before_retake=bool(config.get("REREAD_BEFORE_RETAKE", False)),
    )


def record_imported_completion(
    session: Session,
    actor: Actor,
    person: Person,
    completed_on: dt.date,
    note: str,
    today: dt.date,
    settings: TrainingSettings,
) -> TrainingCycle:
    """A cycle completed before this system (from the provider's old records), marked imported.

    It earns its expiry by the same rules as any completion, counted from its own date when it
    falls before a renewal window.
    """
    if completed_on > today:
        raise InvalidInput("A completion cannot be in the future.", "completed_on")
    employment = employment_of(person)
    if employment is None or completed_on < employment.hired_on:
        raise InvalidInput("The completion is before the person's hire date.", "completed_on")
    cycles = cycles_of(session, person.id)
    if any(c.completed_on == completed_on for c in cycles):
        raise InvalidInput("A completion on that date is already recorded.", "completed_on")
    earlier = [c for c in cycles if c.completed_on and c.completed_on < completed_on]
    chain = completion_chain(completed_days(earlier, employment), settings.policy)
    previous_expiry = chain[-1].expires_on if chain else None
    cycle = TrainingCycle(
        person_id=person.id,
        edition_id=None,
        kind=CycleKind.ANNUAL if chain else CycleKind.INITIAL,
        assigned_on=completed_on,
        due_on=previous_expiry or initial_due_on(employment, settings.policy),
        completed_on=completed_on,
        expires_on=next_expiry(previous_expiry, completed_on, settings.policy),
        imported=True,
        import_note=note.strip() or None,
        created_at=actor.now(),
    )
    session.add(cycle)
    session.flush()
    record(
        session,
        actor,
        "training.import_completion",
        "training_cycle",
        cycle.id,
        {
            "person_id": person.id,
            "completed_on": completed_on.isoformat(),
            "expires_on": cycle.expires_on.isoformat(),
            "note": cycle.import_note,
        },
    )
    ensure_current_cycle(session, person, today, settings)
    return cycle

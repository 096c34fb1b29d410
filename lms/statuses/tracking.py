"""Which people's stored statuses a transaction must recompute, and recomputing them before it
commits.

Every flush that inserts, changes or deletes a row the status rules or the weekly supervision
rule read — a person, a period of employment, a change of position, a training cycle or its
module progress, a credential, a job, a leave, a supervision session (and a supervisor's
licence, for every mentor they supervised), a requirement record, a policy signature, a
certificate — marks the person it belongs to (a catalogue or policy version marks everyone),
and at the end of that flush ``refresh_statuses`` recomputes the marked people from the rules,
in the same transaction: a status is never out of step with its inputs, even within the
transaction, whichever operation (page, API, import, command, reaction) changed them.
A flush of many people (an import) recomputes them as one batch: a constant number of
statements per ``BATCH_SIZE`` people.
"""

from __future__ import annotations

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from lms.certificates.models import Certificate
from lms.clinicians.models import Licence
from lms.eligibility.models import EducationCredential, ExperienceRecord
from lms.requirements.models import (
    CatalogueVersion,
    PolicyDocument,
    PolicySignature,
    RequirementRecord,
)
from lms.staff.models import EmploymentPeriod, Person, PositionChange
from lms.statuses.operations import refresh_requirement_statuses, refresh_statuses
from lms.supervision.models import LeavePeriod, SupervisionSession
from lms.training.models import ModuleProgress, TrainingCycle

_PEOPLE = "lms.statuses.people"
_CYCLES = "lms.statuses.cycles"
_SUPERVISORS = "lms.statuses.supervisors"
_EVERYONE = "lms.statuses.everyone"
_BY_PERSON_ID = (
    EmploymentPeriod,
    TrainingCycle,
    EducationCredential,
    ExperienceRecord,
    LeavePeriod,
    PositionChange,
    RequirementRecord,
    PolicySignature,
)
#: What the requirement rules read of a certificate (its rendered PDF, kept on first
#: download, is not among them).
_CERTIFICATE_FACTS = ("person_id", "edition_id", "issued_on", "expires_on", "revoked_on")
#: A new catalogue or policy version can change anyone's requirement cells.
_FOR_EVERYONE = (CatalogueVersion, PolicyDocument)
_KEYS = (_PEOPLE, _CYCLES, _SUPERVISORS, _EVERYONE)


def mark(session: Session, person_ids) -> None:
    """Have ``person_ids`` recomputed before ``session``'s transaction commits."""
    session.info.setdefault(_PEOPLE, set()).update(person_ids)


def pending(session: Session) -> bool:
    return any(session.info.get(key) for key in _KEYS)


def refresh_marked(session: Session) -> None:
    """Recompute the marked people now (the end of each flush does)."""
    cycle_ids = session.info.pop(_CYCLES, set())
    people = session.info.pop(_PEOPLE, set())
    supervisor_ids = session.info.pop(_SUPERVISORS, set())
    if supervisor_ids:
        # A supervisor's licence decides whether each session they held counts.
        people |= set(
            session.execute(
                select(SupervisionSession.mentor_id)
                .where(SupervisionSession.supervisor_id.in_(sorted(supervisor_ids)))
                .distinct()
            ).scalars()
        )
    if cycle_ids:
        people |= set(
            session.execute(
                select(TrainingCycle.person_id).where(TrainingCycle.id.in_(sorted(cycle_ids)))
            ).scalars()
        )
    if people:
        refresh_statuses(session, people)  # Core statements: no flush of their own
    if session.info.pop(_EVERYONE, False):
        # Only the requirement cells read catalogue and policy versions.
        everyone = set(session.execute(select(Person.id)).scalars())
        refresh_requirement_statuses(session, everyone - people)


#: What the rules read of a person's own row (employment is read from its periods; a candidate's
#: hire date is a planned start, and an older record without periods has only its own dates),
#: and the scope the counters keep (position and staff status).
_PERSON_FACTS = (
    "date_of_birth",
    "position",
    "status",
    "identity_verified_at",
    "hire_on",
    "separated_on",
)


def _changed(instance, names) -> bool:
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "after_flush")
def _mark_changed(session: Session, flush_context) -> None:
    people = session.info.setdefault(_PEOPLE, set())
    cycles = session.info.setdefault(_CYCLES, set())
    supervisors = session.info.setdefault(_SUPERVISORS, set())
    added_or_removed = (*session.new, *session.deleted)
    for instance in (*added_or_removed, *session.dirty):
        changed = instance in session.dirty
        if isinstance(instance, Person):
            if instance.id is not None and (not changed or _changed(instance, _PERSON_FACTS)):
                people.add(instance.id)
        elif isinstance(instance, _BY_PERSON_ID):
            if instance.person_id is not None:
                people.add(instance.person_id)
        elif isinstance(instance, SupervisionSession):
            # A correction (which supersedes a session) is its mentor's too.
            if instance.mentor_id is not None:
                people.add(instance.mentor_id)
        elif isinstance(instance, Licence):
            if instance.person_id is not None:
                supervisors.add(instance.person_id)  # the sessions they held
                people.add(instance.person_id)  # their own licence requirement
        elif isinstance(instance, Certificate):
            if instance.person_id is not None and (
                not changed or _changed(instance, _CERTIFICATE_FACTS)
            ):
                people.add(instance.person_id)
        elif isinstance(instance, _FOR_EVERYONE):
            session.info[_EVERYONE] = True
        elif isinstance(instance, ModuleProgress) and not changed and instance.cycle_id is not None:
            # Only its first activity is read, fixed when the row is made: a page view that
            # updates the row changes no status.
            cycles.add(instance.cycle_id)


@event.listens_for(Session, "after_flush_postexec")
def _refresh_after_flush(session: Session, flush_context) -> None:
    if pending(session):
        refresh_marked(session)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    # Marks left by a flush that failed half-way go with the transaction that ended.
    if transaction.parent is None:
        for key in _KEYS:
            session.info.pop(key, None)

"""Read-only queries for auditors' documents."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from lms.auth.models import User
from lms.clinicians.models import Licence
from lms.curriculum.documents import VersionHistoryEntry
from lms.curriculum.models import CurriculumEdition, EditionModule, ModuleVersion
from lms.eligibility.rules import WITHOUT_DOCUMENT
from lms.requirements.models import PolicySignature, RequirementRecord


def published_editions(session: Session) -> Sequence[CurriculumEdition]:
    return (
        session.execute(
            select(CurriculumEdition).order_by(
                CurriculumEdition.effective_on.desc(), CurriculumEdition.version.desc()
            )
        )
        .scalars()
        .all()
    )


def module_history(
    session: Session, module_keys: Sequence[str]
) -> dict[str, list[VersionHistoryEntry]]:
    """Every version of the given modules and the editions that used each, in two queries."""
    versions = (
        session.execute(
            select(ModuleVersion)
            .where(ModuleVersion.module_key.in_(module_keys))
            .order_by(ModuleVersion.module_key, ModuleVersion.version)
        )
        .scalars()
        .all()
    )
    used_in: dict[int, list[str]] = defaultdict(list)
    for version_id, edition in session.execute(
        select(EditionModule.module_version_id, CurriculumEdition)
        .join(CurriculumEdition, CurriculumEdition.id == EditionModule.edition_id)
        .where(EditionModule.module_version_id.in_([v.id for v in versions]))
        .order_by(CurriculumEdition.id)
    ):
        used_in[version_id].append(f"{edition.curriculum_key} {edition.edition} v{edition.version}")
    history: dict[str, list[VersionHistoryEntry]] = defaultdict(list)
    for version in versions:
        history[version.module_key].append(
            VersionHistoryEntry(
                version.version,
                version.sha256,
                version.created_at.date(),
                tuple(used_in[version.id]),
            )
        )
    return history


@dataclass(frozen=True)
class LicenceLine:
    """A licence as an auditor's document prints it."""

    licence_type: str
    licence_number: str
    issuing_state: str | None
    issued_on: dt.date
    expires_on: dt.date
    verified: bool

    def valid_on(self, day: dt.date) -> bool:
        """Valid from its issue date up to the day before its expiry date (issue 10)."""
        return self.issued_on <= day < self.expires_on

    def describe(self) -> str:
        state = f" ({self.issuing_state})" if self.issuing_state else ""
        unverified = "" if self.verified else ", not verified"
        return (
            f"{self.licence_type} {self.licence_number}{state}, expires "
            f"{self.expires_on.isoformat()}{unverified}"
        )


def licences_of(
    session: Session, person_ids: Iterable[int], recorded_by: dt.datetime | None = None
) -> dict[int, list[LicenceLine]]:
    """Each person's licence records (entered by ``recorded_by``, when given), oldest first:
    one query."""
    ids = sorted(set(person_ids))
    found: dict[int, list[LicenceLine]] = defaultdict(list)
    if not ids:
        return found
    query = (
        select(
            Licence.person_id,
            Licence.licence_type,
            Licence.licence_number,
            Licence.issuing_state,
            Licence.issued_on,
            Licence.expires_on,
            Licence.verified_at,
        )
        .where(Licence.person_id.in_(ids))
        .order_by(Licence.issued_on, Licence.id)
    )
    if recorded_by is not None:
        query = query.where(Licence.created_at < recorded_by)
    for row in session.execute(query):
        found[row.person_id].append(
            LicenceLine(
                row.licence_type,
                row.licence_number,
                row.issuing_state,
                row.issued_on,
                row.expires_on,
                row.verified_at is not None
                and (recorded_by is None or row.verified_at < recorded_by),
            )
        )
    return found


def licence_on(licences: Sequence[LicenceLine], day: dt.date) -> LicenceLine | None:
    """The licence valid on ``day`` (a verified one first, then the latest to expire)."""
    valid = [licence for licence in licences if licence.valid_on(day)]
    if not valid:
        return None
    return max(valid, key=lambda licence: (licence.verified, licence.expires_on))


@dataclass(frozen=True)
class Verification:
    """Who confirmed a requirement record, when and how; or who signed a policy."""

    what: str  # "record" or "signature"
    done_on: dt.date
    sha256: str | None
    by: str
    at: dt.datetime
    how: str


def requirement_verifications(
    session: Session, as_of: dt.date, recorded_by: dt.datetime | None
) -> dict[tuple[int, str], list[Verification]]:
    """(person id, requirement key) -> every record made and policy signed by ``as_of`` (and
    entered by ``recorded_by``) with its evidence hash and who verified or signed it, oldest
    first. Two queries."""
    found: dict[tuple[int, str], list[Verification]] = defaultdict(list)
    verifier = aliased(User)
    records = (
        select(
            RequirementRecord.person_id,
            RequirementRecord.requirement_key,
            RequirementRecord.done_on,
            RequirementRecord.evidence_sha256,
            RequirementRecord.verified_at,
            RequirementRecord.verification_method,
            RequirementRecord.verification_note,
            verifier.full_name,
            verifier.email,
        )
        .outerjoin(verifier, verifier.id == RequirementRecord.verified_by_id)
        .where(RequirementRecord.done_on <= as_of)
        .order_by(RequirementRecord.done_on, RequirementRecord.id)
    )
    if recorded_by is not None:
        records = records.where(RequirementRecord.recorded_at < recorded_by)
    for row in session.execute(records):
        how = row.verification_method.label
        if row.verification_note:
            how = f"{how.removesuffix(' (see note)')}: {row.verification_note}"
        if row.evidence_sha256 is None:
            how = f"{how}; {WITHOUT_DOCUMENT}"
        found[(row.person_id, row.requirement_key)].append(
            Verification(
                "record",
                row.done_on,
                row.evidence_sha256,
                f"{row.full_name} <{row.email}>" if row.email else "(not recorded)",
                row.verified_at,
                how,
            )
        )
    signer = aliased(User)
    signatures = (
        select(
            PolicySignature.person_id,
            PolicySignature.requirement_key,
            PolicySignature.signed_on,
            PolicySignature.document_sha256,
            PolicySignature.signed_at,
            PolicySignature.typed_name,
            PolicySignature.version,
            signer.email,
        )
        .outerjoin(signer, signer.id == PolicySignature.user_id)
        .where(PolicySignature.signed_on <= as_of)
        .order_by(PolicySignature.signed_at, PolicySignature.id)
    )
    if recorded_by is not None:
        signatures = signatures.where(PolicySignature.signed_at < recorded_by)
    for row in session.execute(signatures):
        account = f" <{row.email}>" if row.email else ""
        found[(row.person_id, row.requirement_key)].append(
            Verification(
                "signature",
                row.signed_on,
                row.document_sha256,
                f"{row.typed_name}{account}",
                row.signed_at,
                f"signed version {row.version} (typed name, account, instant)",
            )
        )
    return found

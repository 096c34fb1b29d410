"""Read-only queries for certificates: by serial, by person, and what the PDF lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from lms.certificates.models import Certificate
from lms.certificates.rules import CertificateStatus, certificate_status
from lms.curriculum.models import CurriculumEdition, EditionModule, ModuleVersion
from lms.training.models import ModuleProgress


@dataclass(frozen=True)
class CertificateRow:
    certificate: Certificate
    edition: CurriculumEdition
    status: CertificateStatus


def certificate_by_serial(
    session: Session, serial: str
) -> tuple[Certificate, CurriculumEdition] | None:
    """The certificate with this (normalised) serial and its edition, in one query."""
    row = session.execute(
        select(Certificate, CurriculumEdition)
        .join(CurriculumEdition, CurriculumEdition.id == Certificate.edition_id)
        .where(Certificate.serial == serial)
    ).first()
    return None if row is None else (row[0], row[1])


def certificate_rows(session: Session, person_id: int, on_date: dt.date) -> list[CertificateRow]:
    """A person's certificates, newest first, with their status on ``on_date`` (one query)."""
    rows = session.execute(
        select(Certificate, CurriculumEdition)
        .join(CurriculumEdition, CurriculumEdition.id == Certificate.edition_id)
        .where(Certificate.person_id == person_id)
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    ).all()
    return [
        CertificateRow(certificate, edition, certificate_status(certificate, on_date))
        for certificate, edition in rows
    ]


def certificate_rows_of(
    session: Session, person_ids: Sequence[int], on_date: dt.date
) -> dict[int, list[CertificateRow]]:
    """:func:`certificate_rows` for several people: one query for them all."""
    rows: dict[int, list[CertificateRow]] = {person_id: [] for person_id in person_ids}
    for certificate, edition in session.execute(
        select(Certificate, CurriculumEdition)
        .join(CurriculumEdition, CurriculumEdition.id == Certificate.edition_id)
        .where(Certificate.person_id.in_(person_ids))
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    ):
        rows[certificate.person_id].append(
            CertificateRow(certificate, edition, certificate_status(certificate, on_date))
        )
    return rows


def certificate_modules(
    session: Session, certificate: Certificate
) -> list[tuple[ModuleVersion, ModuleProgress | None]]:
    """The certified edition's modules in order, each with the mentor's progress in that cycle.

    Only what a certificate prints is loaded of each module (not its sections and questions)."""
    modules = session.execute(
        select(ModuleVersion)
        .options(load_only(ModuleVersion.title, ModuleVersion.estimated_minutes))
        .join(EditionModule, EditionModule.module_version_id == ModuleVersion.id)
        .where(EditionModule.edition_id == certificate.edition_id)
        .order_by(EditionModule.position)
    ).scalars()
    progress = {
        row.module_version_id: row
        for row in session.execute(
            select(ModuleProgress).where(ModuleProgress.cycle_id == certificate.cycle_id)
        ).scalars()
    }
    return [(module, progress.get(module.id)) for module in modules]

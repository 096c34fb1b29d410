"""A certificate's standing on a given day, as a pure function (the day is passed in).

Auditors ask about past days too, so a certificate revoked today was still valid yesterday,
and one that expires next month was already valid last week.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Protocol


class CertificateState(enum.StrEnum):
    NOT_YET_ISSUED = "not_yet_issued"
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    CertificateState.NOT_YET_ISSUED: "Not yet issued",
    CertificateState.VALID: "Valid",
    CertificateState.EXPIRED: "Expired",
    CertificateState.REVOKED: "Revoked",
}


class CertificateDates(Protocol):
    """What the rule needs of a certificate (the model has these attributes)."""

    @property
    def issued_on(self) -> dt.date: ...
    @property
    def expires_on(self) -> dt.date: ...
    @property
    def revoked_on(self) -> dt.date | None: ...


@dataclass(frozen=True)
class CertificateStatus:
    state: CertificateState
    #: valid: the expiry date; expired: when it expired; revoked: when it was revoked;
    #: not yet issued: the issue date.
    on: dt.date

    @property
    def label(self) -> str:
        return self.state.label


def certificate_status(certificate: CertificateDates, on_date: dt.date) -> CertificateStatus:
    """Revoked from its revocation date on; otherwise expired on and after its expiry date;
    otherwise valid (or not yet issued, for a day before its issue date)."""
    if on_date < certificate.issued_on:
        return CertificateStatus(CertificateState.NOT_YET_ISSUED, certificate.issued_on)
    if certificate.revoked_on is not None and on_date >= certificate.revoked_on:
        return CertificateStatus(CertificateState.REVOKED, certificate.revoked_on)
    if on_date >= certificate.expires_on:
        return CertificateStatus(CertificateState.EXPIRED, certificate.expires_on)
    return CertificateStatus(CertificateState.VALID, certificate.expires_on)

"""A certificate's standing on a day: valid, expired or revoked, for past days too."""

import datetime as dt
from dataclasses import dataclass

import pytest

from lms.certificates.rules import CertificateState, certificate_status

ISSUED, EXPIRES = dt.date(2026, 3, 10), dt.date(2027, 3, 10)


@dataclass(frozen=True)
class Dates:
    issued_on: dt.date = ISSUED
    expires_on: dt.date = EXPIRES
    revoked_on: dt.date | None = None


@pytest.mark.parametrize(
    ("day", "state", "on"),
    [
        (ISSUED, CertificateState.VALID, EXPIRES),
        (dt.date(2026, 12, 31), CertificateState.VALID, EXPIRES),
        (EXPIRES - dt.timedelta(days=1), CertificateState.VALID, EXPIRES),
        (EXPIRES, CertificateState.EXPIRED, EXPIRES),  # expired on the expiry date itself
        (dt.date(2030, 1, 1), CertificateState.EXPIRED, EXPIRES),
        (ISSUED - dt.timedelta(days=1), CertificateState.NOT_YET_ISSUED, ISSUED),
    ],
)
def test_valid_until_the_expiry_date(day, state, on):
    status = certificate_status(Dates(), day)
    assert (status.state, status.on) == (state, on)


def test_revoked_from_the_revocation_date_and_valid_before_it():
    revoked = Dates(revoked_on=dt.date(2026, 9, 1))
    before = certificate_status(revoked, dt.date(2026, 8, 31))
    assert (before.state, before.on) == (CertificateState.VALID, EXPIRES)
    on_the_day = certificate_status(revoked, dt.date(2026, 9, 1))
    assert (on_the_day.state, on_the_day.on) == (CertificateState.REVOKED, dt.date(2026, 9, 1))
    assert certificate_status(revoked, dt.date(2026, 12, 1)).label == "Revoked"


def test_revocation_outranks_expiry():
    revoked = Dates(revoked_on=dt.date(2026, 9, 1))
    assert certificate_status(revoked, dt.date(2028, 1, 1)).state is CertificateState.REVOKED
    # Revoked after it had already expired: expired until the revocation, revoked from then on.
    late = Dates(revoked_on=dt.date(2027, 6, 1))
    assert certificate_status(late, dt.date(2027, 4, 1)).state is CertificateState.EXPIRED
    assert certificate_status(late, dt.date(2027, 6, 1)).state is CertificateState.REVOKED


def test_labels():
    assert [state.label for state in CertificateState] == [
        "Not yet issued",
        "Valid",
        "Expired",
        "Revoked",
    ]

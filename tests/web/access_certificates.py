"""Access rows for certificates (merged into test_permissions.EXPECTED)."""

EXPECTED_ACCESS = {
    "certificates.verify_form": "public",
    "certificates.verify": "public",
    "certificates.verification": "public",
    # The holder, their supervisor, HR and auditors; administrators are not on the list.
    "certificates.download": {"mentor", "supervisor", "hr", "auditor"},
    "certificates.revoke": {"hr"},
}


def sample_values(records) -> dict:
    """A certificate on the fixture mentor's cycle (an inserted row: the cycle is still open)."""
    if "certificate_id" not in records:
        import datetime as dt
        import random

        from lms import clock
        from lms.certificates.models import Certificate
        from lms.certificates.serials import generate_serial
        from lms.training.models import TrainingCycle

        db = records["db"]
        cycle = db.get(TrainingCycle, records["cycle_id"])
        certificate = Certificate(
            serial=generate_serial(2030, random.Random(7)),
            cycle_id=cycle.id,
            person_id=cycle.person_id,
            edition_id=cycle.edition_id,
            holder_name="Men Tor",
            issued_on=dt.date(2030, 1, 10),
            expires_on=dt.date(2031, 1, 10),
            issued_at=clock.now(),
        )
        db.add(certificate)
        db.commit()
        records["certificate_id"] = certificate.id
        records["serial"] = certificate.serial
    return {"certificate_id": records["certificate_id"], "serial": records["serial"]}

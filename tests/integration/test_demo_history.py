"""The demo has two years of history, so an auditor's reports for a past date are populated
(issue 14: "every record in the demo is dated today, so every past-date report is empty").

The clock is pinned to 2026-11-23; the demo dates its history from it (lms/demo.py).
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select

from lms.auditlog.models import AuditEvent
from lms.auditors.documents import certificate_register_csv, roster
from lms.certificates.models import Certificate
from lms.eligibility.models import Determination
from lms.training.operations import settings_from_config

TODAY = dt.date(2026, 11, 23)
A_YEAR_AGO = dt.date(2025, 11, 23)
TIMEZONE = "America/New_York"


@pytest.fixture
def demo(app, runner, db, frozen_clock):
    started = time.perf_counter()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return time.perf_counter() - started


def names(rows) -> set[str]:
    return {row.name for row in rows}


def test_the_roster_a_year_ago_lists_the_mentors_employed_then(app, db, demo):
    policy = settings_from_config(app.config).policy
    rows = roster(db, A_YEAR_AGO, policy, TIMEZONE)
    # Hired 2025-11-03, 2024-12-03 and 2025-04-02; Alex Romero had left on 2025-08-15 and the
    # others were hired later.
    assert names(rows) == {"Jordan Ellis", "Morgan Lee", "Dana Whitaker"}
    by_name = {row.name: row for row in rows}
    assert all(row.eligibility_status != "No record" for row in rows)  # determined back then
    assert by_name["Morgan Lee"].hire_on == dt.date(2024, 12, 3)
    # Two years ago, Alex was in his first employment.
    assert "Alex Romero" in names(roster(db, dt.date(2024, 12, 20), policy, TIMEZONE))


def test_determinations_and_the_audit_log_are_dated_by_the_history(db, demo):
    first = db.execute(select(Determination).order_by(Determination.determined_at)).scalars()
    assert next(iter(first)).determined_at.date() <= dt.date(2024, 12, 1)
    oldest = db.execute(select(AuditEvent).order_by(AuditEvent.occurred_at)).scalars().first()
    assert oldest.occurred_at.date() <= dt.date(2024, 12, 1)


def test_a_renewal_a_revocation_and_a_lapse_are_on_record(app, db, demo):
    certificates = db.execute(select(Certificate).order_by(Certificate.issued_on)).scalars().all()
    # Morgan renewed online when the 2026 edition came into force; Quinn's was revoked.
    assert [c.holder_name for c in certificates] == ["Morgan Lee", "Quinn Harper"]
    assert certificates[0].issued_on == dt.date(2026, 1, 8)
    assert certificates[1].revoked_on is not None and certificates[1].revoked_on < TODAY
    register = certificate_register_csv(db, dt.date(2026, 6, 1)).decode()
    assert "Morgan Lee" in register and "revoked" in register
    # Dana trained on paper on 2025-04-22 (valid a year) and never renewed.
    policy = settings_from_config(app.config).policy
    dana = next(r for r in roster(db, TODAY, policy, TIMEZONE) if r.name == "Dana Whitaker")
    assert dana.due_on == dt.date(2026, 4, 22)
    assert dana.training_status in {"Overdue", "Expired", "Lapsed"}


def test_the_audit_log_verifies_and_the_demo_loads_quickly(runner, demo):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Audit log intact" in result.output
    assert demo < 30  # about 5 s on a developer's machine; generous for a busy test runner

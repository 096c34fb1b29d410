"""What HR's home page counts: the work waiting, each figure the size of the list it links to.

Each count runs through the same filters as its list, so following a link shows as many people
as the figure said; a constant number of queries however many people there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from lms.compliance.queries import compliance_dashboard
from lms.compliance.rules import expires_within
from lms.eligibility.rules import EligibilityStatus
from lms.eligibility.snapshot import evaluate_document, facts_document
from lms.staff.queries import StaffFilters, count_people, mentor_facts
from lms.training.rules import CyclePolicy, TrainingStatus

#: "Expiring soon" on HR's home page: training valid today that expires within this many days.
EXPIRING_WITHIN_DAYS = 30

#: The staff list's filters behind each of HR's counts (also the links' query strings).
TO_VERIFY = StaffFilters(current=True, unverified=True)
NOT_ELIGIBLE_YET = StaffFilters(current=True)


@dataclass(frozen=True)
class HrToDo:
    to_verify: int  # candidates and active staff with something not yet verified
    not_eligible: int  # candidates and active mentors not eligible today
    overdue: int  # mentors whose initial training is past its due date
    expiring: int  # mentors whose training expires within EXPIRING_WITHIN_DAYS days


def hr_to_do(session: Session, today: dt.date, policy: CyclePolicy, timezone: str) -> HrToDo:
    """HR's four counts for ``today``: seven queries however many people."""
    not_eligible = sum(
        evaluate_document(
            facts_document(mentor.person, mentor.credentials, mentor.experiences, today)
        ).status
        is EligibilityStatus.NOT_ELIGIBLE
        for mentor in mentor_facts(session, NOT_ELIGIBLE_YET)
    )
    dashboard = compliance_dashboard(session, today, policy, timezone=timezone, chart=False)
    return HrToDo(
        to_verify=count_people(session, TO_VERIFY),
        not_eligible=not_eligible,
        overdue=dashboard.counts[TrainingStatus.OVERDUE],
        expiring=sum(
            expires_within(row.state, today, EXPIRING_WITHIN_DAYS) for row in dashboard.rows
        ),
    )

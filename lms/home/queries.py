"""What HR's home page counts: the work waiting, each figure the size of the list it links to.

Each count runs through the same filters as its list, so following a link shows as many people
as the figure said; a constant number of queries however many people there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from lms.compliance.queries import ComplianceFilters, count_shown, status_counts
from lms.eligibility.rules import EligibilityStatus
from lms.staff.queries import StaffFilters, count_people
from lms.tallies.rules import EXPIRING_WITHIN_DAYS as TALLIED_EXPIRY_DAYS
from lms.training.rules import CyclePolicy, TrainingStatus

#: "Expiring soon" on HR's home page: training valid today that expires within this many days
#: (the horizon the counters keep).
EXPIRING_WITHIN_DAYS = TALLIED_EXPIRY_DAYS

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
    """HR's four counts for ``today``: four queries however many people, the statuses read from
    the stored status periods (``policy`` and ``timezone`` are the ones they were stored with)."""
    return HrToDo(
        to_verify=count_people(session, TO_VERIFY),
        not_eligible=count_people(
            session,
            replace(NOT_ELIGIBLE_YET, eligibility=EligibilityStatus.NOT_ELIGIBLE, as_of=today),
        ),
        overdue=status_counts(session, today)[TrainingStatus.OVERDUE],
        expiring=count_shown(
            session, today, filters=ComplianceFilters(expiring_within=EXPIRING_WITHIN_DAYS)
        ),
    )

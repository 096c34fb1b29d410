"""Pure rules for staff records: how a change of hire and separation dates moves the history of
employment. No database, no clock."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lms.validation import InvalidInput


class StaffStatus(enum.StrEnum):
    CANDIDATE = "candidate"
    ACTIVE = "active"
    SEPARATED = "separated"


@dataclass(frozen=True)
class Employment:
    """One period of employment; a rehire is a new Employment starting on the rehire date."""

    hired_on: dt.date
    separated_on: dt.date | None = None  # the last day employed


def employment_on(periods: Iterable[Employment], day: dt.date) -> Employment | None:
    """The period that answers for ``day``: the latest one begun on or before it.

    None before the first hire. A day after that period's separation is still answered by it
    (the person had left), which ``training_state`` reports as no status.
    """
    begun = [period for period in periods if period.hired_on <= day]
    return max(begun, key=lambda period: period.hired_on, default=None)


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def employment_after_change(
    periods: Sequence[Employment],
    status: StaffStatus,
    hire_on: dt.date | None,
    separated_on: dt.date | None,
) -> list[Employment]:
    """The periods of employment, oldest first, once the person's record reads ``status``,
    ``hire_on`` and ``separated_on`` (which always describe the latest period).

    - A candidate has no period of their own: their hire date, if any, is a planned start. A
      former employee may become a candidate again; their earlier periods stay as they were.
    - A hire date after the end of the latest period is a rehire: a new period.
    - Otherwise the change is to the latest period: a correction of its dates, a separation, or
      taking back a separation recorded in error (with the hire date unchanged).

    Raises ``InvalidInput`` for a change that would lose or contradict history.
    """
    history = list(periods)
    latest = history[-1] if history else None
    if status is StaffStatus.CANDIDATE or hire_on is None:
        if latest is not None and latest.separated_on is None:
            raise InvalidInput(
                f"This person has been employed since {_long_date(latest.hired_on)}. "
                "Record the day they left instead of making them a candidate.",
                "status",
            )
        return history
    current = Employment(hire_on, separated_on)
    if latest is None:
        return [current]
    if latest.separated_on is not None and hire_on > latest.separated_on:
        return [*history, current]
    if latest.separated_on is not None and separated_on is None and hire_on != latest.hired_on:
        # Taking back a separation keeps the hire date; a new date this early is a mistyped rehire.
        raise InvalidInput(
            f"A rehire date must be after the day they left ({_long_date(latest.separated_on)}).",
            "hire_on",
        )
    earlier = history[:-1]
    if earlier and earlier[-1].separated_on is not None and hire_on <= earlier[-1].separated_on:
        raise InvalidInput(
            "The hire date must be after the end of the previous employment "
            f"({_long_date(earlier[-1].separated_on)}).",
            "hire_on",
        )
    return [*earlier, current]


def periods_overlap(first: Employment, second: Employment) -> bool:
    """Whether two periods share a day (an open period runs on without end)."""
    first_end = first.separated_on or dt.date.max
    second_end = second.separated_on or dt.date.max
    return first.hired_on <= second_end and second.hired_on <= first_end


def past_employment_problems(
    periods: Sequence[Employment],
    planned_hire_on: dt.date | None,
    period: Employment,
    today: dt.date,
) -> list[InvalidInput]:
    """Every reason ``period`` cannot be added to a person's history as a past employment.

    ``periods`` are the person's stored periods (the current one included) and
    ``planned_hire_on`` a candidate's planned first day. A past period has ended by ``today``,
    overlaps none of the others and ends before the latest (current) one begins: the latest
    period is the one the staff record's hire and separation dates describe, changed on the
    person's page.
    """
    problems: list[InvalidInput] = []
    hired_on, separated_on = period.hired_on, period.separated_on
    if separated_on is None:
        message = "Enter the last day employed: a past period has ended."
        return [InvalidInput(message, "separated_on")]
    if separated_on < hired_on:
        problems.append(
            InvalidInput("The last day employed is before the hire date.", "separated_on")
        )
    if separated_on > today:
        problems.append(
            InvalidInput(
                "The last day employed is in the future: a past period has ended. Record "
                "current employment on the person's page.",
                "separated_on",
            )
        )
    if problems:
        return problems
    for other in sorted(periods, key=lambda each: each.hired_on):
        if periods_overlap(other, period):
            ended = f"to {_long_date(other.separated_on)}" if other.separated_on else "and still on"
            problems.append(
                InvalidInput(
                    f"This overlaps the employment from {_long_date(other.hired_on)} {ended}.",
                    "hired_on",
                )
            )
            return problems
    latest = max(periods, key=lambda each: each.hired_on, default=None)
    if latest is not None and hired_on > latest.hired_on:
        problems.append(
            InvalidInput(
                "This would be the latest employment, after the one from "
                f"{_long_date(latest.hired_on)}: record the latest employment on the person's "
                "page (hire and separation dates).",
                "hired_on",
            )
        )
    elif planned_hire_on is not None and separated_on >= planned_hire_on:
        problems.append(
            InvalidInput(
                f"A past period must end before the planned start ({_long_date(planned_hire_on)}).",
                "separated_on",
            )
        )
    return problems


# -- what a verification must rest on ---------------------------------------------------------

#: Methods that consist of reading a document: the document itself must be attached. The same
#: rule covers identity, credentials and experience, clinicians' licences ("board_letter") and
#: training areas ("certification"), and requirement records.
DOCUMENT_METHODS = frozenset(
    {
        "government_id",
        "diploma",
        "transcript",
        "credential_evaluation",
        "pay_records",
        "board_letter",
        "certification",
    }
)
#: What auditors read beside a verification that rests on a note rather than a document.
WITHOUT_DOCUMENT = "verified without a document, on the strength of the note"
#: A note saying whom, how they were reached and when is at least this long.
MIN_CONFIRMATION_NOTE = 15


def verification_problem(
    method: str, method_label: str, has_evidence: bool, note: str | None
) -> tuple[str, str] | None:
    """Why a fact cannot be marked verified this way, as (field, message); None when it can.

    An auditor must be able to see what a verification rests on: the document, when the method
    is reading one; otherwise (a call to the registrar, a look-up, an employer's reference
    without a letter) a note saying whom, how they were reached and when.
    """
    if has_evidence:
        return None
    if method in DOCUMENT_METHODS:
        return (
            "method",
            f"“{method_label}” needs the document attached as evidence first. If there is no "
            "document, choose how it was confirmed instead (for example a call to the "
            "registrar) and say in the note whom, the number and the date.",
        )
    if len((note or "").strip()) < MIN_CONFIRMATION_NOTE:
        return (
            "note",
            "No document is attached, so say how it was confirmed: whom you spoke to or what "
            "you looked up, the number or address, and the date.",
        )
    return None


def evidence_statement(verified: bool, has_evidence: bool) -> str | None:
    """What a page or PDF says about the evidence of a fact, the same words everywhere; None when
    a document is attached (the page lists it)."""
    if has_evidence:
        return None
    if verified:
        return f"No evidence attached: {WITHOUT_DOCUMENT}"
    return "No evidence attached"

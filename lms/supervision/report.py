"""The supervision report (``lms supervision report`` and HR's missed-weeks page): every week that
contains a day in the range, for each therapeutic mentor, with exactly the fields issue 10 names."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable

from lms.csvfile import SafeWriter
from lms.supervision.queries import MentorWeeks

CSV_COLUMNS = (
    "mentor_email",
    "week_starts_on",
    "status",
    "required",
    "held_on",
    "supervisor_email",
    "counts",
    "reason",
)


def report_records(mentors: Iterable[MentorWeeks]) -> list[dict[str, object]]:
    """One record per mentor and week: ``mentor_email``, ``week_starts_on``, ``status``,
    ``required`` and ``sessions`` (each ``held_on``, ``supervisor_email``, ``counts``,
    ``reason``)."""
    records = []
    for mentor in mentors:
        for week in mentor.weeks:
            records.append(
                {
                    "mentor_email": mentor.email,
                    "week_starts_on": week.starts_on.isoformat(),
                    "status": week.status.value,
                    "required": week.required,
                    "sessions": [
                        {
                            "held_on": outcome.session.held_on.isoformat(),
                            "supervisor_email": mentor.sessions[
                                outcome.session.key
                            ].supervisor_email,
                            "counts": outcome.counts,
                            "reason": outcome.reason,
                        }
                        for outcome in week.sessions
                    ],
                }
            )
    return records


def report_json(records: list[dict[str, object]]) -> str:
    """A JSON array with one mentor's week per line: each record is encoded by the standard
    library's C encoder (``indent`` would send the whole report through its pure-Python one,
    which took longer than the query and the rule together)."""
    if not records:
        return "[]\n"
    return "[\n" + ",\n".join(json.dumps(record) for record in records) + "\n]\n"


def report_csv(records: list[dict[str, object]]) -> str:
    """One row per session (a week without sessions is one row with the session cells empty);
    text cells a spreadsheet would run as a formula are made inert."""
    output = io.StringIO()
    writer = SafeWriter(output)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        week = [
            record["mentor_email"] or "",
            record["week_starts_on"],
            record["status"],
            "true" if record["required"] else "false",
        ]
        sessions = record["sessions"] or [None]
        for item in sessions:
            if item is None:
                writer.writerow([*week, "", "", "", ""])
            else:
                writer.writerow(
                    [
                        *week,
                        item["held_on"],
                        item["supervisor_email"] or "",
                        "true" if item["counts"] else "false",
                        item["reason"],
                    ]
                )
    return output.getvalue()

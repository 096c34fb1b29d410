"""The staff list's first page again, with its own statements sent through the raw driver
(sqlite3 or psycopg) instead of the ORM: the same SQL, the same rules, the same template.

Timing both side by side tells how much the ORM costs the page; the issue's goal is the ORM
page at 70 % or more of its twin's throughput. ``install(app)`` adds the twin at
``/bench/staff-twin`` (HR only, like the page); the layout around it (the signed-in user, the
organisation's name, unread notifications) is the app's own in both.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from flask import Flask, current_app, render_template

from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.eligibility.rules import PATHWAY_LABELS, CredentialLevel, EligibilityStatus, Population
from lms.eligibility.snapshot import evaluate_document, facts_document
from lms.staff.models import Position, StaffStatus
from lms.staff.queries import Page
from lms.staff.views import PAGE_SIZE, _unverified_summary, today

PERSON = (
    "SELECT id, legal_name, preferred_name, date_of_birth, hire_on, position, status, "
    "identity_verified_at FROM people ORDER BY legal_name, id LIMIT {size} OFFSET 0"
)
CREDENTIALS = (
    "SELECT person_id, level, field_of_study, institution, human_services_basis, accredited, "
    "conferred_on, verified_at FROM education_credentials WHERE person_id IN ({ids}) "
    "ORDER BY person_id, conferred_on, id"
)
EXPERIENCES = (
    "SELECT person_id, employer, role, start_on, end_on, hours_per_week, population, "
    "target_population, verified_at FROM experience_entries WHERE person_id IN ({ids}) "
    "ORDER BY person_id, start_on, id"
)


def _date(value) -> dt.date | None:
    """sqlite3 returns dates as text; psycopg as dates."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _staff_twin():
    engine = current_app.extensions["lms.db"].engine
    marker = "?" if engine.dialect.name == "sqlite" else "%s"
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT count(*) FROM people")
        total = cursor.fetchone()[0]
        cursor.execute(PERSON.format(size=PAGE_SIZE))
        people = [
            SimpleNamespace(
                id=row[0],
                legal_name=row[1],
                preferred_name=row[2],
                display_name=(f"{row[2]} ({row[1]})" if row[2] and row[2] != row[1] else row[1]),
                date_of_birth=_date(row[3]),
                hire_on=_date(row[4]),
                position=Position(row[5]),
                status=StaffStatus(row[6]),
                identity_verified=row[7] is not None,
                credentials=[],
                experiences=[],
            )
            for row in cursor.fetchall()
        ]
        by_id = {person.id: person for person in people}
        ids = ", ".join([marker] * len(people)) or "NULL"
        cursor.execute(CREDENTIALS.format(ids=ids), list(by_id))
        for row in cursor.fetchall():
            by_id[row[0]].credentials.append(
                SimpleNamespace(
                    level=CredentialLevel(row[1]),
                    field_of_study=row[2],
                    institution=row[3],
                    human_services_field=row[4] is not None,
                    accredited=bool(row[5]),
                    conferred_on=_date(row[6]),
                    verified=row[7] is not None,
                )
            )
        cursor.execute(EXPERIENCES.format(ids=ids), list(by_id))
        for row in cursor.fetchall():
            by_id[row[0]].experiences.append(
                SimpleNamespace(
                    employer=row[1],
                    role=row[2],
                    start_on=_date(row[3]),
                    end_on=_date(row[4]),
                    hours_per_week=Decimal(str(row[5])),
                    population=Population(row[6]),
                    target_population=bool(row[7]),
                    verified=row[8] is not None,
                )
            )
        cursor.close()
        connection.commit()
    finally:
        connection.close()
    as_of = today()
    rows = []
    for person in people:
        result = None
        if person.position is Position.THERAPEUTIC_MENTOR:
            result = evaluate_document(
                facts_document(person, person.credentials, person.experiences, as_of)
            )
        rows.append((person, result, _unverified_summary(person)))
    chosen = {"status": None, "position": None, "eligibility": None, "q": ""}
    return render_template(
        "staff/index.html",
        rows=rows,
        pathway_labels=PATHWAY_LABELS,
        page=Page.clamped(1, PAGE_SIZE, total),
        cursors={"before": people[0].id, "after": people[-1].id} if people else {},
        link_arguments={},
        as_of=as_of,
        filters=chosen,
        statuses=list(StaffStatus),
        positions=list(Position),
        eligibility_statuses=list(EligibilityStatus),
    )


def install(app: Flask) -> None:
    """Add the twin at /bench/staff-twin (before the app's first request)."""
    app.add_url_rule("/bench/staff-twin", "bench_staff_twin", requires(Role.HR)(_staff_twin))

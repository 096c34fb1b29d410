"""The compliance dashboard for HR, administrators and supervisors (their own team only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
)
from flask_login import current_user

from lms import csvfile
from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.compliance.chart import build_chart, percent
from lms.compliance.queries import (
    COLUMNS,
    SUPERVISION_COLUMNS,
    TRACKED_POSITIONS,
    ComplianceFilters,
    DashboardPage,
    cells,
    dashboard_page,
    stream_rows_with_missed,
    supervisor_choices,
)
from lms.compliance.rules import STATUS_ORDER, latest_as_of, parse_as_of
from lms.db import begin_long_read
from lms.provider_time import provider_today
from lms.staff.models import Person
from lms.staff.queries import person_for_user
from lms.supervision.queries import MISSED_WINDOWS
from lms.supervision.settings import supervision_settings
from lms.training.rules import TrainingStatus
from lms.validation import InvalidInput
from lms.web import db_session, requested_page_number

blueprint = Blueprint("compliance", __name__, url_prefix="/compliance")
T = TypeVar("T")

EVERYONE_ROLES = (Role.HR, Role.ADMIN)
NO_SUPERVISOR_VALUE = "none"

#: The dashboard's list and its CSV: the training columns, then the supervision ones.
DASHBOARD_COLUMNS = (*COLUMNS, *SUPERVISION_COLUMNS)
#: The supervision filter's options (value, label).
MISSED_CHOICES = [
    (str(window), f"Missed supervision in the last {window} weeks") for window in MISSED_WINDOWS
]


@dataclass(frozen=True)
class Scope:
    """Whose records the signed-in user sees: everyone, or one supervisor's team."""

    team_of: Person | None  # None: everyone

    @property
    def everyone(self) -> bool:
        return self.team_of is None


@dataclass(frozen=True)
class Parameters:
    as_of: dt.date
    filters: ComplianceFilters


def _today() -> dt.date:
    return provider_today()


def _scope() -> Scope | None:
    """HR and admins see everyone; a supervisor their team; None for a supervisor with no record."""
    if current_user.has_role(*EVERYONE_ROLES):
        return Scope(None)
    me = person_for_user(db_session(), current_user.id)
    return Scope(me) if me is not None else None


def _choices(scope: Scope) -> list[tuple[str, str]]:
    """The supervisor filter's options (value, label); only these values are accepted."""
    if scope.team_of is not None:
        return [(str(scope.team_of.id), scope.team_of.display_name)]
    options = [(str(person_id), name) for person_id, name in supervisor_choices(db_session())]
    return [*options, (NO_SUPERVISOR_VALUE, "No supervisor assigned")]


def _parameters(args: Mapping[str, str], today: dt.date, choices: Iterable[str]) -> Parameters:
    """The as-of date and filters from the query string; InvalidInput names a bad one."""
    as_of = parse_as_of(args.get("as_of"), today)
    status = _choice(args, "status", {s.value: s for s in TrainingStatus}, "Status")
    position = _choice(args, "position", {p.value: p for p in TRACKED_POSITIONS}, "Position")
    supervisor = _choice(args, "supervisor", {value: value for value in choices}, "Supervisor")
    expiring_within = _days(args, "expiring_within", "Expiring within")
    missed = _choice(
        args,
        "missed_supervision",
        {str(window): window for window in MISSED_WINDOWS},
        "Supervision",
    )
    return Parameters(
        as_of,
        ComplianceFilters(
            status=status,
            supervisor_id=int(supervisor) if supervisor and supervisor.isdigit() else None,
            without_supervisor=supervisor == NO_SUPERVISOR_VALUE,
            position=position,
            expiring_within=expiring_within,
            missed_supervision=missed,
        ),
    )


#: The longest "expiring within" a link may ask for: a year of days.
MAX_EXPIRING_WITHIN = 366


def _days(args: Mapping[str, str], name: str, label: str) -> int | None:
    """A whole number of days from 1 to a year (empty: no filter)."""
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_EXPIRING_WITHIN:
        raise InvalidInput(
            f"{label} must be a whole number of days from 1 to {MAX_EXPIRING_WITHIN}, "
            f"not “{value[:40]}”.",
            name,
        )
    return int(value)


def _choice(args: Mapping[str, str], name: str, allowed: Mapping[str, T], label: str) -> T | None:
    """The value of filter ``name``, which must be one of ``allowed`` (empty: no filter)."""
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if value not in allowed:
        raise InvalidInput(f"{label} “{value[:40]}” is not one of the choices offered.", name)
    return allowed[value]


def _query(parameters: Parameters, args: Mapping[str, str]) -> dict[str, str]:
    """The query string that repeats this view (for links and the export), with the date fixed."""
    query = {"as_of": parameters.as_of.isoformat()}
    for name in ("status", "supervisor", "position", "expiring_within", "missed_supervision"):
        if (args.get(name) or "").strip():
            query[name] = args[name].strip()
    return query


#: Mentors per page of the list, as on the staff list.
PAGE_SIZE = 50


def _load(scope: Scope, parameters: Parameters, requested_page: int) -> DashboardPage:
    """Counts, one page with its missed supervision weeks and the chart: at most eleven
    queries (with the supervision filter: one to read the rows the other filters leave, and six
    for every ``STREAM_BATCH`` of them)."""
    return dashboard_page(
        db_session(),
        parameters.as_of,
        requested_page,
        PAGE_SIZE,
        team_of=scope.team_of.id if scope.team_of else None,
        filters=parameters.filters,
        supervision=supervision_settings(current_app.config),
    )


def _missed_cells(missed: Mapping[int, int]) -> list[str]:
    return [str(missed.get(window, 0)) for window in MISSED_WINDOWS]


@blueprint.route("/")
@requires(Role.HR, Role.ADMIN, Role.SUPERVISOR)
def index():
    scope = _scope()
    if scope is None:
        return render_template("compliance/no_record.html")
    today = _today()
    choices = _choices(scope)
    context = {
        "scope": scope,
        "today": today,
        "latest": latest_as_of(today),
        "args": request.args,
        "supervisor_choices": choices,
        "statuses": STATUS_ORDER,
        "positions": TRACKED_POSITIONS,
        "columns": DASHBOARD_COLUMNS,
        "missed_choices": MISSED_CHOICES,
    }
    try:
        parameters = _parameters(request.args, today, [value for value, _ in choices])
    except InvalidInput as error:
        return render_template("compliance/dashboard.html", error=error, **context), 400
    dashboard = _load(scope, parameters, requested_page_number())
    query = _query(parameters, request.args)
    return render_template(
        "compliance/dashboard.html",
        error=None,
        parameters=parameters,
        dashboard=dashboard,
        page=dashboard.page,
        rows=[
            (row, cells(row) + _missed_cells(dashboard.missed.get(row.record.person_id, {})))
            for row in dashboard.rows
        ],
        query=query,
        link_arguments=query,
        chart=build_chart(dashboard.shares, dashboard.months),
        percent=percent,
        **context,
    )


@blueprint.route("/export.csv")
@requires(Role.HR, Role.ADMIN, Role.SUPERVISOR)
def export():
    """Exactly the list the dashboard shows for the same query string, as CSV."""
    scope = _scope()
    if scope is None:
        abort(403, "Your sign-in account is not linked to a staff record, so there is no team.")
    choices = [value for value, _ in _choices(scope)]
    try:
        parameters = _parameters(request.args, _today(), choices)
    except InvalidInput as error:
        abort(400, error.message)
    session = db_session()
    team_of = scope.team_of.id if scope.team_of else None
    settings = supervision_settings(current_app.config)

    def lines():
        # Runs as the response is sent, after the request's transaction has ended: the rows
        # are read in a fresh read transaction, a batch at a time, and written as they come.
        # That transaction must be a long read (on SQLite it would otherwise begin IMMEDIATE
        # and hold the write lock for the whole download) and must end with the download.
        begin_long_read(session)
        try:
            rows = stream_rows_with_missed(
                session, parameters.as_of, settings, team_of=team_of, filters=parameters.filters
            )
            yield from csvfile.csv_chunks(
                DASHBOARD_COLUMNS,
                (_typed(cells(row) + _missed_cells(missed)) for row, missed in rows),
            )
        finally:
            session.rollback()

    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={
            "Content-Disposition": (
                f'attachment; filename="compliance-{parameters.as_of.isoformat()}.csv"'
            )
        },
    )


#: The columns written as numbers: days left and the missed supervision weeks.
NUMBER_COLUMNS = frozenset({3, *range(len(COLUMNS), len(DASHBOARD_COLUMNS))})


def _typed(row: list[str]) -> list[str | int]:
    """The number columns as numbers, so they stay numbers (the rest made inert as text)."""
    return [int(cell) if index in NUMBER_COLUMNS else cell for index, cell in enumerate(row)]


def csv_text(rows: Iterable[list[str]]) -> str:
    """The header row and ``rows`` as CSV, with text cells that a spreadsheet would run as a
    formula made inert (the days-left numbers stay numbers)."""
    return csvfile.csv_text(COLUMNS, (_typed(row) for row in rows))

"""On-call pages: who is on call now (every signed-in user), the roster (HR and admins) and the
coverage report for any past range."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from lms import clock
from lms.auth.models import Role
from lms.auth.permissions import SIGNED_IN, requires
from lms.csvfile import SafeWriter
from lms.oncall.forms import BlockForm, CopyWeekForm, RemoveBlockForm
from lms.oncall.operations import BlockDetails, add_block, copy_week, remove_block
from lms.oncall.queries import (
    Coverage,
    coverage,
    on_call_at,
    senior_clinicians,
    service_hours_on,
)
from lms.oncall.rules import (
    Gap,
    iso_local,
    local_dates,
    month_days,
    parse_date,
    parse_local_datetime,
    parse_month,
    report_range,
    tel_uri,
)
from lms.organisation.rules import PLACEHOLDER_DEFAULTS
from lms.organisation.views import current_settings
from lms.provider_time import provider_timezone, provider_today
from lms.staff.models import Person
from lms.transaction import flashed_errors, form_errors
from lms.validation import InvalidInput
from lms.web import current_actor, db_session

blueprint = Blueprint("oncall", __name__, url_prefix="/oncall")

ROSTER_ROLES = (Role.HR, Role.ADMIN)
#: The report reads records only; auditors and supervisors may ask it about any past range.
REPORT_ROLES = (Role.HR, Role.ADMIN, Role.AUDITOR, Role.SUPERVISOR)
#: The roster highlights gaps this many days ahead, today included.
GAP_HORIZON_DAYS = 30


@blueprint.app_template_filter("tel_uri")
def _tel_uri(phone: str) -> str:
    return tel_uri(phone)


@blueprint.app_template_filter("oncall_time")
def _local_time(instant: dt.datetime, pattern: str = "%a %-d %b %Y, %H:%M") -> str:
    return instant.astimezone(ZoneInfo(provider_timezone())).strftime(pattern)


@blueprint.route("/now")
@requires(SIGNED_IN)
def now():
    timezone = provider_timezone()
    instant = clock.now()
    counting, _ = on_call_at(db_session(), instant, timezone)
    settings = current_settings()
    # With no protocol saved, the course's own wording (what mentors were taught).
    protocol = settings.emergency_protocol or PLACEHOLDER_DEFAULTS["emergency_protocol"]
    return render_template(
        "oncall/now.html",
        blocks=counting,
        settings=settings,
        protocol=protocol.rstrip("."),
        now=instant,
        may_edit=current_user.has_role(*ROSTER_ROLES),
    )


def _by_day(found: Coverage, timezone: str) -> dict[dt.date, list]:
    days: dict[dt.date, list] = defaultdict(list)
    for block in found.blocks:
        for day in local_dates(block.starts_at, block.ends_at, timezone):
            days[day].append(block)
    return days


def _gap_days(found: Coverage, timezone: str) -> set[dt.date]:
    return {day for gap in found.gaps for day in local_dates(gap.starts_at, gap.ends_at, timezone)}


def _choices(form: BlockForm) -> None:
    form.clinician.choices = [("", "Choose…")] + [
        (person.id, person.display_name) for person in senior_clinicians(db_session())
    ]


def _roster_page(block_form: BlockForm, copy_form: CopyWeekForm, month: dt.date, status=200):
    timezone = provider_timezone()
    today = provider_today()
    config = current_app.config
    hours = service_hours_on(db_session(), config, today, timezone)
    days = month_days(month)
    month_coverage = coverage(db_session(), config, days[0], days[-1], timezone)
    horizon = coverage(
        db_session(), config, today, today + dt.timedelta(days=GAP_HORIZON_DAYS - 1), timezone
    )
    now = clock.now()  # the gaps ahead: from this moment on
    gaps_ahead = [
        Gap(max(gap.starts_at, now), gap.ends_at) for gap in horizon.gaps if gap.ends_at > now
    ]
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = days[-1] + dt.timedelta(days=1)
    return (
        render_template(
            "oncall/roster.html",
            block_form=block_form,
            copy_form=copy_form,
            remove_form=RemoveBlockForm(),
            month=month,
            days=days,
            blocks_by_day=_by_day(month_coverage, timezone),
            month_gap_days=_gap_days(month_coverage, timezone),
            coverage=month_coverage,
            gaps_ahead=gaps_ahead,
            horizon_days=GAP_HORIZON_DAYS,
            horizon_end=today + dt.timedelta(days=GAP_HORIZON_DAYS - 1),
            today=today,
            timezone=timezone,
            previous=previous,
            following=following,
            hours=hours,
        ),
        status,
    )


def _month_arg() -> dt.date:
    try:
        return parse_month(request.values.get("month"), provider_today())
    except InvalidInput as error:
        abort(400, error.message)


@blueprint.route("/roster")
@requires(*ROSTER_ROLES)
def roster():
    block_form = BlockForm(formdata=None)
    _choices(block_form)
    today = provider_today()
    copy_form = CopyWeekForm(
        formdata=None, week_starts_on=today - dt.timedelta(days=(today.weekday() + 1) % 7)
    )
    return _roster_page(block_form, copy_form, _month_arg())


@blueprint.route("/blocks", methods=["POST"])
@requires(*ROSTER_ROLES)
def new_block():
    form = BlockForm()
    _choices(form)
    month = _month_arg()
    copy_form = CopyWeekForm(formdata=None)
    if not form.validate():
        return _roster_page(form, copy_form, month, 422)
    chosen = form.clinician.data
    clinician = db_session().get(Person, chosen) if chosen is not None else None
    with form_errors(form):
        block = add_block(
            db_session(),
            current_actor(),
            BlockDetails(form.starts_at.data, form.ends_at.data, clinician, form.phone.data),
            provider_timezone(),
        )
        flash(
            f"{clinician.display_name} is on call from {block.starts_local} to {block.ends_local}.",
            "success",
        )
        return redirect(url_for("oncall.roster", month=block.starts_local[:7]))
    return _roster_page(form, copy_form, month, 422)


@blueprint.route("/blocks/<int:block_id>/remove", methods=["POST"])
@requires(*ROSTER_ROLES)
def delete_block(block_id: int):
    form = RemoveBlockForm()
    if not form.validate():
        abort(400)
    with flashed_errors():
        block = remove_block(db_session(), current_actor(), block_id)
        flash(f"Block {block.starts_local} to {block.ends_local} taken off the roster.", "success")
    return redirect(url_for("oncall.roster", month=request.values.get("month") or None))


@blueprint.route("/copy-week", methods=["POST"])
@requires(*ROSTER_ROLES)
def copy_last_week():
    form = CopyWeekForm()
    month = _month_arg()
    block_form = BlockForm(formdata=None)
    _choices(block_form)
    if not form.validate():
        return _roster_page(block_form, form, month, 422)
    with form_errors(form):
        added = copy_week(
            db_session(), current_actor(), form.week_starts_on.data, provider_timezone()
        )
        week = form.week_starts_on.data.isoformat()
        flash(
            f"Copied {added} block(s) into the week starting {week}."
            if added
            else "Nothing to copy: last week's blocks are already there, or there were none.",
            "success" if added else "info",
        )
        return redirect(url_for("oncall.roster", month=form.week_starts_on.data.strftime("%Y-%m")))
    return _roster_page(block_form, form, month, 422)


def _report_parameters(timezone: str, today: dt.date):
    """(first, last, as_of, at, recorded_by) from the query string; InvalidInput names a bad one."""
    args = request.args
    first, last = report_range(args.get("from"), args.get("to"), today)
    as_of = parse_date(args.get("as_of"), "as_of", today)
    at_text = (args.get("at") or "").strip()
    at = parse_local_datetime(at_text, timezone, "at") if at_text else None
    recorded_by = None if as_of >= today else clock.end_of_day(as_of, timezone)
    return first, last, as_of, at, recorded_by


@blueprint.route("/report")
@requires(*REPORT_ROLES)
def report():
    """Blocks and gaps over a past range, and who was on call at one moment, as the records
    stand now or as they stood at the end of an earlier day."""
    timezone = provider_timezone()
    today = provider_today()
    context = {"args": request.args, "today": today, "timezone": timezone}
    try:
        first, last, as_of, at, recorded_by = _report_parameters(timezone, today)
    except InvalidInput as error:
        return render_template("oncall/report.html", error=error, **context), 400
    found = coverage(db_session(), current_app.config, first, last, timezone, recorded_by)
    at_answer = on_call_at(db_session(), at, timezone, recorded_by) if at else None
    return render_template(
        "oncall/report.html",
        error=None,
        first=first,
        last=last,
        as_of=as_of,
        at=at,
        at_answer=at_answer,
        coverage=found,
        **context,
    )


REPORT_COLUMNS = (
    "record",
    "starts_at",
    "ends_at",
    "clinician",
    "clinician_email",
    "phone",
    "counts",
)


@blueprint.route("/report.csv")
@requires(*REPORT_ROLES)
def report_csv():
    """The report's blocks and gaps as CSV (times in ISO 8601 with the offset)."""
    timezone = provider_timezone()
    try:
        first, last, _, _, recorded_by = _report_parameters(timezone, provider_today())
    except InvalidInput as error:
        abort(400, f"{error.field}: {error.message}")
    found = coverage(db_session(), current_app.config, first, last, timezone, recorded_by)
    output = io.StringIO()
    writer = SafeWriter(output)
    writer.writerow(REPORT_COLUMNS)
    for block in found.blocks:
        row = [
            "block",
            iso_local(block.starts_at, timezone),
            iso_local(block.ends_at, timezone),
            block.clinician.legal_name,
            block.clinician.work_email or "",
            block.phone,
            "yes" if found.counts(block) else "no",
        ]
        writer.writerow(row)
    for gap in found.gaps:
        times = gap.as_dict(timezone)
        writer.writerow(["gap", times["starts_at"], times["ends_at"], "", "", "", ""])
    return Response(
        output.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="oncall-coverage-{first}-{last}.csv"'
        },
    )

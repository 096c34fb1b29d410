"""Supervision pages: the supervisor's week, recording and signing sessions, the mentor's
history with acknowledgment, HR's leave records and list of missed weeks."""

from __future__ import annotations

import datetime as dt

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
from sqlalchemy import select

from lms.auth.forms import ConfirmForm
from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.auth.rules import records_range_problem
from lms.provider_time import provider_date, provider_today
from lms.staff.models import Person, Position
from lms.staff.queries import Page, person_for_user
from lms.supervision.forms import LeaveForm, SessionForm, SignForm, WeekForm
from lms.supervision.models import LeaveReason, SupervisionSession
from lms.supervision.operations import (
    SessionDetails,
    acknowledge_session,
    record_leave,
    record_session,
    sign_session,
)
from lms.supervision.queries import (
    count_who_missed,
    leave_of,
    mentor_weeks,
    sessions_of_mentor,
    team_of,
    who_missed_page,
)
from lms.supervision.report import report_csv, report_records
from lms.supervision.rules import (
    Modality,
    SessionFormat,
    WeekStatus,
    is_late_entry,
    week_start,
    youth_data_warnings,
)
from lms.supervision.settings import supervision_settings
from lms.transaction import flashed_errors, form_errors
from lms.validation import InvalidInput
from lms.web import current_actor, db_session, requested_page_number

blueprint = Blueprint("supervision", __name__, url_prefix="/supervision")

READERS = (Role.HR, Role.ADMIN, Role.AUDITOR)


def _settings():
    return supervision_settings(current_app.config)


def _topics() -> tuple[str, ...]:
    return tuple(current_app.config["SUPERVISION_TOPICS"])


def _date_arg(name: str, default: dt.date) -> dt.date:
    raw = request.args.get(name, "")
    try:
        return dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        abort(400, f"{name}: enter the date as YYYY-MM-DD")


class NoStaffRecord(Exception):
    """The signed-in supervisor or mentor has no staff record linked to their account."""


@blueprint.errorhandler(NoStaffRecord)
def _no_staff_record(_error: NoStaffRecord):
    return render_template("supervision/no_record.html"), 404


def _me() -> Person:
    """The signed-in user's own staff record (supervisors and mentors have one)."""
    person = person_for_user(db_session(), current_user.id)
    if person is None:
        raise NoStaffRecord
    return person


def _team() -> tuple[Person, list[Person]]:
    me = _me()
    return me, team_of(db_session(), me.id)


# -- the supervisor's week ----------------------------------------------------------------------


@blueprint.route("/week")
@requires(Role.SUPERVISOR)
def week():
    """Each supervisee's week: met, pending (or not required), one tap to record."""
    me = _me()
    today = provider_today()
    settings = _settings()
    starts_on = week_start(_date_arg("week", today), settings.week_starts)
    ends_on = starts_on + dt.timedelta(days=6)
    as_of = min(today, ends_on)
    mentors = mentor_weeks(
        db_session(),
        first=starts_on,
        last=starts_on,
        as_of=as_of,
        settings=settings,
        supervisor_id=me.id,
    )
    return render_template(
        "supervision/week.html",
        mentors=mentors,
        starts_on=starts_on,
        ends_on=ends_on,
        previous=starts_on - dt.timedelta(days=7),
        following=starts_on + dt.timedelta(days=7) if ends_on < today else None,
        sign_form=SignForm(),
    )


def _session_form(me: Person, team: list[Person], mentor_id: int | None = None) -> SessionForm:
    form = SessionForm()
    form.mentor_id.choices = [(person.id, person.display_name) for person in team]
    form.topics.choices = [(topic, topic) for topic in _topics()]
    if not form.is_submitted():
        form.held_on.data = provider_today()
        if mentor_id is not None:
            form.mentor_id.data = mentor_id
    return form


def _details(form: SessionForm, supervisor: Person) -> SessionDetails:
    return SessionDetails(
        mentor_id=form.mentor_id.data,
        supervisor_id=supervisor.id,
        held_on=form.held_on.data,
        minutes=form.minutes.data,
        format=SessionFormat(form.format.data),
        modality=Modality(form.modality.data),
        starts_at_time=form.starts_at.data,
        topics=tuple(form.topics.data or ()),
        note=form.note.data,
        follow_ups=form.follow_ups.data,
    )


def _save_session(form: SessionForm, me: Person, supersedes: SupervisionSession | None = None):
    """Record the form's session; ``None`` when it must be shown again (errors or warnings)."""
    warnings = youth_data_warnings(form.note.data or "") + youth_data_warnings(
        form.follow_ups.data or ""
    )
    if warnings and not form.note_checked.data:
        form.note.errors = [
            *warnings,
            "Remove any youth's details, or tick the box below if the note holds none.",
        ]
        return None
    with form_errors(form):
        row, _ = record_session(
            db_session(),
            current_actor(),
            _details(form, me),
            provider_today(),
            _topics(),
            signed_name=form.signed_name.data or None,
            supersedes=supersedes,
        )
        flash(
            "Session recorded and signed." if row.signed else "Session recorded; sign it below.",
            "success",
        )
        return redirect(url_for("supervision.week", week=row.held_on.isoformat()))
    return None


@blueprint.route("/record", methods=["GET", "POST"])
@requires(Role.SUPERVISOR)
def record():
    """Record one mentor's session."""
    me, team = _team()
    form = _session_form(me, team, request.args.get("mentor", type=int))
    if form.validate_on_submit():
        done = _save_session(form, me)
        if done is not None:
            return done
    status = 422 if form.is_submitted() else 200
    return render_template("supervision/record.html", form=form, correcting=None), status


@blueprint.route("/record-week", methods=["GET", "POST"])
@requires(Role.SUPERVISOR)
def record_week():
    """The whole team's sessions for one week, in one phone-friendly form."""
    me, team = _team()
    today = provider_today()
    form = WeekForm()
    form.topics.choices = [(topic, topic) for topic in _topics()]
    names = {str(person.id): person.display_name for person in team}
    if not form.is_submitted():
        for person in team:
            form.rows.append_entry(
                {
                    "mentor_id": str(person.id),
                    "held_on": today,
                    "minutes": 60,
                    "format": "individual",
                    "modality": "in_person",
                }
            )
    if form.validate_on_submit():
        chosen = [row for row in form.rows if row.include.data]
        if not chosen:
            form.form_errors.append("Tick at least one mentor whose session was held.")
        else:
            with form_errors(form):
                for row in chosen:
                    if row.mentor_id.data not in names:
                        abort(400)
                    name = names[row.mentor_id.data]
                    if row.held_on.data is None or row.minutes.data is None:
                        _missing_row(name)
                    record_session(
                        db_session(),
                        current_actor(),
                        SessionDetails(
                            mentor_id=int(row.mentor_id.data),
                            supervisor_id=me.id,
                            held_on=row.held_on.data,
                            minutes=row.minutes.data,
                            format=SessionFormat(row.format.data),
                            modality=Modality(row.modality.data),
                            starts_at_time=row.starts_at.data,
                            topics=tuple(form.topics.data or ()),
                        ),
                        today,
                        _topics(),
                        signed_name=form.signed_name.data or None,
                    )
                count = len(chosen)
                flash(f"{count} session{'s' * (count != 1)} recorded.", "success")
                return redirect(url_for("supervision.week"))
    status = 422 if form.is_submitted() else 200
    return render_template("supervision/record_week.html", form=form, names=names), status


def _missing_row(name: str) -> None:
    raise InvalidInput(f"{name}: enter the date and the minutes.")


def _session_for_supervisor(session_id: int) -> tuple[Person, SupervisionSession]:
    me = _me()
    row = db_session().get(SupervisionSession, session_id) or abort(404)
    if row.supervisor_id != me.id:
        abort(404)  # another supervisor's session does not exist for this one
    return me, row


@blueprint.route("/sessions/<int:session_id>/sign", methods=["POST"])
@requires(Role.SUPERVISOR)
def sign(session_id: int):
    _, row = _session_for_supervisor(session_id)
    form = SignForm()
    if not form.validate():
        flash("Type your full name to sign.", "error")
    else:
        with flashed_errors():
            sign_session(db_session(), current_actor(), row, form.signed_name.data)
            flash("Session signed.", "success")
    return redirect(url_for("supervision.week", week=row.held_on.isoformat()))


@blueprint.route("/sessions/<int:session_id>/correct", methods=["GET", "POST"])
@requires(Role.SUPERVISOR)
def correct(session_id: int):
    """A correction is a new session that supersedes this one; both stay for auditors."""
    me, old = _session_for_supervisor(session_id)
    mentor = db_session().get(Person, old.mentor_id)
    form = _session_form(me, [mentor])
    if not form.is_submitted():
        form.mentor_id.data = old.mentor_id
        form.held_on.data = old.held_on
        form.starts_at.data = old.starts_at_time
        form.minutes.data = old.minutes
        form.format.data = old.format.value
        form.modality.data = old.modality.value
        form.topics.data = list(old.topics)
        form.note.data = old.note
        form.follow_ups.data = old.follow_ups
    if form.validate_on_submit():
        done = _save_session(form, me, supersedes=old)
        if done is not None:
            return done
    status = 422 if form.is_submitted() else 200
    return render_template("supervision/record.html", form=form, correcting=old), status


# -- one session, a mentor's history -------------------------------------------------------------


def _may_see_mentor(mentor: Person) -> bool:
    if current_user.has_role(*READERS):
        return True
    if mentor.user_id is not None and mentor.user_id == current_user.id:
        return True
    if current_user.has_role(Role.SUPERVISOR):
        me = person_for_user(db_session(), current_user.id)
        return me is not None and mentor.supervisor_id == me.id
    return False


@blueprint.route("/sessions/<int:session_id>")
@requires(*READERS, Role.SUPERVISOR, Role.MENTOR)
def session_detail(session_id: int):
    database = db_session()
    row = database.get(SupervisionSession, session_id) or abort(404)
    mentor = database.get(Person, row.mentor_id)
    supervisor = database.get(Person, row.supervisor_id)
    if not (_may_see_mentor(mentor) or supervisor.user_id == current_user.id):
        abort(404)  # what the user may not see does not exist for them
    correction = database.execute(
        select(SupervisionSession).where(SupervisionSession.supersedes_id == row.id)
    ).scalar_one_or_none()
    return render_template(
        "supervision/session.html",
        row=row,
        mentor=mentor,
        supervisor=supervisor,
        correction=correction,
        late=is_late_entry(row.held_on, provider_date(row.recorded_at), _settings()),
    )


@blueprint.route("/mentors/<int:person_id>")
@requires(*READERS, Role.SUPERVISOR, Role.MENTOR)
def history(person_id: int):
    """A mentor's weeks over the last 13 and every session recorded for them."""
    database = db_session()
    mentor = database.get(Person, person_id) or abort(404)
    if mentor.position is not Position.THERAPEUTIC_MENTOR:
        abort(404)
    if not _may_see_mentor(mentor):
        abort(404)  # what the user may not see does not exist for them
    return _history_page(mentor)


def _history_page(mentor: Person):
    database = db_session()
    today = provider_today()
    settings = _settings()
    [weeks] = mentor_weeks(
        database,
        first=today - dt.timedelta(weeks=12),
        last=today,
        as_of=today,
        settings=settings,
        mentor_id=mentor.id,
    ) or [None]
    sessions = sessions_of_mentor(database, mentor.id)
    late = {
        row.id: is_late_entry(row.held_on, provider_date(row.recorded_at), settings)
        for row, _, _ in sessions
    }
    return render_template(
        "supervision/history.html",
        mentor=mentor,
        weeks=list(reversed(weeks.weeks)) if weeks else [],
        sessions=sessions,
        late=late,
        own=mentor.user_id == current_user.id,
        leave=leave_of(database, mentor.id) if current_user.has_role(*READERS) else [],
        sign_form=SignForm(),
    )


@blueprint.route("/mine")
@requires(Role.MENTOR)
def mine():
    """The signed-in mentor's own supervision history, to acknowledge signed sessions."""
    return _history_page(_me())


@blueprint.route("/sessions/<int:session_id>/acknowledge", methods=["POST"])
@requires(Role.MENTOR)
def acknowledge(session_id: int):
    row = db_session().get(SupervisionSession, session_id) or abort(404)
    if not ConfirmForm().validate():
        abort(400)
    with flashed_errors():
        acknowledge_session(db_session(), current_actor(), row)
        flash("Acknowledged.", "success")
    return redirect(url_for("supervision.mine"))


# -- HR: leave and missed weeks ------------------------------------------------------------------


@blueprint.route("/leave/<int:person_id>", methods=["GET", "POST"])
@requires(Role.HR)
def leave(person_id: int):
    database = db_session()
    mentor = database.get(Person, person_id) or abort(404)
    form = LeaveForm()
    if form.validate_on_submit():
        with form_errors(form):
            record_leave(
                database,
                current_actor(),
                mentor.id,
                form.first_day.data,
                form.last_day.data,
                LeaveReason(form.reason.data),
            )
            flash("Leave recorded.", "success")
            return redirect(url_for("supervision.leave", person_id=mentor.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "supervision/leave.html", mentor=mentor, form=form, leave=leave_of(database, mentor.id)
    ), status


def _period() -> tuple[dt.date, dt.date, dt.date]:
    """?from, ?to and ?as_of: the period (default the 4 weeks to the as-of date) and the date
    the records are read as of (default today, never in the future). An auditor limited to a
    range of records may only ask for as-of dates inside it."""
    today = provider_today()
    as_of = _date_arg("as_of", today)
    if as_of > today:
        abort(400, "as_of: the date cannot be in the future")
    if current_user.has_role(Role.AUDITOR) and not current_user.has_role(Role.ADMIN, Role.HR):
        refusal = records_range_problem(
            as_of, current_user.records_from, current_user.records_until
        )
        if refusal:
            abort(403, refusal)
    last = _date_arg("to", as_of)
    first = _date_arg("from", last - dt.timedelta(weeks=4))
    if last < first:
        abort(400, "to: the last day must not be before the first")
    if (last - first).days > 400:
        abort(400, "to: ask for at most 400 days at a time")
    return first, last, as_of


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


#: Mentors a page of the missed-weeks list shows (each with every week they missed).
MISSED_PAGE_SIZE = 50


@blueprint.route("/missed")
@requires(*READERS)
def missed():
    """Every missed week in a range, as the records stood on the as-of date: 50 mentors a page,
    found from the stored runs of unsupervised weeks; the weekly rule then gives the page's
    mentors their weeks."""
    first, last, as_of = _period()
    database, settings = db_session(), _settings()
    if request.args.get("format") == "csv":
        mentors = mentor_weeks(database, first=first, last=last, as_of=as_of, settings=settings)
        records = [record for record in report_records(mentors) if record["status"] == "missed"]
        return _csv(report_csv(records), f"missed-supervision-{as_of.isoformat()}.csv")
    requested = requested_page_number()
    total = count_who_missed(database, first, last, as_of, settings)
    page = Page.clamped(requested, MISSED_PAGE_SIZE, total)
    ids = who_missed_page(
        database, first, last, as_of, settings, offset=page.offset, limit=page.size
    )
    mentors = (
        mentor_weeks(
            database, first=first, last=last, as_of=as_of, settings=settings, mentor_ids=ids
        )
        if ids
        else []
    )
    rows = [
        (mentor, week)
        for mentor in mentors
        for week in mentor.weeks
        if week.status is WeekStatus.MISSED
    ]
    period = {"from": first.isoformat(), "to": last.isoformat(), "as_of": as_of.isoformat()}
    return render_template(
        "supervision/missed.html",
        rows=rows,
        first=first,
        last=last,
        as_of=as_of,
        page=page,
        link_arguments=period,
    )


@blueprint.route("/log.csv")
@requires(*READERS)
def log():
    """The supervision log for auditors: every mentor's every week in the period (status,
    whether required, each session with its supervisor and whether it counts), as of a date."""
    first, last, as_of = _period()
    mentors = mentor_weeks(db_session(), first=first, last=last, as_of=as_of, settings=_settings())
    name = f"supervision-log-{first.isoformat()}-{last.isoformat()}-as-of-{as_of.isoformat()}.csv"
    return _csv(report_csv(report_records(mentors)), name)

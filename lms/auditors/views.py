"""Documents for auditors (and the staff who prepare for them), and the record of what
auditors looked at: every page an auditor views and every file they download is logged."""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select

from lms import clock
from lms.auditlog.operations import record
from lms.auditors.queries import module_history
from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.auth.rules import records_range_problem
from lms.cache import app_cache
from lms.curriculum.documents import (
    DeliveryPolicy,
    answer_key_pdf,
    curriculum_documentation_pdf,
)
from lms.curriculum.models import CurriculumEdition
from lms.curriculum.rendering import live_contacts
from lms.db import begin_long_read
from lms.eligibility.documents import eligibility_file_pdf
from lms.eligibility.queries import determination_in_force
from lms.organisation.views import current_settings
from lms.provider_time import provider_today
from lms.staff.models import Person
from lms.supervision.settings import supervision_settings
from lms.training.operations import settings_from_config
from lms.training.queries import edition_modules
from lms.validation import InvalidInput, parse_as_of
from lms.web import current_actor, db_session

blueprint = Blueprint("auditor", __name__, url_prefix="/audit")

#: Curriculum documentation PDFs kept per process (a few hundred kilobytes each).
DOCUMENTATION_CACHE_SIZE = 8


def _download(
    data: bytes, filename: str, what: str, target_id: int | None, mimetype: str
) -> Response:
    """Send a generated file, recording in the audit log who took it and its hash."""
    database = db_session()
    record(
        database,
        current_actor(),
        "export.download",
        what,
        target_id,
        {
            "filename": filename,
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
        },
    )
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _pdf_download(data: bytes, filename: str, what: str, target_id: int | None) -> Response:
    return _download(data, filename, what, target_id, "application/pdf")


def _edition(edition_id: int):
    database = db_session()
    edition = database.get(CurriculumEdition, edition_id) or abort(404)
    return edition, edition_modules(database, edition.id)


@blueprint.route("/curriculum/<int:edition_id>/documentation.pdf")
@requires(Role.AUDITOR, Role.ADMIN, Role.HR)
def curriculum_documentation(edition_id: int):
    database = db_session()
    edition = database.get(CurriculumEdition, edition_id) or abort(404)
    settings = settings_from_config(current_app.config)
    policy = DeliveryPolicy(
        settings.policy.initial_training_days,
        settings.policy.renewal_window_days,
        settings.max_attempts,
    )
    organisation_name = current_settings().organisation_name
    contacts = live_contacts(current_settings().curriculum_placeholders)

    def build() -> bytes:
        modules = edition_modules(database, edition.id)
        history = module_history(database, [m.module_key for m in modules])
        return curriculum_documentation_pdf(
            edition, modules, history, policy, organisation_name, dict(contacts)
        )

    # A published edition never changes, but the document also shows each module's history
    # (which grows when a later edition is published), the delivery policy and the provider's
    # name and current emergency contacts: the key names all of them, so a cached PDF is always
    # the one a rebuild would give.
    latest_edition_id = database.execute(select(func.max(CurriculumEdition.id))).scalar_one()
    key = (
        edition.id,
        edition.sha256,
        edition.published_at,
        latest_edition_id,
        policy,
        organisation_name,
        contacts,
    )
    data = app_cache("curriculum_documentation", DOCUMENTATION_CACHE_SIZE).get_or_build(key, build)
    filename = f"curriculum-{edition.curriculum_key}-{edition.edition}-v{edition.version}.pdf"
    return _pdf_download(data, filename, "curriculum_documentation", edition.id)


@blueprint.route("/curriculum/<int:edition_id>/answer-key.pdf")
@requires(Role.AUDITOR, Role.ADMIN)
def answer_key(edition_id: int):
    edition, modules = _edition(edition_id)
    data = answer_key_pdf(edition, modules, current_settings().organisation_name)
    filename = f"answer-key-{edition.curriculum_key}-{edition.edition}-v{edition.version}.pdf"
    return _pdf_download(data, filename, "answer_key", edition.id)


@blueprint.after_app_request
def log_auditor_views(response: Response) -> Response:
    """Auditors' page views go into the audit log, so a provider can show what was seen."""
    if (
        request.method == "GET"
        and request.endpoint not in (None, "static")
        and current_user.is_authenticated
        and getattr(current_user, "has_role", None) is not None
        and current_user.has_role(Role.AUDITOR)
        and response.status_code < 400
        and response.mimetype == "text/html"
    ):
        database = db_session()
        record(
            database,
            current_actor(),
            "auditor.view",
            "page",
            None,
            {
                "path": request.full_path.rstrip("?"),
                "status": response.status_code,
            },
        )
    return response


#: The flash category of an as-of date refused by a download: the page with the date field shows
#: it beside that field (templates/_macros/as_of.html), and base.html leaves it to that page.
AS_OF_ERROR = "field:as_of"


class _AsOfRefused(Exception):
    """A download's as-of date was refused: go back to the page with the date field."""

    def __init__(self, error: InvalidInput, back: str, category: str) -> None:
        super().__init__(error.message)
        self.error, self.back, self.category = error, back, category


@blueprint.errorhandler(_AsOfRefused)
def _as_of_refused(refusal: _AsOfRefused):
    flash(refusal.error.message, refusal.category)
    return redirect(refusal.back)


def _reports_page() -> str:
    """Where the reports' date field is: the auditor's home (others have no such form)."""
    if current_user.has_role(Role.AUDITOR):
        return url_for("home.auditor")
    return url_for("home.index")


def _as_of_argument(raw: str | None = None, back: str | None = None, field: bool = True):
    """?as_of=YYYY-MM-DD (or the given text), default today; the future is refused.

    A refused date goes back to ``back`` (the page with the date field) as an error beside
    that field (``field``; else as an ordinary error message), rather than a bare error page.
    """
    today = provider_today()
    try:
        day = parse_as_of(raw or request.args.get("as_of"), today, latest=today)
    except InvalidInput as error:
        category = AS_OF_ERROR if field else "error"
        raise _AsOfRefused(error, back or _reports_page(), category) from None
    if current_user.has_role(Role.AUDITOR) and not current_user.has_role(Role.ADMIN, Role.HR):
        refusal = records_range_problem(day, current_user.records_from, current_user.records_until)
        if refusal:
            abort(403, refusal)
    return day


@blueprint.route("/people/<int:person_id>/eligibility.pdf")
@requires(Role.AUDITOR, Role.ADMIN, Role.HR)
def eligibility_file(person_id: int):
    database = db_session()
    person = database.get(Person, person_id) or abort(404)
    day = _as_of_argument(back=url_for("staff.show", person_id=person.id))
    determination = determination_in_force(
        database, person.id, day, current_app.config["LMS_TIMEZONE"]
    )
    data = eligibility_file_pdf(
        person.legal_name, day, determination, current_settings().organisation_name
    )
    return _pdf_download(data, f"eligibility-{person.id}-{day}.pdf", "eligibility_file", person.id)


# -- the audit packet ---------------------------------------------------------------------------


def _packet_options(day: dt.date):
    from lms.auditors.packet import PacketOptions

    return PacketOptions(
        as_of=day,
        organisation=current_settings().organisation_name,
        timezone=current_app.config["LMS_TIMEZONE"],
        settings=settings_from_config(current_app.config),
        supervision=supervision_settings(current_app.config),
        service_hours=str(current_app.config["SERVICE_HOURS"]),
    )


def _job(job_id: int):
    from lms.auditors.models import ExportJob

    job = db_session().get(ExportJob, job_id) or abort(404)
    if not current_user.has_role(Role.ADMIN) and job.requested_by_id != current_user.id:
        abort(404)  # someone else's packet: as if it did not exist
    return job


@blueprint.route("/packets", methods=["GET", "POST"])
@requires(Role.AUDITOR, Role.ADMIN)
def packets():
    from sqlalchemy import select

    from lms.auditors.jobs import request_packet, start_job
    from lms.auditors.models import ExportJob

    database = db_session()
    if request.method == "POST":
        from lms.auth.forms import ConfirmForm

        if not ConfirmForm().validate():
            abort(400)
        day = _as_of_argument(request.form.get("as_of"), back=url_for("auditor.packets"))
        job = request_packet(database, current_actor(), day)
        start_job(
            current_app.extensions["lms.db"].session_factory,
            job.id,
            _packet_options(day),
            inline=current_app.config.get("EXPORT_JOBS_INLINE", False),
        )
        return redirect(url_for("auditor.packet", job_id=job.id))
    statement = select(ExportJob).order_by(ExportJob.created_at.desc()).limit(20)
    if not current_user.has_role(Role.ADMIN):
        statement = statement.where(ExportJob.requested_by_id == current_user.id)
    return render_template(
        "audit/packets.html",
        jobs=database.execute(statement).scalars().all(),
        today=provider_today(),
    )


@blueprint.route("/packets/<int:job_id>")
@requires(Role.AUDITOR, Role.ADMIN)
def packet(job_id: int):
    from lms.auditors.jobs import is_stale

    job = _job(job_id)
    return render_template("audit/packet.html", job=job, stale=is_stale(job, clock.now()))


@blueprint.route("/packets/<int:job_id>/download")
@requires(Role.AUDITOR, Role.ADMIN)
def packet_download(job_id: int):
    from lms.auditors.jobs import chunks
    from lms.auditors.models import ExportStatus

    job = _job(job_id)
    if job.status is not ExportStatus.READY:
        abort(409, "The packet is not ready yet.")
    database = db_session()
    record(
        database,
        current_actor(),
        "export.download",
        "export_job",
        job.id,
        {"filename": job.filename, "sha256": job.sha256, "bytes": job.size_bytes},
    )

    def pieces():
        # Runs as the response is sent, after the request's transaction (and its record of the
        # download) has ended: the chunks are read one at a time in a read transaction of their
        # own (on SQLite not holding the write lock for the whole download).
        begin_long_read(database)
        try:
            yield from chunks(database, job_id)
        finally:
            database.rollback()

    response = Response(stream_with_context(pieces()), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response.headers["Content-Length"] = str(job.size_bytes)
    return response


# -- reports as of a date -----------------------------------------------------------------------


def _roster_rows(day: dt.date):
    from lms.auditors.documents import roster

    return roster(
        db_session(),
        day,
        settings_from_config(current_app.config).policy,
        current_app.config["LMS_TIMEZONE"],
    )


@blueprint.route("/roster.pdf")
@requires(Role.AUDITOR, Role.ADMIN, Role.HR)
def roster_report_pdf():
    from lms.auditors.documents import roster_pdf

    day = _as_of_argument()
    data = roster_pdf(_roster_rows(day), day, current_settings().organisation_name)
    return _pdf_download(data, f"roster-{day}.pdf", "roster_report", None)


def _csv_download(data: bytes, filename: str, what: str) -> Response:
    return _download(data, filename, what, None, "text/csv")


@blueprint.route("/roster.csv")
@requires(Role.AUDITOR, Role.ADMIN, Role.HR)
def roster_report_csv():
    from lms.auditors.documents import roster_csv

    day = _as_of_argument()
    return _csv_download(roster_csv(_roster_rows(day)), f"roster-{day}.csv", "roster_report")


@blueprint.route("/certificates.csv")
@requires(Role.AUDITOR, Role.ADMIN, Role.HR)
def certificate_register():
    from lms.auditors.documents import certificate_register_csv

    day = _as_of_argument()
    data = certificate_register_csv(db_session(), day)
    return _csv_download(data, f"certificate-register-{day}.csv", "certificate_register")


@blueprint.route("/people/<int:person_id>/transcript.pdf")
@requires(Role.AUDITOR, Role.ADMIN, Role.HR, Role.SUPERVISOR, Role.MENTOR)
def transcript(person_id: int):
    """The person's own transcript for mentors, their team's for supervisors, anyone's for HR,
    admins and auditors (lms.staff.access)."""
    from lms.auditors.packet import certificate_lines
    from lms.staff.access import viewable_person
    from lms.staff.queries import employment_periods
    from lms.training.documents import transcript_data, transcript_pdf

    database = db_session()
    person = viewable_person(database, current_user, person_id)
    # Transcripts are linked without a date field; a hand-made ?as_of= comes back home.
    day = _as_of_argument(back=url_for("home.index"), field=False)
    timezone = current_app.config["LMS_TIMEZONE"]
    certificates = certificate_lines(database, person.id, day)
    data = transcript_pdf(
        person,
        transcript_data(database, person.id, as_of=day, timezone=timezone),
        certificates,
        day,
        current_settings().organisation_name,
        [period.employment for period in employment_periods(database, person.id)],
        min_section_seconds=current_app.config.get("MIN_SECTION_SECONDS", 0),
    )
    return _pdf_download(data, f"transcript-{person.id}-{day}.pdf", "transcript", person.id)


# -- supervision, on-call and requirements for auditors -----------------------------------------


#: The flash category of a refused field of the auditor's period form (its as-of date, ``from``
#: or ``to``), shown beside that field (templates/home/auditor.html).
PERIOD_ERROR = "field:period_"


def _period_arguments() -> tuple[dt.date, dt.date, dt.date]:
    """(first, last, as_of) from ?from, ?to and ?as_of; a refused value goes back to the page
    with the form, named."""
    from lms.auditors.period import report_period

    try:
        day = _as_of_argument()
    except _AsOfRefused as refusal:  # shown beside the period form's own date field
        raise _AsOfRefused(refusal.error, refusal.back, PERIOD_ERROR + "as_of") from None
    try:
        first, last = report_period(request.args.get("from"), request.args.get("to"), day)
    except InvalidInput as error:
        raise _AsOfRefused(error, _reports_page(), PERIOD_ERROR + str(error.field)) from None
    return first, last, day


def _supervision_log(first: dt.date, last: dt.date, day: dt.date):
    from lms.auditors.documents import supervision_log

    return supervision_log(db_session(), first, last, day, supervision_settings(current_app.config))


def _period_name(stem: str, first: dt.date, last: dt.date, day: dt.date, extension: str) -> str:
    return f"{stem}-{first}-to-{last}-as-of-{day}.{extension}"


@blueprint.route("/supervision-log.pdf")
@requires(Role.AUDITOR, Role.ADMIN, Role.HR)
def supervision_log_pdf():
    from lms.auditors.documents import supervision_log_pdf as pdf

    first, last, day = _period_arguments()
    data = pdf(_supervision_log(first, last, day), current_settings().organisation_name)
    name = _period_name("supervision-log", first, last, day, "pdf")
    return _pdf_download(data, name, "supervision_log", None)


@blueprint.route("/supervision-log.csv")
@requires(Role.AUDITOR, Role.ADMIN, Role.HR)
def supervision_log_csv():
    from lms.auditors.documents import supervision_log_csv as csv

    first, last, day = _period_arguments()
    data = csv(_supervision_log(first, last, day))
    name = _period_name("supervision-log", first, last, day, "csv")
    return _csv_download(data, name, "supervision_log")


def _oncall(first: dt.date, last: dt.date, day: dt.date):
    from lms.auditors.documents import oncall_report

    return oncall_report(
        db_session(), current_app.config, first, last, day, current_app.config["LMS_TIMEZONE"]
    )


@blueprint.route("/oncall-coverage.pdf")
@requires(Role.AUDITOR, Role.ADMIN, Role.HR)
def oncall_coverage_pdf():
    from lms.auditors.documents import oncall_pdf

    first, last, day = _period_arguments()
    data = oncall_pdf(_oncall(first, last, day), current_settings().organisation_name)
    name = _period_name("oncall-coverage", first, last, day, "pdf")
    return _pdf_download(data, name, "oncall_coverage", None)


@blueprint.route("/oncall-coverage.csv")
@requires(Role.AUDITOR, Role.ADMIN, Role.HR)
def oncall_coverage_csv():
    from lms.auditors.documents import oncall_csv

    first, last, day = _period_arguments()
    data = oncall_csv(_oncall(first, last, day))
    return _csv_download(
        data, _period_name("oncall-coverage", first, last, day, "csv"), "oncall_coverage"
    )


def _register(day: dt.date):
    from lms.auditors.documents import requirements_register

    return requirements_register(db_session(), day, current_app.config["LMS_TIMEZONE"])


@blueprint.route("/requirements-register.pdf")
@requires(Role.AUDITOR, Role.ADMIN, Role.HR)
def requirements_register_pdf():
    from lms.auditors.documents import requirements_register_pdf as pdf

    day = _as_of_argument()
    data = pdf(_register(day), current_settings().organisation_name)
    return _pdf_download(data, f"requirements-register-{day}.pdf", "requirements_register", None)


@blueprint.route("/requirements-register.csv")
@requires(Role.AUDITOR, Role.ADMIN, Role.HR)
def requirements_register_csv():
    from lms.auditors.documents import requirements_register_csv as csv

    day = _as_of_argument()
    data = csv(_register(day))
    return _csv_download(data, f"requirements-register-{day}.csv", "requirements_register")

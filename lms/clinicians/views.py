"""Clinicians' pages: licences with verification, training areas, and what a clinician could
do on any date (supervise, cover on-call) with warnings."""

from __future__ import annotations

import datetime as dt
import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from lms.auditlog.operations import record
from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.clinicians.forms import LicenceForm, TrainingAreaForm, VerifyLicenceForm
from lms.clinicians.models import Licence, LicenceVerificationMethod, ShownHow
from lms.clinicians.operations import (
    LicenceDetails,
    TrainingAreaDetails,
    add_licence,
    attach_licence_evidence,
    record_training_area,
    update_licence,
    verify_licence,
)
from lms.clinicians.queries import (
    licence,
    licences_of,
    standing_of,
    standings_of,
    training_areas_of,
)
from lms.clinicians.rules import TrainingArea, licence_is_valid_on
from lms.provider_time import provider_today
from lms.staff.models import CLINICAL_POSITIONS, Person
from lms.transaction import form_errors
from lms.web import current_actor, db_session

blueprint = Blueprint("clinicians", __name__, url_prefix="/clinicians")

READERS = (Role.HR, Role.ADMIN, Role.AUDITOR)


@blueprint.app_context_processor
def _licence_records() -> dict[str, object]:
    """``licence_records_of(person_id)`` for the staff person page: a clinician's licences come
    from their records only. Queried only by the templates that call it."""

    def licence_records_of(person_id: int) -> list[Licence]:
        return licences_of(db_session(), person_id)

    return {"licence_records_of": licence_records_of, "licence_valid_on": licence_is_valid_on}


def _licence_types() -> tuple[str, ...]:
    return tuple(current_app.config["LICENCE_TYPES"])


def _clinician(clinician_id: int) -> Person:
    person = db_session().get(Person, clinician_id) or abort(404)
    # A supervisor sees their own page only.
    if not current_user.has_role(*READERS) and person.user_id != current_user.id:
        abort(404)  # what the user may not see does not exist for them
    return person


@blueprint.route("")
@requires(*READERS)
def index():
    database = db_session()
    day = _day()
    people = (
        database.execute(
            select(Person)
            .where(Person.position.in_(CLINICAL_POSITIONS))
            .order_by(Person.legal_name)
        )
        .scalars()
        .all()
    )
    return render_template(
        "clinicians/index.html",
        rows=standings_of(database, list(people), day),
        day=day,
    )


def _day() -> dt.date:
    raw = request.args.get("on", "")
    try:
        return dt.date.fromisoformat(raw) if raw else provider_today()
    except ValueError:
        abort(400, "on: enter the date as YYYY-MM-DD")


def _page(person: Person, status: int = 200, **forms):
    database = db_session()
    day = _day()
    areas = {row.area: row for row in training_areas_of(database, person.id)}
    licences = licences_of(database, person.id)
    return (
        render_template(
            "clinicians/show.html",
            person=person,
            day=day,
            standing=standing_of(database, person, day),
            licences=licences,
            valid_on=licence_is_valid_on,
            areas=areas,
            all_areas=list(TrainingArea),
            licence_form=forms.get("licence_form") or LicenceForm().with_types(_licence_types()),
            verify_forms=_verify_forms(licences, forms.get("verify_form"), forms.get("verify_for")),
            area_form=forms.get("area_form") or TrainingAreaForm(),
            failed=forms.get("failed"),
        ),
        status,
    )


def _verify_forms(
    licences: list[Licence], failed: VerifyLicenceForm | None, failed_id: int | None
) -> dict[int, VerifyLicenceForm]:
    """One verification form per unverified licence, each with its own field ids."""
    forms = {
        row.id: VerifyLicenceForm(prefix=f"verify-{row.id}", formdata=None)
        for row in licences
        if not row.verified
    }
    if failed is not None and failed_id is not None:
        forms[failed_id] = failed
    return forms


@blueprint.route("/<int:clinician_id>")
@requires(*READERS, Role.SUPERVISOR)
def show(clinician_id: int):
    return _page(_clinician(clinician_id))


def _details(form: LicenceForm) -> LicenceDetails:
    return LicenceDetails(
        licence_type=form.licence_type.data,
        licence_number=form.licence_number.data,
        issuing_state=form.issuing_state.data,
        issuing_board=form.issuing_board.data,
        issued_on=form.issued_on.data,
        expires_on=form.expires_on.data,
    )


@blueprint.route("/<int:clinician_id>/licences", methods=["POST"])
@requires(Role.HR)
def add_licence_view(clinician_id: int):
    person = _clinician(clinician_id)
    form = LicenceForm().with_types(_licence_types())
    if form.validate():
        with form_errors(form):
            add_licence(
                db_session(),
                current_actor(),
                person,
                _details(form),
                _licence_types(),
                today=provider_today(),
            )
            flash("Licence recorded. Verify it at the primary source.", "success")
            return redirect(url_for("clinicians.show", clinician_id=person.id, _anchor="licences"))
    return _page(person, 422, licence_form=form, failed="new-licence")


def _licence(person: Person, licence_id: int) -> Licence:
    return licence(db_session(), person.id, licence_id) or abort(404)


@blueprint.route("/<int:clinician_id>/licences/<int:licence_id>", methods=["GET", "POST"])
@requires(Role.HR)
def edit_licence(clinician_id: int, licence_id: int):
    person = _clinician(clinician_id)
    row = _licence(person, licence_id)
    form = LicenceForm(obj=row if request.method == "GET" else None).with_types(_licence_types())
    if form.is_submitted() and form.validate():
        with form_errors(form):
            changed = update_licence(
                db_session(),
                current_actor(),
                row,
                _details(form),
                _licence_types(),
                today=provider_today(),
            )
            flash(
                "Licence corrected; its verification was cleared."
                if changed
                else "Nothing changed.",
                "success" if changed else "info",
            )
            return redirect(url_for("clinicians.show", clinician_id=person.id, _anchor="licences"))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "clinicians/edit_licence.html", person=person, licence=row, form=form
    ), status


@blueprint.route("/<int:clinician_id>/licences/<int:licence_id>/verify", methods=["POST"])
@requires(Role.HR)
def verify_licence_view(clinician_id: int, licence_id: int):
    person = _clinician(clinician_id)
    row = _licence(person, licence_id)
    form = VerifyLicenceForm(prefix=f"verify-{row.id}")
    if form.validate():
        with form_errors(form):
            database = db_session()
            upload = form.file.data
            if upload and getattr(upload, "filename", ""):
                attach_licence_evidence(
                    database, current_actor(), row, upload.filename, upload.read()
                )
            verify_licence(
                database,
                current_actor(),
                row,
                LicenceVerificationMethod(form.method.data),
                form.note.data,
            )
            flash("Licence verified.", "success")
            return redirect(url_for("clinicians.show", clinician_id=person.id, _anchor="licences"))
    return _page(person, 422, verify_form=form, verify_for=row.id, failed=f"licence-{row.id}")


@blueprint.route("/<int:clinician_id>/licences/<int:licence_id>/evidence")
@requires(*READERS)
def licence_evidence(clinician_id: int, licence_id: int):
    database = db_session()
    row = licence(database, clinician_id, licence_id) or abort(404)
    if row.evidence_content is None:
        abort(404)
    record(
        database,
        current_actor(),
        "licence.evidence_download",
        "licence",
        row.id,
        {"person_id": clinician_id, "sha256": row.evidence_sha256},
    )
    return send_file(
        io.BytesIO(row.evidence_content),
        mimetype=row.evidence_media_type,
        as_attachment=True,
        download_name=row.evidence_filename,
        max_age=0,
    )


@blueprint.route("/<int:clinician_id>/areas", methods=["POST"])
@requires(Role.HR)
def record_area(clinician_id: int):
    person = _clinician(clinician_id)
    form = TrainingAreaForm()
    if form.validate():
        upload = form.evidence.data
        evidence = (
            (upload.filename, upload.read()) if upload and getattr(upload, "filename", "") else None
        )
        with form_errors(form):
            record_training_area(
                db_session(),
                current_actor(),
                person,
                TrainingAreaDetails(
                    TrainingArea(form.area.data),
                    ShownHow(form.shown_how.data),
                    form.shown_on.data,
                    form.details.data,
                ),
                provider_today(),
                evidence,
            )
            flash("Training area recorded.", "success")
            return redirect(url_for("clinicians.show", clinician_id=person.id, _anchor="areas"))
    return _page(person, 422, area_form=form, failed="areas")

"""HR's pages for a person's education, experience and evidence, and evidence downloads.

Part of the person page (``staff.views.render_person_page`` re-renders it with a form's
errors), so these live in staff, which composes eligibility; eligibility does not import staff.
The blueprint keeps its name, ``facts``."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from lms.auditlog.operations import record
from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.eligibility.forms import CredentialForm, EvidenceForm, ExperienceForm
from lms.eligibility.models import (
    EducationCredential,
    EvidenceSubject,
    ExperienceRecord,
    HumanServicesBasis,
)
from lms.eligibility.operations import (
    TOO_LARGE_MESSAGE,
    CredentialDetails,
    ExperienceDetails,
    add_credential,
    add_experience,
    attach_evidence,
    human_services_fields,
    remove_fact,
    update_credential,
    update_experience,
    verify_fact,
)
from lms.eligibility.rules import CredentialLevel, Population, VerificationMethod
from lms.errors import render_error
from lms.staff.access import READ_ALL_ROLES
from lms.staff.forms import VerifyForm
from lms.staff.models import Person
from lms.staff.queries import evidence_document
from lms.staff.views import render_person_page, today
from lms.transaction import flashed_errors, form_errors
from lms.web import current_actor, db_session

blueprint = Blueprint("facts", __name__, url_prefix="/staff/<int:person_id>")

FACT_KINDS = {"credentials": EducationCredential, "experience": ExperienceRecord}


def _person(person_id: int) -> Person:
    return db_session().get(Person, person_id) or abort(404)


def _fact(person: Person, kind: str, fact_id: int):
    model = FACT_KINDS.get(kind) or abort(404)
    fact = db_session().get(model, fact_id)
    if fact is None or fact.person_id != person.id:
        abort(404)
    return fact


def _credential_details(form: CredentialForm) -> CredentialDetails:
    basis = form.human_services_basis.data
    return CredentialDetails(
        level=CredentialLevel(form.level.data),
        institution=form.institution.data or "",
        conferred_on=form.conferred_on.data,
        accredited=form.accredited.data == "yes",
        field_of_study=form.field_of_study.data,
        accreditation_checked_how=form.accreditation_checked_how.data,
        human_services_basis=None if basis == "no" else HumanServicesBasis(basis),
        human_services_justification=form.human_services_justification.data,
    )


def _experience_details(form: ExperienceForm) -> ExperienceDetails:
    return ExperienceDetails(
        employer=form.employer.data or "",
        role=form.role.data or "",
        start_on=form.start_on.data,
        end_on=form.end_on.data,
        hours_per_week=form.hours_per_week.data,
        population=Population(form.population.data),
        target_population=bool(form.target_population.data),
    )


def _form_page(kind: str, form, person: Person, fact=None, status: int = 200):
    template = "facts/credential.html" if kind == "credentials" else "facts/experience.html"
    return (
        render_template(
            template,
            form=form,
            person=person,
            fact=fact,
            listed_fields=human_services_fields(db_session()),
        ),
        status,
    )


def _save(kind: str, person: Person, form, fact=None):
    """Validate the form, run the add or update operation, commit; re-render on errors."""
    if not form.validate():
        return _form_page(kind, form, person, fact, 422)
    database = db_session()
    actor = current_actor()
    with form_errors(form):
        if kind == "credentials":
            details = _credential_details(form)
            if fact is None:
                add_credential(database, actor, person, details, today())
            else:
                update_credential(database, actor, person, fact, details, today())
        else:
            details = _experience_details(form)
            if fact is None:
                add_experience(database, actor, person, details, today())
            else:
                update_experience(database, actor, person, fact, details, today())
        flash("Saved. The determination has been updated.", "success")
        return redirect(url_for("staff.show", person_id=person.id, _anchor=kind))
    return _form_page(kind, form, _person(person.id), fact, 422)


def _blank_form(kind: str):
    return CredentialForm() if kind == "credentials" else ExperienceForm()


@blueprint.route("/<any(credentials, experience):kind>/new", methods=["GET", "POST"])
@requires(Role.HR)
def new_fact(person_id: int, kind: str):
    person = _person(person_id)
    form = _blank_form(kind)
    if request.method == "POST":
        return _save(kind, person, form)
    return _form_page(kind, form, person)


@blueprint.route("/<any(credentials, experience):kind>/<int:fact_id>/edit", methods=["GET", "POST"])
@requires(Role.HR)
def edit_fact(person_id: int, kind: str, fact_id: int):
    person = _person(person_id)
    fact = _fact(person, kind, fact_id)
    if request.method == "POST":
        return _save(kind, person, _blank_form(kind), fact)
    if kind == "credentials":
        form = CredentialForm(obj=fact)
        form.accredited.data = "yes" if fact.accredited else "no"
        form.human_services_basis.data = (
            fact.human_services_basis.value if fact.human_services_basis else "no"
        )
        form.level.data = fact.level.value
    else:
        form = ExperienceForm(obj=fact)
        form.population.data = fact.population.value
    return _form_page(kind, form, person, fact)


@blueprint.route("/<any(credentials, experience):kind>/<int:fact_id>/verify", methods=["POST"])
@requires(Role.HR)
def verify(person_id: int, kind: str, fact_id: int):
    person = _person(person_id)
    fact = _fact(person, kind, fact_id)
    form = VerifyForm()
    if form.validate():
        database = db_session()
        with form_errors(form):
            verify_fact(
                database,
                current_actor(),
                person,
                fact,
                VerificationMethod(form.method.data),
                form.note.data,
                today(),
            )
            flash("Verified.", "success")
            return redirect(url_for("staff.show", person_id=person_id, _anchor=f"{kind}-{fact_id}"))
    return render_person_page(person_id, 422, verify_form=form, failed=f"{kind}-{fact_id}")


@blueprint.route("/<any(credentials, experience):kind>/<int:fact_id>/remove", methods=["POST"])
@requires(Role.HR)
def remove(person_id: int, kind: str, fact_id: int):
    person = _person(person_id)
    fact = _fact(person, kind, fact_id)
    from lms.auth.forms import ConfirmForm

    if not ConfirmForm().validate():
        abort(400)
    database = db_session()
    with flashed_errors():
        remove_fact(database, current_actor(), person, fact, today())
        flash("Removed. The determination has been updated.", "success")
    return redirect(url_for("staff.show", person_id=person_id, _anchor=kind))


@blueprint.route("/evidence/<any(identity, credentials, experience):kind>", methods=["POST"])
@requires(Role.HR)
def upload_evidence(person_id: int, kind: str):
    person = _person(person_id)
    form = EvidenceForm()
    fact = None
    if kind != "identity":
        fact_id = request.args.get("fact", type=int)
        fact = _fact(person, kind, fact_id) if fact_id else abort(400)
    anchor = "identity" if fact is None else f"{kind}-{fact.id}"
    if form.validate():
        upload = form.file.data
        database = db_session()
        subject = {
            "identity": EvidenceSubject.IDENTITY,
            "credentials": EvidenceSubject.CREDENTIAL,
            "experience": EvidenceSubject.EXPERIENCE,
        }[kind]
        with form_errors(form):
            attach_evidence(
                database,
                current_actor(),
                person,
                subject,
                fact,
                upload.filename or "",
                upload.read(),
            )
            flash("Evidence attached.", "success")
            return redirect(url_for("staff.show", person_id=person_id, _anchor=anchor))
    return render_person_page(person_id, 422, evidence_form=form, failed=anchor)


@blueprint.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    """A file over the request limit is refused before the view runs (the body is never read):
    show the person's page again with the same message beside the field as a file just over
    the evidence limit gets, rather than a bare 413 page."""
    args = request.view_args or {}
    # The access hook runs before anything reads the body; checked again as this page shows a
    # person's record.
    if (
        request.endpoint != "facts.upload_evidence"
        or "person_id" not in args
        or not current_user.is_authenticated
        or not current_user.has_role(Role.HR)
    ):
        return render_error(413)
    person = _person(args["person_id"])
    kind = args.get("kind", "identity")
    fact_id = request.args.get("fact", type=int)
    fact = _fact(person, kind, fact_id) if kind != "identity" and fact_id else None
    if kind != "identity" and fact is None:
        return render_error(413)
    form = EvidenceForm(formdata=None)
    form.file.errors = [TOO_LARGE_MESSAGE]
    anchor = "identity" if fact is None else f"{kind}-{fact.id}"
    return render_person_page(person.id, 413, evidence_form=form, failed=anchor)


@blueprint.route("/evidence/<int:document_id>")
@requires(*READ_ALL_ROLES)
def download_evidence(person_id: int, document_id: int):
    database = db_session()
    document = evidence_document(database, person_id, document_id) or abort(404)
    # Who looked at a person's documents is itself part of the record.
    record(
        database,
        current_actor(),
        "evidence.download",
        "evidence",
        document.id,
        {"person_id": person_id, "sha256": document.sha256},
    )
    return send_file(
        io.BytesIO(document.content),
        mimetype=document.media_type,
        as_attachment=True,
        download_name=document.filename,
        max_age=0,
    )

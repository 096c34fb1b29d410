"""Requirements pages: the compliance matrix and its CSV, each person's requirements, HR's form to
record a credential or check, publishing policies, and signing them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from wtforms import SelectChoice

from lms.auth.models import Role
from lms.auth.permissions import SIGNED_IN, requires
from lms.csvfile import csv_chunks, csv_text
from lms.db import begin_long_read
from lms.provider_time import provider_today
from lms.requirements.catalogue import (
    DEFAULT_PATH,
    CatalogueError,
    catalogue_yaml,
    parse_catalogue,
)
from lms.requirements.forms import CatalogueForm, PolicyForm, RecordForm, SignForm
from lms.requirements.matrix import export_rows, matrix_page
from lms.requirements.models import PolicyDocument, RequirementRecord
from lms.requirements.operations import (
    RECORDED_KINDS,
    Evidence,
    ItemDetails,
    ensure_catalogue,
    load_catalogue,
    publish_policy,
    record_item,
    requirement_for,
    sign_policy,
)
from lms.requirements.queries import (
    MatrixFilters,
    catalogue_versions,
    compliance_matrix,
    evidence_hashes,
    person_records,
    person_signatures,
    policies_to_sign,
    policy_documents,
    report_rows,
    requirements_on,
)
from lms.requirements.rules import STATUS_ORDER, RequirementKind, RequirementStatus
from lms.staff.access import viewable_person
from lms.staff.models import Person, Position, VerificationMethod
from lms.staff.queries import person_for_user, supervisors
from lms.transaction import form_errors
from lms.validation import InvalidInput
from lms.web import current_actor, db_session, requested_page_number

blueprint = Blueprint("requirements", __name__, url_prefix="/requirements")

MATRIX_ROLES = (Role.HR, Role.ADMIN, Role.AUDITOR)
PAGE_SIZE = 100
CSV_COLUMNS = ("work_email", "requirement", "status", "valid_until", "name", "due_on")


def _today() -> dt.date:
    return provider_today()


def _ready() -> None:
    """Load the shipped catalogue when a write first needs it (committed with the request).

    A GET writes nothing: until a catalogue is loaded (``lms db upgrade``, the demo, or a first
    POST here) the pages show an empty catalogue and say so."""
    if request.method == "POST":
        ensure_catalogue(db_session(), current_actor(), _today())


def _filters(args: Mapping[str, str], keys: set[str], supervisor_ids: set[int]):
    """The as-of date and filters from the query string; InvalidInput names a bad one."""
    text = (args.get("as_of") or "").strip()
    try:
        as_of = dt.date.fromisoformat(text) if text else _today()
    except ValueError:
        raise InvalidInput(f"“{text[:20]}” is not a date (YYYY-MM-DD).", "as_of") from None

    def choice(name: str, allowed: Mapping[str, object], label: str):
        value = (args.get(name) or "").strip()
        if not value:
            return None
        if value not in allowed:
            raise InvalidInput(f"{label} “{value[:40]}” is not one of the choices offered.", name)
        return allowed[value]

    return as_of, MatrixFilters(
        position=choice("position", {p.value: p for p in Position}, "Position"),
        status=choice("status", {s.value: s for s in RequirementStatus}, "Status"),
        requirement=choice("requirement", {k: k for k in keys}, "Requirement"),
        supervisor_id=choice("supervisor", {str(i): i for i in supervisor_ids}, "Supervisor"),
    )


def _query(as_of: dt.date, args: Mapping[str, str]) -> dict[str, str]:
    query = {"as_of": as_of.isoformat()}
    for name in ("position", "status", "requirement", "supervisor"):
        if (args.get(name) or "").strip():
            query[name] = args[name].strip()
    return query


@blueprint.route("/")
@requires(*MATRIX_ROLES)
def matrix():
    """People by requirements on any date, filterable, worst cells coloured."""
    _ready()
    database = db_session()
    catalogue = requirements_on(catalogue_versions(database), _today())
    supervisor_list = supervisors(database)
    context = {
        "catalogue": list(catalogue.values()),
        "positions": list(Position),
        "statuses": STATUS_ORDER,
        "supervisor_list": supervisor_list,
        "args": request.args,
    }
    try:
        as_of, filters = _filters(
            request.args, set(catalogue), {person.id for person in supervisor_list}
        )
    except InvalidInput as error:
        return render_template("requirements/matrix.html", error=error, **context), 400
    result = matrix_page(database, as_of, filters, requested_page_number(), PAGE_SIZE)
    query = _query(as_of, request.args)
    return render_template(
        "requirements/matrix.html",
        error=None,
        matrix=result,
        rows=result.rows,
        page=result.page,
        link_arguments=query,
        query=query,
        **context,
    )


@blueprint.route("/export.csv")
@requires(*MATRIX_ROLES)
def export():
    """The matrix for the same query string, one row per person and applicable requirement."""
    _ready()
    database = db_session()
    catalogue = requirements_on(catalogue_versions(database), _today())
    ids = {person.id for person in supervisors(database)}
    try:
        as_of, filters = _filters(request.args, set(catalogue), ids)
    except InvalidInput as error:
        abort(400, error.message)

    def lines():
        # Runs as the response is sent, after the request's transaction has ended: the cells
        # are read in a long read transaction (on SQLite it would otherwise begin IMMEDIATE and
        # hold the write lock for the whole download), a batch at a time, written as they come.
        begin_long_read(database)
        try:
            rows = export_rows(database, as_of, filters)
            yield from csv_chunks(CSV_COLUMNS, ([row[c] for c in CSV_COLUMNS] for row in rows))
        finally:
            database.rollback()

    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="requirements-{as_of.isoformat()}.csv"'
        },
    )


@blueprint.route("/register.csv")
@requires(*MATRIX_ROLES)
def register():
    """The requirements register on a date for auditors: every person and applicable
    requirement with its status and the SHA-256 of the evidence and signed texts behind it."""
    _ready()
    database = db_session()
    text = (request.args.get("as_of") or "").strip()
    try:
        as_of = dt.date.fromisoformat(text) if text else _today()
    except ValueError:
        abort(400, f"“{text[:20]}” is not a date (YYYY-MM-DD).")
    matrix = compliance_matrix(database, as_of)
    hashes = evidence_hashes(database, as_of)
    columns = (*CSV_COLUMNS, "evidence_sha256")
    rows = (
        [
            *(row[column] for column in CSV_COLUMNS),
            " ".join(hashes.get((row["person_id"], row["requirement"]), [])),
        ]
        for row in report_rows(matrix)
    )
    return Response(
        csv_text(columns, rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": (
                f'attachment; filename="requirements-register-{as_of.isoformat()}.csv"'
            )
        },
    )


@blueprint.route("/people/<int:person_id>")
@requires(*MATRIX_ROLES, Role.MENTOR, Role.SUPERVISOR)
def person(person_id: int):
    """One person's requirements on a date, with every record and signature (history)."""
    database = db_session()
    subject = viewable_person(database, current_user, person_id)
    _ready()
    text = (request.args.get("as_of") or "").strip()
    try:
        as_of = dt.date.fromisoformat(text) if text else _today()
    except ValueError:
        abort(400, f"“{text[:20]}” is not a date (YYYY-MM-DD).")
    result = compliance_matrix(database, as_of, MatrixFilters(person_id=subject.id))
    catalogue = requirements_on(catalogue_versions(database), as_of)
    return render_template(
        "requirements/person.html",
        person=subject,
        as_of=as_of,
        row=result.rows[0] if result.rows else None,
        catalogue=list(catalogue.values()),
        records=person_records(database, subject.id),
        signatures=person_signatures(database, subject.id),
        may_record=current_user.has_role(Role.HR),
    )


def _record_form(catalogue) -> RecordForm:
    form = RecordForm()
    form.requirement.choices = [
        SelectChoice(r.key, f"{r.name} ({r.kind.value})")
        for r in catalogue
        if r.kind in RECORDED_KINDS and not r.records  # licences: on the clinician's page
    ]
    return form


@blueprint.route("/people/<int:person_id>/record", methods=["GET", "POST"])
@requires(Role.HR)
def record(person_id: int):
    """HR records a credential or a cleared check, with evidence and how it was verified."""
    database = db_session()
    subject = database.get(Person, person_id) or abort(404)
    _ready()
    today = _today()
    catalogue = list(requirements_on(catalogue_versions(database), today).values())
    form = _record_form(catalogue)
    if request.method == "GET" and request.args.get("requirement"):
        form.requirement.data = request.args["requirement"]
    if form.validate_on_submit():
        with form_errors(form):
            upload = form.file.data
            evidence = (
                Evidence(upload.filename or "evidence", upload.read())
                if upload and getattr(upload, "filename", "")
                else None
            )
            requirement = requirement_for(database, form.requirement.data, today)
            record_item(
                database,
                current_actor(),
                subject,
                requirement,
                ItemDetails(
                    form.done_on.data,
                    form.expires_on.data,
                    form.reference.data,
                    VerificationMethod(form.method.data),
                    form.note.data,
                ),
                evidence,
                today,
            )
            flash(f"{requirement.name} recorded.", "success")
            return redirect(url_for("requirements.person", person_id=subject.id))
    status = 422 if request.method == "POST" else 200
    return render_template("requirements/record.html", person=subject, form=form), status


@blueprint.route("/records/<int:record_id>/evidence")
@requires(Role.HR, Role.ADMIN, Role.AUDITOR)
def evidence(record_id: int):
    row = db_session().get(RequirementRecord, record_id) or abort(404)
    if row.evidence_content is None:
        abort(404)
    return Response(
        row.evidence_content,
        mimetype=row.evidence_media_type,
        headers={"Content-Disposition": f'attachment; filename="{row.evidence_filename}"'},
    )


@blueprint.route("/policies", methods=["GET", "POST"])
@requires(Role.HR, Role.ADMIN)
def policies():
    """Every policy version; publish the next version of one."""
    database = db_session()
    _ready()
    today = _today()
    catalogue = requirements_on(catalogue_versions(database), today)
    form = PolicyForm()
    form.requirement.choices = [
        SelectChoice(r.key, r.name)
        for r in catalogue.values()
        if r.kind is RequirementKind.ACKNOWLEDGMENT
    ]
    if form.validate_on_submit():
        with form_errors(form):
            document = publish_policy(
                database,
                current_actor(),
                requirement_for(database, form.requirement.data, today),
                form.title.data,
                form.text.data,
                form.effective_on.data,
                today,
            )
            flash(
                f"{document.title} version {document.version} published, in force from "
                f"{document.effective_on.isoformat()}.",
                "success",
            )
            return redirect(url_for("requirements.policies"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "requirements/policies.html",
        form=form,
        documents=policy_documents(database),
        names={key: r.name for key, r in catalogue.items()},
    ), status


@blueprint.route("/policies/<int:document_id>")
@requires(SIGNED_IN)
def policy(document_id: int):
    """A policy version's text, for anyone signed in to read."""
    document = db_session().get(PolicyDocument, document_id) or abort(404)
    return render_template("requirements/policy.html", document=document)


@blueprint.route("/sign", methods=["GET", "POST"])
@requires(Role.MENTOR, Role.SUPERVISOR, Role.HR, Role.ADMIN)  # staff, not outside auditors
def sign():
    """The policies the signed-in person has still to sign; sign one by typing their name."""
    database = db_session()
    me = person_for_user(database, current_user.id)
    if me is None:
        return render_template("requirements/sign.html", person=None, documents=[], forms={})
    _ready()
    today = _today()
    documents = policies_to_sign(database, me, today)
    # One form per policy, each with its own field ids; a POST names its policy in the URL.
    forms = {d.id: SignForm(formdata=None, prefix=f"policy-{d.id}") for d in documents}
    status = 200
    if request.method == "POST":
        chosen = request.args.get("document", "")
        document = next((d for d in documents if str(d.id) == chosen), None)
        if document is None:
            abort(400, "That policy is not one you have to sign.")
        form = forms[document.id] = SignForm(prefix=f"policy-{document.id}")
        if form.validate_on_submit():
            with form_errors(form):
                sign_policy(database, current_actor(), me, document, form.typed_name.data, today)
                flash(f"You signed {document.title}, version {document.version}.", "success")
                return redirect(url_for("requirements.sign"))
        status = 422
    return render_template(
        "requirements/sign.html", person=me, documents=documents, forms=forms
    ), status


@blueprint.route("/catalogue", methods=["GET", "POST"])
@requires(Role.ADMIN)
def catalogue():
    """Every catalogue version; an administrator edits the catalogue as a new version."""
    database = db_session()
    _ready()
    today = _today()
    versions = catalogue_versions(database)
    current = requirements_on(versions, today)
    form = CatalogueForm()
    problems = []
    if request.method == "GET":
        # Before any version is loaded, the shipped catalogue is offered for saving.
        form.text.data = catalogue_yaml(current.values()) if versions else DEFAULT_PATH.read_text()
    elif form.validate_on_submit():
        try:
            parsed = parse_catalogue(form.text.data, "catalogue")
        except CatalogueError as error:
            problems = error.problems
        else:
            with form_errors(form):
                version = load_catalogue(database, current_actor(), parsed, "web", today)
                if version is None:
                    flash("The catalogue is unchanged; no new version was made.", "info")
                else:
                    flash(
                        f"Catalogue version {version.version} is in force from "
                        f"{version.effective_on.isoformat()}.",
                        "success",
                    )
                return redirect(url_for("requirements.catalogue"))
    if problems:
        form.text.errors = [f"Line {p.line}: {p.message}" for p in problems]
    status = 422 if request.method == "POST" else 200
    return render_template(
        "requirements/catalogue.html", form=form, versions=list(reversed(versions))
    ), status

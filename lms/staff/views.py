"""HR's staff list and each person's page: record, determination, timeline, verification."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.eligibility.facts_json import parse_facts
from lms.eligibility.forms import EvidenceForm
from lms.eligibility.models import trigger_label
from lms.eligibility.queries import verifier_names
from lms.eligibility.rules import (
    PATHWAY_LABELS,
    EligibilityStatus,
    credential_label,
    evaluate,
    is_evaluated,
)
from lms.eligibility.snapshot import evaluate_person, facts_document
from lms.eligibility.timeline import build_timeline
from lms.provider_time import provider_today
from lms.staff.access import READ_ALL_ROLES, ensure_can_view
from lms.staff.forms import PersonForm, VerifyForm
from lms.staff.models import Person, Position, StaffStatus, VerificationMethod
from lms.staff.operations import (
    PersonDetails,
    create_person,
    link_account,
    update_person,
    verify_identity,
)
from lms.staff.queries import (
    Cursor,
    Page,
    StaffFilters,
    count_limit,
    count_people,
    determination_history,
    employment_periods,
    people_page,
    person_for_user,
    person_with_facts,
    position_changes,
    search_size,
    supervisors,
)
from lms.transaction import flashed_errors, form_errors
from lms.web import current_actor, db_session, requested_page_number

blueprint = Blueprint("staff", __name__, url_prefix="/staff")

WRITE_ROLES = (Role.HR,)
VIEW_ROLES = (*READ_ALL_ROLES, Role.MENTOR, Role.SUPERVISOR)


def today():
    return provider_today()


def _enum_arg(name: str, enum_class):
    value = request.args.get(name) or None
    if value is None:
        return None
    try:
        return enum_class(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum_class)
        abort(400, f"Unknown {name} filter {value[:40]!r}: choose one of {allowed}.")


PAGE_SIZE = 50
CURRENT_STATUS = "current"
UNVERIFIED = "unverified"


def _flag_arg(name: str, value: str) -> bool:
    """A filter with one value besides "any"; anything else is refused, naming the filter."""
    given = request.args.get(name) or ""
    if given and given != value:
        abort(400, f"Unknown {name} filter {given[:40]!r}: choose {value} or leave it empty.")
    return given == value


@blueprint.route("/")
@requires(*READ_ALL_ROLES)
def index():
    search = (request.args.get("q") or "").strip()[:100]
    # "current" (candidates and active staff) is offered beside the statuses themselves.
    current = request.args.get("status") == CURRENT_STATUS
    unverified = _flag_arg("verification", UNVERIFIED)
    eligibility = _enum_arg("eligibility", EligibilityStatus)
    as_of = today()
    filters = StaffFilters(
        status=None if current else _enum_arg("status", StaffStatus),
        position=_enum_arg("position", Position),
        search=search or None,
        current=current,
        unverified=unverified,
        eligibility=eligibility,
        as_of=as_of,
    )
    requested_page = requested_page_number()
    database = db_session()
    cursors = {}
    # Count and page in SQL, eligibility included (the stored status periods compared with
    # today): only the people shown are loaded and evaluated. Next and previous links carry a
    # cursor, read by keyset; a page number alone by offset.
    limit = count_limit(search, requested_page, PAGE_SIZE)
    size = search_size(database, search, limit=limit) if search else None
    total = count_people(database, filters, size, limit)
    page = Page.clamped(requested_page, PAGE_SIZE, total, limit)
    if size is not None:
        filters = size.routed(filters, page)
    cursor = _requested_cursor()  # checked even when unused
    cursor = cursor if page.number == requested_page else None
    people = people_page(database, filters, page, cursor)
    if cursor is not None and not people and page.total:
        people = people_page(database, filters, page)  # the cursor's person is gone
    shown = [(person, evaluate_person(person, as_of)) for person in people]
    if people:
        cursors = {"before": people[0].id, "after": people[-1].id}
    chosen = {
        "status": CURRENT_STATUS if current else filters.status,
        "position": filters.position,
        "eligibility": eligibility,
        "q": search,
        "verification": UNVERIFIED if unverified else None,
    }
    return render_template(
        "staff/index.html",
        rows=[(person, result, _unverified_summary(person)) for person, result in shown],
        pathway_labels=PATHWAY_LABELS,
        page=page,
        cursors=cursors,
        link_arguments={name: str(value) for name, value in chosen.items() if value},
        as_of=as_of,
        filters=chosen,
        statuses=list(StaffStatus),
        positions=list(Position),
        eligibility_statuses=list(EligibilityStatus),
    )


BAD_CURSOR = "The {} cursor must be a whole number, as in the list's own links."
LARGEST_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def _requested_cursor() -> Cursor | None:
    """``?after=ID`` or ``?before=ID`` of a next or previous link; 400 if not a whole number
    that could be an id."""
    for name, backwards in (("after", False), ("before", True)):
        text = request.args.get(name)
        if text:
            if not (text.isascii() and text.isdigit() and len(text) <= 10) or (
                int(text) > LARGEST_ID
            ):
                abort(400, BAD_CURSOR.format(name))
            return Cursor(int(text), backwards)
    return None


def _unverified_summary(person: Person) -> list[str]:
    """What still needs checking, in a few words: "identity, 2 credentials, 1 job"."""
    parts = [] if person.identity_verified else ["identity"]
    credentials = sum(not c.verified for c in person.credentials)
    jobs = sum(not e.verified for e in person.experiences)
    if credentials:
        parts.append(f"{credentials} credential{'s' * (credentials > 1)}")
    if jobs:
        parts.append(f"{jobs} job{'s' * (jobs > 1)}")
    return parts


def _supervisor_choices() -> list[SelectChoice]:
    return [SelectChoice("", "No supervisor")] + [
        SelectChoice(str(person.id), person.display_name) for person in supervisors(db_session())
    ]


def _details(form: PersonForm) -> PersonDetails:
    return PersonDetails(
        legal_name=form.legal_name.data or "",
        preferred_name=form.preferred_name.data,
        date_of_birth=form.date_of_birth.data,
        work_email=form.work_email.data,
        position=Position(form.position.data),
        status=StaffStatus(form.status.data),
        hire_on=form.hire_on.data,
        separated_on=form.separated_on.data,
        supervisor_id=form.supervisor_id.data,
        user_email=form.user_email.data,
        position_since=form.position_since.data,
    )


@blueprint.route("/new", methods=["GET", "POST"])
@requires(*WRITE_ROLES)
def new():
    form = PersonForm()
    form.supervisor_id.choices = _supervisor_choices()
    if request.method == "POST":
        if form.validate():
            database = db_session()
            with form_errors(form):
                person = create_person(database, current_actor(), _details(form), today())
                flash(f"{person.legal_name} added.", "success")
                return redirect(url_for("staff.show", person_id=person.id))
        return render_template("staff/edit.html", form=form, person=None), 422
    if not form.status.data:
        form.status.data = StaffStatus.CANDIDATE.value
    return render_template("staff/edit.html", form=form, person=None)


@blueprint.route("/<int:person_id>/edit", methods=["GET", "POST"])
@requires(*WRITE_ROLES)
def edit(person_id: int):
    database = db_session()
    person = database.get(Person, person_id) or abort(404)
    if request.method == "GET":
        form = PersonForm(obj=person)
        form.user_email.data = _user_email(person)
    else:
        form = PersonForm()
    form.supervisor_id.choices = _supervisor_choices()
    if request.method == "POST":
        if form.validate():
            with form_errors(form):
                update_person(database, current_actor(), person, _details(form), today())
                flash("Changes saved.", "success")
                return redirect(url_for("staff.show", person_id=person_id))
        return render_template("staff/edit.html", form=form, person=person), 422
    return render_template("staff/edit.html", form=form, person=person)


def _user_email(person: Person) -> str | None:
    from lms.auth.models import User

    if person.user_id is None:
        return None
    user = db_session().get(User, person.user_id)
    return user.email if user else None


@blueprint.route("/me")
@requires(Role.MENTOR, Role.SUPERVISOR)
def me():
    person = person_for_user(db_session(), current_user.id)
    if person is None:
        return render_template("staff/no_record.html")
    return redirect(url_for("staff.show", person_id=person.id))


def render_person_page(person_id: int, status: int = 200, **forms):
    """The person page; views that fail validation re-render it with their form's errors."""
    database = db_session()
    person = person_with_facts(database, person_id)
    ensure_can_view(current_user, person, person.supervisor if person else None)
    as_of = today()
    document = facts_document(person, person.credentials, person.experiences, as_of)
    facts = parse_facts(document, as_of)
    mentor = is_evaluated(person.position)
    result = evaluate(facts) if mentor else None
    may_edit = current_user.has_role(*WRITE_ROLES)
    evidence_by_subject = {"identity": [d for d in person.evidence if d.subject == "identity"]}
    evidence_by_fact = defaultdict(list)
    for document in person.evidence:
        if document.credential_id is not None:
            evidence_by_fact[("credential", document.credential_id)].append(document)
        elif document.experience_id is not None:
            evidence_by_fact[("experience", document.experience_id)].append(document)
    return (
        render_template(
            "staff/show.html",
            person=person,
            result=result,
            as_of=as_of,
            timeline=build_timeline(facts, result) if mentor else None,
            credential_label=credential_label,
            trigger_label=trigger_label,
            pathway_labels=PATHWAY_LABELS,
            history=determination_history(database, person.id),
            earlier_employment=employment_periods(database, person.id)[:-1],
            position_history=position_changes(database, person.id),
            may_edit=may_edit,
            may_download=current_user.has_role(*READ_ALL_ROLES),
            verify_form=forms.get("verify_form") or VerifyForm(formdata=None),
            evidence_form=forms.get("evidence_form") or EvidenceForm(formdata=None),
            failed=forms.get("failed"),
            evidence_by_subject=evidence_by_subject,
            evidence_by_fact=evidence_by_fact,
            verifiers=verifier_names(database, person, person.credentials, person.experiences),
            methods=list(VerificationMethod),
            account_email=_user_email(person),
        ),
        status,
    )


@blueprint.route("/link-account", methods=["POST"])
@requires(Role.ADMIN, Role.HR)
def link_account_view():
    """Link a sign-in account and a staff record in one step, from the account's page."""
    from lms.auth.forms import ConfirmForm

    if not ConfirmForm().validate():
        abort(400)
    user_id = request.form.get("user_id", type=int) or abort(400)
    person_id = request.form.get("person_id", type=int)
    database = db_session()
    with flashed_errors():
        if person_id:
            person = database.get(Person, person_id) or abort(404)
            link_account(database, current_actor(), person, user_id)
            flash(f"Linked to the staff record of {person.display_name}.", "success")
        else:
            linked = database.execute(
                select(Person).where(Person.user_id == user_id)
            ).scalar_one_or_none()
            if linked is not None:
                link_account(database, current_actor(), linked, None)
                flash(f"No longer linked to {linked.display_name}.", "success")
    return redirect(url_for("admin.user_detail", user_id=user_id, _anchor="staff-record"))


@blueprint.app_context_processor
def _staff_records_for_accounts() -> dict[str, object]:
    """For an account's page: its staff record, and the records it could be linked to. Called
    only by the templates that show them, so other pages run no query."""

    def staff_record_of(user_id: int) -> Person | None:
        return (
            db_session()
            .execute(select(Person).where(Person.user_id == user_id))
            .scalar_one_or_none()
        )

    def unlinked_staff() -> list[Person]:
        return list(
            db_session()
            .execute(
                select(Person)
                .where(Person.user_id.is_(None), Person.status != StaffStatus.SEPARATED)
                .order_by(Person.legal_name, Person.id)
            )
            .scalars()
        )

    return {"staff_record_of": staff_record_of, "unlinked_staff": unlinked_staff}


@blueprint.route("/<int:person_id>")
@requires(*VIEW_ROLES)
def show(person_id: int):
    return render_person_page(person_id)


@blueprint.route("/<int:person_id>/identity/verify", methods=["POST"])
@requires(*WRITE_ROLES)
def verify_identity_view(person_id: int):
    database = db_session()
    person = database.get(Person, person_id) or abort(404)
    form = VerifyForm()
    if form.validate():
        with form_errors(form):
            verify_identity(
                database,
                current_actor(),
                person,
                VerificationMethod(form.method.data),
                form.note.data,
                today(),
            )
            flash("Identity and date of birth verified.", "success")
            return redirect(url_for("staff.show", person_id=person_id, _anchor="identity"))
    return render_person_page(person_id, 422, verify_form=form, failed="identity")

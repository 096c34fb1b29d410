"""The mentor's training: what is due, the module player, knowledge checks, attestation;
and the team progress page for supervisors and HR."""

from __future__ import annotations

import random

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.curriculum.models import CurriculumEdition, ModuleVersion
from lms.curriculum.rendering import render_markdown, section_markdown
from lms.curriculum.tables import label_table_cells
from lms.organisation.views import current_settings
from lms.provider_time import provider_today
from lms.staff.queries import Page, count_limit, person_for_user, search_size
from lms.training.forms import AttestationForm
from lms.training.models import Attestation, KnowledgeCheckAttempt, ModuleProgress, TrainingCycle
from lms.training.operations import (
    ATTESTATION_STATEMENT,
    attest,
    open_module,
    settings_from_config,
    start_attempt,
    submit_attempt,
)
from lms.training.queries import (
    SEARCHED,
    TeamFilters,
    count_team,
    edition_modules,
    progress_for_cycle,
    team_page,
)
from lms.training.quiz import correct_choice, sections_to_reread, to_review
from lms.training.rules import TrainingStatus
from lms.transaction import flashed_errors, form_errors
from lms.validation import InvalidInput
from lms.web import current_actor, db_session, requested_page_number

blueprint = Blueprint("training", __name__, url_prefix="/training")


def _settings():
    return settings_from_config(current_app.config)


def _contacts() -> dict[str, str]:
    """The provider's settings in force: a module shows the current emergency contacts, however
    long ago its version was published (the version itself is what the records cite)."""
    return dict(current_settings().curriculum_placeholders)


def _today():
    return provider_today()


def _my_person():
    person = person_for_user(db_session(), current_user.id)
    if person is None:
        abort(403)
    return person


def _my_cycle(cycle_id: int) -> TrainingCycle:
    """A cycle of the signed-in mentor's; anyone else's is a 404, as if it did not exist."""
    cycle = db_session().get(TrainingCycle, cycle_id) or abort(404)
    person = _my_person()
    if cycle.person_id != person.id:
        abort(404)
    return cycle


@blueprint.route("/cycles/<int:cycle_id>/modules/<int:position>")
@requires(Role.MENTOR)
def module(cycle_id: int, position: int):
    cycle = _my_cycle(cycle_id)
    if cycle.completed_on is not None:  # finished training is read, not studied again
        return redirect(
            url_for(
                "training.reread",
                cycle_id=cycle_id,
                position=position,
                section=request.args.get("section", 0, type=int),
            )
        )
    return _module_page(cycle, position, request.args.get("section", type=int))


def _module_page(
    cycle: TrainingCycle,
    position: int,
    section: int | None,
    attestation_form: AttestationForm | None = None,
    status: int = 200,
):
    """A section of a module, with the knowledge check and sign-off under the last one (or under
    any once the check is passed); ``attestation_form`` carries a refused signature back."""
    database = db_session()
    progress_row = None
    if section is None:  # resume where the mentor left off
        modules = edition_modules(database, cycle.edition_id) if cycle.edition_id else []
        if 1 <= position <= len(modules):
            progress_row = progress_for_cycle(database, cycle.id).get(modules[position - 1].id)
        section = progress_row.current_section if progress_row else 0
    try:
        module_version, progress = open_module(database, cycle, position, section, _settings())
    except InvalidInput as error:
        abort(404, error.message)
    current = module_version.sections[section]
    markdown = section_markdown(
        module_version.sections, module_version.live_sections, section, _contacts()
    )
    attempts = (
        database.execute(
            select(KnowledgeCheckAttempt)
            .where(KnowledgeCheckAttempt.progress_id == progress.id)
            .order_by(KnowledgeCheckAttempt.number)
        )
        .scalars()
        .all()
    )
    attestation = database.execute(
        select(Attestation).where(Attestation.progress_id == progress.id)
    ).scalar_one_or_none()
    return (
        render_template(
            "training/module.html",
            cycle=cycle,
            position=position,
            module=module_version,
            progress=progress,
            section=section,
            section_title=current["title"],
            section_html=label_table_cells(render_markdown(markdown)),
            attempts=attempts,
            attestation=attestation,
            attestation_form=attestation_form or AttestationForm(formdata=None),
            statement=ATTESTATION_STATEMENT,
        ),
        status,
    )


@blueprint.route("/cycles/<int:cycle_id>/modules/<int:position>/reread")
@requires(Role.MENTOR)
def reread(cycle_id: int, position: int):
    """A module of a completed cycle, read-only: nothing is recorded as training (no progress,
    no study time, no audit entry), so re-reading cannot change what the records show."""
    cycle = _my_cycle(cycle_id)
    if cycle.completed_on is None:
        abort(404, "Only completed training can be re-read; open training is studied.")
    modules = edition_modules(db_session(), cycle.edition_id) if cycle.edition_id else []
    if not 1 <= position <= len(modules):
        abort(404, "That module is not part of this training.")
    module_version = modules[position - 1]
    section = request.args.get("section", 0, type=int)
    if not 0 <= section < len(module_version.sections):
        abort(404, "That section does not exist.")
    current = module_version.sections[section]
    markdown = section_markdown(
        module_version.sections, module_version.live_sections, section, _contacts()
    )
    return render_template(
        "training/reread.html",
        cycle=cycle,
        edition=db_session().get(CurriculumEdition, cycle.edition_id),
        modules=modules,
        position=position,
        module=module_version,
        section=section,
        section_title=current["title"],
        section_html=label_table_cells(render_markdown(markdown)),
    )


def _progress_at(cycle: TrainingCycle, position: int) -> tuple[ModuleVersion, ModuleProgress]:
    database = db_session()
    modules = edition_modules(database, cycle.edition_id) if cycle.edition_id else []
    if not 1 <= position <= len(modules):
        abort(404)
    module_version = modules[position - 1]
    progress = progress_for_cycle(database, cycle.id).get(module_version.id)
    if progress is None:
        abort(400, "Open the module before taking its knowledge check.")
    return module_version, progress


@blueprint.route("/cycles/<int:cycle_id>/modules/<int:position>/attempts", methods=["POST"])
@requires(Role.MENTOR)
def new_attempt(cycle_id: int, position: int):
    cycle = _my_cycle(cycle_id)
    if cycle.completed_on is not None:
        abort(400, "This training is already complete.")
    _, progress = _progress_at(cycle, position)
    database = db_session()
    with flashed_errors():
        attempt = start_attempt(
            database, current_actor(), progress, _settings(), random.SystemRandom()
        )
        return redirect(url_for("training.attempt", attempt_id=attempt.id))
    return redirect(url_for("training.module", cycle_id=cycle_id, position=position))


def _my_attempt(attempt_id: int):
    database = db_session()
    attempt = database.get(KnowledgeCheckAttempt, attempt_id) or abort(404)
    progress = database.get(ModuleProgress, attempt.progress_id)
    cycle = _my_cycle(progress.cycle_id)  # 404 for another person's attempt
    position = next(
        index
        for index, m in enumerate(edition_modules(database, cycle.edition_id), start=1)
        if m.id == attempt.module_version_id
    )
    return attempt, progress, cycle, position


@blueprint.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@requires(Role.MENTOR)
def attempt(attempt_id: int):
    attempt_row, _progress, cycle, position = _my_attempt(attempt_id)
    database = db_session()
    module_version = database.get(ModuleVersion, attempt_row.module_version_id)
    edition = database.get(CurriculumEdition, cycle.edition_id)
    if request.method == "POST":
        from lms.auth.forms import ConfirmForm

        if not ConfirmForm().validate():
            abort(400)
        answers = {
            key.removeprefix("q-"): request.form.getlist(key)
            for key in request.form
            if key.startswith("q-")
        }
        unanswered = _unanswered_numbers(attempt_row.paper, answers)
        if unanswered and attempt_row.submitted_at is None:
            # A mis-tap on a phone must not use up an attempt: nothing is marked or stored.
            error = f"Answer every question before submitting: {_listed(unanswered)} not answered."
            return _attempt_page(
                attempt_row, module_version, cycle, position, edition, answers, error
            )
        try:
            submit_attempt(database, current_actor(), attempt_row, answers, edition.pass_mark)
        except InvalidInput as error:
            abort(400, error.message)
        return redirect(url_for("training.attempt", attempt_id=attempt_id))
    return _attempt_page(attempt_row, module_version, cycle, position, edition)


def _unanswered_numbers(paper, answers) -> list[int]:
    return [number for number, item in enumerate(paper, start=1) if not answers.get(item["id"])]


def _listed(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"question {numbers[0]} is"
    return "questions " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]} are"


def _attempt_page(attempt_row, module_version, cycle, position, edition, answers=None, error=None):
    """The knowledge check: the form (with the answers already chosen after an error), or the
    marked paper once submitted."""
    chosen_answers = attempt_row.answers or answers or {}
    questions = {q["id"]: q for q in module_version.questions}
    # The correct options and rationales are shown only once the check is passed: a failed
    # attempt that showed them would hand the answers to the retake.
    passed = bool(attempt_row.passed)
    paper = [
        {
            "question": questions[item["id"]],
            "options": _shown_options(questions[item["id"]], item["options"]),
            "chosen": set(chosen_answers.get(item["id"], [])),
            "correct": correct_choice(questions[item["id"]]) if passed else frozenset(),
        }
        for item in attempt_row.paper
    ]
    review = []
    if attempt_row.submitted_at is not None and not passed:
        right = {
            item["id"]
            for item in attempt_row.paper
            if frozenset(chosen_answers.get(item["id"], ()))
            == correct_choice(questions[item["id"]])
        }
        review = to_review(
            attempt_row.paper, module_version.questions, module_version.objectives, right
        )
    page = render_template(
        "training/attempt.html",
        attempt=attempt_row,
        paper=paper if passed or attempt_row.submitted_at is None else [],
        review=review,
        reread=sections_to_reread(review),
        reread_first=_settings().reread_before_retake,
        section_numbers={s["title"]: n for n, s in enumerate(module_version.sections)},
        module=module_version,
        cycle=cycle,
        position=position,
        pass_mark=edition.pass_mark,
        submitted=attempt_row.submitted_at is not None,
        error=error,
    )
    return (page, 422) if error else page


def _shown_options(question, order):
    if question["type"] == "true_false":
        return [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]
    texts = {option["id"]: option["text"] for option in question["options"]}
    return [{"id": option_id, "text": texts[option_id]} for option_id in order]


@blueprint.route("/cycles/<int:cycle_id>/modules/<int:position>/attestation", methods=["POST"])
@requires(Role.MENTOR)
def attestation(cycle_id: int, position: int):
    cycle = _my_cycle(cycle_id)
    _, progress = _progress_at(cycle, position)
    form = AttestationForm()
    database = db_session()
    if form.validate():
        with form_errors(form):
            attest(
                database,
                current_actor(),
                _my_person(),
                cycle,
                progress,
                form.typed_name.data,
                _today(),
                _settings(),
            )
            if cycle.completed_on is not None:
                flash("Module complete, and with it your training cycle. Well done.", "success")
                return redirect(url_for("training.index"))
            flash("Module complete.", "success")
            return redirect(url_for("training.index"))
    # Shown again with the error beside the field and the typed name kept; the form's address
    # ends in #sign-off, so the browser lands on the form, not at the top of the section.
    return _module_page(cycle, position, progress.current_section, form, 422)


TEAM_PAGE_SIZE = 50


@blueprint.route("/team")
@requires(Role.SUPERVISOR, Role.HR, Role.ADMIN)
def team():
    search = (request.args.get("q") or "").strip()[:100]
    status = _training_status_arg()
    requested_page = requested_page_number()
    database = db_session()
    supervisor_id = None
    if not current_user.has_role(Role.HR, Role.ADMIN):
        me = person_for_user(database, current_user.id)
        if me is None:
            return render_template("training/no_record.html", team=True)
        supervisor_id = me.id
    today = _today()
    filters = TeamFilters(
        supervisor_id=supervisor_id, search=search or None, status=status, as_of=today
    )
    policy = _settings().policy
    timezone = current_app.config["LMS_TIMEZONE"]
    # Count and page in SQL, the status filter included (the stored status periods compared
    # with today): only the mentors shown are loaded and evaluated.
    limit = count_limit(search, requested_page, TEAM_PAGE_SIZE)
    total = count_team(database, filters, limit)
    page = Page.clamped(requested_page, TEAM_PAGE_SIZE, total, limit)
    size = search_size(database, search, SEARCHED, limit) if search else None
    if size is not None:
        filters = size.routed(filters, page)
    rows = team_page(database, filters, page, today, policy, timezone)
    chosen = {"q": search, "status": status}
    return render_template(
        "training/team.html",
        rows=rows,
        page=page,
        filters=chosen,
        filtered=bool(search or status),
        link_arguments={name: str(value) for name, value in chosen.items() if value},
        statuses=list(TrainingStatus),
        everyone=supervisor_id is None,
        today=today,
    )


def _training_status_arg() -> TrainingStatus | None:
    value = request.args.get("status") or None
    if value is None:
        return None
    try:
        return TrainingStatus(value)
    except ValueError:
        allowed = ", ".join(status.value for status in TrainingStatus)
        abort(400, f"Unknown status filter {value[:40]!r}: choose one of {allowed}.")


def _viewable_person(person_id: int):
    """A mentor whose training the signed-in supervisor (their own), HR, admin or auditor sees."""
    from lms.staff.access import viewable_person

    return viewable_person(db_session(), current_user, person_id)


@blueprint.route("/progress/<int:progress_id>/reset", methods=["POST"])
@requires(Role.SUPERVISOR, Role.HR)
def reset(progress_id: int):
    from lms.auth.forms import ConfirmForm
    from lms.training.operations import reset_attempts

    database = db_session()
    progress = database.get(ModuleProgress, progress_id) or abort(404)
    cycle = database.get(TrainingCycle, progress.cycle_id)
    _viewable_person(cycle.person_id)
    if not ConfirmForm().validate():
        abort(400)
    with flashed_errors():
        reset_attempts(database, current_actor(), progress)
        flash("The knowledge check is open again for a fresh set of attempts.", "success")
    return redirect(url_for("training.person", person_id=cycle.person_id))


@blueprint.route("/item-analysis")
@requires(Role.ADMIN, Role.AUDITOR)
def item_analysis_editions():
    editions = (
        db_session()
        .execute(
            select(CurriculumEdition).order_by(
                CurriculumEdition.curriculum_key,
                CurriculumEdition.effective_on.desc(),
                CurriculumEdition.version.desc(),
            )
        )
        .scalars()
        .all()
    )
    return render_template("training/item_analysis_editions.html", editions=editions)


@blueprint.route("/item-analysis/editions/<int:edition_id>")
@requires(Role.ADMIN, Role.AUDITOR)
def item_analysis(edition_id: int):
    from lms.training.analysis import TOO_EASY_ABOVE, TOO_HARD_BELOW
    from lms.training.queries import item_analysis as analyse

    database = db_session()
    edition = database.get(CurriculumEdition, edition_id) or abort(404)
    return render_template(
        "training/item_analysis.html",
        edition=edition,
        modules=analyse(database, edition.id),
        too_easy=TOO_EASY_ABOVE,
        too_hard=TOO_HARD_BELOW,
    )


ITEM_ANALYSIS_COLUMNS = (
    "module",
    "module_version",
    "question_id",
    "objective",
    "section",
    "prompt",
    "attempts",
    "correct",
    "share_correct",
    "point_biserial",
    "flags",
)


@blueprint.route("/item-analysis/editions/<int:edition_id>.csv")
@requires(Role.ADMIN, Role.AUDITOR)
def item_analysis_csv(edition_id: int):
    from lms.csvfile import csv_text
    from lms.training.queries import item_analysis as analyse

    database = db_session()
    edition = database.get(CurriculumEdition, edition_id) or abort(404)
    rows = [
        (
            module.module.module_key,
            module.module.version,
            row.question_id,
            row.objective,
            row.section or "",
            row.prompt,
            row.statistics.attempts,
            row.statistics.correct,
            _rounded(row.statistics.share_correct),
            _rounded(row.statistics.discrimination),
            "; ".join(row.statistics.flags),
        )
        for module in analyse(database, edition.id)
        for row in module.items
    ]
    filename = f"item-analysis-{edition.curriculum_key}-{edition.edition}-v{edition.version}.csv"
    return current_app.response_class(
        csv_text(ITEM_ANALYSIS_COLUMNS, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)

"""Administrators publish curriculum editions from the web, seeing what changed first."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from lms.auth.forms import ConfirmForm
from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.cache import app_cache
from lms.config import PROJECT_ROOT
from lms.curriculum.loader import check_edition, find_editions
from lms.curriculum.models import CurriculumEdition, EditionModule, ModuleVersion
from lms.curriculum.operations import plan_publication, publish_edition
from lms.curriculum.text_diff import module_diffs
from lms.organisation.views import current_settings
from lms.web import current_actor, db_session

blueprint = Blueprint("curriculum_admin", __name__, url_prefix="/admin/curriculum")

CURRICULA = PROJECT_ROOT / "curricula"


def _candidates():
    """Every edition folder under curricula/, loaded and compared with what is published."""
    database = db_session()
    placeholders = current_settings().curriculum_placeholders
    for folder in find_editions(CURRICULA):
        checked = _checked(folder)  # the file format and the item-writing rules
        edition = checked.publishable
        plan = plan_publication(database, edition, placeholders) if edition else None
        problems = [problem.relative_to(CURRICULA) for problem in checked.problems]
        yield folder.relative_to(CURRICULA).as_posix(), checked.edition, problems, plan


#: Edition folders' checks kept per process: a few editions, each checked once per content.
CHECK_CACHE_SIZE = 16


def _checked(folder: Path):
    """``check_edition(folder)``, kept for as long as the folder's files are byte for byte the
    same: reading and checking every module's YAML takes most of a second, reading the bytes
    to compare takes milliseconds."""
    return app_cache("curriculum_checks", CHECK_CACHE_SIZE).get_or_build(
        (str(folder), folder_fingerprint(folder)), lambda: check_edition(folder)
    )


def folder_fingerprint(folder: Path) -> str:
    """SHA-256 over the name and bytes of every file in ``folder`` (not its subfolders)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        digest.update(path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@blueprint.route("/")
@requires(Role.ADMIN)
def index():
    published = (
        db_session()
        .execute(
            select(CurriculumEdition).order_by(
                CurriculumEdition.curriculum_key,
                CurriculumEdition.edition.desc(),
                CurriculumEdition.version.desc(),
            )
        )
        .scalars()
        .all()
    )
    return render_template(
        "curriculum/index.html",
        candidates=list(_candidates()),
        published=published,
        form=ConfirmForm(),
    )


def _candidate(folder: str):
    """The candidate in ``folder`` with a publication plan, or a 400 naming what to do."""
    match = next((c for c in _candidates() if c[0] == folder), None)
    if match is None or match[3] is None:
        abort(400, "That edition cannot be published; check it with lms curriculum check.")
    return match


def _published_sources(plan) -> dict[str, tuple[int, str, str]]:
    """Module key -> (version, title, Markdown) of the latest published version of each module
    in the folder, and of each module of the latest published edition of the same course."""
    database = db_session()
    keys = {module.key for module in plan.modules}
    previous = (
        select(CurriculumEdition.id)
        .where(CurriculumEdition.curriculum_key == plan.edition.id)
        .order_by(CurriculumEdition.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    keys |= set(
        database.execute(
            select(ModuleVersion.module_key)
            .join(EditionModule, EditionModule.module_version_id == ModuleVersion.id)
            .where(EditionModule.edition_id == previous)
        ).scalars()
    )
    latest = {}
    for version in database.execute(
        select(ModuleVersion)
        .where(ModuleVersion.module_key.in_(keys))
        .order_by(ModuleVersion.module_key, ModuleVersion.version)
    ).scalars():
        latest[version.module_key] = (version.version, version.title, version.source)
    return latest


def _review_page(folder: str, error: str | None = None, status: int = 200):
    folder, edition, _, plan = _candidate(folder)
    titles = {module.id: module.title for module in plan.edition.modules}
    diffs = module_diffs(
        _published_sources(plan),
        [(module.key, titles[module.key], module.source) for module in plan.modules],
    )
    return (
        render_template(
            "curriculum/review.html",
            folder=folder,
            edition=edition,
            plan=plan,
            diffs=diffs,
            error=error,
            form=ConfirmForm(),
        ),
        status,
    )


@blueprint.route("/review")
@requires(Role.ADMIN)
def review():
    """Every module's text against its latest published version, and the confirmation."""
    return _review_page(request.args.get("folder", ""))


@blueprint.route("/publish", methods=["POST"])
@requires(Role.ADMIN)
def publish():
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    wanted, previewed = request.form.get("folder", ""), request.form.get("sha256", "")
    plan = _candidate(wanted)[3]
    if plan.sha256 != previewed:
        # The files or settings changed after the admin looked: never publish unseen content.
        flash("The edition changed since you reviewed it. Review the changes again.", "error")
        return redirect(url_for("curriculum_admin.review", folder=wanted))
    if request.form.get("confirm") != "yes":
        return _review_page(
            wanted, "Tick the box to confirm you have read the changes before publishing.", 422
        )
    database = db_session()
    published, created = publish_edition(database, current_actor(), plan)
    if created:
        flash(f"Published {published.label}.", "success")
    else:
        flash(f"Nothing to publish: {published.label} already has this content.", "info")
    return redirect(url_for("curriculum_admin.index"))

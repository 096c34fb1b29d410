"""HR's CSV import page for candidates and hires: upload, dry run, confirm."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from importlib import resources
from pathlib import PurePath

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.errors import render_error
from lms.staff.views import today
from lms.staffimport.import_plan import COLUMNS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, ImportResult
from lms.staffimport.imports import check_import, run_import
from lms.transaction import discard_writes
from lms.web import current_actor, db_session

blueprint = Blueprint("staff_import", __name__, url_prefix="/staff/import")

TEMPLATE_DOWNLOAD_NAME = "staff-import-template.csv"
#: Base64 of the largest file accepted, with room for padding.
_MAX_CARRIED_LENGTH = 4 * (MAX_IMPORT_BYTES // 3 + 1)


def _upload_page(error: str | None = None, status: int = 200):
    return (
        render_template(
            "staff/import.html",
            columns=COLUMNS,
            error=error,
            max_rows=MAX_IMPORT_ROWS,
        ),
        status,
    )


def _check_page(result: ImportResult, data: bytes, filename: str):
    """Every problem, or what the import will add with the form that confirms it."""
    return (
        render_template(
            "staff/import_check.html",
            result=result,
            filename=filename,
            # Base64 keeps the bytes exact: browsers rewrite line endings in form values,
            # which would change the SHA-256 the import is confirmed against.
            content=base64.b64encode(data).decode("ascii") if not result.problems else None,
            max_rows=MAX_IMPORT_ROWS,
        ),
        422 if result.problems else 200,
    )


def _licence_types() -> tuple[str, ...]:
    return tuple(current_app.config["LICENCE_TYPES"])


def _display_name(filename: str | None) -> str:
    name = PurePath((filename or "").replace("\\", "/")).name
    return "".join(ch for ch in name if ch.isprintable())[:200] or "import.csv"


def _carried_file(content: str, sha256: str) -> bytes | None:
    """The file the confirm form carried back, or None unless it is intact."""
    if len(content) > _MAX_CARRIED_LENGTH:
        return None
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        return None
    if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), sha256.strip().lower()):
        return None
    return data


@blueprint.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    """A file over the request limit is refused before the view reads it: the upload page again
    with the same message beside the field as any file over the import limit."""
    if not current_user.is_authenticated or not current_user.has_role(Role.HR):
        return render_error(413)
    return _upload_page(
        f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it.", 413
    )


@blueprint.route("/")
@requires(Role.HR)
def upload():
    return _upload_page()


@blueprint.route("/template.csv")
@requires(Role.HR)
def template():
    data = resources.files("lms.staffimport").joinpath("import_template.csv").read_bytes()
    return Response(
        data,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{TEMPLATE_DOWNLOAD_NAME}"'},
    )


@blueprint.route("/check", methods=["POST"])
@requires(Role.HR)
def check():
    """The dry run: the whole import, rolled back, reporting every problem."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _upload_page("Choose a CSV file to check.", 422)
    data = upload.stream.read(MAX_IMPORT_BYTES + 1)  # one byte more is enough to say "too large"
    filename = _display_name(upload.filename)
    database = db_session()
    result = check_import(database, current_actor(), data, today(), filename, _licence_types())
    discard_writes()  # a dry run
    return _check_page(result, data, filename)


@blueprint.route("/confirm", methods=["POST"])
@requires(Role.HR)
def confirm():
    """The real import of the file the dry run showed, checked again in full: all or nothing."""
    filename = _display_name(request.form.get("filename"))
    data = _carried_file(request.form.get("content", ""), request.form.get("sha256", ""))
    if data is None:
        return _upload_page(
            "The checked file did not come back intact, so nothing was imported. "
            "Choose the file and check it again.",
            422,
        )
    database = db_session()
    result = run_import(database, current_actor(), data, today(), filename, _licence_types())
    if not result.applied:
        discard_writes()
        return _check_page(result, data, filename)
    flash(f"Imported {result.summary()} from {filename}.", "success")
    return redirect(url_for("staff.index"))

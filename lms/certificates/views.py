"""Certificate pages: the public verification page, downloads and revocation."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from lms import clock
from lms.auth.models import Role
from lms.auth.permissions import public, requires
from lms.certificates.access import may_download_certificates_of
from lms.certificates.documents import CertificateDocument, ModuleLine
from lms.certificates.forms import RevokeForm
from lms.certificates.models import Certificate
from lms.certificates.operations import (
    certificate_pdf,
    record_download,
    record_failed_verification,
    revoke_certificate,
    verification_refusal,
    verify_limit,
)
from lms.certificates.queries import (
    certificate_by_serial,
    certificate_modules,
)
from lms.certificates.rules import certificate_status
from lms.certificates.serials import is_valid_serial, normalise_serial
from lms.curriculum.models import CurriculumEdition
from lms.errors import render_error
from lms.organisation.queries import organisation_settings
from lms.provider_time import provider_today
from lms.ratelimits.operations import Limit
from lms.staff.models import Person
from lms.transaction import form_errors, keep_refusal_record
from lms.web import current_actor, db_session

blueprint = Blueprint("certificates", __name__)


def _today() -> dt.date:
    return provider_today()


def _verify_limit() -> Limit:
    config = current_app.config
    return verify_limit(
        config["CERTIFICATE_VERIFY_MAX_FAILURES"], config["CERTIFICATE_VERIFY_WINDOW_MINUTES"]
    )


def _retry_after() -> int | None:
    """Seconds until this address may verify again, or None when it is not limited.

    A limited number of verifications of unknown serials is allowed from one address per
    window (both configurable), then 429. They are counted in a table of their own, atomically,
    so the limit holds across every worker and server sharing the database.
    """
    retry_after = verification_refusal(db_session(), current_actor(), _verify_limit(), clock.now())
    if retry_after is not None:
        keep_refusal_record()  # the refusal is counted (and the first one audited)
    return retry_after


def _lookup(raw: str) -> tuple[Certificate, CurriculumEdition] | int | None:
    """The certificate a typed serial names; None for a miss, which is counted for the rate
    limit; or, when simultaneous misses went past the limit, the seconds to wait."""
    serial = normalise_serial(raw)
    found = (
        certificate_by_serial(db_session(), serial) if serial and is_valid_serial(serial) else None
    )
    if found is not None:
        return found
    retry_after = record_failed_verification(
        db_session(), current_actor(), _verify_limit(), clock.now()
    )
    keep_refusal_record()  # counted for the rate limit although the answer is a 404
    return retry_after


def _no_such_certificate():
    # The same page and status for a malformed and an unknown serial: nothing to learn from it.
    return render_template("certificates/not_found.html"), 404


def _too_many(retry_after: int):
    body, status = render_error(
        429,
        "Too many serials that match no certificate were checked from your address. "
        "Wait a few minutes and try again.",
    )
    response = current_app.make_response((body, status))
    response.headers["Retry-After"] = str(retry_after)
    return response


@blueprint.route("/verify")
@public
def verify_form():
    raw = request.args.get("serial")
    if raw is None:
        return render_template("certificates/verify_form.html")
    if not raw.strip():
        error = "Enter the serial number printed on the certificate."
        return render_template("certificates/verify_form.html", error=error), 422
    serial = normalise_serial(raw)
    if serial is not None and is_valid_serial(serial):
        return redirect(url_for("certificates.verify", serial=serial))
    return verify(raw)


@blueprint.route("/verify/<serial>")
@public
def verify(serial: str):
    retry_after = _retry_after()
    if retry_after is not None:
        return _too_many(retry_after)
    canonical = normalise_serial(serial)
    if canonical is not None and canonical != serial and is_valid_serial(canonical):
        return redirect(url_for("certificates.verify", serial=canonical))
    found = _lookup(serial)
    if isinstance(found, int):
        return _too_many(found)
    if found is None:
        return _no_such_certificate()
    certificate, edition = found
    today = _today()
    response = current_app.make_response(
        render_template(
            "certificates/verify.html",
            certificate=certificate,
            edition=edition,
            status=certificate_status(certificate, today),
            today=today,
        )
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _too_many_json(retry_after: int):
    response = jsonify({"error": "Too many unknown serials from this address; wait."})
    response.status_code = 429
    response.headers["Retry-After"] = str(retry_after)
    return response


@blueprint.route("/api/v1/certificates/<serial>/verification")
@public
def verification(serial: str):
    """The verification page's facts as JSON, for programs (public, rate-limited the same)."""
    retry_after = _retry_after()
    if retry_after is not None:
        return _too_many_json(retry_after)
    found = _lookup(serial)
    if isinstance(found, int):
        return _too_many_json(found)
    if found is None:
        response = jsonify({"error": "No such certificate."})
        response.status_code = 404
        return response
    certificate, edition = found
    today = _today()
    status = certificate_status(certificate, today)
    return jsonify(
        {
            "serial": certificate.serial,
            "status": status.state.value,
            "as_of": today.isoformat(),
            "holder_name": certificate.holder_name,
            "curriculum_title": edition.title,
            "edition": edition.edition,
            "issued_on": certificate.issued_on.isoformat(),
            "expires_on": certificate.expires_on.isoformat(),
            "revoked_on": certificate.revoked_on.isoformat() if certificate.revoked_on else None,
        }
    )


def certificate_document(
    certificate: Certificate, edition: CurriculumEdition
) -> CertificateDocument:
    """Everything printed on a certificate, from its rows and the app's settings."""
    config = current_app.config
    database = db_session()
    modules = certificate_modules(database, certificate)
    # The organisation and signatory in force when it was issued: a certificate is a record,
    # and reprints of it stay the same bytes after the settings change.
    organisation = organisation_settings(database, config, at=certificate.issued_at)
    return CertificateDocument(
        organisation_name=organisation.organisation_name,
        holder_name=certificate.holder_name,
        curriculum_title=edition.title,
        edition=edition.edition,
        edition_version=edition.version,
        edition_sha256=edition.sha256,
        modules=tuple(
            ModuleLine(
                module.title,
                progress.completed_on if progress else None,
                module.estimated_minutes,
                progress.seconds_spent if progress else 0,
            )
            for module, progress in modules
        ),
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        serial=certificate.serial,
        verification_url=f"{config['PUBLIC_URL']}/verify/{certificate.serial}",
        director_name=organisation.training_director_name,
        director_title=organisation.training_director_title,
    )


@blueprint.route("/certificates/<int:certificate_id>.pdf")
@requires(Role.MENTOR, Role.SUPERVISOR, Role.HR, Role.AUDITOR)
def download(certificate_id: int):
    database = db_session()
    certificate = database.get(Certificate, certificate_id) or abort(404)
    holder = database.get(Person, certificate.person_id)
    if not may_download_certificates_of(database, current_user, holder):
        abort(404)  # not "forbidden": that would confirm the certificate exists
    edition = database.get(CurriculumEdition, certificate.edition_id)
    pdf = certificate_pdf(database, certificate.id, certificate_document(certificate, edition))
    if current_user.has_role(Role.AUDITOR):
        record_download(database, current_actor(), certificate)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="certificate-{certificate.serial}.pdf"'
        },
    )


@blueprint.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@requires(Role.HR)
def revoke(certificate_id: int):
    database = db_session()
    certificate = database.get(Certificate, certificate_id) or abort(404)
    form = RevokeForm()
    if form.validate():
        with form_errors(form):
            revoke_certificate(database, current_actor(), certificate, form.reason.data, _today())
            flash(
                f"Certificate {certificate.serial} is revoked from today; "
                "the public verification page says so now.",
                "success",
            )
            return redirect(url_for("training.person", person_id=certificate.person_id))
    edition = database.get(CurriculumEdition, certificate.edition_id)
    return (
        render_template(
            "certificates/revoke.html", form=form, certificate=certificate, edition=edition
        ),
        422,
    )

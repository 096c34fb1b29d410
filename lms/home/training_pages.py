"""The two training pages that also list certificates: the mentor's own training page and a
person's training page (supervisors, HR, admin, auditors).

They compose two features, training and the certificates that certify its cycles, so they live
above both: certificates imports training (a certificate is issued for a completed cycle), and
training does not import certificates. The routes are added to the training blueprint (the
``training.index`` and ``training.person`` endpoints, under /training); ``lms/__init__.py``
imports this module before registering the blueprint.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user
from sqlalchemy import select

from lms.auth.models import Role
from lms.auth.permissions import requires
from lms.certificates.access import may_download_certificates_of
from lms.certificates.queries import certificate_rows
from lms.curriculum.models import CurriculumEdition
from lms.provider_time import provider_timezone, provider_today
from lms.staff.access import viewable_person
from lms.staff.queries import person_for_user
from lms.training.operations import settings_from_config
from lms.training.queries import (
    cycle_details,
    cycles_of,
    edition_modules,
    progress_for_cycle,
    training_history,
)
from lms.training.rules import sections_read, state_on
from lms.training.views import blueprint
from lms.web import db_session


def _settings():
    return settings_from_config(current_app.config)


@blueprint.route("/")
@requires(Role.MENTOR)
def index():
    database = db_session()
    person = person_for_user(database, current_user.id)
    if person is None:
        return render_template("training/no_record.html")
    today = provider_today()
    settings = _settings()
    # Reads only: cycles are assigned on hire, rehire, change and import, and by the daily job
    # (``lms training assign``), never by viewing this page.
    cycles = cycles_of(database, person.id)
    cycle = next((c for c in cycles if c.is_open), None)
    modules, progress = [], {}
    if cycle is not None and cycle.edition_id:
        modules = edition_modules(database, cycle.edition_id)
        progress = progress_for_cycle(database, cycle.id)
    state = state_on(
        training_history(database, person.id, provider_timezone()), today, settings.policy
    )
    editions = {
        e.id: e
        for e in database.execute(
            select(CurriculumEdition).where(
                CurriculumEdition.id.in_({c.edition_id for c in cycles if c.edition_id})
            )
        ).scalars()
    }
    return render_template(
        "training/index.html",
        person=person,
        cycle=cycle,
        edition=editions.get(cycle.edition_id) if cycle else None,
        modules=modules,
        progress=progress,
        state=state,
        history=[c for c in reversed(cycles) if c.completed_on],
        editions=editions,
        today=today,
        certificates=certificate_rows(database, person.id, today),
    )


@blueprint.route("/people/<int:person_id>")
@requires(Role.SUPERVISOR, Role.HR, Role.ADMIN, Role.AUDITOR)
def person(person_id: int):
    person_row = viewable_person(db_session(), current_user, person_id)
    database = db_session()
    details = cycle_details(database, list(reversed(cycles_of(database, person_row.id))))
    settings = _settings()
    return render_template(
        "training/person.html",
        person=person_row,
        details=details,
        editions={e.id: e for e in database.execute(select(CurriculumEdition)).scalars()},
        max_attempts=settings.max_attempts,
        min_section_seconds=settings.min_section_seconds,
        sections_read=sections_read,
        may_reset=current_user.has_role(Role.SUPERVISOR, Role.HR),
        certificates=certificate_rows(database, person_row.id, provider_today()),
        may_download_certificates=may_download_certificates_of(database, current_user, person_row),
        may_revoke_certificates=current_user.has_role(Role.HR),
    )

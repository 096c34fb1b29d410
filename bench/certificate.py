"""Time a certificate download: drawing the PDF every time (as before it was kept) against
sending the PDF kept since its first download.

.venv/bin/python -m bench.certificate [sqlite|postgresql]
"""

from __future__ import annotations

import random
import sys
import time

from sqlalchemy import select

from bench.common import KINDS, bench_app, bench_database, median_ms, signed_in
from lms import clock
from lms.actor import Actor
from lms.certificates.documents import render_certificate
from lms.certificates.models import Certificate
from lms.certificates.serials import generate_serial
from lms.certificates.views import certificate_document
from lms.curriculum.models import CurriculumEdition
from lms.demo import DEMO_PASSWORD, load_demo
from lms.organisation.queries import organisation_settings
from lms.staff.models import Person
from lms.training.models import TrainingCycle
from lms.training.operations import settings_from_config

REPEAT = 50
CPU = time.process_time


def _certificate_for_a_demo_mentor(session) -> Certificate:
    """A certificate for the demo's first completed cycle, inserted directly (the demo's
    completions are imported, and imported completions get none)."""
    cycle = (
        session.execute(
            select(TrainingCycle)
            .where(TrainingCycle.completed_on.is_not(None))
            .order_by(TrainingCycle.id)
        )
        .scalars()
        .first()
    )
    person = session.get(Person, cycle.person_id)
    edition = (
        session.execute(select(CurriculumEdition).order_by(CurriculumEdition.id)).scalars().first()
    )
    certificate = Certificate(
        serial=generate_serial(cycle.completed_on.year, random.Random(1)),
        cycle_id=cycle.id,
        person_id=person.id,
        edition_id=edition.id,
        holder_name=person.legal_name,
        issued_on=cycle.completed_on,
        expires_on=cycle.expires_on,
        issued_at=clock.now(),
    )
    session.add(certificate)
    session.flush()
    return certificate


def measure(kind: str) -> dict[str, float]:
    """Milliseconds per download (medians): ``drawn`` rendering each time, ``kept`` as served;
    wall time, and CPU time (``_cpu``) which a busy machine disturbs less."""
    with bench_database(kind) as url:
        app = bench_app(url)
        with app.app_context():
            session = app.extensions["lms.db"].session_factory()
            load_demo(
                session,
                Actor.system("bench"),
                app.extensions["lms.auth"].hasher,
                clock.today(),
                organisation_settings(session, app.config).curriculum_placeholders,
                settings_from_config(app.config),
            )
            certificate = _certificate_for_a_demo_mentor(session)
            session.commit()
            session.close()
        client = signed_in(app, "hr@demo.example", DEMO_PASSWORD)
        path = f"/certificates/{certificate.id}.pdf"

        def kept() -> None:
            assert client.get(path).status_code == 200

        with app.test_request_context():
            from lms.web import db_session

            edition = db_session().get(CurriculumEdition, certificate.edition_id)
            document = certificate_document(certificate, edition)
            drawn = median_ms(lambda: render_certificate(document), REPEAT)
            drawn_cpu = median_ms(lambda: render_certificate(document), REPEAT, 0, CPU)
        served = median_ms(kept, REPEAT)
        served_cpu = median_ms(kept, REPEAT, 0, CPU)
        app.extensions["lms.db"].engine.dispose()
    return {"drawn": drawn, "kept": served, "drawn_cpu": drawn_cpu, "kept_cpu": served_cpu}


def main(kinds: list[str]) -> None:
    for kind in kinds:
        figures = measure(kind)
        print(report(kind, figures))


def report(kind: str, figures: dict[str, float]) -> str:
    return (
        f"certificate PDF on {kind}: download {figures['kept']:.1f} ms "
        f"({figures['kept_cpu']:.1f} ms CPU); drawing it every time instead "
        f"{figures['drawn']:.1f} ms ({figures['drawn_cpu']:.1f} ms CPU)"
    )


if __name__ == "__main__":
    main(sys.argv[1:] or list(KINDS))

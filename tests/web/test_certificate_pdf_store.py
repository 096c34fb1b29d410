"""A certificate's PDF is drawn at its first download and kept: later downloads send the kept
bytes, revocation leaves them alone, and a change to what is printed draws it afresh."""

import pytest
from sqlalchemy import select

from lms.certificates import operations
from lms.certificates.models import CertificatePdf
from lms.certificates.operations import revoke_certificate
from tests.web.test_certificate_pages import ACTOR, download, issued  # noqa: F401 - a fixture


@pytest.fixture
def drawings(monkeypatch) -> list[str]:
    """The serials of every certificate drawn (rather than sent from the database)."""
    drawn: list[str] = []
    draw = operations.render_certificate

    def counting(document):
        drawn.append(document.serial)
        return draw(document)

    monkeypatch.setattr(operations, "render_certificate", counting)
    return drawn


def kept(issued) -> CertificatePdf | None:  # noqa: F811 - the fixture's value
    return issued.db.execute(
        select(CertificatePdf).where(CertificatePdf.certificate_id == issued.certificate.id)
    ).scalar_one_or_none()


def test_the_first_download_draws_and_keeps_the_pdf_later_ones_send_it(
    client,
    auth,
    issued,  # noqa: F811
    drawings,
):
    auth.login("mentor@example.org")
    assert kept(issued) is None
    first = download(client, issued)
    assert first.status_code == 200
    assert drawings == [issued.serial]
    assert kept(issued).content == first.data
    auth.login("hr@example.org")
    again = download(client, issued)
    assert again.status_code == 200
    assert again.data == first.data
    assert drawings == [issued.serial]  # not drawn a second time


def test_revoking_leaves_the_kept_pdf_as_it_is(client, auth, issued, drawings):  # noqa: F811
    auth.login("hr@example.org")
    first = download(client, issued).data
    revoke_certificate(
        issued.db, ACTOR, issued.certificate, "Issued in error.", issued.clock.current.date()
    )
    issued.db.commit()
    assert download(client, issued).data == first
    assert drawings == [issued.serial]


def test_a_change_to_what_is_printed_draws_it_afresh(app, client, auth, issued, drawings):  # noqa: F811
    auth.login("hr@example.org")
    first = download(client, issued).data
    app.config["PUBLIC_URL"] = "https://lms.agency.example"  # printed, and in the QR code
    second = download(client, issued).data
    assert second != first
    assert drawings == [issued.serial, issued.serial]
    assert kept(issued).content == second
    assert download(client, issued).data == second
    assert len(drawings) == 2


def test_a_pdf_kept_by_older_drawing_code_is_drawn_afresh(client, auth, issued, drawings):  # noqa: F811
    auth.login("hr@example.org")
    first = download(client, issued).data
    row = kept(issued)
    row.fingerprint = "0" * 64  # as if documents.py had changed since it was drawn
    row.content = b"%PDF- drawn by older code"
    issued.db.commit()
    assert download(client, issued).data == first
    assert len(drawings) == 2
    assert kept(issued).content == first

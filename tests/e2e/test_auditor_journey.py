"""An auditor signs in, downloads the curriculum documentation and the audit packet, and is
refused any write."""

import io
import json
import zipfile

import pytest

from tests.e2e.conftest import check_accessibility, screenshot
from tests.e2e.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.e2e


def test_auditor_downloads_documentation_and_packet_and_cannot_write(page, live_server):
    sign_in(page, live_server, "auditor@example.org")
    page.wait_for_url(f"{live_server}/auditor")
    check_accessibility(page)
    screenshot(page, "auditor-home")

    with page.expect_download() as documentation:
        page.get_by_role("link", name="Curriculum documentation (PDF)").first.click()
    assert documentation.value.suggested_filename.startswith("curriculum-demo-2030")
    assert documentation.value.path().read_bytes().startswith(b"%PDF-")

    page.get_by_role("link", name="Audit packet").click()
    check_accessibility(page)
    page.get_by_role("button", name="Prepare the packet").click()
    # The page refreshes itself while the packet is prepared in the background.
    page.locator("a", has_text="Download audit-packet-").wait_for(timeout=60_000)
    check_accessibility(page)
    with page.expect_download() as packet:
        page.locator("a", has_text="Download audit-packet-").click()
    with zipfile.ZipFile(io.BytesIO(packet.value.path().read_bytes())) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert {entry["path"] for entry in manifest["files"]} == (
            set(archive.namelist()) - {"manifest.json"}
        )
    screenshot(page, "auditor-packet-ready")

    # Refused any write: pages that change records answer 403 to an auditor.
    for path in ("/staff/new", "/admin/users/new", "/admin/curriculum/"):
        response = page.goto(f"{live_server}{path}")
        assert response.status == 403, path
    response = page.request.post(f"{live_server}/staff/new", form={"legal_name": "X"})
    assert response.status == 403

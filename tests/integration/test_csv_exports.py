"""Every CSV the app writes, with a formula-like value in every text field: no cell a
spreadsheet opens may start with a formula character (issue 13). The cells are escaped by the
one writer in ``lms.csvfile``; this walks the exports, so a new export that bypasses it fails."""

import csv
import datetime as dt
import io
import zipfile
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.auditors.documents import certificate_register_csv, roster, roster_csv
from lms.auditors.packet import PacketOptions, build_packet
from lms.certificates.models import Certificate
from lms.csvfile import FORMULA_STARTS, csv_text, inert
from lms.curriculum.models import CurriculumEdition
from lms.staff.models import Person
from tests.integration.test_audit_packet import SETTINGS, TZ, history  # noqa: F401 - fixture

DAY = dt.date(2026, 7, 1)  # after the revocation: the register shows its reason


def cells_of(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def assert_inert(text: str, hostile: str) -> None:
    cells = cells_of(text)
    assert f"'{hostile}" in cells, "the hostile value should be in the export, escaped"
    assert [cell for cell in cells if cell.startswith(FORMULA_STARTS)] == []


@pytest.fixture(params=FORMULA_STARTS, ids=repr)
def hostile(request, db, history):  # noqa: F811 - the fixture imported above
    """Every text field the exports show, set to a formula starting with one character."""
    value = f'{request.param}HYPERLINK("http://evil.example")'
    person = db.get(Person, history.id)
    person.legal_name = value
    person.preferred_name = value
    for certificate in db.execute(select(Certificate)).scalars():
        certificate.holder_name = value
        if certificate.revoked_on:
            certificate.revocation_reason = value
    for edition in db.execute(select(CurriculumEdition)).scalars():
        edition.title = value
    db.commit()
    return value


def test_the_roster_csv(db, hostile):
    assert_inert(roster_csv(roster(db, DAY, SETTINGS.policy, TZ)).decode(), hostile)


def test_the_certificate_register(db, hostile):
    assert_inert(certificate_register_csv(db, DAY).decode(), hostile)


def test_every_csv_in_the_audit_packet(db, hostile):
    target = io.BytesIO()
    build_packet(db, target, PacketOptions(DAY, "Agency", TZ, SETTINGS))
    with zipfile.ZipFile(target) as packet:
        names = [name for name in packet.namelist() if name.endswith(".csv")]
        # The roster, the certificate register, the supervision log, on-call coverage and the
        # requirements register.
        assert len(names) == 5
        for name in names:
            cells = cells_of(packet.read(name).decode())
            assert [cell for cell in cells if cell.startswith(FORMULA_STARTS)] == [], name


def test_the_compliance_report_command(runner, hostile):
    result = runner.invoke(args=["compliance", "report", "--as-of", DAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert_inert(result.output, hostile)


def test_the_import_templates_have_no_formulas():
    template = resources.files("lms.staffimport").joinpath("import_template.csv").read_text("utf-8")
    assert [cell for cell in cells_of(template) if cell.startswith(FORMULA_STARTS)] == []


def test_numbers_stay_numbers_and_text_is_escaped():
    assert inert(-3) == -3 and inert("-3") == "'-3" and inert("\tx") == "'\tx"
    assert csv_text(["a", "b"], [["=1+1", -2]]) == "a,b\r\n'=1+1,-2\r\n"


def test_every_csv_is_written_by_the_safe_writer():
    """No module but lms/csvfile.py builds a csv writer, so no export can skip the escaping."""
    lms = Path(__file__).resolve().parents[2] / "lms"
    writers = [
        str(path.relative_to(lms))
        for path in lms.rglob("*.py")
        if path.name != "csvfile.py"
        and ("csv.writer(" in (text := path.read_text(encoding="utf-8")) or "DictWriter" in text)
    ]
    assert writers == []

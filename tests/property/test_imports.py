"""Property: whatever CSV file HR hands an import command, it imports every row or exits 2
naming the problems — never a crash — and a refused file changes no row (issue 13)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.config import PROJECT_ROOT
from lms.staff.models import Position
from tests.integration.supervision_records import add_licence, add_person
from tests.property.support import BOUNDED, HOSTILE_TEXT, HUGE_INTS, ODD_DATES, fingerprint

STAFF_COLUMNS = (
    (PROJECT_ROOT / "lms" / "staffimport" / "import_template.csv")
    .read_text(encoding="utf-8")
    .splitlines()[0]
    .split(",")
)

#: command, and one valid row (column -> value).
IMPORTS = {
    "staff": {
        **dict.fromkeys(STAFF_COLUMNS, ""),
        "record": "person",
        "person_ref": "new@example.org",
        "legal_name": "Nia New",
        "date_of_birth": "1998-04-02",
        "work_email": "new@example.org",
        "position": "therapeutic_mentor",
        "status": "candidate",
    },
    "training": {"work_email": "mia@example.org", "completed_on": "2026-01-02", "note": "paper"},
    "oncall": {
        "starts_at": "2026-11-23T18:00",
        "ends_at": "2026-11-24T08:00",
        "clinician_email": "sol@example.org",
        "phone": "617-555-0100",
    },
    "supervision": {
        "mentor_email": "mia@example.org",
        "supervisor_email": "sam@example.org",
        "held_on": "2026-11-17",
        "minutes": "50",
        "format": "individual",
        "modality": "telehealth",
        "note": "Reviewed boundaries.",
    },
    "requirements": {
        "work_email": "mia@example.org",
        "requirement": "cori",
        "done_on": "2026-01-02",
        "expires_on": "",
        "reference": "",
        "verification_method": "other",
        "verification_note": "iCORI",
        "evidence_sha256": "",
    },
}

CELLS = st.text(max_size=20) | HOSTILE_TEXT | ODD_DATES | HUGE_INTS.map(str)


@st.composite
def csv_files(draw, valid: dict[str, str]) -> bytes:
    """A header (sometimes a column short, long or reordered) and a few rows: the valid row
    with some cells made hostile; encoded as UTF-8, with a BOM, as Latin-1, or any bytes."""
    columns = list(valid)
    shape = draw(st.sampled_from(["as is", "shuffled", "missing", "extra"]))
    if shape == "shuffled":
        columns = draw(st.permutations(columns))
    elif shape == "missing":
        columns.remove(draw(st.sampled_from(columns)))
    elif shape == "extra":
        columns.append(draw(st.text(min_size=1, max_size=8)))
    rows = draw(
        st.lists(
            st.dictionaries(st.sampled_from(columns), CELLS, max_size=3).map(
                lambda changes: [changes.get(c, valid.get(c, "")) for c in columns]
            ),
            max_size=4,
        )
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "bytes"]))
    if encoding == "bytes":
        return draw(st.binary(max_size=200))
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")


@pytest.fixture
def people(db, frozen_clock):
    supervisor = add_person(
        db, "Sam Super", position=Position.LICENSED_CLINICIAN, email="sam@example.org"
    )
    add_licence(db, supervisor)
    add_person(db, "Mia Mentor", supervisor=supervisor, email="mia@example.org")
    senior = add_person(
        db, "Sol Senior", position=Position.SENIOR_CLINICIAN, email="sol@example.org"
    )
    add_licence(db, senior)
    db.commit()


@pytest.mark.parametrize("command", sorted(IMPORTS))
def test_no_csv_file_crashes_an_import_or_half_imports(runner, db, people, tmp_path, command):
    path = tmp_path / "import.csv"

    @BOUNDED
    @given(data=csv_files(IMPORTS[command]), dry_run=st.booleans())
    def one(data, dry_run):
        path.write_bytes(data)
        before = fingerprint(db)
        args = [command, "import", str(path), *(["--dry-run"] if dry_run else [])]
        result = runner.invoke(args=args)
        assert result.exit_code in (0, 2), (result.output, result.exception, data)
        if result.exit_code == 2:
            assert result.stderr.strip(), "a refusal says why"
        if result.exit_code == 2 or dry_run:
            assert fingerprint(db) == before, (result.output, data)

    one()

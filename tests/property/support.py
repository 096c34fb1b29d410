"""Shared pieces of the property tests: hostile values, bounded settings, a fingerprint of the
database to show that a refused request changed no row."""

from __future__ import annotations

import hashlib
import json
import string

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.orm import Session

import lms.schema  # noqa: F401 - every table on the metadata
from lms.db import Base

#: Bounded: the whole tests/property run stays well under a minute on SQLite. No example
#: database is written (nothing lands in the working tree); function-scoped fixtures (the
#: app, its session) are shared by a test's examples on purpose: rows pile up as they would.
BOUNDED = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Written whatever the request's outcome, by design: rate-limit counters and sign-in attempts
#: (lms.transaction.regardless_of_outcome), and a token's last use.
WRITTEN_REGARDLESS = {"rate_limit_counters", "login_attempts", "api_tokens"}

#: Tables whose rows a refused edit could change without changing their number.
CONTENT_CHECKED = (
    "people",
    "education_credentials",
    "experience_records",
    "oncall_blocks",
    "supervision_sessions",
    "leave_periods",
    "requirement_records",
    "clinician_licences",
    "employment_periods",
)


def fingerprint(session: Session) -> dict[str, object]:
    """Every table's row count (one statement) and a checksum of the rows an edit can change."""
    tables = [t for t in Base.metadata.sorted_tables if t.name not in WRITTEN_REGARDLESS]
    counts = ", ".join(f'(SELECT count(*) FROM "{t.name}")' for t in tables)  # noqa: S608
    row = session.execute(text(f"SELECT {counts}")).one()
    found: dict[str, object] = {t.name: n for t, n in zip(tables, row, strict=True)}
    for name in CONTENT_CHECKED:
        table = Base.metadata.tables.get(name)
        if table is None:
            continue
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
        found[f"{name} content"] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return found


# -- hostile values ---------------------------------------------------------------------------

HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\ud800",
        "x\udfffy",
        "\ufeff",
        "\u202eevil",
        '=HYPERLINK("http://x")',
        "+1-555",
        "@SUM(A1)",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "\u03a9\u03bc\u03ad\u03b3\u03b1 \U0001d518\U0001d52b \U0001f600",
        "x" * 5000,
        "line\r\nbreak",
        "1e309",
        "NaN",
        "-0",
        "\uff12\uff10\uff12\uff16-11-23",
    ]
)
ODD_DATES = st.sampled_from(
    [
        "0001-01-01",
        "9999-12-31",
        "1899-12-31",
        "1900-01-01",
        "2026-02-29",
        "2026-02-30",
        "2026-13-01",
        "2026-11-23",
        "2026-11-23T10:00",
        "2026-11-23T10:00:00+14:00",
        "26-11-23",
        " 2026-11-23",
        "2026-W48-1",
        "20261123",
        "+002026-11-23",
    ]
) | st.dates().map(lambda day: day.isoformat())
HUGE_INTS = (
    st.sampled_from([0, -1, 1, 2**31 - 1, 2**31, -(2**31) - 1, 2**53 + 1, 2**63, 2**64, 10**100])
    | st.integers()
)
SCALARS = (
    st.none()
    | st.booleans()
    | HUGE_INTS
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | HOSTILE_TEXT
    | ODD_DATES
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def bodies(valid: dict, fields) -> st.SearchStrategy:
    """JSON request bodies: the valid one with a few fields dropped or made hostile (most
    examples: they reach the operation), any object, or any JSON value at all."""
    names = sorted(set(fields) | set(valid))
    edited = st.builds(
        lambda drop, changes: {
            **{key: value for key, value in valid.items() if key not in drop},
            **changes,
        },
        st.sets(st.sampled_from(sorted(valid)), max_size=2),
        st.dictionaries(st.sampled_from(names) | st.text(max_size=8), JSON_VALUES, max_size=3),
    )
    return st.one_of(
        edited, edited, edited, st.dictionaries(st.text(max_size=8), JSON_VALUES), JSON_VALUES
    )


RAW_BODIES = st.one_of(
    st.binary(max_size=64),
    st.text(alphabet=string.printable, max_size=64).map(str.encode),
    st.sampled_from([b"", b"{", b"[]", b"null", b'{"a": NaN}', b'{"a": 1e999}', b"\xff\xfe{}"]),
    st.just(("[" * 5000).encode()),
)


def dumps(body) -> bytes:
    return json.dumps(body).encode("utf-8", "surrogatepass")


def form_values(valid: dict[str, str], fields) -> st.SearchStrategy:
    """Form posts: the valid one with a few fields dropped or set to hostile text."""
    names = sorted(set(fields) | set(valid))
    value = st.text(max_size=30) | HOSTILE_TEXT | ODD_DATES | HUGE_INTS.map(str)
    return st.builds(
        lambda drop, changes: {
            **{key: item for key, item in valid.items() if key not in drop},
            **changes,
        },
        st.sets(st.sampled_from(sorted(valid)), max_size=2),
        st.dictionaries(st.sampled_from(names), value, max_size=3),
    )


def form_bytes(data: dict[str, str]) -> bytes:
    """The urlencoded body a browser would send; a lone surrogate goes as the invalid UTF-8 a
    hostile client can send (%ED%A0%80)."""
    from urllib.parse import urlencode

    return urlencode(data, encoding="utf-8", errors="surrogatepass").encode("ascii")

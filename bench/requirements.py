"""Time the requirements matrix (#12: "the matrix at 5,000 people x 15 requirements loads in a
constant number of queries") on a throw-away SQLite database.

.venv/bin/python -m bench.requirements [N]   (N mentors, default 5000)

Each headcount (a tenth of N, then N) gets the default catalogue, background checks, monthly
screenings and CPR cards on random dates for most people (``bench.synthetic``). Reported: the
query and the rule (``compliance_matrix``) alone, recomputing everyone's stored cells (what a
new policy or catalogue version costs), and HR's matrix page (from the stored cells), the CSV and
the register, each with its SQL statement count, which must not grow with N.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import ExitStack

os.environ.setdefault("LMS_ENV", "testing")
os.environ.setdefault("LMS_SECRET_KEY", "bench-only")

from sqlalchemy import event

from bench.common import add_account, bench_app, bench_database, signed_in
from bench.synthetic import add_mentors, add_requirement_records
from lms import clock
from lms.requirements.queries import compliance_matrix
from lms.statuses.operations import refresh_requirement_statuses

PAGES = (
    ("matrix page", "/requirements/"),
    ("matrix CSV", "/requirements/export.csv"),
    ("register CSV", "/requirements/register.csv"),
)


def measure(count: int) -> list[tuple[str, float, int, int]]:
    """(label, best milliseconds of three, statements, rows) for each figure at ``count``."""
    figures = []
    with ExitStack() as stack:
        url = stack.enter_context(bench_database("sqlite"))
        app = bench_app(url)
        stack.callback(app.extensions["lms.db"].engine.dispose)
        add_account(app, "hr@bench.example", ["hr"])
        today = clock.today()
        statements: list[str] = []
        with app.app_context():
            session = app.extensions["lms.db"].session_factory()
            people = add_mentors(session, count, today)
            add_requirement_records(session, people, today)
            session.commit()
            # What a new catalogue or policy version costs: everyone's cells recomputed.
            started = time.perf_counter()
            refresh_requirement_statuses(session, [person.id for person in people])
            recompute_ms = (time.perf_counter() - started) * 1000
            session.rollback()
            event.listen(
                app.extensions["lms.db"].engine,
                "before_cursor_execute",
                lambda *args: statements.append(args[2]),
            )
            timings = []
            for _ in range(3):
                statements.clear()
                started = time.perf_counter()
                matrix = compliance_matrix(session, today)
                timings.append(time.perf_counter() - started)
            cells = len(matrix.rows) * len(matrix.requirements)
            figures.append(("query and rule", min(timings) * 1000, len(statements), cells))
            figures.append(("recompute all", recompute_ms, 0, count))
            session.close()
        for label, path in PAGES:
            client = signed_in(app, "hr@bench.example")
            client.get(path).get_data()  # warm up (a streamed body is read to its end)
            timings = []
            for _ in range(3):
                statements.clear()
                started = time.perf_counter()
                response = client.get(path)
                body = response.get_data()  # a streamed CSV is timed to its last byte
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
            figures.append((label, min(timings) * 1000, len(statements), len(body)))
    return figures


def main(count: int) -> None:
    small = max(1, count // 10)
    by_count = {n: measure(n) for n in (small, count)}
    requirements = None
    for n, figures in by_count.items():
        for label, ms, statements, size in figures:
            if label == "query and rule":
                requirements = size // max(1, n)
                detail = f"{size:,} cells"
            elif label == "recompute all":
                detail = "everyone's cells, as a new policy or catalogue version does"
            else:
                detail = f"{size // 1024} KiB"
            print(
                f"requirements {label:<14} {n:>6,} people: {ms:7.0f} ms, "
                f"{statements:>2} SQL statements, {detail}"
            )
    counts = {
        n: [figure[2] for figure in figures if figure[0] != "recompute all"]
        for n, figures in by_count.items()
    }
    constant = counts[small] == counts[count]
    print(
        f"requirements matrix: about {requirements} requirements a person; statements "
        f"{'the same' if constant else 'NOT the same'} at {small:,} and {count:,} people"
    )
    if not constant:
        sys.exit(1)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)

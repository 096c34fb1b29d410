"""Time the pages that list people at several headcounts, side by side.

.venv/bin/python -m bench.pages [N …]   (default: 100 2000, on SQLite)

Each headcount gets its own throw-away database of synthetic mentors (``bench.synthetic``) and
app; then every page is requested on each in turn, round after round (interleaved, so a busy
machine slows them alike), and the medians are compared with the smallest headcount's.
"""

from __future__ import annotations

import math
import re
import statistics
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import event

from bench import twin
from bench.common import add_account, bench_app, bench_database, settle, signed_in
from bench.synthetic import add_mentors, add_requirement_records
from lms import clock
from lms.staff.views import PAGE_SIZE

#: (label, path); ``{last}`` is the staff list's last page number at that headcount.
PAGES = (
    ("staff list, first page", "/staff/"),
    ("staff list, last page by number", "/staff/?page={last}"),
    ("staff list, last page by keyset", None),  # the previous page's "Next page" link
    ("staff list, name search", "/staff/?q=silva"),  # a ninth of everyone matches
    ("staff list, search for one", "/staff/?q=00042"),  # one person matches at any N
    ("staff list, eligible only", "/staff/?eligibility=eligible"),
    ("team page, first page", "/training/team"),
    ("team page, name search", "/training/team?q=silva"),
    ("team page, overdue only", "/training/team?status=overdue"),
    ("compliance dashboard", "/compliance/"),
    ("requirements matrix", "/requirements/"),
    ("requirements matrix, expired only", "/requirements/?status=expired"),
    (
        "requirements, one requirement due soon",
        "/requirements/?requirement=cpr_first_aid&status=due_soon",
    ),
    ("HR home", "/hr"),
)
NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next">')


@dataclass
class Site:
    """One headcount's app, signed-in client and the statements its requests run."""

    count: int
    app: Flask
    client: object
    statements: list[str] = field(default_factory=list)

    def path(self, label: str, template: str | None) -> str:
        last = max(1, math.ceil((self.count + 1) / PAGE_SIZE))  # the mentors and a supervisor
        if template is not None:
            return template.format(last=last)
        before_last = self.client.get(f"/staff/?page={max(1, last - 1)}").get_data(as_text=True)
        found = NEXT_LINK.search(before_last)
        return found.group(1).replace("&amp;", "&") if found else "/staff/?page=1"

    def get(self, path: str) -> tuple[float, int]:
        """Milliseconds and statements of one request."""
        self.statements.clear()
        started = time.perf_counter()
        response = self.client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (path, response.status_code)
        return elapsed, len(self.statements)


def open_site(stack: ExitStack, kind: str, count: int) -> Site:
    url = stack.enter_context(bench_database(kind))
    app = bench_app(url)
    twin.install(app)
    stack.callback(app.extensions["lms.db"].engine.dispose)
    add_account(app, "hr@bench.example", ["hr"])
    with app.app_context():
        session = app.extensions["lms.db"].session_factory()
        people = add_mentors(session, count, clock.today())
        add_requirement_records(session, people, clock.today())
        session.commit()
        session.close()
    settle(app)
    site = Site(count, app, signed_in(app, "hr@bench.example"))
    event.listen(
        app.extensions["lms.db"].engine,
        "before_cursor_execute",
        lambda *args: site.statements.append(args[2]),
    )
    return site


@dataclass
class Timing:
    label: str
    p50: dict[int, float]  # by headcount, milliseconds
    statements: dict[int, int]


def time_pages(sites: list[Site], rounds: int) -> list[Timing]:
    timings = []
    for label, template in PAGES:
        paths = {site.count: site.path(label, template) for site in sites}
        samples: dict[int, list[float]] = {site.count: [] for site in sites}
        statements: dict[int, int] = {}
        for site in sites:  # warm up: templates compiled, caches filled
            site.get(paths[site.count])
        for _ in range(rounds):
            for site in sites:
                elapsed, statements[site.count] = site.get(paths[site.count])
                samples[site.count].append(elapsed)
        timings.append(
            Timing(label, {n: statistics.median(s) for n, s in samples.items()}, statements)
        )
    return timings


def twin_ratio(site: Site, rounds: int) -> tuple[float, float, float]:
    """(ORM page ms, twin ms, ORM throughput as a share of the twin's) for the first page."""
    orm, raw = [], []
    site.get("/staff/")
    site.get("/bench/staff-twin")
    for _ in range(rounds):
        orm.append(site.get("/staff/")[0])
        raw.append(site.get("/bench/staff-twin")[0])
    orm_ms, raw_ms = statistics.median(orm), statistics.median(raw)
    return orm_ms, raw_ms, raw_ms / orm_ms


def rounds_for(count: int) -> int:
    return 3 if count >= 100_000 else 7


def report_pages(kind: str, timings: list[Timing], counts: list[int]) -> list[str]:
    base = counts[0]
    head = f"{'page (' + kind + ')':<36}" + "".join(f"{'N=' + format(n, ','):>22}" for n in counts)
    lines = [head]
    for timing in timings:
        cells = []
        for n in counts:
            ms = timing.p50[n]
            ratio = "" if n == base else f" {ms / timing.p50[base]:5.1f}x"
            cells.append(f"{ms:9.1f} ms{ratio:>7} {timing.statements[n]:2}q")
        lines.append(f"{timing.label:<36}" + "".join(f"{cell:>22}" for cell in cells))
    return lines


def main(counts: list[int], kind: str = "sqlite") -> None:
    with ExitStack() as stack:
        sites = []
        for count in counts:
            started = time.perf_counter()
            sites.append(open_site(stack, kind, count))
            print(f"{kind}: {count:,} mentors ready in {time.perf_counter() - started:.0f} s")
        for site in sites:  # signed in afresh: setting up a large headcount outlasts a sign-in
            site.client = signed_in(site.app, "hr@bench.example")
        timings = time_pages(sites, rounds_for(max(counts)))
        print("\n".join(report_pages(kind, timings, counts)))
        for site in sites:
            orm_ms, raw_ms, share = twin_ratio(site, 3 * rounds_for(site.count))
            print(
                f"staff list first page at N={site.count:,}: ORM {orm_ms:.1f} ms, raw-driver "
                f"twin {raw_ms:.1f} ms: the ORM page runs at {share:.0%} of the twin's throughput"
            )


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [100, 2000])

"""``make bench``: every figure of issue 15, on SQLite and on PostgreSQL, in one run.

.venv/bin/python -m bench [--with-100k] [--kinds sqlite,postgresql]

For N = 100 and 10,000 synthetic mentors (and 100,000 with ``--with-100k``, which takes long):
each list page's median time and its ratio to N = 100 (interleaved, see ``bench.pages``) with
its statement count, and the staff list's first page against its raw-driver twin
(``bench.twin``); then the audit packet for 1,000 mentors (``bench.packet``) and a certificate
download (``bench.certificate``). Where no PostgreSQL answers, its part is skipped with the
reason.
"""

from __future__ import annotations

import argparse
import time

from bench import certificate, packet, pages
from bench.common import KINDS, bench_database

PACKET_PEOPLE = 1000


def _postgres_problem() -> str | None:
    try:
        with bench_database("postgresql"):
            return None
    except Exception as error:  # reported, not raised: the SQLite figures still stand
        return str(error).strip().splitlines()[0] if str(error).strip() else repr(error)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--with-100k", action="store_true", help="also N = 100,000 (slow)")
    parser.add_argument("--kinds", default=",".join(KINDS), help="sqlite,postgresql")
    arguments = parser.parse_args()
    counts = [100, 10_000] + ([100_000] if arguments.with_100k else [])
    started = time.perf_counter()
    for kind in arguments.kinds.split(","):
        if kind == "postgresql" and (problem := _postgres_problem()) is not None:
            print(f"\n=== PostgreSQL SKIPPED: {problem}")
            continue
        print(f"\n=== {kind}", flush=True)
        pages.main(counts, kind)
        print(packet.report(kind, packet.measure(kind, PACKET_PEOPLE)), flush=True)
        print(certificate.report(kind, certificate.measure(kind)), flush=True)
    print(f"\nbench finished in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

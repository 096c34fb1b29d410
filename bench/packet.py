"""Time the audit packet for N synthetic mentors on a throw-away database.

.venv/bin/python -m bench.packet [N] [sqlite|postgresql]

The mentors have a year of weekly supervision sessions (``bench.supervision.add_sessions``) and
requirement records (``bench.synthetic.add_requirement_records``), so the packet's supervision
log and requirements register are measured at their real size.

Prints the wall and CPU time, the SQL statements run, and how much the process grew while the
packet was built, at its peak (flat memory: the same for 1,000 people as for 200). On Linux the
peak is the kernel's (VmHWM, reset before the build); elsewhere it is sampled at each progress
report. Run each size in its own process: fonts and caches loaded by a first run are not grown
again by a second.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from sqlalchemy import event

from bench.common import KINDS, bench_app, bench_database, settle
from bench.supervision import add_sessions
from bench.synthetic import add_mentors, add_requirement_records
from lms import clock
from lms.auditors.packet import PacketOptions, build_packet
from lms.supervision.settings import supervision_settings
from lms.training.operations import settings_from_config


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _reset_peak() -> bool:
    """Start the kernel's peak-RSS mark (VmHWM) afresh, where Linux allows it: the peak while
    the packet is built, not one sampled between people (which misses the whole-provider
    sections, drawn before the first person)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


def _peak_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _period_options(config) -> dict:
    """The options of the packet's supervision and on-call sections, where the packet has them
    (so the same bench times the packet from before they were added)."""
    if "supervision" not in PacketOptions.__dataclass_fields__:
        return {}
    return {
        "supervision": supervision_settings(config),
        "service_hours": str(config["SERVICE_HOURS"]),
    }


def measure(kind: str, count: int) -> dict[str, float]:
    with bench_database(kind) as url, tempfile.TemporaryDirectory() as folder:
        app = bench_app(url)
        engine = app.extensions["lms.db"].engine
        with app.app_context():
            session = app.extensions["lms.db"].session_factory()
            people = add_mentors(session, count, clock.today())
            add_sessions(session, clock.today())
            add_requirement_records(session, people, clock.today())
            session.commit()
            session.close()
            settle(app)
            session = app.extensions["lms.db"].session_factory()
            options = PacketOptions(
                as_of=clock.today(),
                organisation="Bench Agency",
                timezone="America/New_York",
                settings=settings_from_config(app.config),
                **_period_options(app.config),
            )
            statements: list[str] = []

            def count_statement(*args) -> None:
                statements.append(args[2])

            event.listen(engine, "before_cursor_execute", count_statement)
            exact = _reset_peak()
            peak = before = _rss_mib()

            def progress(done: int, total: int) -> None:
                nonlocal peak
                peak = max(peak, _rss_mib())

            started, cpu = time.perf_counter(), time.process_time()
            with open(f"{folder}/packet.zip", "wb") as target:
                header = build_packet(session, target, options, progress)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            if exact:
                peak = max(peak, _peak_mib())
            event.remove(engine, "before_cursor_execute", count_statement)
            session.close()
            size = os.path.getsize(f"{folder}/packet.zip")
        engine.dispose()
    return {
        "people": len(header["people"]),
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "statements": len(statements),
        "mib": size / 2**20,
        "rss_growth_mib": peak - before,
    }


def report(kind: str, figures: dict[str, float]) -> str:
    return (
        f"audit packet on {kind} for {figures['people']} people: {figures['seconds']:.1f} s "
        f"({figures['cpu_seconds']:.1f} s CPU), {figures['statements']} SQL statements, "
        f"{figures['mib']:.1f} MiB, process grew {figures['rss_growth_mib']:.0f} MiB while building"
    )


def main(count: int, kinds: list[str]) -> None:
    for kind in kinds:
        print(report(kind, measure(kind, count)), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, sys.argv[2:] or list(KINDS))

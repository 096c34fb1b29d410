"""Time the audit packet for N synthetic mentors on a throw-away SQLite database.

.venv/bin/python -m bench.packet [N]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

os.environ.setdefault("LMS_ENV", "testing")
os.environ.setdefault("LMS_SECRET_KEY", "bench-only")
os.environ["LMS_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="lms-bench-")

from bench.synthetic import add_mentors
from lms import clock, create_app
from lms.auditors.packet import PacketOptions, build_packet
from lms.migrate import upgrade
from lms.training.operations import settings_from_config


def main(count: int) -> None:
    folder = os.environ["LMS_INSTANCE_PATH"]
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3"})
    upgrade(app.extensions["lms.db"].engine)
    with app.app_context():
        session = app.extensions["lms.db"].session_factory()
        add_mentors(session, count, clock.today())
        session.commit()
        options = PacketOptions(
            as_of=clock.today(),
            organisation="Bench Agency",
            timezone="America/New_York",
            settings=settings_from_config(app.config),
        )
        started = time.perf_counter()
        with open(f"{folder}/packet.zip", "wb") as target:
            header = build_packet(session, target, options)
        elapsed = time.perf_counter() - started
        size = os.path.getsize(f"{folder}/packet.zip")
        print(
            f"audit packet for {len(header['people'])} people: {elapsed:.1f}s, "
            f"{size / 1024 / 1024:.1f} MiB"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)

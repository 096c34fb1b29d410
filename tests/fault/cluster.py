"""A throw-away PostgreSQL cluster for the fault tests: initdb in a temporary directory, a free
port, its unix socket in that directory; run as the current user, or as ``postgres`` when that
is root (PostgreSQL refuses to run as root). The shared server is never touched."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class ClusterUnavailable(Exception):
    """Why no cluster could be started here (the test skips with this reason)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ClusterUnavailable("no initdb found (looked in /usr/lib/postgresql/*/bin and PATH)")


class Cluster:
    """``with Cluster() as cluster:`` a running cluster; ``cluster.url``; ``restart()``."""

    def __init__(self) -> None:
        self.bin = _binaries()
        self.prefix: list[str] = []
        self.owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                self.owner = pwd.getpwnam("postgres")
            except KeyError:
                raise ClusterUnavailable("running as root and there is no postgres user") from None
            runuser = shutil.which("runuser")
            if runuser:
                self.prefix = [runuser, "-u", "postgres", "--"]
            elif shutil.which("su"):
                self.prefix = []  # built per command below
            else:
                raise ClusterUnavailable("running as root with neither runuser nor su")
        self.directory = Path(tempfile.mkdtemp(prefix="lms-fault-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@/lms?host={self.directory}&port={self.port}"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.owner is not None and not self.prefix:
            command = ["su", "postgres", "-s", "/bin/sh", "-c", subprocess.list2cmdline(command)]
        else:
            command = [*self.prefix, *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)

    def _checked(self, *args: str, timeout: float = 60) -> None:
        done = self._run(*args, timeout=timeout)
        if done.returncode != 0:
            log = self.directory / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ClusterUnavailable(
                f"{args[0]} failed ({done.returncode}): {done.stderr.strip()[-500:]} {tail}"
            )

    def __enter__(self) -> Cluster:
        try:
            if self.owner is not None:
                os.chown(self.directory, self.owner.pw_uid, self.owner.pw_gid)
            self._checked(
                "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                "--locale=C", "--no-sync",
            )  # fmt: skip
            self.start()
        except BaseException:
            self.remove()
            raise
        return self

    def _options(self) -> str:
        return (
            f"-p {self.port} -k {self.directory} -c listen_addresses='' -c fsync=off "
            "-c max_connections=50"
        )

    def start(self) -> None:
        self._checked(
            "pg_ctl", "-D", str(self.data), "-o", self._options(),
            "-l", str(self.directory / "server.log"), "-w", "-t", "30", "start",
        )  # fmt: skip

    def restart(self) -> None:
        """Stop (fast: every session cut, transactions in flight rolled back) and start."""
        self._checked(
            "pg_ctl", "-D", str(self.data), "-o", self._options(),
            "-l", str(self.directory / "server.log"), "-m", "fast", "-w", "-t", "30", "restart",
        )  # fmt: skip

    def remove(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)

    def __exit__(self, *exc) -> None:
        self.remove()

"""A throwaway PostgreSQL server for tests: initdb + pg_ctl on a temp dir and a free port.

Postgres refuses to run as root, so as root (CI) the server runs as the `postgres` user that
Debian's package creates. Without the binaries the test skips, unless TOKENECON_CI is set
(CI installs them, so a missing server there is a failure).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def pg_bin() -> Path | None:
    """The directory of initdb/pg_ctl/psql, or None."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_server() -> Iterator[str]:
    """A running server with database `usage`; yields its URL.

    Its directory is a fresh one under the system temp dir (pytest's are private to root,
    and the server may run as another user), removed afterwards."""
    bindir = pg_bin()
    if bindir is None:
        if os.environ.get("TOKENECON_CI"):
            pytest.fail("PostgreSQL is not installed (.ci/run installs the postgresql package)")
        pytest.skip("PostgreSQL binaries not installed")
    tmp = Path(tempfile.mkdtemp(prefix="tokenecon-pg-"))
    data = tmp / "pgdata"
    data.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
        shutil.chown(data, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    run(str(bindir / "initdb"), "-D", str(data), "-U", "tokenecon", "--auth=trust", "-E", "UTF8")
    options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(tmp / "log"),
        "start")  # fmt: skip
    try:
        run(str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "tokenecon",
            "usage")  # fmt: skip
        yield f"postgres://tokenecon@127.0.0.1:{port}/usage"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(tmp, ignore_errors=True)


def load_sql(url: str, sql: str) -> None:
    """Run a SQL script against the server."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[call-overload]

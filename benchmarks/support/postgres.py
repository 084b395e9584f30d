"""A throwaway PostgreSQL for benchmarks, a fresh database on it, and a free port.

The cluster is started as `scripts/postgres.sh` starts the test suite's: in a
temporary folder, owned by Debian's `postgres` user when run as root (initdb
refuses root), stopped and deleted afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

# What a benchmark of speed alone can do without: nothing it writes needs to survive.
NOT_DURABLE = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
# As in production: every acknowledged commit is on disk; and the settings
# docs/operations.md gives for a rush (memory for the working set, checkpoints
# spread out, so a 60 s run does not meet one that rewrites every page it touched).
DURABLE = (
    "-c fsync=on -c synchronous_commit=on -c full_page_writes=on "
    "-c shared_buffers=2GB -c max_wal_size=8GB -c checkpoint_timeout=15min "
    "-c checkpoint_completion_target=0.9 -c wal_compression=on"
)


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def throwaway_postgres(
    *, durable: bool, max_connections: int = 200, extra: str = ""
) -> Iterator[str]:
    """A cluster for the block, with fsync and synchronous commit on if `durable`; its URL."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not found:
        raise SystemExit("no PostgreSQL: install postgresql, or give --postgres-url")
    bin_dir, port = found[-1], free_port()
    folder = Path(tempfile.mkdtemp(prefix="yms-bench-postgres."))
    run: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        run = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    subprocess.run(  # noqa: S603 - fixed arguments
        [*run, str(bin_dir / "initdb"), "-D", str(data), "-U", "yms", "-A", "trust", "-E", "UTF8",
         "--locale=C", "--no-sync"],
        check=True, capture_output=True,
    )  # fmt: skip
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c max_connections={max_connections} "
        f"{DURABLE if durable else NOT_DURABLE} {extra}"
    )
    subprocess.run(  # noqa: S603 - fixed arguments
        [*run, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-s",
         "start", "-o", options],
        check=True,
    )  # fmt: skip
    try:
        yield f"postgresql://yms@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(  # noqa: S603 - fixed arguments
            [*run, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "-s", "stop"],
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


def engine_for(url: str) -> Engine:
    """A SQLAlchemy engine on `url` with psycopg."""
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def fresh_database(admin_url: str, name: str) -> tuple[str, tuple[str, str]]:
    """An empty database `name` on the server of `admin_url`: its URL, and its durability.

    The durability is the server's (fsync, synchronous_commit), for a benchmark to
    say what it measured on.
    """
    engine = engine_for(admin_url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        durability = (
            str(connection.execute(text("SHOW fsync")).scalar()),
            str(connection.execute(text("SHOW synchronous_commit")).scalar()),
        )
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}", durability

"""`yms serve`: the web service (portal and API), with demo data if asked."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from yms.platform.cli import fail

# prometheus_client's variable, named here so the command does not import the library.
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

    from yms.platform.context import ServiceContext
    from yms.platform.settings import Settings


# uvicorn's loggers keep no handlers of their own (dictConfig removes any set before)
# and pass their records up to the root logger, where configure_logging's handler
# writes them without messages or values.
UVICORN_LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "loggers": {
        name: {"handlers": [], "propagate": True}
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
    },
}


def server_config(app: FastAPI | str, *, host: str, port: int, workers: int = 1) -> uvicorn.Config:
    """How `yms serve` runs uvicorn: its records (a 500's traceback too) go through our logging.

    `app` is the app, or with several `workers` the import path of a factory each
    worker calls. The headers are read by the app (``YMS_TRUSTED_PROXIES``), not by
    uvicorn; httptools and uvloop parse and schedule (DESIGN.md, "Serving").
    """
    import uvicorn  # noqa: PLC0415 - commands import what they use

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        workers=workers,
        factory=isinstance(app, str),
        log_level="warning",
        log_config=UVICORN_LOGGING,
        proxy_headers=False,
        # No access lines: they would carry client addresses and paths (personal data),
        # and cost each request their formatting; /metrics counts requests instead.
        access_log=False,
        http="httptools",
        loop="uvloop",
    )


def cores() -> int:
    """The processor cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(asked: str, *, sqlite: bool) -> int:
    """How many web processes `--workers` asks for: a number, or ``auto`` for one per core.

    SQLite is a file one process writes, so it gets one (``auto`` too); asking for
    more is refused.
    """
    if asked == "auto":
        return 1 if sqlite else cores()
    if not asked.isdigit() or int(asked) < 1:
        fail(f"--workers must be a number from 1, or auto, not {asked!r}")
    count = int(asked)
    if sqlite and count > 1:
        fail(
            "--workers: SQLite is written by one process; run one worker, "
            "or set YMS_DATABASE_URL to PostgreSQL for more"
        )
    return count


@contextmanager
def multiprocess_metrics() -> Iterator[None]:
    """A fresh directory where the workers keep their metrics, removed when they are done.

    An operator's own ``PROMETHEUS_MULTIPROC_DIR`` is used as it is, and kept.
    """
    if os.environ.get(MULTIPROCESS_DIR):
        yield
        return
    folder = tempfile.mkdtemp(prefix="yms-metrics-")
    os.environ[MULTIPROCESS_DIR] = folder
    try:
        yield
    finally:
        del os.environ[MULTIPROCESS_DIR]
        shutil.rmtree(folder, ignore_errors=True)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        str,
        typer.Option(
            help="Web processes: a number, or auto for one per core (PostgreSQL only past one)."
        ),
    ] = "1",
    demo: Annotated[
        bool, typer.Option("--demo", help="Migrate the database and add demo data if empty.")
    ] = False,
    insecure_cookies: Annotated[
        bool,
        typer.Option(
            "--insecure-cookies",
            help="Cookies without `Secure`, for plain HTTP other than localhost.",
        ),
    ] = False,
) -> None:
    """Run the web service with uvicorn, in one process or several."""
    import threading  # noqa: PLC0415

    from yms.cli.worker import build_worker  # noqa: PLC0415
    from yms.demo.seed import DEMO_SIGN_INS, seed_demo  # noqa: PLC0415
    from yms.migrations import apply as migrate  # noqa: PLC0415
    from yms.platform.cli import load_settings, service_context  # noqa: PLC0415
    from yms.platform.settings import Environment  # noqa: PLC0415

    shown = "localhost" if host in {"127.0.0.1", "::1", "localhost"} else host
    settings = load_settings()
    processes = worker_count(workers, sqlite=settings.is_sqlite)
    if settings.environment is Environment.DEVELOPMENT and "public_url" not in (
        settings.model_fields_set
    ):
        # Links in e-mails and payment returns point where this server actually listens.
        settings = settings.model_copy(update={"public_url": f"http://{shown}:{port}"})
    if insecure_cookies:
        settings = settings.model_copy(update={"insecure_cookies": True})
    ctx = service_context(migrated=not demo, settings=settings)
    if demo:
        migrate.upgrade(ctx.database)
        created = seed_demo(ctx)
        if created:
            print(f"demo data: ballot windows {', '.join(created)}")  # noqa: T201
        for role, (email, password) in DEMO_SIGN_INS:
            print(f"demo {role}: {email} / {password}")  # noqa: T201
    print(f"yms is running at http://{shown}:{port}/  (Ctrl+C stops it)")  # noqa: T201
    stop = threading.Event()
    if demo:  # one command runs everything; in production, `yms worker` runs beside the web
        print("a worker runs in this process: e-mails, checks, expiry, purges")  # noqa: T201
        background = build_worker(ctx)
        threading.Thread(target=background.run, args=(stop,), name="worker", daemon=True).start()
    try:
        if processes == 1:
            _serve_here(ctx, settings, host=host, port=port)
        else:
            print(f"{processes} web processes")  # noqa: T201
            if not demo:  # the workers open their own; this one has no more use for its pool
                ctx.database.dispose()
            _serve_in_workers(settings, host=host, port=port, workers=processes)
    finally:
        stop.set()


def _serve_here(ctx: ServiceContext, settings: Settings, *, host: str, port: int) -> None:
    import uvicorn  # noqa: PLC0415 - commands import what they use

    from yms.web.production import app_for  # noqa: PLC0415

    uvicorn.Server(server_config(app_for(ctx, settings), host=host, port=port)).run()


def _serve_in_workers(settings: Settings, *, host: str, port: int, workers: int) -> None:
    """Serve under uvicorn's supervisor: `workers` processes on one socket, each restarted."""
    from uvicorn.supervisors import Multiprocess  # noqa: PLC0415

    from yms.web.production import FACTORY  # noqa: PLC0415

    # The workers read their settings from the environment, as this command changed them.
    os.environ["YMS_PUBLIC_URL"] = settings.public_url
    os.environ["YMS_INSECURE_COOKIES"] = "true" if settings.insecure_cookies else "false"
    with multiprocess_metrics():
        config = server_config(FACTORY, host=host, port=port, workers=workers)
        Multiprocess(config, sockets=[config.bind_socket()]).run()

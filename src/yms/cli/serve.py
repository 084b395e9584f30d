"""`yms serve`: the web service (portal and API), with demo data if asked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI


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


def server_config(app: FastAPI, *, host: str, port: int) -> uvicorn.Config:
    """How `yms serve` runs uvicorn: its records (a 500's traceback too) go through our logging."""
    import uvicorn  # noqa: PLC0415 - commands import what they use

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        log_config=UVICORN_LOGGING,
        proxy_headers=False,
    )


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
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
    """Run the web service with uvicorn."""
    import threading  # noqa: PLC0415

    import uvicorn  # noqa: PLC0415 - commands import what they use

    from yms.cli.worker import build_worker  # noqa: PLC0415
    from yms.demo.seed import DEMO_SIGN_INS, seed_demo  # noqa: PLC0415
    from yms.migrations import apply as migrate  # noqa: PLC0415
    from yms.platform.cli import load_settings, service_context  # noqa: PLC0415
    from yms.platform.settings import Environment  # noqa: PLC0415
    from yms.web.app import create_app  # noqa: PLC0415

    shown = "localhost" if host in {"127.0.0.1", "::1", "localhost"} else host
    settings = load_settings()
    if settings.environment is Environment.DEVELOPMENT and "public_url" not in (
        settings.model_fields_set
    ):
        # Links in e-mails and payment returns point where this server actually listens.
        settings = settings.model_copy(update={"public_url": f"http://{shown}:{port}"})
    ctx = service_context(migrated=not demo, settings=settings)
    if demo:
        migrate.upgrade(ctx.database)
        created = seed_demo(ctx)
        if created:
            print(f"demo data: ballot windows {', '.join(created)}")  # noqa: T201
        for role, (email, password) in DEMO_SIGN_INS:
            print(f"demo {role}: {email} / {password}")  # noqa: T201
    print(f"yms is running at http://{shown}:{port}/  (Ctrl+C stops it)")  # noqa: T201
    app = create_app(
        ctx, secure_cookies=not insecure_cookies, trusted_proxies=settings.trusted_proxies
    )
    stop = threading.Event()
    if demo:  # one command runs everything; in production, `yms worker` runs beside the web
        print("a worker runs in this process: e-mails, checks, expiry, purges")  # noqa: T201
        background = build_worker(ctx)
        threading.Thread(target=background.run, args=(stop,), name="worker", daemon=True).start()
    try:
        uvicorn.Server(server_config(app, host=host, port=port)).run()
    finally:
        stop.set()

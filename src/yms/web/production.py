"""The web service as `yms serve` runs it, built from the environment's settings.

With ``--workers N`` each worker process calls `create_from_environment` (uvicorn
imports it by name), so every worker reads the same settings and opens its own
database pool; `yms serve` checked the database and set the environment first.
"""

from __future__ import annotations

import gc
import sys

from fastapi import FastAPI

from yms.platform.context import ServiceContext
from yms.platform.logs import configure_logging
from yms.platform.settings import Settings
from yms.platform.web.overload import Capacity
from yms.web.app import create_app

#: What uvicorn imports in each worker.
FACTORY = "yms.web.production:create_from_environment"


def app_for(ctx: ServiceContext, settings: Settings) -> FastAPI:
    """The web service on `ctx`, with the serving settings (cookies, proxies, metrics, capacity)."""
    return create_app(
        ctx,
        secure_cookies=not settings.insecure_cookies,
        trusted_proxies=settings.trusted_proxies,
        metrics_from=settings.metrics_from,
        capacity=Capacity.of(settings),
    )


def create_from_environment() -> FastAPI:
    """A worker's web service: logging, settings and database pool of its own, from ``YMS_*``."""
    configure_logging(as_json=not sys.stderr.isatty())
    settings = Settings()
    app = app_for(ServiceContext.from_settings(settings), settings)
    # Everything loaded so far (modules, the scheme catalogue, templates) lives as long as
    # the process: frozen out of the collector's sight, so a collection under load walks
    # only what requests make. The surge benchmark measured it (docs/operations.md).
    gc.collect()
    gc.freeze()
    return app

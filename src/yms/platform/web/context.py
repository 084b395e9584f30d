"""The service context a request works with: the one the app was created on."""

from __future__ import annotations

from fastapi import Request

from yms.platform.context import ServiceContext


def context_of(request: Request) -> ServiceContext:
    """The app's service context (set by `yms.web.app.create_app`)."""
    ctx: ServiceContext = request.app.state.ctx
    return ctx

"""The home page, the public ballot pages, and the statements every service publishes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from yms.services import ballot_windows
from yms.services.errors import NotFoundError
from yms.web.rendering import render
from yms.web.visits import visit_of

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    """What the service does, and where to start."""
    return render(request, "home.html", form=False)


@router.get("/ballots")
def ballots(request: Request) -> Response:
    """Every ballot window, with the seed commitment published when it opened."""
    windows = ballot_windows.list_windows(visit_of(request).ctx)
    return render(request, "ballots/list.html", form=False, windows=windows)


@router.get("/ballots/{window_id}")
def ballot(request: Request, window_id: str) -> Response:
    """One ballot window: its places, dates, state and published values."""
    try:
        window = ballot_windows.status(visit_of(request).ctx, window_id)
    except NotFoundError:
        return render(request, "errors/404.html", status=404, form=False)
    return render(request, "ballots/window.html", form=False, window=window)


@router.get("/accessibility")
def accessibility(request: Request) -> Response:
    """The accessibility statement."""
    return render(request, "accessibility.html", form=False)


@router.get("/privacy")
def privacy(request: Request) -> Response:
    """What personal data the service keeps, why, and for how long."""
    return render(request, "privacy.html", form=False)

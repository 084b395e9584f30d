"""The home page, and the statements every public service publishes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from yms.platform.web.context import context_of
from yms.platform.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    """What the service does, and where to start."""
    return render(request, "home.html", form=False)


@router.get("/accessibility")
def accessibility(request: Request) -> Response:
    """The accessibility statement."""
    return render(request, "accessibility.html", form=False)


@router.get("/privacy")
def privacy(request: Request) -> Response:
    """What personal data the service keeps, why, and for how long."""
    return render(request, "privacy.html", form=False)


@router.get("/contact")
def contact(request: Request) -> Response:
    """How to reach the people who run the service."""
    return render(request, "contact.html", form=False, email=context_of(request).contact_email)

"""The JSON API's scheme list: every version the service knows, with its dates."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from yms.platform.web.context import context_of

router = APIRouter(prefix="/api/v1")


@router.get("/schemes")
def schemes(request: Request) -> list[dict[str, Any]]:
    """Every scheme version (schemes in force first): id, version, title, status and dates."""
    catalogue = context_of(request).catalogue
    return [
        {
            "id": scheme.id,
            "version": scheme.version,
            "title": scheme.title,
            "status": scheme.status.value,
            "effective_from": scheme.effective_from.isoformat(),
            "effective_until": scheme.effective_until.isoformat()
            if scheme.effective_until
            else None,
            "arrangements": len(scheme.arrangements),
        }
        for scheme_id in catalogue.ids_in_force_first()
        for scheme in catalogue.versions(scheme_id)
    ]

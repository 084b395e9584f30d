"""RFC 9457 problem documents: how the JSON API says what went wrong."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from fastapi.responses import JSONResponse

from yms.kernel.validation import FieldProblem

PROBLEM_JSON = "application/problem+json"


def is_api(request: Request) -> bool:
    """Whether the request is to the JSON API, which answers with problem documents."""
    return request.url.path.startswith("/api/")


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    kind: str,
    problems: Sequence[FieldProblem] = (),
) -> JSONResponse:
    """A problem document; `kind` names the problem type under ``/api/v1/problems/``."""
    body: dict[str, object] = {
        "type": f"/api/v1/problems/{kind}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if problems:
        body["errors"] = [{"pointer": _pointer(p.path), "detail": p.message} for p in problems]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _pointer(path: str) -> str:
    """A JSON Pointer (RFC 6901) for a dotted path like ``documents[0].kind``."""
    if not path:
        return ""
    parts = path.replace("[", ".").replace("]", "").split(".")
    return "/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)

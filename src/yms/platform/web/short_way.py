"""What a short way in needs: the request body read ahead, and handed on if it is not taken.

Middleware that answers one hot route itself, without the framework (the
rush's ballot entries, status checks), reads the body first to decide whether
it can; when it cannot, the app behind it must still get the body, as if
unread (`replaying`).
"""

from __future__ import annotations

from starlette.types import Message, Receive, Scope


def declared_length(scope: Scope) -> int:
    """The request's ``Content-Length``; 0 when absent or malformed (the limit counts it)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The body, and whether it is all there: reading stops past `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks), False
        if not message.get("more_body", False):
            return b"".join(chunks), True


def replaying(body: bytes, receive: Receive, *, whole: bool) -> Receive:
    """A receive that gives `body` first, then (if there is more) what the client sends next."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": not whole}
        return await receive()

    return replay

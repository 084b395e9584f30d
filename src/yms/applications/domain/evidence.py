"""Evidence: which files an application needs, and what an uploaded file may be.

A file's type is judged by its first bytes, never by its name or the browser's
claim; its name is cleaned before it is shown back.
"""

from __future__ import annotations

import re

from yms.schemes.domain.scheme import Arrangement

MAX_BYTES = 10 * 1024 * 1024
PASSPORT = "passport"
BANK_STATEMENT = "bank_statement"
# A file sent in reply to a caseworker's request for evidence: any number may be sent.
FURTHER = "further"
# The first bytes of each accepted type.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def evidence_needed(arrangement: Arrangement) -> list[str]:
    """The kinds of file to upload: passport, bank statement (if funds are needed), documents."""
    kinds = [PASSPORT]
    if arrangement.requirements.funds is not None:
        kinds.append(BANK_STATEMENT)
    kinds += [document.kind.value for document in arrangement.requirements.documents]
    return kinds


def sniff(data: bytes) -> str | None:
    """The media type the content shows (PDF, PNG or JPEG), or `None`."""
    for signature, media_type in SIGNATURES:
        if data.startswith(signature):
            return media_type
    return None


def safe_filename(name: str) -> str:
    """A filename fit to show back: no path, no odd characters, not too long."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .") or "file"
    return cleaned[:120]

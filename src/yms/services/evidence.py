"""Evidence files: type checked by content, size limited, sealed, kept outside the database.

`EvidenceStore` is the storage edge (local disk by default; an object store in
production). Files are sealed with the data key before they are written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

MAX_BYTES = 10 * 1024 * 1024
# The first bytes of each accepted type (the name and the browser's claim are not trusted).
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


class EvidenceStore(Protocol):
    """Where evidence files are kept."""

    def put(self, key: str, data: bytes) -> None:
        """Keep `data` under `key` (a key is written once)."""
        ...

    def get(self, key: str) -> bytes:
        """The data kept under `key`."""
        ...


class LocalDiskStore:
    """Evidence in a folder on this machine."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        if not re.fullmatch(r"[a-f0-9]{32}", key):
            raise ValueError("an evidence key is 32 hex digits")
        return self._root / key[:2] / key

    def put(self, key: str, data: bytes) -> None:
        """Write the file (its folder is created as needed)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as handle:  # never overwrite
            handle.write(data)

    def get(self, key: str) -> bytes:
        """Read the file."""
        return self._path(key).read_bytes()


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

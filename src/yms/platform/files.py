"""The file store: where uploaded evidence is kept, outside the database.

`FileStore` is the storage edge (local disk by default; an object store in
production). Callers seal what they put here; the store keeps bytes under a
random key, writes each key once, and can forget one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

_KEY = re.compile(r"[a-f0-9]{32}")


class FileStore(Protocol):
    """Where files are kept, by key."""

    def put(self, key: str, data: bytes) -> None:
        """Keep `data` under `key` (a key is written once)."""
        ...

    def get(self, key: str) -> bytes:
        """The data kept under `key`."""
        ...

    def delete(self, key: str) -> None:
        """Forget `key` (nothing happens if it is not kept)."""
        ...


class LocalDiskStore:
    """Files in a folder on this machine."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError("a file key is 32 hex digits")
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

    def delete(self, key: str) -> None:
        """Remove the file, if it is there."""
        self._path(key).unlink(missing_ok=True)

"""Sealed values: secrets kept in the database encrypted (Fernet) under ``YMS_DATA_KEY``."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken


class SealError(ValueError):
    """A sealed value cannot be opened with this key (wrong key, or altered)."""


class Sealer:
    """Seals and opens secrets with one key; a token is useless without the key."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode("ascii"))

    def seal(self, secret: bytes) -> bytes:
        """The secret, encrypted and authenticated."""
        return self._fernet.encrypt(secret)

    def open(self, token: bytes) -> bytes:
        """The secret a token holds; raises `SealError` if the key or the token is wrong."""
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as error:
            raise SealError("sealed value cannot be opened with this key") from error

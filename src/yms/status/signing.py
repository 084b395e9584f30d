"""Signed check records: proof of a status check that verifies when yms is down.

A record is a W3C Verifiable Credential 2.0 secured with JOSE as the W3C
VC-JOSE-COSE Recommendation says: the credential itself is the payload of a
compact JWS whose header carries ``typ`` ``vc+jwt``, ``cty`` ``vc`` and the
``kid`` of the signing key.

The algorithm is ``Ed25519`` (RFC 9864's fully-specified name), not the older
polymorphic ``EdDSA`` of RFC 8037: RFC 9864 deprecates ``EdDSA`` for new work
because the name does not say which curve, JOSE libraries (joserfc among them)
now refuse it unless told to, and the issue asks for ``alg`` Ed25519. The key is
an RFC 8037 ``OKP`` key on curve ``Ed25519``; its ``kid`` is its RFC 7638
thumbprint, so anyone can recompute it from the published key.

The keys live in the database (``signing_keys``), their private halves sealed
with the data key, rather than in settings: ``yms status rotate-key`` then
rotates without a redeploy, every web process sees the new key at once, and
retired keys stay listed in ``/.well-known/jwks.json`` so records they signed
still verify. A settings key would need every retired key kept in the
environment for ever.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey
from sqlalchemy import Engine, select

from yms.platform.context import ServiceContext
from yms.platform.sealing import Sealer
from yms.platform.unit_of_work import UnitOfWork
from yms.status.tables import SigningKey

ALGORITHM = "Ed25519"
TYP = "vc+jwt"
CTY = "vc"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
RECORD_TYPE = "YouthMobilityStatusCheck"
MEDIA_TYPE = "application/vc+jwt"
_JWS_PARTS = 3

# Opened private keys, by kid and sealed bytes (the same kid sealed under another data
# key, as in tests, is another entry): a check signs without opening the seal again.
_opened: dict[tuple[str, bytes], OKPKey] = {}
# The current key of each database, as last read (kid, sealed private half, when read):
# checks come in thousands a second and the key changes a few times a year. After a
# rotation another process may sign with the retired key for up to this long; its
# records still verify, as a retired key stays published.
CURRENT_KEY_SECONDS = 30.0
_current: WeakKeyDictionary[Engine, tuple[str, bytes, float]] = WeakKeyDictionary()

#: Signs a credential: the compact JWS record it becomes.
Signer = Callable[[Mapping[str, Any]], str]


class UnusableRecordError(ValueError):
    """What was given is not a record at all (not a compact JWS, or not JSON inside)."""


class RecordMismatchError(ValueError):
    """A well-formed record that does not verify; the message says why."""


@dataclass(frozen=True, slots=True)
class PublishedKey:
    """A signing key as the world sees it: its public JWK, and whether it still signs."""

    kid: str
    jwk: dict[str, str]
    retired: bool


def _new_key(uow: UnitOfWork) -> SigningKey:
    key = OKPKey.generate_key("Ed25519", auto_kid=True)
    kid = key.kid
    assert kid is not None  # noqa: S101 - auto_kid sets the RFC 7638 thumbprint
    private = json.dumps(key.as_dict(private=True)).encode("utf-8")
    row = SigningKey(
        kid=kid,
        private_sealed=uow.sealer.seal(private),
        public_jwk=json.dumps(_public(key)),
        created_at=uow.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    return row


def _public(key: OKPKey) -> dict[str, str]:
    public = {str(k): str(v) for k, v in key.as_dict(private=False).items()}
    public.update({"use": "sig", "alg": ALGORITHM})
    return public


def _signing_key(uow: UnitOfWork) -> SigningKey:
    """The newest key not retired; the first check on a new database makes one."""
    current = uow.session.scalar(
        select(SigningKey)
        .where(SigningKey.retired_at.is_(None))
        .order_by(SigningKey.created_at.desc(), SigningKey.kid)
        .limit(1)
    )
    if current is None:
        current = _new_key(uow)
        uow.audit("status.signing_key.created", current.kid)
    return current


def _current_key(uow: UnitOfWork) -> tuple[str, bytes]:
    """The current key's kid and sealed private half: remembered, or read (`_signing_key`)."""
    engine = uow.session.get_bind()
    assert isinstance(engine, Engine)  # noqa: S101 - units of work are bound to an engine
    known = _remembered(engine)
    if known is not None:
        return known
    row = _signing_key(uow)
    kid, sealed = row.kid, row.private_sealed
    # Remembered once committed: a key made in a unit that rolls back never existed.
    uow.after_commit(lambda: _current.__setitem__(engine, (kid, sealed, time.monotonic())))
    return kid, sealed


def _private(sealer: Sealer, kid: str, sealed: bytes) -> OKPKey:
    cached = _opened.get((kid, sealed))
    if cached is None:
        cached = OKPKey.import_key(json.loads(sealer.open(sealed)))
        _opened[(kid, sealed)] = cached
    return cached


def record_signer(uow: UnitOfWork) -> Signer:
    """What signs credentials as compact JWS records with the current key, in this unit.

    The key is read at most every `CURRENT_KEY_SECONDS` per process (a rotation in
    this process is seen at once).
    """
    kid, sealed = _current_key(uow)
    return _signer(kid, _private(uow.sealer, kid, sealed))


def remembered_signer(ctx: ServiceContext) -> Signer | None:
    """`record_signer` with the key this process last read, if recent; else `None`.

    For work outside a unit of work (grouped checks on an async connection); on
    `None`, `current_signer` reads the key.
    """
    known = _remembered(ctx.database.engine)
    if known is None:
        return None
    kid, sealed = known
    return _signer(kid, _private(ctx.sealer, kid, sealed))


def _remembered(engine: Engine) -> tuple[str, bytes] | None:
    """The current key's kid and sealed private half, if read here recently enough."""
    known = _current.get(engine)
    if known is None or time.monotonic() - known[2] >= CURRENT_KEY_SECONDS:
        return None
    return known[0], known[1]


def current_signer(ctx: ServiceContext) -> Signer:
    """`record_signer` in a unit of its own (which makes the first key, if none)."""
    with ctx.unit(actor="system") as uow:
        kid, sealed = _current_key(uow)
    return _signer(kid, _private(ctx.sealer, kid, sealed))


def _signer(kid: str, private: OKPKey) -> Signer:
    """A compact JWS (RFC 7515, section 7.1) made directly with the Ed25519 key.

    What `jws.serialize_compact` makes, byte for byte (Ed25519 is deterministic; a
    test holds them equal), without its checks of a header that never changes:
    they cost as much again as the signature, and a rush of checks signs each.
    """
    header = {"alg": ALGORITHM, "kid": kid, "typ": TYP, "cty": CTY}
    protected = _b64(json.dumps(header, separators=(",", ":")).encode())
    signing_key = private.private_key
    if not isinstance(signing_key, Ed25519PrivateKey):  # pragma: no cover - made as Ed25519
        raise TypeError("a signing key is an Ed25519 private key")

    def sign(credential: Mapping[str, Any]) -> str:
        payload = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode()
        signing_input = f"{protected}.{_b64(payload)}"
        return f"{signing_input}.{_b64(signing_key.sign(signing_input.encode('ascii')))}"

    return sign


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def rotate_key(ctx: ServiceContext, *, actor: str) -> str:
    """Retire the signing key (it stays published) and make a new one; returns its kid."""
    with ctx.unit(actor=actor) as uow:
        now = uow.now()
        for row in uow.session.scalars(
            select(SigningKey).where(SigningKey.retired_at.is_(None))
        ).all():
            row.retired_at = now
            uow.audit("status.signing_key.retired", row.kid)
        row = _new_key(uow)
        uow.audit("status.signing_key.created", row.kid)
        engine = uow.session.get_bind()
        uow.after_commit(lambda: _current.pop(engine, None))  # type: ignore[arg-type]
        return row.kid


def published_keys(ctx: ServiceContext) -> list[PublishedKey]:
    """Every signing key's public half, retired ones too, oldest first."""
    with ctx.database.reading() as session:
        rows = session.scalars(
            select(SigningKey).order_by(SigningKey.created_at, SigningKey.kid)
        ).all()
        return [
            PublishedKey(row.kid, json.loads(row.public_jwk), row.retired_at is not None)
            for row in rows
        ]


def jwks(ctx: ServiceContext) -> dict[str, list[dict[str, str]]]:
    """The JSON Web Key Set (RFC 7517) of every key that has signed records."""
    return {"keys": [key.jwk for key in published_keys(ctx)]}


def _b64_json(part: str, what: str) -> dict[str, Any]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (binascii.Error, ValueError) as error:
        raise UnusableRecordError(f"the record's {what} is not base64url JSON") from error
    if not isinstance(decoded, dict):
        raise UnusableRecordError(f"the record's {what} is not a JSON object")
    return decoded


def read_record(record: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and credential of a record, unverified (to show, or to check after)."""
    parts = record.strip().split(".")
    if len(parts) != _JWS_PARTS or not all(parts):
        raise UnusableRecordError("a record is a compact JWS: three base64url parts and two dots")
    return _b64_json(parts[0], "header"), _b64_json(parts[1], "payload")


def verify_record(record: str, key_set: Mapping[str, Any]) -> dict[str, Any]:
    """The credential a record carries, if its signature verifies with a key of `key_set`.

    Needs no database and no network: `key_set` is a JWKS (``/.well-known/jwks.json``
    or the release notes'). Raises `UnusableRecordError` for what is not a record,
    `RecordMismatchError` (saying why) for a record that does not verify.
    """
    header, credential = read_record(record)
    if header.get("alg") != ALGORITHM:
        raise RecordMismatchError(f"the record's alg is {header.get('alg')!r}, not {ALGORITHM}")
    if header.get("typ") != TYP:
        raise RecordMismatchError(f"the record's typ is {header.get('typ')!r}, not {TYP}")
    keys = key_set.get("keys")
    if not isinstance(keys, list):
        raise UnusableRecordError("the key set has no list of keys")
    matching = [k for k in keys if isinstance(k, dict) and k.get("kid") == header.get("kid")]
    if not matching:
        raise RecordMismatchError(f"the record's key {header.get('kid')!r} is not in the key set")
    try:
        key = OKPKey.import_key(matching[0])
        jws.deserialize_compact(record.strip(), key, algorithms=[ALGORITHM])
    except JoseError as error:
        raise RecordMismatchError("the signature does not match the record") from error
    except ValueError as error:
        raise UnusableRecordError("the key set's key is not an Ed25519 public key") from error
    if VC_CONTEXT not in _as_list(credential.get("@context")):
        raise RecordMismatchError("the record is not a Verifiable Credential 2.0")
    if "VerifiableCredential" not in _as_list(credential.get("type")):
        raise RecordMismatchError("the record is not a Verifiable Credential")
    return credential


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]

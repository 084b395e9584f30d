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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey
from sqlalchemy import select

from yms.platform.context import ServiceContext
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


def _private(uow: UnitOfWork, row: SigningKey) -> OKPKey:
    cached = _opened.get((row.kid, row.private_sealed))
    if cached is None:
        cached = OKPKey.import_key(json.loads(uow.sealer.open(row.private_sealed)))
        _opened[(row.kid, row.private_sealed)] = cached
    return cached


def sign_record(uow: UnitOfWork, credential: Mapping[str, Any]) -> str:
    """`credential` as a compact JWS signed with the current key, in this unit of work."""
    row = _signing_key(uow)
    header = {"alg": ALGORITHM, "kid": row.kid, "typ": TYP, "cty": CTY}
    payload = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return jws.serialize_compact(header, payload, _private(uow, row), algorithms=[ALGORITHM])


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

"""Signed check records: verified offline, by our code and by an independent JOSE library."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from tests.status.builders import BORN, granted
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.status import checks, sharing, signing
from yms.status.domain.share_codes import Purpose


def signed_record(ctx: ServiceContext, clock: FixedClock) -> str:
    account, status = granted(ctx, clock)
    issued = sharing.issue_share_code(ctx, account, status.status_ref, Purpose.RENT)
    answer = checks.check_status(
        ctx, str(issued.code), BORN, client="192.0.2.1", verifier_name="Flat Co"
    )
    assert answer.record is not None
    return answer.record


def independently_verified(record: str, key_set: dict[str, Any]) -> dict[str, Any]:
    """The credential, as jwcrypto (no code of ours) verifies it with the published keys."""
    keys = jwk.JWKSet.from_json(json.dumps(key_set))
    token = jws.JWS()
    token.deserialize(record)
    header = json.loads(token.objects["protected"])
    token.verify(keys.get_key(header["kid"]), alg="Ed25519")
    payload: dict[str, Any] = json.loads(token.payload)
    return payload


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_a_record_is_a_vc_2_jws_that_an_independent_library_verifies(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    record = signed_record(ctx, clock)
    key_set = signing.jwks(ctx)
    credential = independently_verified(record, key_set)
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert credential["type"] == ["VerifiableCredential", "YouthMobilityStatusCheck"]
    assert credential["issuer"] == ctx.public_url
    subject = credential["credentialSubject"]
    assert subject["name"] == "Ana Maria Silva"
    assert subject["validOnCheck"] is True
    assert subject["purpose"] == "R"
    assert subject["checkedBy"] == "Flat Co"
    assert "work-permitted" in [c["id"] for c in subject["conditions"]]
    assert signing.verify_record(record, key_set) == credential
    header = json.loads(unb64(record.split(".")[0]))
    assert header == {"alg": "Ed25519", "kid": header["kid"], "typ": "vc+jwt", "cty": "vc"}
    # The kid is the key's RFC 7638 thumbprint, which anyone can recompute.
    [published] = key_set["keys"]
    assert jwk.JWK(**published).thumbprint() == header["kid"]
    assert "d" not in published  # the private half is never published


def _changed_payloads(credential: dict[str, Any]) -> list[dict[str, Any]]:
    """The credential with each field, at every depth, changed in turn."""
    changed: list[dict[str, Any]] = []

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        if isinstance(value, dict):
            for key in value:
                walk(value[key], (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))
        else:
            copy = json.loads(json.dumps(credential))
            target = copy
            for step in path[:-1]:
                target = target[step]
            old = target[path[-1]]
            target[path[-1]] = (not old) if isinstance(old, bool) else f"{old}x"
            changed.append(copy)

    walk(credential, ())
    return changed


def test_any_changed_field_fails_both_verifiers(ctx: ServiceContext, clock: FixedClock) -> None:
    record = signed_record(ctx, clock)
    key_set = signing.jwks(ctx)
    header, payload, signature = record.split(".")
    credential = json.loads(unb64(payload))
    variants = _changed_payloads(credential)
    assert len(variants) > 20
    for variant in variants:
        forged = f"{header}.{b64(json.dumps(variant).encode())}.{signature}"
        with pytest.raises(signing.RecordMismatchError, match="signature"):
            signing.verify_record(forged, key_set)
        with pytest.raises(JWException):
            independently_verified(forged, key_set)


def test_a_changed_signature_or_header_fails(ctx: ServiceContext, clock: FixedClock) -> None:
    record = signed_record(ctx, clock)
    key_set = signing.jwks(ctx)
    header, payload, signature = record.split(".")
    raw = bytearray(unb64(signature))
    raw[10] ^= 1
    flipped = f"{header}.{payload}.{b64(bytes(raw))}"
    with pytest.raises(signing.RecordMismatchError, match="signature does not match"):
        signing.verify_record(flipped, key_set)
    with pytest.raises(JWException):
        independently_verified(flipped, key_set)
    fields = json.loads(unb64(header))
    for change in ({"alg": "EdDSA"}, {"typ": "JWT"}, {"kid": "someone-else"}, {"cty": "json"}):
        altered = f"{b64(json.dumps({**fields, **change}).encode())}.{payload}.{signature}"
        with pytest.raises(signing.RecordMismatchError):
            signing.verify_record(altered, key_set)


@pytest.mark.parametrize(
    "record", ["", "not a record", "a.b", "a.b.c.d", "e30.e30.", "!!!.e30.e30", "W10.e30.e30"]
)
def test_what_is_not_a_record_is_unusable(record: str) -> None:
    with pytest.raises(signing.UnusableRecordError):
        signing.verify_record(record, {"keys": []})


def test_a_record_signed_before_a_rotation_still_verifies(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    before = signed_record(ctx, clock)
    old_kid = json.loads(unb64(before.split(".")[0]))["kid"]
    clock.instant += timedelta(days=30)
    new_kid = signing.rotate_key(ctx, actor="operator")
    assert new_kid != old_kid
    after = checks.check_status(
        ctx,
        str(_another_code(ctx)),
        BORN,
        client="192.0.2.2",
    ).record
    assert after is not None
    assert json.loads(unb64(after.split(".")[0]))["kid"] == new_kid
    key_set = signing.jwks(ctx)
    assert [k["kid"] for k in key_set["keys"]] == [old_kid, new_kid]
    assert [k.retired for k in signing.published_keys(ctx)] == [True, False]
    for record in (before, after):
        signing.verify_record(record, key_set)
        independently_verified(record, key_set)


def _another_code(ctx: ServiceContext) -> object:
    from yms.accounts.services import sign_in  # noqa: PLC0415
    from yms.status.services import statuses_of  # noqa: PLC0415

    holder = sign_in(ctx, "ana@example.org", "a good long password").account_id
    [status] = statuses_of(ctx, holder)
    return sharing.issue_share_code(ctx, holder, status.status_ref, Purpose.WORK).code


def test_the_direct_signer_makes_what_joserfc_makes_byte_for_byte() -> None:
    from joserfc import jws  # noqa: PLC0415 - the reference implementation, here only
    from joserfc.jwk import OKPKey  # noqa: PLC0415

    key = OKPKey.generate_key("Ed25519", auto_kid=True)
    credential = {"id": "urn:yms:status-check:CHK-1", "name": "Zoë Ñúñez", "n": [1, 2]}
    header = {"alg": "Ed25519", "kid": key.kid, "typ": signing.TYP, "cty": signing.CTY}
    payload = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode()
    expected = jws.serialize_compact(header, payload, key, algorithms=["Ed25519"])
    assert key.kid is not None
    assert signing._signer(key.kid, key)(credential) == expected

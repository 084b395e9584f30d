"""`yms status verify|jwks|rotate-key`: a record verifies offline with the published key set."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from tests.fixtures.commands import Yms
from tests.status.builders import BORN, granted
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.status import checks, sharing, signing
from yms.status.domain.share_codes import Purpose


def record_and_keys(ctx: ServiceContext, clock: FixedClock, folder: Path) -> tuple[Path, Path]:
    account, status = granted(ctx, clock)
    code = sharing.issue_share_code(ctx, account, status.status_ref, Purpose.WORK).code
    record = checks.check_status(ctx, str(code), BORN, client="192.0.2.1").record
    assert record is not None
    (folder / "record.jwt").write_text(record, encoding="utf-8")
    (folder / "jwks.json").write_text(json.dumps(signing.jwks(ctx)), encoding="utf-8")
    return folder / "record.jwt", folder / "jwks.json"


def test_a_record_verifies_with_the_key_set_alone(
    yms: Yms, web_ctx: ServiceContext, clock: FixedClock, tmp_path: Path
) -> None:
    record, keys = record_and_keys(web_ctx, clock, tmp_path)
    web_ctx.database.dispose()  # the service is down: only the files are needed
    verified = yms("status", "verify", str(record), "--jwks", str(keys))
    assert verified.code == 0, verified.stderr
    assert "signature valid" in verified.stdout
    assert "Ana Maria Silva" in verified.stdout


def test_a_changed_record_is_a_mismatch_and_garbage_is_unusable(
    yms: Yms, web_ctx: ServiceContext, clock: FixedClock, tmp_path: Path
) -> None:
    record, keys = record_and_keys(web_ctx, clock, tmp_path)
    header, payload, signature = record.read_text(encoding="utf-8").split(".")
    credential = json.loads(base64.urlsafe_b64decode(payload + "=="))
    credential["credentialSubject"]["leaveUntil"] = "2099-12-31"
    forged = base64.urlsafe_b64encode(json.dumps(credential).encode()).rstrip(b"=").decode()
    record.write_text(f"{header}.{forged}.{signature}", encoding="utf-8")
    mismatch = yms("status", "verify", str(record), "--jwks", str(keys))
    assert mismatch.code == 1
    assert "signature does not match" in mismatch.stderr
    record.write_text("not a record", encoding="utf-8")
    assert yms("status", "verify", str(record), "--jwks", str(keys)).code == 2
    assert yms("status", "verify", str(tmp_path / "missing"), "--jwks", str(keys)).code == 2
    keys.write_text("{", encoding="utf-8")
    assert yms("status", "verify", str(record), "--jwks", str(keys)).code == 2


def test_rotating_keeps_every_key_published(yms_db: Yms) -> None:
    first = yms_db("status", "rotate-key")
    second = yms_db("status", "rotate-key")
    assert first.code == second.code == 0
    published = json.loads(yms_db("status", "jwks").stdout)
    assert len(published["keys"]) == 2
    assert all(key["kty"] == "OKP" and "d" not in key for key in published["keys"])


def test_a_record_on_standard_input_verifies(
    yms: Yms, web_ctx: ServiceContext, clock: FixedClock, tmp_path: Path
) -> None:
    record, keys = record_and_keys(web_ctx, clock, tmp_path)
    verified = yms("status", "verify", "-", "--jwks", str(keys), input=record.read_text())
    assert verified.code == 0, verified.stderr
    other_keys = {"keys": [{**json.loads(keys.read_text())["keys"][0], "x": "A" * 43}]}
    keys.write_text(json.dumps(other_keys), encoding="utf-8")
    wrong_key = yms("status", "verify", "-", "--jwks", str(keys), input=record.read_text())
    assert wrong_key.code == 1

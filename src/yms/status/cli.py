"""`yms status verify|jwks|rotate-key`: check a signed check record, publish and rotate the keys.

`verify` needs neither the service nor the network when given the key set
(``--jwks FILE``, as published at ``/.well-known/jwks.json`` and in the release
notes); without it, it reads the keys from the configured database. Exit codes
as the other checking commands: 0 the record verifies; 1 it does not (the
message says why); 2 the input cannot be used.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    help="Status checks: verify a signed record, show and rotate the signing keys.",
    no_args_is_help=True,
)


def _key_set(jwks: Path | None) -> dict[str, Any]:
    from yms.platform.cli import fail, service_context  # noqa: PLC0415 - keep `yms --help` fast
    from yms.status import signing  # noqa: PLC0415

    if jwks is None:
        return dict(signing.jwks(service_context()))
    try:
        loaded = json.loads(jwks.read_text(encoding="utf-8"))
    except OSError as error:
        fail(f"cannot read {jwks}: {error.strerror}")
    except ValueError:
        fail(f"{jwks}: not JSON")
    if not isinstance(loaded, dict):
        fail(f"{jwks}: not a JSON Web Key Set")
    return loaded


@app.command("verify")
def verify(
    record: Annotated[
        str, typer.Argument(help="A file holding the record (a compact JWS), or - for stdin.")
    ],
    jwks: Annotated[
        Path | None,
        typer.Option("--jwks", help="The key set to verify with (else the database's keys)."),
    ] = None,
) -> None:
    """Verify a signed record of a status check; print what it says if it holds."""
    from yms.platform.cli import EXIT_MISMATCH, fail  # noqa: PLC0415
    from yms.status import signing  # noqa: PLC0415

    try:
        text = sys.stdin.read() if record == "-" else Path(record).read_text(encoding="utf-8")
    except OSError as error:
        fail(f"cannot read {record}: {error.strerror}")
    except UnicodeDecodeError:
        fail(f"{record}: not text")
    try:
        credential = signing.verify_record(text, _key_set(jwks))
    except signing.UnusableRecordError as error:
        fail(f"{record}: {error}")
    except signing.RecordMismatchError as error:
        fail(f"{record}: does not verify: {error}", code=EXIT_MISMATCH)
    subject = credential.get("credentialSubject", {})
    print(f"{record}: signature valid; issued by {credential.get('issuer')}")  # noqa: T201
    print(json.dumps(subject, indent=2, ensure_ascii=False))  # noqa: T201


@app.command("jwks")
def show_jwks() -> None:
    """Print the key set (every key, retired ones too), for the release notes."""
    from yms.platform.cli import service_context  # noqa: PLC0415
    from yms.status import signing  # noqa: PLC0415

    print(json.dumps(signing.jwks(service_context()), indent=2))  # noqa: T201


@app.command("rotate-key")
def rotate_key() -> None:
    """Retire the signing key (it stays published) and start signing with a new one."""
    from yms.platform.cli import actor, service_context  # noqa: PLC0415
    from yms.status import signing  # noqa: PLC0415

    kid = signing.rotate_key(service_context(), actor=actor())
    print(f"signing with key {kid}; earlier keys stay published")  # noqa: T201

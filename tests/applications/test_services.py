"""The applicant's use cases: evidence kept or cleaned away, and the fee paid with no lock held."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.applications.builders import draft
from yms.applications.services import cases, drafts, payment
from yms.applications.services.evidence import add_evidence
from yms.kernel.errors import InvalidInputError, RefusedError
from yms.platform.clock import FixedClock
from yms.platform.context import ServiceContext
from yms.platform.files import LocalDiskStore
from yms.platform.payments.provider import CreatedPayment, FakePaymentProvider

PDF = b"%PDF-1.7\n" + b"0" * 2000


def stored_files(ctx: ServiceContext) -> list[Path]:
    assert isinstance(ctx.files, LocalDiskStore)
    return sorted(path for path in ctx.files._root.rglob("*") if path.is_file())


def test_a_refused_upload_leaves_no_file(ctx: ServiceContext, clock: FixedClock) -> None:
    account, case = draft(ctx, clock)
    with pytest.raises(InvalidInputError, match="does not need that file"):
        add_evidence(
            ctx, account, case, kind="tuberculosis_certificate", filename="a.pdf", data=PDF
        )
    assert stored_files(ctx) == []
    drafts.save_answers(ctx, account, case, {"declaration": True})
    provider = ctx.payments
    assert isinstance(provider, FakePaymentProvider)
    provider.finish(
        payment.begin_payment(ctx, account, case, "http://x").rsplit("/", 1)[1], "success"
    )
    payment.complete_payment(ctx, account, case)
    with pytest.raises(RefusedError, match="submitted"):
        add_evidence(ctx, account, case, kind="passport", filename="a.pdf", data=PDF)
    assert stored_files(ctx) == []


def test_a_replaced_file_is_deleted_once_its_replacement_is_kept(
    ctx: ServiceContext, clock: FixedClock
) -> None:
    account, case = draft(ctx, clock)
    add_evidence(ctx, account, case, kind="passport", filename="old.pdf", data=PDF)
    [first] = stored_files(ctx)
    add_evidence(ctx, account, case, kind="passport", filename="new.pdf", data=PDF + b"new")
    [second] = stored_files(ctx)
    assert second != first
    assert ctx.sealer.open(second.read_bytes()) == PDF + b"new"
    [kept] = cases.view(ctx, account, case).evidence
    assert kept.filename == "new.pdf"


class LockProbe(FakePaymentProvider):
    """The fake provider, which tries to lock the application's row while it is being called."""

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(ctx.database, ctx.clock, public_url=ctx.public_url)
        self.ctx = ctx
        self.probed = 0

    def create_payment(
        self, *, amount: int, reference: str, description: str, return_url: str
    ) -> CreatedPayment:
        # Another connection must be able to write at once: no lock is held across this call.
        if self.ctx.database.dialect == "sqlite":
            path = self.ctx.database.engine.url.database
            other = sqlite3.connect(str(path), timeout=0, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")  # "database is locked" if a writer held it
            other.execute("ROLLBACK")
            other.close()
        else:
            with self.ctx.database.engine.connect() as connection:
                connection.execute(
                    text("SELECT id FROM applications WHERE case_ref = :ref FOR UPDATE NOWAIT"),
                    {"ref": reference},
                )
                connection.rollback()
        self.probed += 1
        return super().create_payment(
            amount=amount, reference=reference, description=description, return_url=return_url
        )


def test_the_provider_is_called_with_no_lock_held(ctx: ServiceContext, clock: FixedClock) -> None:
    probe = LockProbe(ctx)
    ctx = replace(ctx, payments=probe)
    account, case = draft(ctx, clock)
    drafts.save_answers(ctx, account, case, {"declaration": True})
    first = payment.begin_payment(ctx, account, case, "http://x/back")
    again = payment.begin_payment(ctx, account, case, "http://x/back")
    assert first == again  # a second click finds the payment under way
    assert probe.probed == 1

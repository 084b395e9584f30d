"""The reference draw and its record, on vectors worked out by hand."""

from __future__ import annotations

import hashlib

import pytest

from yms.domain.ballot import draw
from yms.domain.ballot.record import (
    DrawRecord,
    RecordError,
    build_record,
    first_mismatch,
)

SEED = bytes.fromhex("00" * 31 + "01")
BEACON = bytes.fromhex("abcd")


def test_a_three_ref_vector() -> None:
    refs = ["C", "A", "B"]
    digest = hashlib.sha256(b"A\nB\nC").digest()
    seed = hashlib.sha256(SEED + BEACON + digest).digest()
    ranks = {ref: hashlib.sha256(seed + ref.encode()).digest() for ref in refs}
    result = draw.run_draw(refs, operator_seed=SEED, beacon=BEACON)
    assert result.entries_digest == digest
    assert result.draw_seed == seed
    assert list(result.order) == sorted(refs, key=lambda ref: ranks[ref])
    assert draw.seed_commitment(SEED) == hashlib.sha256(SEED).hexdigest()


def test_equal_ranks_fall_back_to_the_ref(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(draw, "rank", lambda _seed, _ref: 7)
    assert draw.order(b"", ["b", "c", "a"]) == ["a", "b", "c"]


def record_json() -> dict[str, object]:
    record = build_record(
        window="hk-1", places=1, operator_seed=SEED, beacon=BEACON, entry_refs=["B", "A", "C"]
    )
    return record.as_json()


def test_a_built_record_checks_out() -> None:
    assert first_mismatch(DrawRecord.parse(record_json())) is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"seed_commitment": "0" * 64}, "seed_commitment"),
        ({"entry_refs": ["B", "A", "C"]}, "entry_refs"),
        ({"entries_digest": "0" * 64}, "entries_digest"),
        ({"draw_seed": "0" * 64}, "draw_seed"),
        ({"order": ["A", "B", "C", "D"]}, "order"),
    ],
)
def test_each_field_is_checked(change: dict[str, object], field: str) -> None:
    record = DrawRecord.parse({**record_json(), **change})
    assert first_mismatch(record) == field


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"window": "has space"}, "window must be an identifier"),
        ({"window": 3}, "window must be an identifier"),
        ({"places": "1"}, "places must be a whole number"),
        ({"beacon": 12}, "beacon must be an even-length hex string"),
        ({"entries_digest": "AB" * 32}, "entries_digest must be 64 lower-case hex digits"),
        ({"entry_refs": [1]}, "entry_refs holds '1', which is not a reference"),
    ],
)
def test_malformed_fields_are_named(change: dict[str, object], message: str) -> None:
    with pytest.raises(RecordError, match=message):
        DrawRecord.parse({**record_json(), **change})

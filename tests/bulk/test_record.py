"""Draw records for millions of refs: the canonical layout, any other JSON, the same verdict."""

from __future__ import annotations

import io
import json

import pytest

from yms.bulk import draw as bulk_draw
from yms.bulk import record as bulk_record
from yms.bulk import refs as refcol
from yms.domain.ballot.record import DrawRecord, RecordError, build_record, first_mismatch

REFS = ["K7QX-M2RD-9TPA", "0000-0000-0001", "ZZZZ-ZZZZ-ZZZZ", "free.form:ref", "A"]
SEED = bytes(range(32))
BEACON = b"\x01\x02"


def canonical_bytes(refs: list[str]) -> bytes:
    result = bulk_draw.run_draw(refcol.from_strings(refs), operator_seed=SEED, beacon=BEACON)
    header = bulk_record.header_of(
        result, window="w-1", places=2, operator_seed=SEED, beacon=BEACON
    )
    out = io.BytesIO()
    bulk_record.write_record(out, header, result.sorted_refs, result.order)
    return out.getvalue()


@pytest.mark.parametrize("refs", [REFS, ["K7QX-M2RD-9TPA", "0000-0000-0001"], ["only"]])
def test_the_canonical_layout_is_the_reference_record_as_json(refs: list[str]) -> None:
    written = canonical_bytes(refs)
    expected = build_record(
        window="w-1", places=2, operator_seed=SEED, beacon=BEACON, entry_refs=refs
    )
    assert json.loads(written) == expected.as_json()
    assert first_mismatch(DrawRecord.parse(json.loads(written))) is None


def as_lists(record: bulk_record.BulkRecord) -> tuple[object, list[str], list[str]]:
    return (
        record.header,
        refcol.to_strings(record.entry_refs),
        refcol.to_strings(record.order),
    )


@pytest.mark.parametrize(
    "relayout",
    [
        lambda fields: json.dumps(fields, indent=1),
        lambda fields: json.dumps(dict(reversed(fields.items()))),
        lambda fields: json.dumps(fields, indent=2).replace('"A"', '"\\u0041"'),
    ],
    ids=["re-indented", "keys-reordered", "escaped"],
)
def test_any_json_layout_reads_the_same(relayout: object) -> None:
    written = canonical_bytes(REFS)
    fast = bulk_record.read_record(written)
    other = bulk_record.read_record(relayout(json.loads(written)).encode())  # type: ignore[operator]
    assert as_lists(fast) == as_lists(other)
    assert bulk_record.first_mismatch(fast) is None
    assert bulk_record.first_mismatch(other) is None


def test_checks_are_reported_in_order() -> None:
    seen: list[str] = []
    record = bulk_record.read_record(canonical_bytes(REFS))
    assert bulk_record.first_mismatch(record, on_check=seen.append) is None
    assert seen == ["seed_commitment", "entry_refs", "entries_digest", "draw_seed", "order"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[1, 2]", "a record is a JSON object"),
        (b'{"window": "a", "window": "b"}', "field window appears more than once"),
        (b"\xff\xfe", "not valid JSON"),
        (b'{"window": "w"}', "missing field: places"),
    ],
)
def test_unreadable_records_say_why(data: bytes, message: str) -> None:
    with pytest.raises(RecordError, match=message):
        bulk_record.read_record(data)


def test_a_tampered_canonical_record_is_caught() -> None:
    written = canonical_bytes(REFS)
    order_start = written.index(b'"order"')
    first = written.index(b'"0000', order_start)
    tampered = written[:first] + b'"0000-0000-0002' + written[first + len(b'"0000-0000-0001') :]
    record = bulk_record.read_record(tampered)
    assert bulk_record.first_mismatch(record) == "order"

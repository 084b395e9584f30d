"""Draw records for millions of refs: the canonical layout, any other JSON, the same verdict."""

from __future__ import annotations

import hashlib
import io
import json
import random

import pytest

from yms.ballot.domain import draw
from yms.ballot.domain.record import DrawRecord, RecordError, build_record, first_mismatch
from yms.ballot.fast import draw as bulk_draw
from yms.ballot.fast import record as bulk_record
from yms.ballot.fast import refs as refcol

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


def test_a_record_written_in_chunks_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    canonical = ["K7QX-M2RD-9TPA", "0000-0000-0001", "ZZZZ-ZZZZ-ZZZZ", "ABCD-EFGH-JKMN"]
    for refs in (REFS, canonical):
        whole = canonical_bytes(refs)
        monkeypatch.setattr(bulk_record, "_ROWS_PER_WRITE", 2)
        assert canonical_bytes(refs) == whole
        monkeypatch.undo()


def test_fixed_width_records_are_read_by_the_fast_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    refs = ["K7QX-M2RD-9TPA", "0000-0000-0001", "ZZZZ-ZZZZ-ZZZZ"]
    written = canonical_bytes(refs)

    def no_fallback(*_args: object, **_kwargs: object) -> object:
        raise AssertionError("the standard parser was used")

    monkeypatch.setattr(bulk_record.DrawRecord, "parse", no_fallback)
    record = bulk_record.read_record(written)
    assert refcol.to_strings(record.entry_refs) == sorted(refs)
    assert bulk_record.first_mismatch(record) is None


def swap_lines(data: bytes, first: bytes, second: bytes) -> bytes:
    """Swap two whole lines of the order list."""
    order = data.index(b'"order"')
    head, tail = data[:order], data[order:]
    a, b = tail.index(first), tail.index(second)
    assert a < b
    tail = tail[:a] + second + tail[a + len(first) : b] + first + tail[b + len(second) :]
    return head + tail


def test_tampering_with_a_canonical_record_is_caught_field_by_field() -> None:
    refs = ["K7QX-M2RD-9TPA", "0000-0000-0001", "ZZZZ-ZZZZ-ZZZZ", "ABCD-EFGH-JKMN"]
    written = canonical_bytes(refs)
    record = json.loads(written)
    first, second = record["order"][0], record["order"][1]
    swapped = swap_lines(written, f'"{first}",'.encode(), f'"{second}",'.encode())
    seed = record["operator_seed"]
    flipped = written.replace(seed.encode(), f"{int(seed[:2], 16) ^ 1:02x}{seed[2:]}".encode())
    beacon = record["beacon"]
    moved_beacon = written.replace(f'"{beacon}"'.encode(), b'"0103"')
    added = written.replace(b'"0000-0000-0001",', b'"0000-0000-0001",\n    "0000-0000-0002",', 2)
    unsorted = written.replace(b'"0000-0000-0001",', b'"ZZZZ-ZZZZ-ZZZY",', 1)
    for tampered, field in [
        (swapped, "order"),
        (flipped, "seed_commitment"),
        (moved_beacon, "draw_seed"),
        (added, "entries_digest"),
        (unsorted, "entry_refs"),
    ]:
        fast = bulk_record.read_record(tampered)
        assert bulk_record.first_mismatch(fast) == field
        assert first_mismatch(DrawRecord.parse(json.loads(tampered))) == field


@pytest.mark.parametrize("where", ["head", "entry_refs", "order", "tail"])
def test_a_repeated_key_anywhere_is_refused(where: str) -> None:
    written = canonical_bytes(["K7QX-M2RD-9TPA", "0000-0000-0001"])
    if where == "head":
        data = written.replace(b'  "places": 2,\n', b'  "places": 2,\n  "places": 2,\n')
    elif where == "entry_refs":
        data = written.replace(b'  "order"', b'  "entry_refs": [],\n  "order"')
    elif where == "order":
        data = written.replace(b'  "entry_refs"', b'  "order": [],\n  "entry_refs"')
    else:
        data = written[: written.rindex(b"}")] + b',\n  "window": "w-1"\n}\n'
    with pytest.raises(RecordError, match="appears more than once"):
        bulk_record.read_record(data)


def test_a_record_of_no_entries_reads_either_way() -> None:
    # draw-file never writes one, but the formula is defined for it; both readers agree.
    digest = hashlib.sha256(b"").digest()
    fields = {
        "window": "w",
        "places": 1,
        "seed_commitment": draw.seed_commitment(SEED),
        "operator_seed": SEED.hex(),
        "beacon": BEACON.hex(),
        "entries_digest": digest.hex(),
        "draw_seed": draw.draw_seed(SEED, BEACON, digest).hex(),
        "entry_refs": [],
        "order": [],
    }
    for data in (json.dumps(fields), json.dumps(fields, indent=2).replace("[]", "[\n  ]")):
        record = bulk_record.read_record(data.encode())
        assert len(record.entry_refs) == len(record.order) == 0
        assert bulk_record.first_mismatch(record) is None
    assert first_mismatch(DrawRecord.parse(fields)) is None


def standard_verdict(data: bytes) -> object:
    """What the standard parser and the reference checks make of `data`."""
    try:
        fields = json.loads(data, object_pairs_hook=bulk_record._no_repeated_keys)
        if not isinstance(fields, dict):
            return "unreadable"
        record = DrawRecord.parse(fields)
    except (ValueError, RecordError):
        return "unreadable"
    return record.header, list(record.entry_refs), list(record.order), first_mismatch(record)


def bulk_verdict(data: bytes) -> object:
    try:
        record = bulk_record.read_record(data)
    except RecordError:
        return "unreadable"
    return (*as_lists(record), bulk_record.first_mismatch(record))


def test_the_fast_reader_agrees_with_json_on_damaged_records() -> None:
    # Random edits of a few bytes (quotes, brackets, escapes, white space, characters)
    # in a canonical record: the fast reader must read exactly what json reads, or
    # refuse exactly when json (or the record's form) does.
    written = canonical_bytes(
        ["K7QX-M2RD-9TPA", "0000-0000-0001", "ZZZZ-ZZZZ-ZZZZ", "ABCD-EFGH-JKMN"]
    )
    source = random.Random(2026)  # noqa: S311 - test data
    alphabet = b' \n\t\r",[]{}:\\Aa0-.\x00'
    outcomes = set()
    for _ in range(3_000):
        data = bytearray(written)
        for _ in range(source.choice([1, 1, 2, 3])):
            at = source.randrange(len(data))
            action = source.random()
            if action < 0.4:
                data[at] = source.choice(alphabet)
            elif action < 0.7:
                del data[at]
            else:
                data.insert(at, source.choice(alphabet))
        expected = standard_verdict(bytes(data))
        assert bulk_verdict(bytes(data)) == expected, bytes(data)
        outcomes.add(expected if isinstance(expected, str) else expected[-1])
    # The edits reach every verdict: unreadable, faithful, and several mismatches.
    assert {"unreadable", None, "order", "entry_refs"} <= outcomes

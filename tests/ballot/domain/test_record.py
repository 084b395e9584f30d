"""The published draw record: read strictly, built faithfully, every checked field checked."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from yms.ballot.domain.record import (
    CHECKED,
    FIELDS,
    DrawRecord,
    RecordError,
    build_record,
    first_mismatch,
    parse_hex,
)

SEED = bytes.fromhex("00" * 31 + "01")
BEACON = bytes.fromhex("abcd")
REFS = ["K7QX-M2RD-9TPA", "0000-0000-0001", "ZZZZ-ZZZZ-ZZZZ", "free.form:ref", "B"]

Fields = dict[str, object]


def record_json() -> Fields:
    record = build_record(
        window="hk-1", places=2, operator_seed=SEED, beacon=BEACON, entry_refs=REFS
    )
    return record.as_json()


def test_a_built_record_checks_out_and_round_trips() -> None:
    fields = record_json()
    assert list(fields) == list(FIELDS)
    assert fields["entry_refs"] == sorted(REFS)
    assert sorted(fields["order"]) == sorted(REFS)  # type: ignore[type-var]
    record = DrawRecord.parse(fields)
    assert first_mismatch(record) is None
    assert record.as_json() == fields
    assert DrawRecord.parse(record.as_json()) == record


def test_hex_may_be_upper_case_in_the_seeds() -> None:
    fields = record_json()
    upper = {**fields, "operator_seed": str(fields["operator_seed"]).upper()}
    assert first_mismatch(DrawRecord.parse(upper)) is None


# --- form ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIELDS)
def test_a_missing_field_is_named(name: str) -> None:
    fields = {key: value for key, value in record_json().items() if key != name}
    with pytest.raises(RecordError, match=f"^missing field: {name}$"):
        DrawRecord.parse(fields)


def test_an_unknown_field_is_named() -> None:
    with pytest.raises(RecordError, match=r"^unknown field: comment$"):
        DrawRecord.parse({**record_json(), "comment": "hello", "zzz": 1})


@pytest.mark.parametrize("value", [0, -1, True, False, "1", 1.0, None, [1]])
def test_places_must_be_a_whole_number_of_at_least_one(value: object) -> None:
    with pytest.raises(RecordError, match="places must be a whole number of at least 1"):
        DrawRecord.parse({**record_json(), "places": value})


@pytest.mark.parametrize("name", ["operator_seed", "beacon"])
@pytest.mark.parametrize("value", ["", "abc", "zz", "0x00", "00 11", 12, None, ["00"]])
def test_the_seeds_must_be_even_length_hex(name: str, value: object) -> None:
    with pytest.raises(RecordError, match=f"{name} must be an even-length hex string"):
        DrawRecord.parse({**record_json(), name: value})


@pytest.mark.parametrize("name", ["seed_commitment", "entries_digest", "draw_seed"])
@pytest.mark.parametrize("value", ["AB" * 32, "ab" * 31, "ab" * 33, "g" * 64, 1, None])
def test_digests_must_be_64_lower_case_hex_digits(name: str, value: object) -> None:
    with pytest.raises(RecordError, match=f"{name} must be 64 lower-case hex digits"):
        DrawRecord.parse({**record_json(), name: value})


@pytest.mark.parametrize("value", ["", "has space", "a/b", "x" * 101, 3, None])
def test_the_window_must_be_an_identifier(value: object) -> None:
    with pytest.raises(RecordError, match="window must be an identifier"):
        DrawRecord.parse({**record_json(), "window": value})


@pytest.mark.parametrize("name", ["entry_refs", "order"])
def test_the_lists_must_be_lists(name: str) -> None:
    for value in ("A", {"A": 1}, None, 3):
        with pytest.raises(RecordError, match=f"{name} must be a list of references"):
            DrawRecord.parse({**record_json(), name: value})


@pytest.mark.parametrize("name", ["entry_refs", "order"])
@pytest.mark.parametrize(
    "bad", [1, None, "", "has space", 'quo"te', "back\\slash", "caf\u00e9", "tab\t", "x" * 65]
)
def test_a_list_entry_that_is_not_a_reference_is_shown(name: str, bad: object) -> None:
    fields = record_json()
    refs = list(fields[name])  # type: ignore[call-overload]
    shown = re.escape(repr(str(bad)[:40]))
    with pytest.raises(RecordError, match=f"^{name} holds {shown}, which is not a reference$"):
        DrawRecord.parse({**fields, name: [*refs, bad]})


def test_a_reference_may_not_end_in_a_newline() -> None:
    with pytest.raises(RecordError, match="not a reference"):
        DrawRecord.parse({**record_json(), "entry_refs": ["A\n", "B"]})


def test_parse_hex() -> None:
    assert parse_hex("x", "00ff") == b"\x00\xff"
    assert parse_hex("x", "ABcd") == b"\xab\xcd"
    with pytest.raises(RecordError, match=r"^x must be an even-length hex string$"):
        parse_hex("x", "0")


# --- truth ---------------------------------------------------------------------------------


def moved(refs: object) -> list[str]:
    changed = list(refs)  # type: ignore[call-overload]
    changed.insert(3, changed.pop(0))
    return changed


def flip_first_byte(text: object) -> str:
    value = str(text)
    return f"{int(value[:2], 16) ^ 1:02x}{value[2:]}"


TAMPERS: list[tuple[str, Callable[[Fields], Fields], str]] = [
    ("commitment", lambda r: {**r, "seed_commitment": "0" * 64}, "seed_commitment"),
    (
        "operator-seed-byte",
        lambda r: {**r, "operator_seed": flip_first_byte(r["operator_seed"])},
        "seed_commitment",
    ),
    ("unsorted-refs", lambda r: {**r, "entry_refs": moved(r["entry_refs"])}, "entry_refs"),
    (
        "repeated-ref",
        lambda r: {**r, "entry_refs": sorted([*r["entry_refs"], "B"])},  # type: ignore[list-item]
        "entry_refs",
    ),
    (
        "ref-added",
        lambda r: {
            **r,
            "entry_refs": sorted([*r["entry_refs"], "C"]),  # type: ignore[list-item]
            "order": [*r["order"], "C"],  # type: ignore[list-item]
        },
        "entries_digest",
    ),
    (
        "ref-removed",
        lambda r: {
            **r,
            "entry_refs": [ref for ref in r["entry_refs"] if ref != "B"],  # type: ignore[attr-defined]
            "order": [ref for ref in r["order"] if ref != "B"],  # type: ignore[attr-defined]
        },
        "entries_digest",
    ),
    ("digest", lambda r: {**r, "entries_digest": "0" * 64}, "entries_digest"),
    ("beacon-byte", lambda r: {**r, "beacon": flip_first_byte(r["beacon"])}, "draw_seed"),
    ("draw-seed", lambda r: {**r, "draw_seed": "0" * 64}, "draw_seed"),
    ("ref-moved-in-order", lambda r: {**r, "order": moved(r["order"])}, "order"),
    ("order-short", lambda r: {**r, "order": r["order"][:-1]}, "order"),  # type: ignore[index]
    ("order-extra", lambda r: {**r, "order": [*r["order"], "X"]}, "order"),  # type: ignore[list-item]
    (
        "order-repeats",
        lambda r: {**r, "order": [*r["order"][:-1], r["order"][0]]},  # type: ignore[index]
        "order",
    ),
]


@pytest.mark.parametrize(("tamper", "field"), [t[1:] for t in TAMPERS], ids=[t[0] for t in TAMPERS])
def test_each_checked_field_is_named_when_it_does_not_match(
    tamper: Callable[[Fields], Fields], field: str
) -> None:
    record = DrawRecord.parse(tamper(record_json()))
    assert first_mismatch(record) == field


def test_every_checked_field_has_a_tamper() -> None:
    assert {field for *_, field in TAMPERS} == set(CHECKED)


def test_window_and_places_are_not_checked() -> None:
    # They are labels: no other field is computed from them.
    fields = {**record_json(), "window": "another", "places": 99}
    assert first_mismatch(DrawRecord.parse(fields)) is None

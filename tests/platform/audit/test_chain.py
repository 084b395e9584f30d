"""The chain formula on its own: canonical bytes, hashes, events, and where a walk stops."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from yms.platform.audit.chain import (
    GENESIS,
    ChainedEvent,
    canonical,
    instant,
    make_event,
    next_hash,
    walk,
)

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def link_up(events: list[dict[str, Any]]) -> list[ChainedEvent]:
    """Chain `events` with hashlib alone, as DESIGN.md writes the formula."""
    links, previous = [], bytes(32)
    for event in events:
        text = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = sha256(previous + text.encode("utf-8"))
        links.append(ChainedEvent(event, previous.hex(), digest.hex()))
        previous = digest
    return links


def sample_events(count: int) -> list[dict[str, Any]]:
    return [
        make_event(
            seq=seq,
            at=T0 + timedelta(minutes=seq),
            actor="operator",
            action="test.thing.done",
            subject=f"thing-{seq}",
            data={"n": seq, "note": f"event {seq}"},
        )
        for seq in range(1, count + 1)
    ]


# --- canonical bytes and hashes ------------------------------------------------------------


def test_canonical_sorts_keys_at_every_depth_with_no_spaces_and_raw_utf8() -> None:
    event = {
        "subject": "hk-2026-1",
        "data": {"zeta": [3, 1, {"b": True, "a": None}], "alpha": "Zoë — 香港"},
        "action": "ballot.window.opened",
    }
    expected = (
        '{"action":"ballot.window.opened",'
        '"data":{"alpha":"Zoë — 香港","zeta":[3,1,{"a":null,"b":true}]},'
        '"subject":"hk-2026-1"}'
    ).encode()
    assert canonical(event) == expected
    assert b"\\u" not in canonical(event)  # not escaped to ASCII
    assert "香港".encode() in canonical(event)


def test_hash_zero_is_32_zero_bytes_and_each_hash_is_sha256_of_the_raw_previous_and_event() -> None:
    assert GENESIS == b"\x00" * 32
    event = {"seq": 1, "data": {}}
    assert next_hash(GENESIS, event) == sha256(b"\x00" * 32 + b'{"data":{},"seq":1}')
    # Raw bytes are concatenated, not their hex.
    assert next_hash(GENESIS, event) != sha256(b"0" * 64 + b'{"data":{},"seq":1}')


def test_a_two_event_chain_computed_by_hand() -> None:
    first = make_event(
        seq=1,
        at=T0,
        actor="operator",
        action="ballot.window.opened",
        subject="hk-2026-1",
        data={"title": "Hong Kong — 香港", "places": 2},
    )
    second = make_event(
        seq=2,
        at=datetime(2026, 12, 4, 9, 0, 0, 250_000, tzinfo=UTC),
        actor="operator",
        action="ballot.window.closed",
        subject="hk-2026-1",
        data={"entries": 3},
    )
    first_bytes = (
        '{"action":"ballot.window.opened","actor":"operator","at":"2026-11-20T09:00:00.000000Z",'
        '"data":{"places":2,"title":"Hong Kong — 香港"},"seq":1,"subject":"hk-2026-1"}'
    ).encode()
    second_bytes = (
        b'{"action":"ballot.window.closed","actor":"operator","at":"2026-12-04T09:00:00.250000Z",'
        b'"data":{"entries":3},"seq":2,"subject":"hk-2026-1"}'
    )
    assert canonical(first) == first_bytes
    assert canonical(second) == second_bytes
    hash_1 = "7e6c4a6d03cede0a6d487ea93a33015d3beb02acb1978d28f62443523afc3d13"
    hash_2 = "044dd4b97261a622530a14c614a38dda7e55188d2a676c310aadfbdf9df08acd"
    assert sha256(bytes(32) + first_bytes).hex() == hash_1
    assert sha256(bytes.fromhex(hash_1) + second_bytes).hex() == hash_2
    assert next_hash(GENESIS, first).hex() == hash_1
    assert next_hash(bytes.fromhex(hash_1), second).hex() == hash_2
    report = walk(
        [
            ChainedEvent(first, "00" * 32, hash_1),
            ChainedEvent(second, hash_1, hash_2),
        ]
    )
    assert report.intact
    assert (report.events, report.head, report.broken_at) == (2, hash_2, None)


def test_an_empty_chain_is_intact_and_its_head_is_hash_zero() -> None:
    report = walk([])
    assert report.intact
    assert (report.events, report.head) == (0, "00" * 32)


# --- events ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "written"),
    [
        (datetime(2026, 11, 25, 9, 0, tzinfo=UTC), "2026-11-25T09:00:00.000000Z"),
        (datetime(2026, 11, 25, 9, 0, 1, 5, tzinfo=UTC), "2026-11-25T09:00:01.000005Z"),
        (datetime(2027, 1, 2, 3, 4, 5, 123456, tzinfo=UTC), "2027-01-02T03:04:05.123456Z"),
        # Another zone is written in UTC, across midnight and a year end.
        (
            datetime(2027, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))),
            "2026-12-31T23:30:00.000000Z",
        ),
        (
            datetime(2026, 6, 1, 20, 0, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
            "2026-06-02T01:30:00.000000Z",
        ),
    ],
)
def test_instants_are_utc_with_microseconds_and_z(moment: datetime, written: str) -> None:
    assert instant(moment) == written
    event = make_event(seq=1, at=moment, actor="system", action="a.b", subject="s", data={})
    assert event["at"] == written


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        instant(datetime(2026, 11, 25, 9, 0))  # noqa: DTZ001 - the point of the test


class Colour(StrEnum):
    RED = "red"


def test_make_event_has_exactly_the_six_fields_and_writes_data_as_plain_json() -> None:
    event = make_event(
        seq=7,
        at=T0,
        actor="acct_0123abcd",
        action="ballot.invitation.issued",
        subject="INV-1",
        data={
            "expires_at": datetime(2027, 2, 18, 9, 0, tzinfo=UTC),
            "day": date(2027, 2, 18),
            "colour": Colour.RED,
            "refs": ("A", "B"),
            "nested": {"count": 3, "flag": False, "none": None},
        },
    )
    assert event == {
        "seq": 7,
        "at": "2026-11-20T09:00:00.000000Z",
        "actor": "acct_0123abcd",
        "action": "ballot.invitation.issued",
        "subject": "INV-1",
        "data": {
            "expires_at": "2027-02-18T09:00:00.000000Z",
            "day": "2027-02-18",
            "colour": "red",
            "refs": ["A", "B"],
            "nested": {"count": 3, "flag": False, "none": None},
        },
    }
    assert json.loads(canonical(event)) == event  # survives the round trip exactly


@pytest.mark.parametrize(
    "action",
    [
        "opened",  # not dotted
        "Ballot.Window.Opened",
        "ballot.window.opened.",
        ".ballot.window",
        "ballot..opened",
        "ballot.window opened",
        "ballot.window-opened",
        "ballot.2window.opened",
        "ballot.window.opened\n",
        "",
    ],
)
def test_make_event_refuses_an_action_that_is_not_dotted_lower_case_words(action: str) -> None:
    with pytest.raises(ValueError, match="action"):
        make_event(seq=1, at=T0, actor="system", action=action, subject="s", data={})


@pytest.mark.parametrize(
    "actor",
    [
        "ana@example.org",  # an e-mail address is personal data
        "Ana Chan",
        "Operator",
        "ana chan",
        "",
        "1operator",
        "a" * 65,
        "operator\n",
        "zoë",
    ],
)
def test_make_event_refuses_an_actor_that_is_not_a_pseudonymous_id(actor: str) -> None:
    with pytest.raises(ValueError, match="actor"):
        make_event(seq=1, at=T0, actor=actor, action="a.b", subject="s", data={})


@pytest.mark.parametrize("actor", ["system", "cli", "operator", "acct_0123456789abcdef", "a" * 64])
def test_make_event_takes_pseudonymous_actors(actor: str) -> None:
    assert make_event(seq=1, at=T0, actor=actor, action="a.b", subject="s", data={})["actor"] == (
        actor
    )


@pytest.mark.parametrize("subject", ["", "x" * 201])
def test_make_event_refuses_an_empty_or_overlong_subject(subject: str) -> None:
    with pytest.raises(ValueError, match="subject"):
        make_event(seq=1, at=T0, actor="system", action="a.b", subject=subject, data={})


@pytest.mark.parametrize(
    "data",
    [
        {"amount": 1.5},
        {"amount": 2.0},
        {"amount": float("nan")},
        {"nested": {"deeper": [1, 2, 0.5]}},
        {"amount": Decimal("1.50")},
        {"raw": b"bytes"},
        {"keys": {1: "not a string key"}},
        {"set": {1, 2}},
    ],
)
def test_make_event_refuses_floats_and_anything_not_plain_json(data: dict[str, object]) -> None:
    with pytest.raises(TypeError, match="cannot hold"):
        make_event(seq=1, at=T0, actor="system", action="a.b", subject="s", data=data)


# --- walking the chain -----------------------------------------------------------------------


def test_a_chain_of_well_made_events_is_intact() -> None:
    links = link_up(sample_events(5))
    report = walk(links)
    assert report.intact
    assert (report.events, report.head, report.reason) == (5, links[-1].hash, "")


def changed_event(links: list[ChainedEvent]) -> list[ChainedEvent]:
    event = {**links[2].event, "data": {**links[2].event["data"], "n": 30}}
    return [*links[:2], replace(links[2], event=event), *links[3:]]


def changed_hash(links: list[ChainedEvent]) -> list[ChainedEvent]:
    digest = links[2].hash
    flipped = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    return [*links[:2], replace(links[2], hash=flipped), *links[3:]]


def changed_prev_hash(links: list[ChainedEvent]) -> list[ChainedEvent]:
    return [*links[:2], replace(links[2], prev_hash=links[0].hash), *links[3:]]


def removed_middle(links: list[ChainedEvent]) -> list[ChainedEvent]:
    return [*links[:2], *links[3:]]


def swapped(links: list[ChainedEvent]) -> list[ChainedEvent]:
    return [*links[:2], links[3], links[2], *links[4:]]


def wrong_seq(links: list[ChainedEvent]) -> list[ChainedEvent]:
    # Hashed consistently, but numbered out of place: the numbering alone must catch it.
    events = [dict(link.event) for link in links]
    events[2]["seq"] = 4
    return link_up(events)


def rehashed_change(links: list[ChainedEvent]) -> list[ChainedEvent]:
    # The forger recomputes the changed link's hash: the next link's prev_hash gives it away.
    events = [dict(link.event) for link in links[:3]]
    events[2]["data"] = {"n": 30, "note": "event 3"}
    return [*link_up(events), *links[3:]]


def upper_case_hash(links: list[ChainedEvent]) -> list[ChainedEvent]:
    return [*links[:2], replace(links[2], hash=links[2].hash.upper()), *links[3:]]


def extra_field(links: list[ChainedEvent]) -> list[ChainedEvent]:
    events = [dict(link.event) for link in links]
    events[2]["note"] = "added"
    return link_up(events)


def missing_field(links: list[ChainedEvent]) -> list[ChainedEvent]:
    events = [dict(link.event) for link in links]
    del events[2]["actor"]
    return link_up(events)


@pytest.mark.parametrize(
    ("tamper", "broken_at", "reason"),
    [
        (changed_event, 3, "hash is not sha256"),
        (changed_hash, 3, "hash is not sha256"),
        (changed_prev_hash, 3, "prev_hash"),
        (removed_middle, 3, "seq 4 where 3 belongs"),
        (swapped, 3, "seq 4 where 3 belongs"),
        (wrong_seq, 3, "seq 4 where 3 belongs"),
        (rehashed_change, 4, "prev_hash"),
        (upper_case_hash, 3, "hash is not sha256"),
        (extra_field, 3, "exactly the fields"),
        (missing_field, 3, "exactly the fields"),
    ],
)
def test_walk_names_the_first_broken_link(tamper: Any, broken_at: int, reason: str) -> None:
    tampered = tamper(link_up(sample_events(5)))
    report = walk(tampered)
    assert not report.intact
    assert report.broken_at == broken_at
    assert reason in report.reason
    # What held before the break is reported as the good part.
    assert report.events == broken_at - 1
    assert report.head == tampered[broken_at - 2].hash


def test_walk_names_the_first_link_when_the_first_is_removed() -> None:
    links = link_up(sample_events(3))
    report = walk(links[1:])
    assert (report.broken_at, report.events, report.head) == (1, 0, "00" * 32)


def test_walk_reports_the_first_of_two_breaks() -> None:
    links = changed_event(link_up(sample_events(6)))
    links[4] = replace(links[4], prev_hash="ab" * 32)
    assert walk(links).broken_at == 3


# --- the property: any chain holds; any one changed byte breaks it exactly there -----------

LETTERS = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = b"0123456789"
json_scalars = st.one_of(
    st.integers(-(2**70), 2**70),
    st.text(max_size=12),
    st.booleans(),
    st.none(),
)
event_data = st.dictionaries(
    st.text(min_size=1, max_size=8),
    st.one_of(json_scalars, st.lists(json_scalars, max_size=3)),
    min_size=1,
    max_size=5,
)
event_specs = st.lists(
    st.tuples(
        st.sampled_from(["ballot.window.opened", "ballot.invitation.issued", "account.created"]),
        st.sampled_from(["system", "cli", "operator", "acct_5f0e9c2d1b7a4e3f", "worker:2"]),
        st.text(min_size=1, max_size=20),
        event_data,
        st.integers(0, 10**9),
    ),
    min_size=1,
    max_size=8,
)


def build(specs: list[tuple[str, str, str, dict[str, Any], int]]) -> list[ChainedEvent]:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    events = []
    for seq, (action, actor, subject, data, micros) in enumerate(specs, start=1):
        at += timedelta(microseconds=micros)
        events.append(
            make_event(seq=seq, at=at, actor=actor, action=action, subject=subject, data=data)
        )
    return link_up(events)


@given(specs=event_specs, data=st.data())
def test_any_chain_holds_and_one_changed_byte_of_data_breaks_it_at_that_event(
    specs: list[tuple[str, str, str, dict[str, Any], int]], data: st.DataObject
) -> None:
    links = build(specs)
    report = walk(links)
    assert report.intact
    assert (report.events, report.head) == (len(links), links[-1].hash)

    position = data.draw(st.integers(1, len(links)), label="position")
    target = links[position - 1]
    text = canonical(target.event)
    body = canonical(target.event["data"])
    start = text.index(b'"data":' + body) + len(b'"data":')
    # A byte of a key, a string or a number, changed to another of its kind (so that the
    # text is still JSON more often than not).
    offsets = [i for i in range(start, start + len(body)) if text[i] in LETTERS + DIGITS]
    assume(offsets)
    offset = data.draw(st.sampled_from(offsets), label="offset")
    kind = DIGITS if text[offset] in DIGITS else LETTERS
    byte = data.draw(st.sampled_from([b for b in kind if b != text[offset]]), label="byte")
    changed = text[:offset] + bytes([byte]) + text[offset + 1 :]
    try:
        event = json.loads(changed.decode("utf-8"))
    except ValueError:  # not JSON any more: a reader would refuse it before walking
        assume(False)
    tampered = [*links[: position - 1], replace(target, event=event), *links[position:]]

    broken = walk(tampered)
    assert broken.broken_at == position
    assert broken.events == position - 1
    assert broken.head == (links[position - 2].hash if position > 1 else "00" * 32)

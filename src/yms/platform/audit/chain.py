"""The chain formula, exactly as DESIGN.md gives it, so outsiders can re-implement it.

    canonical(event) = json.dumps(event, sort_keys=True, separators=(",", ":"),
                                  ensure_ascii=False).encode("utf-8")
    hash_0           = 32 zero bytes
    hash_n           = sha256(hash_{n-1} || canonical(event_n))

An event is ``{"seq", "at", "actor", "action", "subject", "data"}``. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

GENESIS = bytes(32)
EVENT_KEYS = frozenset({"seq", "at", "actor", "action", "subject", "data"})
# Dotted, lower case, past tense by convention: ``ballot.window.drawn``.
ACTION = re.compile(r"^[a-z][a-z_]*(?:\.[a-z][a-z_]*)+\Z")
# A pseudonymous id: an account id, ``system``, ``cli``; never a name or an address.
ACTOR = re.compile(r"^[a-z][a-z0-9_:.-]{0,63}\Z")
_HEX64 = re.compile(r"^[0-9a-f]{64}\Z")

JsonValue = None | bool | int | str | list["JsonValue"] | dict[str, "JsonValue"]


def canonical(event: Mapping[str, Any]) -> bytes:
    """The bytes an event is hashed as."""
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def next_hash(previous: bytes, event: Mapping[str, Any]) -> bytes:
    """``sha256(previous || canonical(event))``, raw bytes."""
    return hashlib.sha256(previous + canonical(event)).digest()


def instant(value: datetime) -> str:
    """An instant as events write it: UTC, microseconds, ``Z`` (``2026-11-25T09:00:00.000000Z``)."""
    if value.tzinfo is None:
        raise ValueError("an audit instant needs a time zone")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def jsonable(value: object) -> JsonValue:
    """`value` as plain JSON: instants and dates as text, enums as their values.

    Floats are refused: their text form is not canonical across languages, and
    nothing the service audits needs one (money is in pence, as whole numbers).
    """
    if value is None or (isinstance(value, bool | int | str) and not isinstance(value, Enum)):
        return value
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, datetime):
        return instant(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: jsonable(item) for key, item in value.items()}
    raise TypeError(f"an audit event cannot hold {type(value).__name__}")


def make_event(
    *, seq: int, at: datetime, actor: str, action: str, subject: str, data: Mapping[str, object]
) -> dict[str, JsonValue]:
    """An event, checked: a known action shape, a pseudonymous actor, JSON data."""
    if not ACTION.match(action):
        raise ValueError(f"an audit action is dotted lower-case words, not {action!r}")
    if not ACTOR.match(actor):
        raise ValueError(f"an audit actor is a pseudonymous id, not {actor!r}")
    if not subject or len(subject) > 200:  # noqa: PLR2004 - the column's width
        raise ValueError("an audit subject is an id of 1 to 200 characters")
    return {
        "seq": seq,
        "at": instant(at),
        "actor": actor,
        "action": action,
        "subject": subject,
        "data": jsonable(dict(data)),
    }


@dataclass(frozen=True, slots=True)
class ChainedEvent:
    """One link: the event and the hashes around it (hex), as a row or an export line holds."""

    event: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What a walk of the chain found: how far it held, and the first link that did not."""

    events: int
    head: str  # hex hash of the last good link
    broken_at: int | None = None  # the 1-based position of the first bad link
    reason: str = ""

    @property
    def intact(self) -> bool:
        """Whether every link held."""
        return self.broken_at is None


def walk(links: Iterable[ChainedEvent]) -> ChainReport:
    """Re-check every link in order; stop at the first that breaks, saying where and why."""
    previous, count = GENESIS, 0
    for position, link in enumerate(links, start=1):
        problem = _problem(link, position, previous)
        if problem:
            return ChainReport(count, previous.hex(), position, problem)
        previous, count = bytes.fromhex(link.hash), position
    return ChainReport(count, previous.hex())


def _problem(link: ChainedEvent, position: int, previous: bytes) -> str:
    event = link.event
    if set(event) != EVENT_KEYS:
        return "the event does not have exactly the fields seq, at, actor, action, subject, data"
    if event["seq"] != position:
        return f"the event says seq {event['seq']!r} where {position} belongs"
    if link.prev_hash != previous.hex():
        return "prev_hash is not the hash of the link before it"
    if not _HEX64.match(link.hash) or link.hash != next_hash(previous, event).hex():
        return "hash is not sha256(prev_hash || canonical(event))"
    return ""

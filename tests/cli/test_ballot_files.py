"""`yms ballot draw-file` and `verify`: what an auditor runs, checked against the formula."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest

from tests.cli.conftest import Yms
from yms.domain.ballot.refs import new_entry_ref

SEED = "00112233445566778899aabbccddeeff" * 2
BEACON = "beac04" * 8


def independent_draw(refs: list[str], operator_seed: str, beacon: str) -> dict[str, object]:
    """DESIGN.md's formula written afresh, importing nothing from yms."""
    entry_refs = sorted(refs)
    digest = hashlib.sha256("\n".join(entry_refs).encode("utf-8")).digest()
    seed = hashlib.sha256(bytes.fromhex(operator_seed) + bytes.fromhex(beacon) + digest).digest()

    def rank(ref: str) -> int:
        return int.from_bytes(hashlib.sha256(seed + ref.encode("utf-8")).digest(), "big")

    return {
        "seed_commitment": hashlib.sha256(bytes.fromhex(operator_seed)).hexdigest(),
        "entries_digest": digest.hex(),
        "draw_seed": seed.hex(),
        "entry_refs": entry_refs,
        "order": sorted(entry_refs, key=lambda ref: (rank(ref), ref)),
    }


def write_refs(path: Path, refs: list[str]) -> Path:
    path.write_text("".join(f"{ref}\n" for ref in refs), encoding="ascii")
    return path


def random_refs(count: int, seed: int = 3) -> list[str]:
    source = random.Random(seed)  # noqa: S311 - test data
    return [new_entry_ref(source.randbytes) for _ in range(count)]


def draw_file(yms: Yms, refs: Path, out: Path, *extra: str, places: str = "10") -> int:
    ran = yms(
        "ballot", "draw-file", "--refs", str(refs), "--places", places,
        "--operator-seed", SEED, "--beacon", BEACON, "--window", "hk-2027-1",
        "--out", str(out), "--quiet", *extra,
    )  # fmt: skip
    return ran.code


def test_draw_file_agrees_with_an_independent_implementation_on_100000_refs(
    yms_process: Yms, tmp_path: Path
) -> None:
    refs = random_refs(100_000)
    out = tmp_path / "record.json"
    assert draw_file(yms_process, write_refs(tmp_path / "refs.txt", refs), out) == 0
    record = json.loads(out.read_text())
    expected = independent_draw(refs, SEED, BEACON)
    for field, value in expected.items():
        assert record[field] == value, field
    assert (record["window"], record["places"]) == ("hk-2027-1", 10)
    assert (record["operator_seed"], record["beacon"]) == (SEED, BEACON)
    assert yms_process("ballot", "verify", str(out), "--quiet").code == 0


def test_refs_of_any_allowed_form_and_order(yms: Yms, tmp_path: Path) -> None:
    refs = ["b", "A", "zz.1", "a:b", "x-y_z", "0", "Z" * 64, "ABCD-EFGH-JKMN"]
    out = tmp_path / "record.json"
    data = "\r\n".join(refs)  # CRLF and no final newline, as some editors write
    (tmp_path / "refs.txt").write_text(data, encoding="ascii")
    assert draw_file(yms, tmp_path / "refs.txt", out) == 0
    record = json.loads(out.read_text())
    assert record["order"] == independent_draw(refs, SEED, BEACON)["order"]
    verified = yms("ballot", "verify", str(out))
    assert verified.code == 0
    assert "all fields match (8 entries, 10 places)" in verified.stdout


@pytest.fixture
def record(yms: Yms, tmp_path: Path) -> dict[str, object]:
    out = tmp_path / "record.json"
    assert draw_file(yms, write_refs(tmp_path / "refs.txt", random_refs(500)), out) == 0
    loaded: dict[str, object] = json.loads(out.read_text())
    return loaded


def verify(yms: Yms, path: Path, record: dict[str, object]) -> tuple[int, str]:
    path.write_text(json.dumps(record, indent=2))
    ran = yms("ballot", "verify", str(path), "--quiet")
    return ran.code, ran.stderr


def moved(refs: list[str]) -> list[str]:
    changed = list(refs)
    changed.insert(100, changed.pop(3))
    return changed


def test_a_faithful_record_verifies_however_it_is_laid_out(
    yms: Yms, tmp_path: Path, record: dict[str, object]
) -> None:
    assert verify(yms, tmp_path / "same.json", record) == (0, "")
    reordered = dict(reversed(record.items()))
    (tmp_path / "compact.json").write_text(json.dumps(reordered, separators=(",", ":")))
    assert yms("ballot", "verify", str(tmp_path / "compact.json"), "--quiet").code == 0


@pytest.mark.parametrize(
    ("tamper", "field"),
    [
        (lambda r: {**r, "order": moved(r["order"])}, "order"),
        (lambda r: {**r, "operator_seed": "01" + r["operator_seed"][2:]}, "seed_commitment"),
        (
            lambda r: {
                **r,
                "entry_refs": sorted([*r["entry_refs"], "ZZZZ-ZZZZ-ZZZZ"]),
                "order": [*r["order"], "ZZZZ-ZZZZ-ZZZZ"],
            },
            "entries_digest",
        ),
        (lambda r: {**r, "beacon": "00" + r["beacon"][2:]}, "draw_seed"),
        (lambda r: {**r, "entry_refs": moved(r["entry_refs"])}, "entry_refs"),
        (lambda r: {**r, "entry_refs": [*r["entry_refs"][:-1], r["entry_refs"][-2]]}, "entry_refs"),
    ],
    ids=["ref-moved", "seed-byte", "ref-added", "beacon-byte", "unsorted", "repeated"],
)
def test_a_tampered_record_names_the_first_field_that_fails(
    yms: Yms, tmp_path: Path, record: dict[str, object], tamper: object, field: str
) -> None:
    code, stderr = verify(yms, tmp_path / "tampered.json", tamper(record))  # type: ignore[operator]
    assert code == 1
    assert stderr.strip().endswith(f"{field} does not match")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"places": 0}, "places must be a whole number of at least 1"),
        ({"places": True}, "places must be a whole number of at least 1"),
        ({"operator_seed": "abc"}, "operator_seed must be an even-length hex string"),
        ({"draw_seed": "XYZ"}, "draw_seed must be 64 lower-case hex digits"),
        ({"order": "not a list"}, "order must be a list of references"),
        ({"entry_refs": ["has space"]}, "entry_refs holds 'has space', which is not a reference"),
        ({"extra": 1}, "unknown field: extra"),
    ],
)
def test_a_malformed_record_is_bad_input(
    yms: Yms, tmp_path: Path, record: dict[str, object], change: dict[str, object], message: str
) -> None:
    code, stderr = verify(yms, tmp_path / "bad.json", {**record, **change})
    assert code == 2
    assert message in stderr


def test_unreadable_records(yms: Yms, tmp_path: Path, record: dict[str, object]) -> None:
    (tmp_path / "broken.json").write_text("{not json")
    ran = yms("ballot", "verify", str(tmp_path / "broken.json"))
    assert ran.code == 2
    assert "JSON" in ran.stderr
    missing = {key: value for key, value in record.items() if key != "beacon"}
    code, stderr = verify(yms, tmp_path / "missing.json", missing)
    assert (code, stderr.strip().split(": ")[-1]) == (2, "beacon")
    ran = yms("ballot", "verify", str(tmp_path / "absent.json"))
    assert ran.code == 2
    assert "cannot read" in ran.stderr
    (tmp_path / "dupe.json").write_text('{"window": "a", "window": "b"}')
    assert yms("ballot", "verify", str(tmp_path / "dupe.json")).code == 2


@pytest.mark.parametrize(
    ("lines", "options", "message"),
    [
        (
            "A\nB\n",
            ["--operator-seed", "abc"],
            "--operator-seed must be an even number of hex digits",
        ),
        (
            "A\nB\n",
            ["--operator-seed", "zz"],
            "--operator-seed must be an even number of hex digits",
        ),
        ("A\nB\n", ["--beacon", ""], "--beacon must be an even number of hex digits"),
        ("A\nB\nA\n", [], "reference A appears more than once"),
        ("", [], "the file holds no references"),
        ("A\n\nB\n", [], "line 2 is empty"),
        ("A\nB C\n", [], "line 2 is not a reference"),
        ("A\n" + "x" * 65 + "\n", [], "line 2 is longer than 64 characters"),
        ("A\nB\n", ["--places", "0"], "--places must be at least 1"),
        ("A\nB\n", ["--window", "has space"], "--window must be letters"),
    ],
)
def test_bad_draw_input_is_one_line_and_exit_2(
    yms: Yms, tmp_path: Path, lines: str, options: list[str], message: str
) -> None:
    (tmp_path / "refs.txt").write_text(lines)
    settings = {
        "--places": "3",
        "--operator-seed": SEED,
        "--beacon": BEACON,
        "--window": "w",
        "--refs": str(tmp_path / "refs.txt"),
        "--out": str(tmp_path / "record.json"),
    }
    settings.update(dict(zip(options[::2], options[1::2], strict=True)))
    flat = [part for pair in settings.items() for part in pair]
    ran = yms("ballot", "draw-file", "--quiet", *flat)
    assert ran.code == 2
    assert message in ran.stderr
    assert ran.stderr.count("\n") == 1
    assert not (tmp_path / "record.json").exists()


def test_a_missing_refs_file(yms: Yms, tmp_path: Path) -> None:
    code = draw_file(yms, tmp_path / "nope.txt", tmp_path / "record.json")
    assert code == 2

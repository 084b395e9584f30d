"""`yms ballot draw-file` and `verify`: what an auditor runs, checked against the formula."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fixtures.commands import Yms

SEED = "00112233445566778899aabbccddeeff" * 2
BEACON = "beac04" * 8
WINDOW = "hk-2027-1"
Record = dict[str, object]


def independent_draw(refs: list[str], operator_seed: str, beacon: str) -> Record:
    """DESIGN.md's formula written afresh with hashlib, importing nothing from yms."""
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


def random_refs(count: int, seed: int = 3) -> list[str]:
    """Distinct refs of the written form XXXX-XXXX-XXXX in Crockford base 32 (no yms code)."""
    source = random.Random(seed)  # noqa: S311 - test data
    symbols = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    refs: set[str] = set()
    while len(refs) < count:
        text = "".join(source.choices(symbols, k=12))
        refs.add(f"{text[:4]}-{text[4:8]}-{text[8:]}")
    return source.sample(sorted(refs), count)  # in no particular order


def write_refs(path: Path, refs: list[str]) -> Path:
    path.write_text("".join(f"{ref}\n" for ref in refs), encoding="ascii")
    return path


def draw_file(yms: Yms, refs: Path, out: Path, *extra: str, places: str = "10") -> int:
    ran = yms(
        "ballot", "draw-file", "--refs", str(refs), "--places", places,
        "--operator-seed", SEED, "--beacon", BEACON, "--window", WINDOW,
        "--out", str(out), "--quiet", *extra,
    )  # fmt: skip
    assert ran.stdout == ""
    if ran.code == 0:
        assert ran.stderr == ""
    return ran.code


# --- the acceptance test: an outsider's twenty lines agree ---------------------------------


def test_draw_file_agrees_with_an_independent_implementation_on_100000_refs(
    yms_process: Yms, tmp_path: Path
) -> None:
    refs = random_refs(100_000)
    out = tmp_path / "record.json"
    assert draw_file(yms_process, write_refs(tmp_path / "refs.txt", refs), out) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    expected = independent_draw(refs, SEED, BEACON)
    assert record["entries_digest"] == expected["entries_digest"]
    assert record["draw_seed"] == expected["draw_seed"]
    assert record["seed_commitment"] == expected["seed_commitment"]
    assert record["entry_refs"] == expected["entry_refs"]
    assert record["order"] == expected["order"]
    assert record["window"] == WINDOW
    assert record["places"] == 10
    assert (record["operator_seed"], record["beacon"]) == (SEED, BEACON)
    assert list(record) == [
        "window", "places", "seed_commitment", "operator_seed", "beacon",
        "entries_digest", "draw_seed", "entry_refs", "order",
    ]  # fmt: skip
    verified = yms_process("ballot", "verify", str(out), "--quiet")
    assert verified.code == 0, verified.stderr
    assert verified.stdout == f"{out}: all fields match (100,000 entries, 10 places)\n"


def test_refs_of_any_allowed_form_and_order(yms: Yms, tmp_path: Path) -> None:
    refs = ["b", "A", "zz.1", "a:b", "x-y_z", "0", "Z" * 64, "ABCD-EFGH-JKMN", "abcd-efgh-jkmn"]
    out = tmp_path / "record.json"
    data = "\r\n".join(refs)  # CRLF and no final newline, as some editors write
    (tmp_path / "refs.txt").write_text(data, encoding="ascii")
    assert draw_file(yms, tmp_path / "refs.txt", out) == 0
    record = json.loads(out.read_text())
    expected = independent_draw(refs, SEED, BEACON)
    assert {key: record[key] for key in expected} == expected
    verified = yms("ballot", "verify", str(out))
    assert verified.code == 0
    assert "all fields match (9 entries, 10 places)" in verified.stdout


def test_the_progress_bar_goes_to_standard_error_only(yms: Yms, tmp_path: Path) -> None:
    refs = write_refs(tmp_path / "refs.txt", random_refs(50))
    out = tmp_path / "record.json"
    ran = yms(
        "ballot", "draw-file", "--refs", str(refs), "--places", "5", "--operator-seed", SEED,
        "--beacon", BEACON, "--window", WINDOW, "--out", str(out),
    )  # fmt: skip
    assert (ran.code, ran.stdout) == (0, "")
    ran = yms("ballot", "verify", str(out))
    assert ran.code == 0
    assert ran.stdout == f"{out}: all fields match (50 entries, 5 places)\n"


# --- verify: a faithful record passes, a tampered one names its first bad field ------------


@pytest.fixture
def drawn(yms: Yms, tmp_path: Path) -> Path:
    """A record as draw-file writes it (the canonical layout), over 500 refs."""
    out = tmp_path / "record.json"
    assert draw_file(yms, write_refs(tmp_path / "refs.txt", random_refs(500)), out) == 0
    return out


def verify(yms: Yms, path: Path) -> tuple[int, str]:
    ran = yms("ballot", "verify", str(path), "--quiet")
    if ran.code:
        assert ran.stdout == ""
        assert ran.stderr.count("\n") == 1, ran.stderr  # one line
    return ran.code, ran.stderr


def test_a_fresh_record_verifies(yms: Yms, drawn: Path) -> None:
    assert verify(yms, drawn) == (0, "")


def test_a_faithful_record_verifies_however_it_is_laid_out(
    yms: Yms, tmp_path: Path, drawn: Path
) -> None:
    record = json.loads(drawn.read_text())
    layouts = {
        "indent-1.json": json.dumps(record, indent=1),
        "reordered.json": json.dumps(dict(reversed(record.items())), separators=(",", ":")),
        "crlf.json": drawn.read_text().replace("\n", "\r\n"),
    }
    for name, text in layouts.items():
        (tmp_path / name).write_text(text, newline="")
        assert verify(yms, tmp_path / name) == (0, ""), name


def moved(refs: list[str]) -> list[str]:
    changed = list(refs)
    changed.insert(100, changed.pop(3))
    return changed


def one_byte_changed(text: str) -> str:
    return f"{int(text[:2], 16) ^ 0x01:02x}{text[2:]}"


def added(record: Record) -> Record:
    extra = "ZZZZ-ZZZZ-ZZZ0"
    assert extra not in record["entry_refs"]  # type: ignore[operator]
    return {
        **record,
        "entry_refs": sorted([*record["entry_refs"], extra]),  # type: ignore[misc]
        "order": [*record["order"], extra],  # type: ignore[misc]
    }


def canonical_layout(record: Record) -> str:
    """`record` laid out as draw-file writes it: scalars one a line, then one ref a line."""
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}" for key, value in record.items()]
    for index, key in ((7, "entry_refs"), (8, "order")):
        rows = ",\n".join(f'    "{ref}"' for ref in record[key])  # type: ignore[attr-defined]
        lines[index] = f'  "{key}": [\n{rows}\n  ]'
    return "{\n" + ",\n".join(lines) + "\n}\n"


Tamper = Callable[[Record], Record]
TAMPERS: list[tuple[str, Tamper, str]] = [
    ("ref-moved-in-order", lambda r: {**r, "order": moved(r["order"])}, "order"),  # type: ignore[arg-type]
    (
        "operator-seed-byte",
        lambda r: {**r, "operator_seed": one_byte_changed(r["operator_seed"])},  # type: ignore[arg-type]
        "seed_commitment",
    ),
    ("ref-added", added, "entries_digest"),
    ("beacon-byte", lambda r: {**r, "beacon": one_byte_changed(r["beacon"])}, "draw_seed"),  # type: ignore[arg-type]
    ("unsorted", lambda r: {**r, "entry_refs": moved(r["entry_refs"])}, "entry_refs"),  # type: ignore[arg-type]
    (
        "repeated",
        lambda r: {**r, "entry_refs": [*r["entry_refs"][:-1], r["entry_refs"][-2]]},  # type: ignore[index]
        "entry_refs",
    ),
    ("digest", lambda r: {**r, "entries_digest": "0" * 64}, "entries_digest"),
    ("draw-seed", lambda r: {**r, "draw_seed": "f" * 64}, "draw_seed"),
]


@pytest.mark.parametrize(("tamper", "field"), [t[1:] for t in TAMPERS], ids=[t[0] for t in TAMPERS])
@pytest.mark.parametrize("layout", ["canonical", "indent-2"])
def test_a_tampered_record_names_the_first_field_that_fails(
    yms: Yms, tmp_path: Path, drawn: Path, tamper: Tamper, field: str, layout: str
) -> None:
    tampered = tamper(json.loads(drawn.read_text()))
    path = tmp_path / "tampered.json"
    if layout == "canonical":  # as draw-file lays it out, so the fast reader reads it
        path.write_text(canonical_layout(tampered))
    else:
        path.write_text(json.dumps(tampered, indent=2))
    code, stderr = verify(yms, path)
    assert code == 1
    assert stderr == f"yms: {path}: {field} does not match\n"


def test_the_canonical_layout_is_draw_files_byte_for_byte(drawn: Path) -> None:
    assert canonical_layout(json.loads(drawn.read_text())) == drawn.read_text()


# --- bad input: exit 2, one line on standard error -----------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"places": 0}, "places must be a whole number of at least 1"),
        ({"places": True}, "places must be a whole number of at least 1"),
        ({"operator_seed": "abc"}, "operator_seed must be an even-length hex string"),
        ({"beacon": "zz"}, "beacon must be an even-length hex string"),
        ({"draw_seed": "XYZ"}, "draw_seed must be 64 lower-case hex digits"),
        ({"order": "not a list"}, "order must be a list of references"),
        ({"entry_refs": ["has space"]}, "entry_refs holds 'has space', which is not a reference"),
        ({"extra": 1}, "unknown field: extra"),
    ],
)
def test_a_malformed_record_is_bad_input(
    yms: Yms, tmp_path: Path, drawn: Path, change: Record, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**json.loads(drawn.read_text()), **change}, indent=2))
    code, stderr = verify(yms, path)
    assert code == 2
    assert stderr == f"yms: {path}: {message}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON (Expecting property name"),
        ("", "not valid JSON"),
        ("[1, 2]", "a record is a JSON object"),
        ('{"window": "a", "window": "b"}', "field window appears more than once"),
        ('{"window": "w"}', "missing field: places"),
    ],
)
def test_an_unreadable_record_is_bad_input(
    yms: Yms, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(text)
    code, stderr = verify(yms, path)
    assert code == 2
    assert stderr.startswith(f"yms: {path}: ")
    assert message in stderr


def test_a_ref_ending_in_a_newline_is_bad_input(yms: Yms, tmp_path: Path) -> None:
    refs = ["A\n", "B"]
    record = {
        "window": "w", "places": 1, "operator_seed": SEED, "beacon": BEACON,
        **independent_draw(refs, SEED, BEACON),
    }  # fmt: skip
    path = tmp_path / "newline.json"
    path.write_text(json.dumps(record))
    code, stderr = verify(yms, path)
    assert code == 2
    assert "entry_refs holds 'A\\n', which is not a reference" in stderr


def test_a_record_missing_a_field_names_it(yms: Yms, tmp_path: Path, drawn: Path) -> None:
    record = json.loads(drawn.read_text())
    del record["beacon"]
    path = tmp_path / "missing.json"
    path.write_text(json.dumps(record))
    assert verify(yms, path) == (2, f"yms: {path}: missing field: beacon\n")


@pytest.mark.parametrize("runner", ["yms", "yms_process"])
def test_a_missing_record_file(request: pytest.FixtureRequest, runner: str, tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    ran = request.getfixturevalue(runner)("ballot", "verify", str(path), "--quiet")
    assert (ran.code, ran.stdout) == (2, "")
    assert ran.stderr == f"yms: cannot read {path}: No such file or directory\n"


NOT_HEX = "must be an even number of hex digits"
CANONICAL_REPEAT = "K7QX-M2RD-9TPA\n0000-0000-0001\nK7QX-M2RD-9TPA\n"


@pytest.mark.parametrize(
    ("lines", "options", "message"),
    [
        ("A\nB\n", ["--operator-seed", "abc"], f"--operator-seed {NOT_HEX}"),  # odd length
        ("A\nB\n", ["--operator-seed", "zz"], f"--operator-seed {NOT_HEX}"),  # not hex
        ("A\nB\n", ["--operator-seed", "0x00"], f"--operator-seed {NOT_HEX}"),
        ("A\nB\n", ["--beacon", ""], f"--beacon {NOT_HEX}"),
        ("A\nB\n", ["--beacon", "abcde"], f"--beacon {NOT_HEX}"),
        ("A\nB\nA\n", [], "refs.txt: reference A appears more than once"),
        (CANONICAL_REPEAT, [], "reference K7QX-M2RD-9TPA appears more than once"),
        ("", [], "refs.txt: the file holds no references"),
        ("\n", [], "refs.txt: line 1 is empty"),
        ("A\n\nB\n", [], "refs.txt: line 2 is empty"),
        ("A\nB C\n", [], "refs.txt: line 2 is not a reference (use letters, digits and . _ : -"),
        ("A\n" + "x" * 65 + "\n", [], "refs.txt: line 2 is longer than 64 characters"),
        ("A\nB\n", ["--places", "0"], "--places must be at least 1"),
        ("A\nB\n", ["--places", "-3"], "--places must be at least 1"),
        ("A\nB\n", ["--window", "has space"], "--window must be letters"),
        ("A\nB\n", ["--window", ""], "--window must be letters"),
    ],
)  # fmt: skip
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
    assert (ran.code, ran.stdout) == (2, "")
    assert ran.stderr.startswith("yms: ")
    assert message in ran.stderr
    assert ran.stderr.count("\n") == 1
    assert not (tmp_path / "record.json").exists()


@pytest.mark.parametrize("runner", ["yms", "yms_process"])
def test_a_missing_refs_file(request: pytest.FixtureRequest, runner: str, tmp_path: Path) -> None:
    out = tmp_path / "record.json"
    ran = request.getfixturevalue(runner)(
        "ballot", "draw-file", "--refs", str(tmp_path / "nope.txt"), "--places", "1",
        "--operator-seed", SEED, "--beacon", BEACON, "--window", "w", "--out", str(out), "--quiet",
    )  # fmt: skip
    assert (ran.code, ran.stdout) == (2, "")
    assert ran.stderr == f"yms: cannot read {tmp_path / 'nope.txt'}: No such file or directory\n"
    assert not out.exists()


def test_an_unwritable_record_path(yms: Yms, tmp_path: Path) -> None:
    refs = write_refs(tmp_path / "refs.txt", ["A", "B"])
    out = tmp_path / "no-such-folder" / "record.json"
    ran = yms(
        "ballot", "draw-file", "--refs", str(refs), "--places", "1", "--operator-seed", SEED,
        "--beacon", BEACON, "--window", "w", "--out", str(out), "--quiet",
    )  # fmt: skip
    assert ran.code == 2
    assert ran.stderr == f"yms: cannot write {out}: No such file or directory\n"


def test_without_quiet_errors_are_still_one_line(yms_process: Yms, tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    ran = yms_process(
        "ballot", "draw-file", "--refs", str(missing), "--places", "1", "--operator-seed", SEED,
        "--beacon", BEACON, "--window", "w", "--out", str(tmp_path / "record.json"),
    )  # fmt: skip
    assert ran.code == 2
    assert ran.stderr == f"yms: cannot read {missing}: No such file or directory\n"

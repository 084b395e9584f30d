"""Columns of references: read from a file, sorted, joined, exactly as Python lists would be."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yms.ballot.domain.refs import new_entry_ref
from yms.ballot.fast import refs as refcol

free_refs = st.from_regex(r"\A[A-Za-z0-9._:-]{1,20}\Z")
canonical_refs = st.builds(
    lambda n: new_entry_ref(lambda _: n.to_bytes(8, "big")), st.integers(0, 2**64 - 1)
)
# Fourteen characters that look canonical but are not: lower case, or a letter Crockford leaves out.
near_canonical = canonical_refs.map(str.lower) | canonical_refs.map(lambda r: "I" + r[1:])
any_refs = st.one_of(free_refs, canonical_refs, near_canonical)


def lines(data: bytes) -> list[str]:
    return refcol.to_strings(refcol.from_lines(data))


# --- from_lines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"A\n", ["A"]),
        (b"A", ["A"]),  # no final newline
        (b"B\nA\nC\n", ["B", "A", "C"]),  # the file's order is kept
        (b"B\r\nA\r\nC\r\n", ["B", "A", "C"]),  # CRLF
        (b"B\r\nA\r\nC", ["B", "A", "C"]),
        (b"B\nA\r\nC\n", ["B", "A", "C"]),  # mixed
        (b"short\nmuch-longer.ref:1\nx\n", ["short", "much-longer.ref:1", "x"]),
        (b"K7QX-M2RD-9TPA\n0000-0000-0001\n", ["K7QX-M2RD-9TPA", "0000-0000-0001"]),
        (b"Z" * 64 + b"\n", ["Z" * 64]),
        (b"a.b_c:d-e\n", ["a.b_c:d-e"]),
    ],
)
def test_lines_are_read_as_references(data: bytes, expected: list[str]) -> None:
    assert lines(data) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file holds no references"),
        (b"\n", "line 1 is empty"),
        (b"\r\n", "line 1 is empty"),
        (b"A\n\nB\n", "line 2 is empty"),
        (b"A\nB\n\n", "line 3 is empty"),  # a blank line at the end is a line too
        (b"\nA\n", "line 1 is empty"),
        (b"A\n" + b"x" * 65 + b"\n", "line 2 is longer than 64 characters"),
        # every line the same width (the compiled reader) ...
        (b"AA\nB C\n", "line 2 is not a reference"),
        (b"AA\nB\x00\n", "line 2 is not a reference"),
        (b"AA\nB\rC\n", "line 2 is not a reference"),  # a lone CR is not a line break
        (b"AAA\n \xc3\xa9\n", "line 2 is not a reference"),  # UTF-8 é
        (b'AA\n"B\n', "line 2 is not a reference"),
        (b"AA\nA \n", "line 2 is not a reference"),  # spaces are not trimmed
        # ... and lines of different widths (the NumPy reader)
        (b"A\nB C\n", "line 2 is not a reference"),
        (b"A\nBB\nC\x00D\n", "line 3 is not a reference"),
        (b"A\nB\tC\n", "line 2 is not a reference"),
        (b"A\nBB\n\\\n", "line 3 is not a reference"),
        (b" A\nBB\n", "line 1 is not a reference"),
    ],
)
def test_what_is_not_a_file_of_references(data: bytes, message: str) -> None:
    with pytest.raises(refcol.RefsError, match=message):
        refcol.from_lines(data)


def test_the_error_says_what_a_reference_may_hold() -> None:
    with pytest.raises(refcol.RefsError) as raised:
        refcol.from_lines(b"A\nB C\n")
    assert str(raised.value) == ("line 2 is not a reference (use letters, digits and . _ : - only)")


@given(
    st.lists(any_refs, min_size=1, max_size=40), st.sampled_from([b"\n", b"\r\n"]), st.booleans()
)
def test_any_file_of_references_reads_back(refs: list[str], newline: bytes, last: bool) -> None:
    data = newline.join(ref.encode() for ref in refs) + (newline if last else b"")
    array = refcol.from_lines(data)
    assert refcol.to_strings(array) == refs
    assert refcol.lengths(array).tolist() == [len(ref) for ref in refs]
    assert refcol.is_fixed_width(array) == (len({len(ref) for ref in refs}) == 1)


@given(st.lists(free_refs, min_size=1, max_size=20), st.data())
def test_a_bad_byte_anywhere_is_found_on_its_line(refs: list[str], data: st.DataObject) -> None:
    line = data.draw(st.integers(0, len(refs) - 1))
    column = data.draw(st.integers(0, len(refs[line])))
    bad = data.draw(st.sampled_from([" ", "\t", "\x00", '"', "\\", "/", ",", "\x7f", "é"]))
    refs[line] = refs[line][:column] + bad + refs[line][column:]
    if len(refs[line].encode()) > refcol.MAX_WIDTH:
        return
    with pytest.raises(refcol.RefsError, match=f"^line {line + 1} is not a reference"):
        refcol.from_lines("\n".join(refs).encode())


def test_bad_bytes_are_found_in_rows_of_one_width_or_many() -> None:
    rows = np.frombuffer(b"AB" + b"C " + b"DE", dtype=np.uint8).reshape(3, 2)
    full = np.full(3, 2, dtype=np.int64)
    refcol.check_bytes(rows[[0, 2]], full[:2])  # all good
    with pytest.raises(refcol.RefsError, match=r"^line 2 is not a reference"):
        refcol.check_bytes(rows, full)
    refcol.check_bytes(rows, np.array([2, 1, 2], dtype=np.int64))  # the space is padding
    padded = np.frombuffer(b"AB" + b"C\x00" + b"D\x00", dtype=np.uint8).reshape(3, 2)
    refcol.check_bytes(padded, np.array([2, 1, 1], dtype=np.int64))
    with pytest.raises(refcol.RefsError, match=r"^line 3 is not a reference"):
        refcol.check_bytes(padded, np.array([2, 1, 2], dtype=np.int64))


# --- sorting, joining ----------------------------------------------------------------------


@given(st.sets(any_refs, min_size=1, max_size=60))
def test_sorting_is_pythons_sorting(refs: set[str]) -> None:
    array = refcol.from_strings(list(refs))
    ordered = refcol.sort_unique(array)
    assert refcol.to_strings(ordered) == sorted(refs)
    assert refcol.is_sorted_unique(ordered)
    assert refcol.joined(ordered) == "\n".join(sorted(refs)).encode()
    assert refcol.joined(ordered, b", ") == ", ".join(sorted(refs)).encode()


@given(st.sets(canonical_refs, min_size=2, max_size=60))
def test_canonical_refs_sort_as_their_numbers(refs: set[str]) -> None:
    # Every ref is canonical, so the packed 60-bit path runs; it must give text order.
    assert refcol._encoded(refcol.from_strings(list(refs))) is not None
    ordered = refcol.sort_unique(refcol.from_strings(list(refs)))
    assert ordered.dtype == np.dtype("S14")
    assert refcol.to_strings(ordered) == sorted(refs)


def test_one_odd_ref_sends_the_sort_down_the_plain_path() -> None:
    refs = [
        "K7QX-M2RD-9TPA",
        "0000-0000-0001",
        "k7qx-m2rd-9tpa",
        "ILOU-ILOU-ILOU",
        "AAAA_BBBB_CCCC",
    ]
    array = refcol.from_strings(refs)
    assert refcol._encoded(array) is None
    assert refcol.to_strings(refcol.sort_unique(array)) == sorted(refs)


@pytest.mark.parametrize(
    ("refs", "repeated"),
    [
        (["K7QX-M2RD-9TPA", "0000-0000-0001", "K7QX-M2RD-9TPA"], "K7QX-M2RD-9TPA"),  # packed path
        (["b", "a", "b", "a"], "a"),  # the first repeat in sorted order is named
        (["same", "x", "same"], "same"),
        (["A"] * 3, "A"),
    ],
)
def test_repeats_are_refused_by_name(refs: list[str], repeated: str) -> None:
    with pytest.raises(refcol.RefsError, match=f"^reference {repeated} appears more than once$"):
        refcol.sort_unique(refcol.from_strings(refs))


def test_refs_differing_only_by_case_are_different() -> None:
    refs = ["abc", "ABC", "Abc"]
    assert refcol.to_strings(refcol.sort_unique(refcol.from_strings(refs))) == sorted(refs)


def test_nothing_to_sort_or_join() -> None:
    empty = refcol.from_strings([])
    assert len(empty) == 0
    assert refcol.to_strings(empty) == []
    assert refcol.joined(empty) == b""
    assert refcol.is_fixed_width(empty)
    assert refcol.is_sorted_unique(empty)
    with pytest.raises(refcol.RefsError, match="the file holds no references"):
        refcol.sort_unique(empty)


def test_unsorted_or_repeated_columns_are_seen() -> None:
    assert refcol.is_sorted_unique(refcol.from_strings(["A", "AB", "B"]))
    assert not refcol.is_sorted_unique(refcol.from_strings(["A", "B", "AB"]))
    assert not refcol.is_sorted_unique(refcol.from_strings(["A", "A"]))


def test_a_fixed_layout_is_read_strictly() -> None:
    data = b'<"AB",\n"CD",\n"EF"\n>'
    buffer = np.frombuffer(data, dtype=np.uint8)
    rows = refcol.fixed_rows(buffer, 1, 3, 2, lead=b'"', trail=b'",\n', last_trail=b'"\n')
    assert refcol.to_strings(rows) == ["AB", "CD", "EF"]
    broken = np.frombuffer(data.replace(b'"CD",', b'"CD";'), dtype=np.uint8)
    with pytest.raises(refcol.RefsError, match=r"^line 2 is not a reference"):
        refcol.fixed_rows(broken, 1, 3, 2, lead=b'"', trail=b'",\n', last_trail=b'"\n')

"""The other names' lookup table (:class:`twintowns.normalize.SortedTable`) and the
bundled ``othernames.bin``."""

from __future__ import annotations

import struct
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twintowns import dataset
from twintowns.errors import DatasetError
from twintowns.normalize import SORTED_TABLE_HEADER, SortedTable, other_name_pairs
from twintowns.records import names_file_entries
from twintowns.schema import NAMES_FILE, OTHER_NAMES_FILE

DATA = Path(dataset.__file__).parent / "data"
PLACES = 2**31  # every int32 value is in range


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.text(max_size=6), st.integers(-(2**31), 2**31 - 1)), max_size=40),
    st.lists(st.text(max_size=6), max_size=10),
)
def test_sorted_table_answers_as_a_dict_of_lists(
    pairs: list[tuple[str, int]], others: list[str]
) -> None:
    expected: dict[str, list[int]] = defaultdict(list)
    for key, value in pairs:
        expected[key].append(value)
    table = SortedTable.from_pairs(pairs, places=PLACES)
    assert len(table) == len(pairs)
    for key in [*expected, *others, "\ud800"]:  # a lone surrogate is a key like any other
        assert table.get(key) == (expected.get(key) or None)
    # the bytes depend on each key's values in order, not on how the keys interleave
    by_key = [(key, value) for key, values in reversed(expected.items()) for value in values]
    again = SortedTable.to_bytes(by_key, places=PLACES, source_size=0)
    assert again == SortedTable.to_bytes(pairs, places=PLACES, source_size=0)


def _table_bytes() -> bytes:
    pairs = [("moskva", -1), ("wien", -3), ("moskva", -7), ("aachen", 2)]
    return SortedTable.to_bytes(pairs, places=8, source_size=99)


def _with_header(data: bytes, **changes: object) -> bytes:
    fields = ["magic", "version", "places", "keys", "values", "keys_size", "source"]
    values = dict(zip(fields, SORTED_TABLE_HEADER.unpack_from(data), strict=True))
    values.update(changes)
    return SORTED_TABLE_HEADER.pack(*values.values()) + data[SORTED_TABLE_HEADER.size :]


def test_a_table_is_checked_when_opened_naming_the_file() -> None:
    good = _table_bytes()
    table = SortedTable(good, "t.bin", places=8, source_size=99)
    assert table.get("wien") == [-3] and table.get("moskva") == [-1, -7]
    assert SortedTable(good, "t.bin", places=8, source_size=None).get("aachen") == [2]
    size = SORTED_TABLE_HEADER.size
    offsets = size + 4 * 4  # the value starts, after the k + 1 = 4 key starts
    broken = {
        "not a twintowns name table": b"TWTNCOLS" + good[8:],
        "version 9": _with_header(good, version=9),
        "over 9 places": _with_header(good, places=9),
        "derived from a file of 98 bytes": _with_header(good, source=98),
        "not the size its header gives": good[:-1],
        "out of bounds or out of order": good[:offsets]
        + struct.pack("<i", 50)
        + good[offsets + 4 :],
    }
    for message, data in broken.items():
        with pytest.raises(DatasetError, match=rf"t\.bin.*{message}"):
            SortedTable(data, "t.bin", places=8, source_size=99)
    with pytest.raises(DatasetError, match="out of bounds"):  # a value beyond the places
        SortedTable.from_pairs([("a", 3)], places=3)


def test_the_bundled_table_is_the_one_names_csv_gives() -> None:
    atlas = dataset._read_bundled()
    index = atlas._records.index
    raw = (DATA / NAMES_FILE).read_bytes()
    expected: dict[str, list[int]] = defaultdict(list)
    for key, value in other_name_pairs(names_file_entries(raw.decode("utf-8"), index)):
        expected[key].append(value)
    shipped = SortedTable(
        (DATA / OTHER_NAMES_FILE).read_bytes(), "o", places=len(index), source_size=len(raw)
    )
    assert len(shipped) == sum(map(len, expected.values()))
    for key in list(expected)[::97]:
        assert shipped.get(key) == expected[key]
    assert atlas.place("Wien").id == atlas.place("Vienna").id


def test_other_names_of_a_stale_table_raise_dataset_error() -> None:
    atlas = dataset._read_bundled()
    shipped = (DATA / OTHER_NAMES_FILE).read_bytes()
    places = len(atlas._records.index)
    with pytest.raises(DatasetError, match=r"othernames.bin.*rebuild the data"):
        SortedTable(shipped, "othernames.bin", places=places, source_size=1)
    with pytest.raises(DatasetError, match=r"othernames.bin.*rebuild"):
        SortedTable(shipped, "othernames.bin", places=places + 1, source_size=None)

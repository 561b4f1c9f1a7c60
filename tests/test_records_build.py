"""Building every record of the bundled data, and the packed name tables: same answers,
less memory (see docs/performance.md)."""

from __future__ import annotations

import copy
import gc
import io
import pickle
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.threads import run_together
from twintowns import dataset
from twintowns import records as records_module
from twintowns.atlas import Atlas
from twintowns.errors import DatasetError
from twintowns.model import Partnership
from twintowns.records import BuiltRecords, ColumnarRecords, CsvRecords, names_file_entries
from twintowns.schema import (
    PARTNERSHIP_COLUMNS,
    PLACE_COLUMNS,
    partnership_row,
    place_row,
    write_csv,
)


def test_names_file_rows_are_checked_as_they_are_read() -> None:
    index = {"gn:1": 0, "gn:2": 1}
    assert list(names_file_entries("id,names\ngn:2,Wien|Vienne\ngn:1,\n", index)) == [
        (1, ("Wien", "Vienne")),
        (0, ()),
    ]
    with pytest.raises(DatasetError, match="unexpected header"):
        list(names_file_entries("id,name\n", index))
    rows = names_file_entries("id,names\ngn:1,A\ngn:9,B\n", index)
    assert next(rows) == (0, ("A",))
    with pytest.raises(DatasetError, match=r"row 3.*not a known place id"):
        next(rows)


def test_every_record_built_at_once_equals_each_built_alone() -> None:
    alone = dataset._read_bundled()
    records = alone._records
    assert isinstance(records, ColumnarRecords)
    each = [records.partnership(j) for j in range(records.partnership_count())]
    mixed = dataset._read_bundled()
    early = [mixed._records.partnership(j) for j in range(0, len(each), 7)]
    everything = mixed.partnerships
    assert list(everything) == each
    assert [p.claimed_by for p in everything] == [p.claimed_by for p in each]
    assert all(p is everything[j * 7] for j, p in enumerate(early))  # built once, kept
    assert list(mixed.places) == [records.place(i) for i in range(len(records.index))]


def test_equal_claims_and_urls_are_shared_and_name_the_places_own_ids() -> None:
    atlas = dataset._read_bundled()
    everything = tuple(atlas.partnerships)
    by_value: dict[frozenset[str], frozenset[str]] = {}
    for p in everything:
        for c in p.claimed_by:
            assert c is p.a.id or c is p.b.id or c not in (p.a.id, p.b.id)
        by_value.setdefault(p.claimed_by, p.claimed_by)
    lone = [p for p in everything if len(p.claimed_by) == 1]
    assert lone
    for p in lone:
        assert by_value[p.claimed_by] is p.claimed_by  # one set per place that claims alone
    urls: dict[tuple[str, ...], tuple[str, ...]] = {}
    for p in everything:
        assert urls.setdefault(p.urls, p.urls) is p.urls


def test_the_column_lists_go_once_every_record_is_built() -> None:
    atlas = dataset._read_bundled()
    records = atlas._records
    assert isinstance(records, ColumnarRecords)
    tuple(atlas.places)
    assert records._column_values is not None  # still needed by the partnerships
    everything = tuple(atlas.partnerships)
    assert records._column_values is None
    assert list(records.pair_ids) == [p.ids for p in everything]
    assert records.partnership(3) is everything[3]


def test_building_leaves_the_collector_as_it_found_it() -> None:
    atlas = dataset._read_bundled()
    tuple(atlas.places)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    # objects the program froze stay frozen; a collector switched off stays off
    frozen = [object()]
    gc.freeze()
    try:
        count = gc.get_freeze_count()
        assert count > 0 and frozen
        tuple(atlas.partnerships)
        # (some frozen objects may die meanwhile; none of the new records is frozen)
        assert 0 < gc.get_freeze_count() <= count and gc.isenabled()
    finally:
        gc.unfreeze()
    other = dataset._read_bundled()
    gc.disable()
    try:
        other.partnerships  # noqa: B018
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()


def _records(kind: str, small_atlas: Atlas) -> CsvRecords:
    """Fresh records, no place built: the bundled columns, or the small atlas's CSV text."""
    if kind == "columns":
        records = dataset._read_bundled()._records
        assert isinstance(records, ColumnarRecords)
        return records
    texts = []
    for columns, rows in (
        (PLACE_COLUMNS, [place_row(p) for p in small_atlas.places]),
        (PARTNERSHIP_COLUMNS, [partnership_row(p) for p in small_atlas.partnerships]),
    ):
        out = io.StringIO()
        write_csv(out, columns, rows)
        texts.append(out.getvalue())
    records = dataset._read_trusted(texts[0], texts[1], {})._records
    assert type(records) is CsvRecords
    return records


def _built(records: CsvRecords) -> set[int]:
    return {i for i, p in enumerate(records._places) if p is not None}


@pytest.mark.parametrize("kind", ["columns", "csv"])
def test_places_at_builds_only_the_places_asked_for(kind: str, small_atlas: Atlas) -> None:
    records = _records(kind, small_atlas)
    n = len(records.index)
    assert records.places_at([]) == [] and _built(records) == set()
    early = records.place(3)
    asked = [5, 0, 5, n - 1, 3]  # any order, repeats, one built before
    got = records.places_at(asked)
    assert _built(records) == set(asked)
    assert got[4] is early and got[0] is got[2]
    assert all(p is records.place(i) for p, i in zip(got, asked, strict=True))
    position = records.index  # (not columns(): over CSV text it builds every place)
    assert [position[p.id] for p in got] == asked
    again = records.places_at(asked)  # every one built now: the same objects
    assert all(p is q for p, q in zip(again, got, strict=True))
    many = list(range(0, n, 2))  # some built, most not
    assert all(p is records.place(i) for p, i in zip(records.places_at(many), many, strict=True))
    assert _built(records) == set(asked) | set(many)
    everything = records.all_places()
    after = records.places_at(list(range(n)))
    assert all(p is q for p, q in zip(after, everything, strict=True))
    with pytest.raises(IndexError):
        records.places_at([n])


def test_places_at_of_records_over_objects(small_atlas: Atlas) -> None:
    records = small_atlas._records
    assert isinstance(records, BuiltRecords)
    asked = [2, 0, 2, len(small_atlas) - 1]
    got = records.places_at(asked)
    assert all(p is small_atlas.places[i] for p, i in zip(got, asked, strict=True))
    assert records.places_at([]) == []


def test_places_at_is_thread_safe_with_place_and_all_places() -> None:
    records = _records("columns", Atlas([]))
    n = len(records.index)
    positions = list(range(0, n, 13))

    def work(k: int) -> list[object]:
        # the same places built at once by places_at, place and all_places
        if k % 3 == 1:
            [records.place(i) for i in reversed(positions)]
        elif k % 3 == 2:
            records.all_places()
        return list(records.places_at(positions))

    seen = run_together(12, work)
    everything = records.all_places()
    for got in seen:
        assert all(p is everything[i] for p, i in zip(got, positions, strict=True))


def _waiting(p: Partnership) -> bool:
    """Whether ``p`` still waits for its ``claimed_by`` and ``sources`` (read without
    filling them)."""
    return records_module._has_deferred(p)


def test_claims_and_sources_are_read_on_first_use_equal_to_eager_ones() -> None:
    atlas = dataset._read_bundled()
    everything = tuple(atlas.partnerships)
    assert all(map(_waiting, everything))  # building every record read neither list
    eager = dataset._read_bundled()._records  # one record at a time: both lists built
    first = everything[5]
    assert first.sources == eager.partnership(5).sources
    assert not _waiting(first)
    assert sum(map(_waiting, everything)) == len(everything) - 1  # only that one
    assert first.claimed_by is first.claimed_by  # filled once, then kept
    # past a few single reads, every record's lists are read from the whole file at once
    sample = range(0, len(everything), len(everything) // (records_module._FILL_ALL_AFTER + 5))
    for j in sample:
        p = everything[j]
        alone = eager.partnership(j)
        assert (p.claimed_by, p.sources) == (alone.claimed_by, alone.sources)
    assert not any(map(_waiting, everything))
    assert [p.sources for p in everything[::101]] == [
        eager.partnership(j).sources for j in range(0, len(everything), 101)
    ]


def test_deferred_lists_behave_as_fields() -> None:
    everything = tuple(dataset._read_bundled().partnerships)
    eager = dataset._read_bundled()._records
    p, q, r = everything[7], everything[8], everything[9]
    assert _waiting(p) and _waiting(q) and _waiting(r)
    assert pickle.loads(pickle.dumps(p)) == eager.partnership(7)
    assert copy.copy(q).sources == eager.partnership(8).sources
    assert hash(r) == hash(eager.partnership(9)) and r == eager.partnership(9)
    moved = attrs.evolve(everything[10], note="moved")
    assert moved.sources == eager.partnership(10).sources
    assert "claimed_by" in repr(attrs.asdict(everything[11], recurse=False))
    with pytest.raises(AttributeError, match="no attribute 'sourcez'") as caught:
        everything[12].sourcez  # type: ignore[attr-defined]  # noqa: B018
    assert caught.value.name == "sourcez"  # for Python's "did you mean" hint


def test_deferred_lists_are_thread_safe() -> None:
    everything = tuple(dataset._read_bundled().partnerships)
    eager = dataset._read_bundled()._records
    picks = list(range(0, len(everything), 37))

    def work(k: int) -> list[tuple[frozenset[str], tuple[str, ...]]]:
        # the same records' lists asked for at once, singly and by the whole-file read
        order = picks if k % 2 else picks[::-1]
        got = {j: (everything[j].claimed_by, everything[j].sources) for j in order}
        return [got[j] for j in picks]

    seen = run_together(8, work)
    expected = [(eager.partnership(j).claimed_by, eager.partnership(j).sources) for j in picks]
    assert all(got == expected for got in seen)
    assert not any(map(_waiting, everything))


def test_deferred_lists_of_a_file_changed_since_the_build_raise_dataset_error() -> None:
    data = Path(dataset.__file__).parent / "data"
    columns = dataset._read_bundled()._records.columns()
    places = (data / "places.csv").read_bytes()
    partnerships = (data / "partnerships.csv").read_bytes()
    first = partnerships.index(b"\n") + 1
    # the same size, another place on the first record's line
    changed = partnerships[:first] + b"gn:9" + partnerships[first + 4 :]
    reads: list[bytes] = []

    def read(k: int) -> bytes:
        if k == 0:
            return places
        reads.append(partnerships if not reads else changed)  # replaced after one read
        return reads[-1]

    records = ColumnarRecords(columns, read)
    atlas = Atlas._from_records(records, {})
    everything = tuple(atlas.partnerships)
    assert reads == [partnerships]  # the build read the file once
    assert everything[1].sources  # another line: read as it is
    assert reads == [partnerships, changed]
    with pytest.raises(DatasetError, match=r"partnerships.csv.*row 2.*differs from the columns"):
        everything[0].sources  # noqa: B018


def test_deferred_lists_of_a_record_the_store_did_not_build_raise_dataset_error() -> None:
    records = dataset._read_bundled()._records
    assert isinstance(records, ColumnarRecords)
    stranger = dataset._read_bundled()._records.partnership(0)  # equal, not this store's
    with pytest.raises(DatasetError, match=r"adjacency of .* misses one of its partnerships"):
        records.deferred_lists(stranger)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(st.characters(blacklist_characters="\n"), max_size=12), max_size=30),
    st.integers(1, 40),
)
def test_lines_are_split_a_block_at_a_time_as_a_whole_split_would(
    lines: list[str], block: int
) -> None:
    text = "a,b\n" + "".join(f"{line}\n" for line in lines)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(records_module, "_LINES_BLOCK", block)
        assert list(records_module._each_line(text, len(lines))) == lines

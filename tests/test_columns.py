"""The columnar store: columns.bin agrees with the CSV files, is checked on load,
and its first use is thread-safe."""

from __future__ import annotations

import mmap
import struct
from pathlib import Path

import numpy as np
import pytest

import twintowns
from tests.threads import run_together
from twintowns import dataset, stats
from twintowns.atlas import Atlas
from twintowns.columns import COLUMNS_FILE, HEADER, Columns, build_adjacency, line_starts
from twintowns.errors import DatasetError, InvalidValueError
from twintowns.geography import distances
from twintowns.model import Partnership, Place
from twintowns.normalize import name_table
from twintowns.records import ColumnarRecords

DATA = Path(dataset.__file__).parent / "data"


def _bundled_columns() -> Columns:
    return Columns.from_bytes((DATA / COLUMNS_FILE).read_bytes())


def _csv_columns() -> Columns:
    slow = dataset.read_dataset(DATA)  # the validating reader of the CSV files
    index = {p.id: i for i, p in enumerate(slow.places)}
    return Columns.from_objects(slow.places, slow.partnerships, index, with_names=True)


def test_columns_agree_with_the_csv_files_field_by_field() -> None:
    shipped, derived = _bundled_columns(), _csv_columns()
    assert shipped.ids == derived.ids
    assert shipped.countries == derived.countries
    assert shipped.subdivisions == derived.subdivisions
    for kind in ("place", "partnership"):
        ours, theirs = getattr(shipped, kind), getattr(derived, kind)
        assert ours.keys() == theirs.keys()
        for name in ours:
            assert ours[name].dtype == theirs[name].dtype, (kind, name)
            assert np.array_equal(ours[name], theirs[name]), (kind, name)
    shipped_names, derived_names = shipped.names(), derived.names()
    assert shipped_names is not None and derived_names is not None
    assert dict(shipped_names) == dict(derived_names)
    # the name index's own table, built from the names of the CSV records
    assert dict(shipped_names) == name_table(dataset._read_bundled()._records.names())
    assert shipped.places_csv_size == (DATA / "places.csv").stat().st_size
    assert shipped.partnerships_csv_size == (DATA / "partnerships.csv").stat().st_size


def test_the_bundled_atlas_stands_on_the_columns_and_equals_the_validating_reader() -> None:
    fast = dataset._read_bundled()
    assert isinstance(fast._records, ColumnarRecords)
    slow = dataset.read_dataset(DATA)
    assert fast.places == slow.places  # every field of every place
    assert fast.partnerships == slow.partnerships
    for ours, theirs in zip(fast.partnerships, slow.partnerships, strict=True):
        assert ours.a is fast.get(ours.a.id) and ours.b is fast.get(ours.b.id)
        assert hash(ours) == hash(theirs)


def test_bytes_round_trip_and_are_deterministic() -> None:
    derived = _csv_columns()
    data = derived.to_bytes(places_csv_size=1, partnerships_csv_size=2)
    assert data == _csv_columns().to_bytes(places_csv_size=1, partnerships_csv_size=2)
    again = Columns.from_bytes(data)
    assert again.to_bytes(places_csv_size=1, partnerships_csv_size=2) == data
    assert (again.places_csv_size, again.partnerships_csv_size) == (1, 2)
    assert again.line_span(0, 0) is None  # written without line starts
    # with them: the shipped file, byte for byte
    texts = [(DATA / name).read_bytes() for name in ("places.csv", "partnerships.csv")]
    starts = (line_starts(texts[0]), line_starts(texts[1]))
    sizes = {"places_csv_size": len(texts[0]), "partnerships_csv_size": len(texts[1])}
    shipped = derived.to_bytes(**sizes, line_starts=starts)
    assert shipped == (DATA / COLUMNS_FILE).read_bytes()
    assert Columns.from_bytes(shipped).to_bytes(**sizes, line_starts=starts) == shipped
    with pytest.raises(InvalidValueError, match="line starts"):
        derived.to_bytes(**sizes, line_starts=(starts[0][:-1], starts[1]))


def test_each_record_line_is_where_the_columns_say() -> None:
    columns = _bundled_columns()
    for k, name in enumerate(("places.csv", "partnerships.csv")):
        data = (DATA / name).read_bytes()
        lines = data.split(b"\n")[1:-1]
        count = (columns.places, columns.partnerships)[k]
        assert len(lines) == count
        for i in range(count):
            span = columns.line_span(k, i)
            assert span is not None and data[span[0] : span[1]] == lines[i] + b"\n"


def test_one_record_is_built_from_its_line_alone() -> None:
    atlas = dataset._read_bundled()
    records = atlas._records
    assert isinstance(records, ColumnarRecords)
    partners = atlas.partners("Charlotte")
    assert len(partners) > 5
    assert records._lines_read == [None, None]  # no file split into lines
    # the files are mapped, not read: only the pages of the lines read come in
    assert all(isinstance(text, mmap.mmap) for text in records._texts)
    values = records._values()
    assert not isinstance(values.country, list)  # read one value at a time
    slow = dataset.read_dataset(DATA)
    assert partners == slow.partners("Charlotte")
    assert atlas.partnerships_of("Charlotte") == slow.partnerships_of("Charlotte")

    # building everything reads the mapped files already checked (no second read) line
    # by line, without a list of their lines, and lets their bytes go
    def no_second_read(k: int) -> bytes:
        raise AssertionError(f"file {k} read again")

    records._read = no_second_read
    assert atlas.places == slow.places
    assert records._texts[0] is None and records._lines_read[0] is None
    assert [p.country for p in atlas.places] == [p.country for p in slow.places]


def test_mapped_files_and_their_fallback(tmp_path: Path) -> None:
    # a file on disk is mapped; an empty one (no mapping of it) is read
    full, empty = tmp_path / "full.csv", tmp_path / "empty.csv"
    full.write_bytes(b"id,name\nx,1\n")
    empty.write_bytes(b"")
    mapped = dataset._mapped(full)
    assert isinstance(mapped, mmap.mmap) and mapped[:] == full.read_bytes()
    assert dataset._mapped(empty) == b""


def _replace(data: bytes, offset: int, raw: bytes) -> bytes:
    return data[:offset] + raw + data[offset + len(raw) :]


def _column_offset(data: bytes, table: str, name: str) -> int:
    """Byte offset of a column in a columns file (the layout of twintowns.columns)."""
    from twintowns.columns import PARTNERSHIP_FIELDS, PLACE_FIELDS

    header = HEADER.unpack_from(data)
    n, m, sizes = header[2], header[3], header[4:7]
    offset: int = HEADER.size + (-HEADER.size % 8) + sum(s + (-s % 8) for s in sizes)
    for kind, count, fields in (("place", n, PLACE_FIELDS), ("partnership", m, PARTNERSHIP_FIELDS)):
        for field, dtype in fields:
            if (kind, field) == (table, name):
                return offset
            size = count * np.dtype(dtype).itemsize
            offset += size + (-size % 8)
    raise AssertionError(name)


def _tail_offsets(data: bytes) -> dict[str, int]:
    """Byte offsets of the name table's and the adjacency's int32 sections."""
    header = HEADER.unpack_from(data)
    n, m, (keys_size, k, e) = header[2], header[3], header[7:10]
    offset = _column_offset(data, "partnership", "claimed") + m + (-m % 8)
    out = {}
    for name, size in (
        ("keys", keys_size),
        ("name starts", 4 * (k + 1)),
        ("name entries", 4 * e),
        ("adjacency starts", 4 * (n + 1)),
        ("adjacency entries", 8 * m),
        ("place lines", 8 * (n + 1)),
        ("partnership lines", 8 * (m + 1)),
    ):
        out[name] = offset
        offset += size + (-size % 8)
    assert offset == len(data)
    return out


def test_malformed_columns_are_rejected_with_dataset_error() -> None:
    good = (DATA / COLUMNS_FILE).read_bytes()
    version = struct.pack("<I", 99)
    cases = [
        (b"", "bad magic"),
        (b"NOTCOLS!" + good[8:], "bad magic"),
        (_replace(good, 8, version), "version 99"),
        (good[:-8], "bytes, expected"),
        (good + bytes(8), "bytes, expected"),
        (_replace(good, _column_offset(good, "place", "kind"), b"\x09"), "code beyond"),
        (_replace(good, _column_offset(good, "place", "country"), b"\xff\xff"), "country"),
        (_replace(good, _column_offset(good, "partnership", "b"), b"\xff\xff\xff\x7f"), "endpoint"),
        (_replace(good, _column_offset(good, "partnership", "claimed"), b"\x03"), "more than two"),
    ]
    first_a = struct.unpack_from("<i", good, _column_offset(good, "partnership", "a"))[0]
    first_b = struct.unpack_from("<i", good, _column_offset(good, "partnership", "b"))[0]
    flipped = _replace(good, _column_offset(good, "partnership", "a"), struct.pack("<i", first_b))
    flipped = _replace(
        flipped, _column_offset(flipped, "partnership", "b"), struct.pack("<i", first_a)
    )
    cases.append((flipped, "not canonical"))  # the first pair's ends swapped
    for data, message in cases:
        with pytest.raises(DatasetError, match=message):
            Columns.from_bytes(data)
    # the name table is checked when first used
    tail = _tail_offsets(good)
    last_entry = tail["name entries"] + 4 * (HEADER.unpack_from(good)[9] - 1)
    broken = Columns.from_bytes(_replace(good, last_entry, struct.pack("<i", 10**9)))
    with pytest.raises(DatasetError, match="name table does not fit"):
        broken.names()


def test_the_shipped_adjacency_is_the_one_built_from_the_endpoints() -> None:
    shipped = _bundled_columns()
    n, m = shipped.places, shipped.partnerships
    built = build_adjacency(shipped.partnership["a"], shipped.partnership["b"], n)
    adjacency = shipped.adjacency()
    assert adjacency is shipped.adjacency()  # read once
    a, b = shipped.partnership["a"].tolist(), shipped.partnership["b"].tolist()
    for i in range(n):
        positions = adjacency.positions(i)
        assert positions == built.positions(i)
        assert adjacency.degree(i) == len(positions) == built.degree(i)
        assert all(i in (a[j], b[j]) for j in positions)
    assert sum(adjacency.degree(i) for i in range(n)) == 2 * m
    # the atlas answers from it: partner lists and degrees need no numpy
    atlas = dataset._read_bundled()
    assert atlas._adjacency_arrays() is atlas._records.columns().adjacency()


def test_a_malformed_adjacency_is_rejected_naming_the_file() -> None:
    good = (DATA / COLUMNS_FILE).read_bytes()
    tail = _tail_offsets(good)
    starts, entries = tail["adjacency starts"], tail["adjacency entries"]
    first_end = struct.unpack_from("<i", good, starts + 4)[0]  # place 0's partnerships end
    cases = [
        (_replace(good, starts, struct.pack("<i", 1)), "adjacency does not fit", None),
        (_replace(good, starts + 4, struct.pack("<i", -5)), "out of range", 0),
        (_replace(good, starts + 4, struct.pack("<i", 10**9)), "out of range", 0),
        (_replace(good, entries, struct.pack("<i", 10**9)), "not its own", 0),
        (_replace(good, entries + 4 * first_end, b"\x00\x00\x00\x00"), "not its own", 1),
    ]
    for data, message, place in cases:
        columns = Columns.from_bytes(data, "pkg/columns.bin")
        with pytest.raises(DatasetError, match=message) as caught:
            columns.adjacency().positions(0 if place is None else place)
        assert "pkg/columns.bin" in str(caught.value)
    # a wrong count is found by degree() too, and by degrees() of every place
    columns = Columns.from_bytes(_replace(good, starts + 4, struct.pack("<i", -5)))
    with pytest.raises(DatasetError, match="out of range"):
        columns.adjacency().degree(0)
    with pytest.raises(DatasetError, match="starts are out of order"):
        columns.adjacency().degrees()
    bundled = Columns.from_bytes(good).adjacency()
    assert bundled.degrees().tolist() == [
        bundled.degree(i) for i in range(len(_bundled_columns().ids))
    ]


def test_columns_read_from_a_file_are_views_wrapped_as_arrays_on_first_use() -> None:
    columns = _bundled_columns()
    view = columns.place.view("latitude")
    assert isinstance(view, memoryview) and view.readonly
    assert columns.place._arrays == {}  # nothing wrapped yet
    array = columns.place["latitude"]
    assert array is columns.place["latitude"]  # wrapped once
    assert not array.flags.writeable and array.dtype == np.dtype("<f8")
    assert array.tolist() == view.tolist()
    assert np.shares_memory(array, np.frombuffer(columns.place.view("latitude"), dtype="<f8"))
    with pytest.raises(KeyError):
        columns.place["nothing"]
    # columns built in code give views of their arrays
    built = _csv_columns()
    assert built.partnership.view("a").tolist() == columns.partnership.view("a").tolist()


def _store(columns: Columns, places: bytes, partnerships: bytes) -> Atlas:
    files = (places, partnerships)
    return Atlas._from_records(ColumnarRecords(columns, lambda k: files[k]), {})


def test_a_line_the_columns_misplace_is_rejected() -> None:
    columns = _bundled_columns()
    places = (DATA / "places.csv").read_bytes()
    partnerships = (DATA / "partnerships.csv").read_bytes()
    span = columns.line_span(0, 0)
    assert span is not None
    # the first record's line shifted by one byte, the file's size kept
    shifted = places[: span[0]] + b"x" + places[span[0] : -1]
    with pytest.raises(DatasetError, match=r"places.csv.*row 2.*not a line"):
        _store(columns, shifted, partnerships).get(columns.ids[0])
    assert places.startswith(b"id,")
    with pytest.raises(DatasetError, match=r"places.csv.*unexpected header"):
        _store(columns, b"ID" + places[2:], partnerships).get(columns.ids[0])
    broken = places[: span[0]] + b"\xff" + places[span[0] + 1 :]
    with pytest.raises(DatasetError, match=r"places.csv.*row 2.*not UTF-8"):
        _store(columns, broken, partnerships).get(columns.ids[0])


def test_csv_files_that_do_not_match_the_columns_are_rejected() -> None:
    columns = _bundled_columns()
    places = (DATA / "places.csv").read_bytes()
    partnerships = (DATA / "partnerships.csv").read_bytes()
    assert _store(columns, places, partnerships).get("gn:4460243") is not None
    # a file of another size: stale columns
    with pytest.raises(DatasetError, match="rebuild the data"):
        _store(columns, places + b"\n", partnerships).get("gn:4460243")
    # same size, another id on the first line: found when that record is built
    first = places.index(b"\n") + 1
    renamed = places[:first] + b"gn:9" + places[first + 4 :]
    atlas = _store(columns, renamed, partnerships)
    assert atlas.get(columns.ids[1]) is not None  # other records still build
    with pytest.raises(DatasetError, match=r"row 2.*differs from the columns file"):
        atlas.get(columns.ids[0])
    # a partnership line whose pair is not the columns'
    lines = partnerships.split(b"\n")
    lines[1], lines[2] = lines[2], lines[1]
    atlas = _store(columns, places, b"\n".join(lines))
    with pytest.raises(DatasetError, match=r"partnerships.*row 2.*differs"):
        tuple(atlas.partnerships)


def test_first_use_of_the_columns_is_thread_safe() -> None:
    atlas = dataset._read_bundled()

    def work(_k: int) -> tuple[object, ...]:
        top = stats.top_places(atlas, 5)
        ties = atlas.partnerships_of("gn:4460243")
        coordinates = atlas._records.coordinates()
        everything = atlas.partnerships
        return (
            tuple(id(p) for p, _n in top),
            *map(id, ties),
            id(coordinates),
            id(everything),
            id(atlas._records.columns()),
        )

    seen = run_together(16, work)
    assert len(seen) == 16
    # the same objects for everyone, except coordinates(): a new read-only array per call
    assert len({row[:-3] + row[-2:] for row in seen}) == 1


def test_first_use_of_views_arrays_adjacency_and_lines_is_thread_safe() -> None:
    atlas = dataset._read_bundled()
    columns = atlas._records.columns()

    def work(_k: int) -> tuple[int, ...]:
        partners = atlas.partners("Charlotte")
        return (
            id(columns.place["latitude"]),
            id(columns.partnership["a"]),
            id(columns.adjacency()),
            id(columns.names()),
            *map(id, partners),
        )

    seen = run_together(16, work)
    assert len(seen) == 16 and len(set(seen)) == 1


def test_coordinates_are_read_only_in_place_id_order(small_atlas: Atlas) -> None:
    for atlas in (dataset._read_bundled(), small_atlas):
        coordinates = atlas._records.coordinates()
        assert coordinates.dtype == np.float64 and coordinates.shape == (len(atlas), 2)
        assert not coordinates.flags.writeable
        expected = [(p.latitude, p.longitude) for p in atlas.places]
        assert coordinates.tolist() == [list(pair) for pair in expected]


def test_distances_of_an_atlas_come_from_its_columns_unchanged(small_atlas: Atlas) -> None:
    atlas = dataset._read_bundled()
    everything = atlas.partnerships
    listed = list(everything)  # not the atlas's tuple: the general path
    assert distances(everything) == distances(listed)
    assert distances(everything, unit="mi") == distances(listed, unit="mi")
    assert distances(small_atlas.partnerships) == distances(list(small_atlas.partnerships))


def test_columns_of_an_atlas_built_in_code() -> None:
    a = Place(id="t:a", name="A", country="FR", latitude=1.5, population=10)
    b = Place(id="t:b", name="B", country="US", subdivision="US-NC", longitude=-2.0)
    atlas = Atlas([b, a], [Partnership(a, b, established="1962-02", claimed_by=["t:a"])])
    columns = atlas._records.columns()
    assert columns.ids == ["t:a", "t:b"] and columns.countries == ("FR", "US")
    assert columns.place["population"].tolist() == [10, -1]
    assert columns.place["subdivision"].tolist() == [-1, 0]
    assert columns.partnership["established"].tolist() == [19620200]
    assert columns.partnership["claimed"].tolist() == [1]
    with pytest.raises(ValueError, match="read-only"):
        columns.place["latitude"][0] = 0.0


def test_load_reads_only_the_columns() -> None:
    """Loading reads columns.bin and metadata.json; the CSV files wait for a record."""
    import subprocess
    import sys

    code = (
        "import builtins, io, pathlib\n"
        "opened = []\n"
        "real = io.open\n"
        "def spy(file, *a, **k):\n"
        "    opened.append(pathlib.Path(str(file)).name); return real(file, *a, **k)\n"
        "builtins.open = io.open = spy\n"
        "import twintowns\n"
        "from twintowns import stats\n"
        "a = twintowns.load(); stats.by_decade(a); stats.country_pairs(a)\n"
        "print(sorted(f for f in opened if f.endswith(('.csv', '.bin', '.json'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['columns.bin', 'metadata.json']"
    assert twintowns.load() is twintowns.load()

"""Loading users' datasets (CSV folder, JSON file) and the bundled one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import twintowns
from tests.threads import count_calls, run_together
from twintowns import dataset
from twintowns.atlas import Atlas
from twintowns.errors import DatasetError
from twintowns.model import StatusBasis
from twintowns.records import CsvRecords
from twintowns.schema import (
    PARTNERSHIP_COLUMNS,
    PLACE_COLUMNS,
    partnership_row,
    place_row,
    write_csv,
)

HEADER_P = ",".join(PLACE_COLUMNS)
# the columns before as_of and status_basis: files written without them still load
HEADER_S = ",".join(PARTNERSHIP_COLUMNS[:10])
GOOD_PLACES = [
    "gn:1,Charlotte,Charlotte,US,US-NC,city,35.2271,-80.8431,America/New_York,874579,NA,,,",
    "gn:2,Arequipa,Arequipa,PE,,city,-16.3989,-71.535,America/Lima,,SA,Arequipa city|AQP,,",
]


def write(folder: Path, places: list[str], partnerships: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "places.csv").write_text("\n".join([HEADER_P, *places]) + "\n", "utf-8")
    (folder / "partnerships.csv").write_text("\n".join([HEADER_S, *partnerships]) + "\n", "utf-8")
    return folder


def test_load_a_good_folder(tmp_path: Path) -> None:
    folder = write(tmp_path, GOOD_PLACES, ["gn:1,gn:2,sister,active,1962-02-05,,,gn:1|gn:2,,"])
    atlas = twintowns.load(folder)
    assert isinstance(atlas, Atlas) and len(atlas.places) == 2
    p = atlas.partnerships[0]
    assert p.reciprocal and str(p.established) == "1962-02-05"
    assert atlas.place("AQP").id == "gn:2"
    assert twintowns.load(folder / "places.csv") == atlas  # a file of the pair means its folder


def test_as_of_and_status_basis_columns(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "places.csv").write_text("\n".join([HEADER_P, *GOOD_PLACES]) + "\n", "utf-8")
    header = ",".join(PARTNERSHIP_COLUMNS)
    good = "gn:1,gn:2,sister,suspended,1962,2022-03,,,,,2026-11-23,confirmed"
    (folder / "partnerships.csv").write_text(f"{header}\n{good}\n", "utf-8")
    (p,) = twintowns.load(folder).partnerships
    assert (str(p.as_of), p.status_basis, p.confirmed) == (
        "2026-11-23",
        StatusBasis.CONFIRMED,
        True,
    )
    old = twintowns.load(write(tmp_path / "old", GOOD_PLACES, ["gn:1,gn:2,sister,active,,,,,,"]))
    (q,) = old.partnerships
    assert (q.as_of, q.status_basis, q.confirmed) == (None, StatusBasis.LISTED, False)
    for cells, column, message in (
        (",2026,maybe", "status_basis", "invalid StatusBasis 'maybe'"),
        (",2026-13,listed", "as_of", "invalid date '2026-13'"),
        (",,confirmed", "as_of", "a confirmed status needs as_of"),
    ):
        row = "gn:1,gn:2,sister,active,,,,,," + cells
        (folder / "partnerships.csv").write_text(f"{header}\n{row}\n", "utf-8")
        with pytest.raises(DatasetError) as info:
            twintowns.load(folder)
        (problem,) = info.value.problems
        assert (problem.row, problem.column) == (2, column), problem
        assert message in problem.message


def test_every_problem_is_reported_with_file_row_column(tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        [
            *GOOD_PLACES,
            "gn:3,Nowhere,Nowhere,ZZ,,city,95,-80,America/New_York,,NA,,,",
            "gn:4,,Blank,US,,hamlet,10,10,Mars/Base,-5,NA,,,",
            "gn:1,Charlotte again,x,US,,city,1,1,UTC,,NA,,,",
        ],
        [
            "gn:1,gn:2,sister,active,1962-13-01,,,,,",
            "gn:1,gn:9,sister,active,,,,,,",
            "gn:1,gn:1,sister,active,,,,,,",
            "gn:2,gn:1,sister,dormant,,,,,,",
        ],
    )
    with pytest.raises(DatasetError) as info:
        twintowns.load(folder)
    found = {(Path(p.file).name, p.row, p.column) for p in info.value.problems}
    expected = {
        ("places.csv", 4, "country"),
        ("places.csv", 4, "latitude"),
        ("places.csv", 5, "name"),
        ("places.csv", 5, "kind"),
        ("places.csv", 5, "timezone"),
        ("places.csv", 5, "population"),
        ("places.csv", 6, "id"),
        ("partnerships.csv", 2, "established"),
        ("partnerships.csv", 3, "b"),
        ("partnerships.csv", 4, "b"),
        ("partnerships.csv", 5, "status"),
    }
    assert expected <= found, found
    text = str(info.value)
    assert "places.csv, row 4, column 'latitude'" in text and "95" in text


def test_header_problems(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "places.csv").write_text("id,name,colour\n", "utf-8")
    with pytest.raises(DatasetError) as info:
        twintowns.load(folder)
    messages = [str(p) for p in info.value.problems]
    assert any("colour" in m and "unknown column" in m for m in messages)
    assert any("'country'" in m and "missing" in m for m in messages)
    assert any("partnerships.csv" in m and "not found" in m for m in messages)


def test_missing_path_and_bad_type(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such dataset"):
        twintowns.load(tmp_path / "nope")
    with pytest.raises(TypeError, match="path"):
        twintowns.load(42)  # type: ignore[arg-type]


def test_json_dataset_and_its_errors(small_atlas: Atlas, tmp_path: Path) -> None:
    places: list[dict[str, object]] = [
        dict(zip(PLACE_COLUMNS, place_row(p), strict=True)) for p in small_atlas.places
    ]
    for record in places:
        record["aliases"] = [a for a in str(record["aliases"]).split("|") if a]
        record["latitude"] = float(str(record["latitude"]))
    partnerships = [
        dict(zip(PARTNERSHIP_COLUMNS, partnership_row(p), strict=True))
        for p in small_atlas.partnerships
    ]
    doc = {"metadata": {"version": "x"}, "places": places, "partnerships": partnerships}
    path = tmp_path / "atlas.json"
    path.write_text(json.dumps(doc), "utf-8")
    assert twintowns.load(path) == small_atlas
    places[0]["latitude"] = "far north"
    partnerships[0]["a"] = "gn:404"
    path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(DatasetError) as info:
        twintowns.load(path)
    found = {(p.row, p.column) for p in info.value.problems}
    assert {(1, "latitude"), (1, "a")} <= found
    path.write_text("{not json", "utf-8")
    with pytest.raises(DatasetError, match="invalid JSON"):
        twintowns.load(path)


def test_csv_round_trip_keeps_risky_text(small_atlas: Atlas, tmp_path: Path) -> None:
    from tests.conftest import make_place
    from twintowns.model import Partnership

    risky = make_place("gn:77", "=HYPERLINK(1)", "US", aliases=("-dash", "'s-Hertogenbosch", "@x"))
    other = make_place("gn:78", "+plus", "FR")
    atlas = Atlas([risky, other], [Partnership(risky, other, note="=1+2")])
    folder = tmp_path / "risky"
    folder.mkdir()
    with (folder / "places.csv").open("w", encoding="utf-8", newline="") as f:
        write_csv(f, PLACE_COLUMNS, [place_row(p) for p in atlas.places])
    with (folder / "partnerships.csv").open("w", encoding="utf-8", newline="") as f:
        write_csv(f, PARTNERSHIP_COLUMNS, [partnership_row(p) for p in atlas.partnerships])
    text = (folder / "places.csv").read_text("utf-8")
    assert "'=HYPERLINK" in text and "'-dash|'s-Hertogenbosch|@x" in text and "'+plus" in text
    assert twintowns.load(folder) == atlas


def test_bundled_load_is_lazy_once_and_thread_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dataset, "_bundled", None)
    # pause: widen the race window
    calls = count_calls(monkeypatch, dataset, "_read_bundled", pause=0.05)
    results = run_together(16, lambda _k: twintowns.load())
    assert calls.count == 1
    assert len(results) == 16 and all(r is results[0] for r in results)


def test_import_reads_no_data() -> None:
    import subprocess
    import sys

    code = (
        "import builtins, io, sys\n"
        "opened = []\n"
        "real = io.open\n"
        "def spy(file, *a, **k):\n"
        "    opened.append(str(file)); return real(file, *a, **k)\n"
        "builtins.open = io.open = spy\n"
        "import twintowns\n"
        "print([f for f in opened if 'data' in f and 'twintowns' in f])\n"
        "print(sorted(m for m in sys.modules if m.startswith('twintowns')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    opened, modules = out.stdout.splitlines()
    assert opened == "[]"
    assert "twintowns.dataset" not in modules and "twintowns.atlas" not in modules


def test_bundled_fast_path_equals_the_validating_reader() -> None:
    """The trusted reader of the bundled data skips per-field validation; prove it
    yields exactly what the validating reader (which checks every cell) yields."""
    data = Path(dataset.__file__).parent / "data"
    fast = dataset._read_bundled()
    slow = dataset.read_dataset(data)
    assert fast == slow
    assert fast.metadata == slow.metadata
    assert [p.resolution for p in fast.places] == [p.resolution for p in slow.places]
    assert {hash(p) for p in fast.places} == {hash(p) for p in slow.places}


def test_fast_path_rejects_unsorted_or_unknown_pairs(small_atlas: Atlas) -> None:
    import io

    def text(columns: tuple[str, ...], rows: list[list[str]]) -> str:
        out = io.StringIO()
        write_csv(out, columns, rows)
        return out.getvalue()

    places = text(PLACE_COLUMNS, [place_row(p) for p in small_atlas.places])
    rows = [partnership_row(p) for p in small_atlas.partnerships]
    ok = dataset._read_trusted(places, text(PARTNERSHIP_COLUMNS, rows), {})
    assert ok == small_atlas
    with pytest.raises(DatasetError, match="bad pair"):
        dataset._read_trusted(places, text(PARTNERSHIP_COLUMNS, rows[::-1]), {})
    unknown = [["gn:1", "gn:999999", *rows[0][2:]]]
    with pytest.raises(DatasetError, match="bad pair"):
        dataset._read_trusted(places, text(PARTNERSHIP_COLUMNS, unknown), {})
    with pytest.raises(DatasetError, match="not sorted"):
        shuffled = [place_row(p) for p in small_atlas.places][::-1]
        dataset._read_trusted(text(PLACE_COLUMNS, shuffled), text(PARTNERSHIP_COLUMNS, []), {})


def _csv_text(columns: tuple[str, ...], rows: list[list[str]]) -> str:
    import io

    out = io.StringIO()
    write_csv(out, columns, rows)
    return out.getvalue()


def test_fast_path_builds_each_record_once_on_first_use() -> None:
    atlas = dataset._read_bundled()
    records = atlas._records
    assert isinstance(records, CsvRecords)
    assert records._places.count(None) == len(records._places)  # nothing built by loading
    charlotte = atlas.get("gn:4460243")
    assert charlotte is not None and charlotte.name == "Charlotte"
    # a query by id needs no name table
    assert atlas.place(" gn:4460243 ") is charlotte
    assert atlas.place("gn:4460243", country="US") is charlotte
    assert atlas._names is not None and atlas._names._exact_table is None
    ties = atlas.partnerships_of(charlotte)
    built = len(records._places) - records._places.count(None)
    assert built == 1 + len(ties)  # Charlotte and its partners, nothing else
    # later accesses, including building everything, hand out the very same objects
    assert atlas.get("gn:4460243") is charlotte
    assert atlas.places[records.index["gn:4460243"]] is charlotte
    for p in ties:
        assert atlas.partnerships[atlas._records.pair_ids.index(p.ids)] is p
        assert p.a is atlas.get(p.a.id) and p.b is atlas.get(p.b.id)
    assert all(p.a is atlas.get(p.a.id) for p in atlas.partnerships[:500])
    assert tuple(atlas.places)[records.index["gn:4460243"]] is charlotte  # builds every place
    assert all(p.a is atlas.get(p.a.id) for p in atlas.partnerships)  # every partnership
    # once everything is built the file text is let go; lookups read the objects
    assert records._place_lines == [] and records._partnership_lines == []
    assert atlas.place("Charlotte") is charlotte


def test_fast_path_is_thread_safe() -> None:
    atlas = dataset._read_bundled()

    def work(_k: int) -> tuple[int, ...]:
        ties = atlas.partnerships_of("gn:4460243")
        everything = atlas._records.all_places()  # every place, built concurrently
        return (id(atlas.get("gn:4460243")), *map(id, ties), id(everything))

    seen = run_together(16, work)
    assert len(seen) == 16 and len(set(seen)) == 1


def test_fast_path_reports_malformed_lines(small_atlas: Atlas) -> None:
    places = [place_row(p) for p in small_atlas.places]
    rows = [partnership_row(p) for p in small_atlas.partnerships]
    good_places = _csv_text(PLACE_COLUMNS, places)
    good_rows = _csv_text(PARTNERSHIP_COLUMNS, rows)
    # a line with a cell too few: found when that record is first built, with its row
    short = good_places.split("\n")
    short[2] = short[2].rsplit(",", 1)[0]
    atlas = dataset._read_trusted("\n".join(short), good_rows, {})
    with pytest.raises(DatasetError, match=r"places.csv.*row 3.*13 cells, expected 14"):
        tuple(atlas.places)
    with pytest.raises(DatasetError, match=r"places.csv.*row 3.*13 cells, expected 14"):
        atlas.place("Nowhere")  # the name index reads every line: never a partial index
    # structural problems: found by loading
    for bad, message in [
        (good_places.replace("\n", "\r\n"), "line ends"),
        (good_places.replace("\n", "\n\n", 2), "row 2: not a CSV record"),
        (good_places + "gn:99\n", "not a CSV record"),
        (good_places + '"gn:9",x\n', "quoted id"),
        (good_places + 'gn:99,"Two\nlines",x\n', "spans lines"),
        ("id,name\n", "unexpected header"),
    ]:
        with pytest.raises(DatasetError, match=message):
            dataset._read_trusted(bad, good_rows, {})
    for bad_rows, message in [
        (good_rows.replace("\n", "\r\n"), "partnerships.csv.*line ends"),
        (good_rows + "gn:1\n", "partnerships.csv.*not a CSV record"),
        (good_rows + '"gn:1",gn:2\n', "partnerships.csv.*quoted id"),
        (good_rows + "gn:2,gn:1," + ",".join(rows[0][2:]) + "\n", "partnerships.csv.*bad pair"),
    ]:
        with pytest.raises(DatasetError, match=message):
            dataset._read_trusted(good_places, bad_rows, {})

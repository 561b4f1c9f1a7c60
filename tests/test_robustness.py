"""Regression tests for issue 14: nothing lost, nothing crashes (one test or more per item).

The property-based robustness suite is ``tests/test_fuzz.py``.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import inspect
import itertools
import json
import multiprocessing
import os
import pickle
import sqlite3
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import twintowns
from tests.threads import count_calls, run_together
from twintowns import errors
from twintowns.agreements import Agreement, AgreementError, validate
from twintowns.atlas import Atlas
from twintowns.cli import EXIT_INTERNAL, UsageError, main
from twintowns.errors import (
    AmbiguousPlace,
    DatasetError,
    DatasetProblem,
    InvalidTypeError,
    InvalidValueError,
    MissingDependencyError,
    NotAFileError,
    NotAFolderError,
    PathNotFoundError,
    PlaceNotFound,
    TwinTownsError,
    UnknownNameError,
)
from twintowns.export import (
    MAX_LINE_POINTS,
    great_circle_line,
    subset,
    to_csv,
    to_geojson,
    to_json,
    to_sqlite,
)
from twintowns.geography import (
    MAX_INTERMEDIATE_POINTS,
    distance,
    intermediate_points,
    local_time,
    time_difference,
)
from twintowns.lookup import NameIndex
from twintowns.model import PartialDate, Partnership, Place

from .conftest import make_place

EXPORTERS = {
    "csv": to_csv,
    "json": to_json,
    "geojson": to_geojson,
    "sqlite": to_sqlite,
}


def _target(folder: Path, fmt: str) -> Path:
    return folder / ("out" if fmt == "csv" else f"out.{fmt}")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


class _Boom(RuntimeError):
    pass


# ----------------------------------------------------------------------- 1: atomic exports


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_1_an_export_failing_mid_write_keeps_the_old_output(
    fmt: str, small_atlas: Atlas, tmp_path: Path
) -> None:
    target = _target(tmp_path, fmt)
    EXPORTERS[fmt](small_atlas, target)
    before = _snapshot(tmp_path)
    total = len(small_atlas.places) + len(small_atlas.partnerships)
    calls: list[int] = []

    def fail_midway(done: int, _total: int) -> None:
        calls.append(done)
        if done >= total // 2:
            raise _Boom("disk on fire")

    # progress is reported every record when the atlas is small: make it so
    import twintowns.export.progress as progress_module

    every = progress_module.PROGRESS_EVERY
    progress_module.PROGRESS_EVERY = 1
    try:
        with pytest.raises(_Boom):
            EXPORTERS[fmt](small_atlas, target, progress=fail_midway)
    finally:
        progress_module.PROGRESS_EVERY = every
    assert calls and max(calls) < total  # it failed mid-way, not at the end
    assert _snapshot(tmp_path) == before  # old output intact, no temporary left


def test_1_csv_failing_on_a_partnership_keeps_the_old_folder(
    small_atlas: Atlas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import twintowns.export.folder as export_module

    to_csv(small_atlas, tmp_path)
    before = _snapshot(tmp_path)
    seen = []

    def broken(p: Partnership) -> list[str]:
        seen.append(p)
        if len(seen) == 2:
            raise _Boom("unwritable partnership")
        return original(p)

    original = export_module.partnership_row  # type: ignore[attr-defined]
    monkeypatch.setattr(export_module, "partnership_row", broken)
    with pytest.raises(_Boom):
        to_csv(small_atlas, tmp_path)
    assert _snapshot(tmp_path) == before
    assert twintowns.load(tmp_path) == small_atlas


def test_1_exports_leave_the_users_partial_file_alone_and_take_long_names(
    small_atlas: Atlas, tmp_path: Path
) -> None:
    mine = tmp_path / "out.sqlite.partial"
    mine.write_text("my own notes")
    to_sqlite(small_atlas, tmp_path / "out.sqlite")
    assert mine.read_text() == "my own notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.sqlite", "out.sqlite.partial"]
    for fmt in ("json", "geojson", "sqlite"):
        for length in (248, 255):
            name = "x" * (length - len(fmt) - 1) + "." + fmt
            assert len(name.encode()) == length
            EXPORTERS[fmt](small_atlas, tmp_path / name)
            if fmt != "geojson":
                assert twintowns.load(tmp_path / name) == small_atlas
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tt-")]


def test_1_an_unwritable_folder_names_the_target(small_atlas: Atlas, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        target = Path("/proc/twintowns-out.json")  # not writable even for root
    else:  # pragma: no cover - CI runs as root
        folder = tmp_path / "ro"
        folder.mkdir(mode=0o500)
        target = folder / "out.json"
    with pytest.raises(OSError) as info:
        to_json(small_atlas, target)
    assert info.value.filename == str(target)


def _export_in_process(args: tuple[Atlas, str, str]) -> str:
    atlas, fmt, path = args
    for _ in range(3):
        EXPORTERS[fmt](atlas, path)
    return path


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_1_three_processes_exporting_to_one_path(
    fmt: str, small_atlas: Atlas, tmp_path: Path
) -> None:
    others = Atlas(small_atlas.places)  # the same places, no partnerships
    third = subset(small_atlas, "gn:1")
    atlases = [small_atlas, others, third]
    target = _target(tmp_path, fmt)
    context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
    with concurrent.futures.ProcessPoolExecutor(3, mp_context=context) as pool:
        done = list(pool.map(_export_in_process, [(a, fmt, str(target)) for a in atlases]))
    assert done == [str(target)] * 3
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.startswith(".tt-")]
    assert leftovers == []
    if fmt == "geojson":
        document = json.loads(target.read_text("utf-8"))
        assert len(document["features"]) in {len(a.places) + len(a.partnerships) for a in atlases}
    else:
        # the output is one whole export (for CSV, all three files from one process)
        assert twintowns.load(target) in atlases


# ----------------------------------------------------------------------- 2: pickling errors


def _examples() -> list[BaseException]:
    place = make_place("gn:1", "Orange", "FR")
    other = make_place("gn:2", "Orange", "US")
    return [
        AmbiguousPlace("Orange", [place, other]),
        AmbiguousPlace("Orange", [place, other], hint="Pass --country."),
        PlaceNotFound("Nowhere", ["Norwich, GB"]),
        DatasetError(
            [DatasetProblem("f.csv", 3, "name", "bad"), DatasetProblem("g", None, None, "x")]
        ),
        InvalidValueError("bad value"),
        InvalidTypeError("bad type"),
        UnknownNameError("unknown country: 'Atlantis'"),
        PathNotFoundError("no such dataset", "/nowhere"),
        NotAFileError("expected a file path, not a folder", "/tmp"),
        NotAFolderError("not a folder", "/etc/hostname"),
        MissingDependencyError("needs pandas", name="pandas"),
        AgreementError(
            "must be a number", field="parties[0].place.latitude", file="a.toml", line=3
        ),
        UsageError("twintowns: error: bad"),
        TwinTownsError("plain"),
    ]


@pytest.mark.parametrize("error", _examples(), ids=lambda e: type(e).__name__)
def test_2_every_exception_pickles_equal(error: BaseException) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error) and copy.args == error.args
    assert vars(copy) == vars(error)
    for name in ("filename", "errno", "strerror", "name"):
        assert getattr(copy, name, None) == getattr(error, name, None)


def _raise_ambiguous(query: str) -> str:
    raise AmbiguousPlace(query, [make_place("gn:1", query, "FR"), make_place("gn:2", query, "US")])


def test_2_a_pool_worker_raising_ambiguous_place_does_not_hang() -> None:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        result = pool.map_async(_raise_ambiguous, ["Orange"])
        with pytest.raises(AmbiguousPlace) as info:
            result.get(timeout=60)
    assert len(info.value.candidates) == 2 and info.value.query == "Orange"


# ----------------------------------------------------------------------- 3: nothing dropped


def test_3_a_json_record_missing_a_required_key_is_reported(
    small_atlas: Atlas, tmp_path: Path
) -> None:
    to_json(small_atlas, tmp_path / "d.json")
    document = json.loads((tmp_path / "d.json").read_text("utf-8"))
    del document["places"][1]["timezone"]
    del document["partnerships"][0]["b"]
    (tmp_path / "d.json").write_text(json.dumps(document), "utf-8")
    with pytest.raises(DatasetError) as info:
        twintowns.load(tmp_path / "d.json")
    found = {(p.file.rsplit("#")[1], p.row, p.column, p.message) for p in info.value.problems}
    assert ("places", 2, "timezone", "required value is missing") in found
    assert ("partnerships", 1, "b", "required value is missing") in found


# ----------------------------------------------------------------------- 4: huge numbers


def test_4_huge_numbers_are_value_errors(small_atlas: Atlas, tmp_path: Path) -> None:
    huge = 10**400
    for call in (
        lambda: distance((huge, 0), (0, 0)),
        lambda: distance((Fraction(huge), 0), (0, 0)),  # type: ignore[arg-type]
        lambda: small_atlas.within((0.0, 0.0), huge),
        lambda: make_place("gn:9", "Big", "FR", population=2**63),
        lambda: make_place("gn:9", "Big", "FR", latitude=huge),
    ):
        with pytest.raises(ValueError) as info:
            call()
        assert isinstance(info.value, TwinTownsError)
    agreement = tmp_path / "a.json"
    agreement.write_text(
        json.dumps(
            {
                "parties": [
                    {"place": {"id": "tt:a", "name": "A", "country": "FR", "latitude": 0}},
                    {"place": "Charlotte"},
                ]
            }
        ).replace('"latitude": 0', '"latitude": ' + "9" * 401),
        "utf-8",
    )
    with pytest.raises(AgreementError, match="latitude"):
        Agreement.from_file(agreement)


# ----------------------------------------------------------------------- 5: calendar limits


def test_5_instants_at_the_calendar_limits() -> None:
    first = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    last = dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC)
    with pytest.raises(InvalidValueError, match="limits of the calendar"):
        local_time("America/New_York", first)
    with pytest.raises(InvalidValueError, match="limits of the calendar"):
        time_difference("UTC", "Asia/Tokyo", at=last)
    assert local_time("UTC", first) == first  # representable: answered
    assert time_difference("UTC", "Europe/London", at=last) == dt.timedelta(0)


def test_5_cli_timediff_at_year_one(capsys: pytest.CaptureFixture[str], small_data: str) -> None:
    code = main(
        ["timediff", "Charlotte", "Arequipa", "--at", "0001-01-01T00:00Z", "--data", small_data]
    )
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("twintowns: ") and len(err.splitlines()) == 1 and "Traceback" not in err


# ----------------------------------------------------------------------- 6: deep nesting


def test_6_deeply_nested_json_is_a_dataset_error(small_atlas: Atlas, tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text('{"metadata": ' + "[" * 50_000 + "]" * 50_000 + "}")
    with pytest.raises(DatasetError, match="nested"):
        twintowns.load(tmp_path / "deep.json")
    to_csv(small_atlas, tmp_path / "csv")
    (tmp_path / "csv" / "metadata.json").write_text('{"a": ' + "[" * 5000 + "]" * 5000 + "}")
    with pytest.raises(DatasetError, match="nested"):
        twintowns.load(tmp_path / "csv")
    document = twintowns.export.json_document(small_atlas)
    aliases: Any = "x"
    for _ in range(900):
        aliases = [aliases]
    document["places"][0]["aliases"] = aliases
    (tmp_path / "aliases.json").write_text(json.dumps(document))
    with pytest.raises(DatasetError):
        twintowns.load(tmp_path / "aliases.json")


# ----------------------------------------------------------------------- 7: surrogates, controls


def test_7_lone_surrogates_and_controls_are_refused() -> None:
    with pytest.raises(InvalidValueError, match="surrogate"):
        make_place("gn:1", "S\ud800", "FR")
    with pytest.raises(InvalidValueError, match="surrogate"):
        make_place("gn:1", "S", "FR", aliases=("ok", "bad\udcff"))
    for pid in ("tt:\x00\x1b[2J", "tt:a\x7f", "tt:\ud800", "tt:\x9b"):
        with pytest.raises(InvalidValueError, match="invalid place id"):
            make_place(pid, "S", "FR")


def test_7_every_writer_writes_what_places_accept(small_atlas: Atlas, tmp_path: Path) -> None:
    place = make_place("gn:77", "Zürich 東京 \U0001f600", "CH", aliases=("Ⅻ", "a'b"))
    atlas = Atlas([*small_atlas.places, place], small_atlas.partnerships)
    for fmt, export in EXPORTERS.items():
        export(atlas, _target(tmp_path, fmt))
        if fmt != "geojson":
            assert twintowns.load(_target(tmp_path, fmt)) == atlas


# ----------------------------------------------------------------------- 8: validate


def test_8_validate_reports_an_over_long_party_query(small_atlas: Atlas) -> None:
    agreement = Agreement(parties=("Charlotte", "x" * 201))
    report = validate(agreement, atlas=small_atlas)
    assert not report.ok
    assert any(f.rule == "resolve" and "longer than 200" in f.message for f in report.findings)


# ----------------------------------------------------------------------- 9: antipodes


def test_9_geojson_draws_an_antipodal_partnership(tmp_path: Path) -> None:
    a = make_place("gn:1", "Here", "ES", latitude=40.0, longitude=-4.0)
    b = make_place("gn:2", "There", "NZ", latitude=-40.0, longitude=176.0)
    atlas = Atlas([a, b], [Partnership(a=a, b=b)])
    to_geojson(atlas, tmp_path / "x.geojson")
    feature = json.loads((tmp_path / "x.geojson").read_text())["features"][-1]
    coordinates = feature["geometry"]["coordinates"]
    points = (
        coordinates
        if feature["geometry"]["type"] == "LineString"
        else list(itertools.chain.from_iterable(coordinates))
    )
    assert points[0] == [-4.0, 40.0] and points[-1] == [176.0, -40.0]
    assert max(lat for _, lat in points) > 89.5  # over the north pole
    steps = [distance((p[1], p[0]), (q[1], q[0])) for p, q in itertools.pairwise(points)]
    assert max(steps) <= 100.0 + 1e-6
    assert sum(steps) == pytest.approx(distance(a, b), rel=1e-6)


# ----------------------------------------------------------------------- 10: PartialDate order


def test_10_partial_dates_compare_clearly() -> None:
    day = PartialDate(1962, 2, 5)
    assert day != dt.date(1962, 2, 5) and day == PartialDate.from_date(dt.date(1962, 2, 5))
    for other in (dt.date(1962, 2, 5), None, "1962"):
        with pytest.raises(TypeError, match="compares only with PartialDates"):
            _ = day < other  # type: ignore[operator]
        with pytest.raises(TypeError):
            _ = other > day  # type: ignore[operator]
    dates = [PartialDate(1962, 2), None, PartialDate(1962), PartialDate(1962, 2, 5), None]
    ordered = sorted(dates, key=PartialDate.sort_key)
    assert ordered == [PartialDate(1962), PartialDate(1962, 2), day, None, None]


# ----------------------------------------------------------------------- 11: bounded work


def test_11_unbounded_work_is_refused_quickly() -> None:
    with pytest.raises(InvalidValueError, match="at most 100,000"):
        great_circle_line((0, 0), (10, 10), segment_km=1e-6)
    with pytest.raises(InvalidValueError, match=r"\[0, 1,000,000\]"):
        intermediate_points((0, 0), (10, 10), 10**8)
    assert len(intermediate_points((0, 0), (10, 10), MAX_INTERMEDIATE_POINTS // 100)) == 10_000
    line = great_circle_line((0, 0), (0, 90), segment_km=10_007.5 / (MAX_LINE_POINTS - 10))
    assert sum(len(part) for part in line) <= MAX_LINE_POINTS + 2


# ----------------------------------------------------------------------- 12-14: users' files


def test_12_a_byte_order_mark_is_accepted(small_atlas: Atlas, tmp_path: Path) -> None:
    to_csv(small_atlas, tmp_path / "csv")
    for name in ("places.csv", "partnerships.csv", "metadata.json"):
        path = tmp_path / "csv" / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert twintowns.load(tmp_path / "csv") == small_atlas
    to_json(small_atlas, tmp_path / "d.json")
    path = tmp_path / "d.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert twintowns.load(path) == small_atlas


def test_13_empty_optional_cells_mean_the_default(small_atlas: Atlas, tmp_path: Path) -> None:
    to_csv(small_atlas, tmp_path)
    places = (tmp_path / "places.csv").read_text("utf-8").replace(",city,", ",,")
    (tmp_path / "places.csv").write_text(places, "utf-8")
    pairs = (tmp_path / "partnerships.csv").read_text("utf-8").splitlines()
    pairs = [pairs[0]] + [
        ",".join([*line.split(",")[:2], "", "", *line.split(",")[4:]]) for line in pairs[1:]
    ]
    (tmp_path / "partnerships.csv").write_text("\n".join(pairs) + "\n", "utf-8")
    loaded = twintowns.load(tmp_path)
    assert {p.kind.value for p in loaded.places} <= {
        "city",
        "district",
        "county",
        "region",
        "community",
    }
    assert all(p.kind.value == "sister" and p.status.value == "active" for p in loaded.partnerships)
    assert [p.ids for p in loaded.partnerships] == [p.ids for p in small_atlas.partnerships]


def test_14_undecodable_bytes_are_located_and_nothing_false_follows(
    small_atlas: Atlas, tmp_path: Path
) -> None:
    to_csv(small_atlas, tmp_path)
    path = tmp_path / "places.csv"
    lines = path.read_bytes().split(b"\n")
    cells = lines[2].split(b",")
    cells[1] += b"\xff"  # row 3, second column (name)
    lines[2] = b",".join(cells)
    path.write_bytes(b"\n".join(lines) + b"x" * 10_000)  # far beyond an 8 KB buffer
    with pytest.raises(DatasetError) as info:
        twintowns.load(tmp_path)
    messages = [str(p) for p in info.value.problems]
    assert any(", row 3, column 'name': not UTF-8 text" in m for m in messages), messages
    assert not any("empty file" in m or "unknown place id" in m for m in messages), messages
    lines[2] = lines[2].replace(b"gn:", b"gn\xff:")  # the id itself: its partnerships can't tell
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(DatasetError) as info:
        twintowns.load(tmp_path)
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 1 and ", row 3, column 'id': not UTF-8 text" in messages[0]


def test_14_over_long_fields_are_located(small_atlas: Atlas, tmp_path: Path) -> None:
    to_csv(small_atlas, tmp_path)
    path = tmp_path / "places.csv"
    lines = path.read_text("utf-8").split("\n")
    cells = lines[4].split(",")
    cells[1] = '"' + "y" * 200_000 + '"'
    lines[4] = ",".join(cells)
    path.write_text("\n".join(lines), "utf-8")
    with pytest.raises(DatasetError) as info:
        twintowns.load(tmp_path)
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 1 and "places.csv, row 5: unreadable CSV (field larger" in messages[0]


# ----------------------------------------------------------------------- 15: exports read back


def test_15_sqlite_is_a_dataset_format(small_atlas: Atlas, tmp_path: Path) -> None:
    to_sqlite(small_atlas, tmp_path / "d.sqlite")
    loaded = twintowns.load(tmp_path / "d.sqlite")
    assert loaded == small_atlas and loaded.metadata == small_atlas.metadata
    assert [p.urls for p in loaded.partnerships] == [p.urls for p in small_atlas.partnerships]
    assert [p.claimed_by for p in loaded.partnerships] == [
        p.claimed_by for p in small_atlas.partnerships
    ]
    renamed = tmp_path / "d.db"
    renamed.write_bytes((tmp_path / "d.sqlite").read_bytes())
    assert twintowns.load(renamed) == small_atlas  # found by its content, not its name
    with sqlite3.connect(tmp_path / "d.sqlite") as connection:
        connection.execute("UPDATE places SET name = '' WHERE id = 'gn:2'")
    with pytest.raises(DatasetError) as info:
        twintowns.load(tmp_path / "d.sqlite")
    (problem,) = info.value.problems
    assert problem.file.endswith("d.sqlite#places") and problem.column == "name"
    assert problem.row == 2  # ordered by id: gn:1, gn:2, …


def test_15_bundled_subset_round_trips_through_sqlite(tmp_path: Path) -> None:
    part = subset(twintowns.load(), "Charlotte")
    to_sqlite(part, tmp_path / "c.sqlite")
    assert twintowns.load(tmp_path / "c.sqlite") == part


def test_15_geojson_is_not_a_dataset_format(small_atlas: Atlas, tmp_path: Path) -> None:
    to_geojson(small_atlas, tmp_path / "m.geojson")
    with pytest.raises(DatasetError, match="GeoJSON is an export for maps"):
        twintowns.load(tmp_path / "m.geojson")
    (tmp_path / "m.json").write_bytes((tmp_path / "m.geojson").read_bytes())
    with pytest.raises(DatasetError, match="GeoJSON is an export for maps"):
        twintowns.load(tmp_path / "m.json")


# ----------------------------------------------------------------------- 16-17: command line


@pytest.fixture(scope="module")
def small_data(small_atlas: Atlas, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("small")
    to_csv(small_atlas, folder)
    return str(folder)


def test_16_internal_errors_have_their_own_exit_code(
    capsys: pytest.CaptureFixture[str], small_data: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from twintowns.cli import Context

    def broken(self: Context, query: str) -> Place:
        raise RuntimeError("a bug\nsecond line")

    monkeypatch.setattr(Context, "place", broken)
    assert main(["place", "Charlotte", "--data", small_data]) == EXIT_INTERNAL == 3
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines() == [
        "twintowns: internal error: RuntimeError: a bug (run with --debug for details)"
    ]
    assert main(["place", "Charlotte", "--debug", "--json", "--data", small_data]) == 3
    out, err = capsys.readouterr()
    assert "Traceback" in err and json.loads(out)["error"]["type"] == "internal_error"


def test_16_json_errors_stay_valid_utf8(
    capsys: pytest.CaptureFixture[str], small_data: str
) -> None:
    assert main(["place", "\udcff", "--json", "--data", small_data]) == 2
    out, err = capsys.readouterr()
    out.encode("utf-8")  # no lone surrogate reaches the output
    document = json.loads(out)
    assert document["error"]["type"] == "invalid_input" and "\\udcff" in err


def _script() -> str:
    return str(Path(sys.executable).with_name("twintowns"))


def test_16_narrow_encodings_and_closed_stdout(small_data: str) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    run = subprocess.run(
        [_script(), "place", "Charlotte", "--data", small_data, "--json"],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0 and run.stderr == b""
    assert json.loads(run.stdout)["place"]["name"] == "Charlotte"
    run = subprocess.run(
        [_script(), "search", "Vorone\u017e", "--data", small_data],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0 and b"Voronezh" in run.stdout
    closed = subprocess.run(
        f"{_script()} place Charlotte --data {small_data} >&-",
        shell=True,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert closed.returncode == 0 and closed.stderr == b""


def test_17_cli_messages_speak_cli(
    capsys: pytest.CaptureFixture[str], small_data: str, tmp_path: Path
) -> None:
    assert (
        main(["map", "Charlotte", "--output", str(tmp_path / "x.pdf"), "--data", small_data]) == 2
    )
    _, err = capsys.readouterr()
    assert ".svg, .png or .html" in err and "format=" not in err
    assert main(["place", "Orange", "--json", "--data", small_data]) == 2
    out, _ = capsys.readouterr()
    message = json.loads(out)["error"]["message"]
    assert "--country" in message and "country=" not in message.replace("--country", "")
    assert main(["place", "Orange", "--country", "FR", "--data", small_data]) == 0
    assert capsys.readouterr().out.startswith("Orange, FR-PAC, FR")
    assert main(["distance", "Orange", "Charlotte", "--json", "--data", small_data]) == 2
    message = json.loads(capsys.readouterr().out)["error"]["message"]
    assert "--country" not in message and "country=" not in message
    csv_file = tmp_path / "x.csv"
    assert main(["export", "--format", "csv", "--output", str(csv_file), "--data", small_data]) == 2
    assert "folder" in capsys.readouterr().err and not csv_file.exists()


# ----------------------------------------------------------------------- 18-19: concurrency


def test_18_concurrent_first_queries_build_the_name_table_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bundled = twintowns.load()
    atlas = Atlas._trusted(bundled.places[:3000], ())
    # pause: a slow build, the other threads arrive meanwhile
    builds = count_calls(monkeypatch, NameIndex, "_build_exact", pause=0.01)
    names = [p.name for p in atlas.places[:16]]

    def query(i: int) -> object:
        if i % 2:
            return atlas.search(names[i], limit=1)
        try:
            return atlas.place(names[i])
        except AmbiguousPlace as error:
            return error.candidates

    results = run_together(16, query)
    assert builds.count == 1 and all(results)


def test_19_atlases_pickle(small_atlas: Atlas) -> None:
    copy = pickle.loads(pickle.dumps(small_atlas))
    assert copy == small_atlas and copy.metadata == small_atlas.metadata
    assert copy.place("Arequipa") == small_atlas.place("Arequipa")
    bundled = twintowns.load()
    data = pickle.dumps(bundled)
    assert len(data) < 200 and pickle.loads(data) is bundled


def test_19_pool_map_over_atlas_methods(small_atlas: Atlas) -> None:
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        found = pool.map_async(small_atlas.place, ["Charlotte, NC", "Arequipa"]).get(timeout=120)
    assert [p.id for p in found] == ["gn:1", "gn:2"]


# ----------------------------------------------------------------------- errors.py


def _raising_modules() -> list[str]:
    src = Path(twintowns.__file__).parent
    return [str(p.relative_to(src)) for p in sorted(src.rglob("*.py"))]


def test_errors_every_deliberate_raise_is_a_twintowns_error() -> None:
    """No module raises a bare built-in ValueError/TypeError/LookupError/KeyError/ImportError/
    FileNotFoundError on purpose: each goes through a class of :mod:`twintowns.errors`."""
    import re

    src = Path(twintowns.__file__).parent
    bare = re.compile(
        r"raise (ValueError|TypeError|LookupError|KeyError|ImportError|FileNotFoundError|"
        r"IsADirectoryError|NotADirectoryError|OverflowError)\("
    )
    offenders = [
        f"{name}: {line.strip()}"
        for name in _raising_modules()
        for line in (src / name).read_text("utf-8").splitlines()
        if bare.search(line)
    ]
    assert offenders == []
    for name, value in vars(errors).items():
        if inspect.isclass(value) and issubclass(value, BaseException):
            assert issubclass(value, TwinTownsError), name


def test_errors_missing_optional_dependencies(
    small_atlas: Atlas, monkeypatch: pytest.MonkeyPatch
) -> None:
    from twintowns.stats import to_networkx, to_pandas

    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.setitem(sys.modules, "networkx", None)
    with pytest.raises(MissingDependencyError, match=r"twintowns\[pandas\]") as info:
        to_pandas(small_atlas)
    assert isinstance(info.value, ImportError) and isinstance(info.value, TwinTownsError)
    with pytest.raises(MissingDependencyError, match=r"twintowns\[networkx\]"):
        to_networkx(small_atlas)
    assert twintowns.MissingDependencyError is twintowns.geography.MissingDependencyError


def test_errors_paths(small_atlas: Atlas, tmp_path: Path) -> None:
    with pytest.raises(PathNotFoundError) as info:
        twintowns.load(tmp_path / "nothing")
    assert isinstance(info.value, FileNotFoundError) and info.value.filename == str(
        tmp_path / "nothing"
    )
    with pytest.raises(NotAFileError):
        to_json(small_atlas, tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotAFolderError):
        to_csv(small_atlas, tmp_path / "file")
    with pytest.raises(PathNotFoundError):
        to_csv(small_atlas, tmp_path / "a" / "b")
    from twintowns.countries import lookup_country

    with pytest.raises(UnknownNameError, match="unknown country: 'Atlantis'") as unknown:
        lookup_country("Atlantis")
    assert isinstance(unknown.value, LookupError)
    with pytest.raises(InvalidValueError, match="unknown country"):
        small_atlas.place("Charlotte", country="Atlantis")


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_1_exports_keep_permissions(fmt: str, small_atlas: Atlas, tmp_path: Path) -> None:
    import stat

    target = _target(tmp_path, fmt)
    EXPORTERS[fmt](small_atlas, target)
    written = target / "places.csv" if fmt == "csv" else target
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~umask  # as a new file's
    written.chmod(0o640)
    EXPORTERS[fmt](small_atlas, target)
    assert stat.S_IMODE(written.stat().st_mode) == 0o640  # the replaced file's

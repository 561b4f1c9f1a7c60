"""Exports: lossless CSV/JSON round trips, RFC 7946 GeoJSON, SQLite answers equal to the API."""

from __future__ import annotations

import csv
import itertools
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geojson
import pytest
from hypothesis import HealthCheck, given, settings

import twintowns
from twintowns.atlas import Atlas
from twintowns.dataset import _read_trusted
from twintowns.export import (
    FORMATS,
    SQLITE_SCHEMA,
    export,
    geojson_document,
    great_circle_line,
    json_document,
    subset,
    to_csv,
    to_geojson,
    to_json,
    to_sqlite,
)
from twintowns.geography import distance
from twintowns.model import Partnership, Place
from twintowns.schema import PARTNERSHIP_COLUMNS, PLACE_COLUMNS

from .conftest import make_place
from .strategies import export_atlases, points

BUNDLED = Path(twintowns.__file__).parent / "data"


def _same(loaded: Atlas, original: Atlas) -> None:
    """Equal atlases, including what Atlas equality leaves out (resolution, metadata)."""
    assert loaded == original
    assert [p.resolution for p in loaded.places] == [p.resolution for p in original.places]
    assert loaded.metadata == original.metadata


_SETTINGS = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])


# --------------------------------------------------------------------------- CSV / JSON


@_SETTINGS
@given(atlas=export_atlases())
def test_csv_round_trip_is_lossless(atlas: Atlas, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("csv")
    paths = to_csv(atlas, folder)
    assert [p.name for p in paths] == ["places.csv", "partnerships.csv", "metadata.json"]
    _same(twintowns.load(folder), atlas)
    _same(twintowns.load(folder / "places.csv"), atlas)


@_SETTINGS
@given(atlas=export_atlases())
def test_json_round_trip_is_lossless(
    atlas: Atlas, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("json") / "atlas.json"
    to_json(atlas, path)
    assert json.loads(path.read_text("utf-8")) == json_document(atlas)
    _same(twintowns.load(path), atlas)


@_SETTINGS
@given(atlas=export_atlases())
def test_csv_cells_never_start_a_formula(
    atlas: Atlas, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("csv")
    to_csv(atlas, folder)
    for name in ("places.csv", "partnerships.csv"):
        with (folder / name).open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        for row in rows[1:]:
            for column, cell in zip(header, row, strict=True):
                if column in ("latitude", "longitude", "population"):
                    float(cell or 0)  # numbers stay numbers, never quoted
                else:
                    assert not cell.startswith(("=", "+", "-", "@")), (column, cell)


def test_formula_cells_are_quoted_and_restored(tmp_path: Path) -> None:
    place = make_place("tt:a", '=HYPERLINK("x")', "FR", aliases=("@SUM(1)", "-1", "'s-Gravenhage"))
    other = make_place("tt:b", "+Plus", "DE", latitude=-33.5, longitude=-70.25)
    atlas = Atlas([place, other], [Partnership(place, other, note="=cmd|' /C calc'!A0")])
    to_csv(atlas, tmp_path)
    text = (tmp_path / "places.csv").read_text("utf-8")
    assert '"\'=HYPERLINK(""x"")"' in text
    assert "'@SUM(1)|-1|'s-Gravenhage" in text  # the list cell is escaped once, as a whole
    assert ",-33.5,-70.25," in text  # negative coordinates are numbers, not escaped
    loaded = twintowns.load(tmp_path)
    assert loaded.get("tt:a") is not None
    assert loaded.get("tt:a").name == '=HYPERLINK("x")'  # type: ignore[union-attr]
    assert loaded.get("tt:a").aliases == ("@SUM(1)", "-1", "'s-Gravenhage")  # type: ignore[union-attr]
    assert loaded.partnerships[0].note == "=cmd|' /C calc'!A0"


def test_csv_export_of_the_bundled_data_reproduces_its_files(tmp_path: Path) -> None:
    # read the files now (not the session's cached atlas): the data may be rebuilt meanwhile
    files = {name: (BUNDLED / name).read_bytes() for name in ("places.csv", "partnerships.csv")}
    atlas = _read_trusted(
        files["places.csv"].decode("utf-8"),
        files["partnerships.csv"].decode("utf-8"),
        {},
    )
    to_csv(atlas, tmp_path)
    for name, content in files.items():
        assert (tmp_path / name).read_bytes() == content, name


def test_json_export_of_a_bundled_subset_loads_back(tmp_path: Path) -> None:
    atlas = twintowns.load()
    part = subset(atlas, "Charlotte")
    to_json(part, tmp_path / "charlotte.json")
    again = twintowns.load(tmp_path / "charlotte.json")
    assert again == part
    names = {p.name for p in again.partners("gn:4460243")}
    assert {"Arequipa", "Krefeld", "Baoding", "Voronezh", "Limoges", "Wrocław", "Kumasi"} <= names


def test_subset_holds_the_place_its_partners_and_ties(small_atlas: Atlas) -> None:
    part = subset(small_atlas, "Charlotte")
    assert {p.id for p in part.places} == {"gn:1", "gn:2", "gn:8"}
    assert part.partnerships_of("gn:1") == small_atlas.partnerships_of("gn:1")
    active = subset(small_atlas, "Charlotte", status="active")
    assert [p.name for p in active.partners("gn:1")] == ["Arequipa"]


def _collect(seen: list[tuple[int, int]]) -> Callable[[int, int], None]:
    return lambda done, total: seen.append((done, total))


def test_progress_reports_every_record(small_atlas: Atlas, tmp_path: Path) -> None:
    for fmt in FORMATS:
        seen: list[tuple[int, int]] = []
        export(small_atlas, fmt, tmp_path / f"out.{fmt}", progress=_collect(seen))
        total = len(small_atlas.places) + len(small_atlas.partnerships)
        assert seen[-1] == (total, total), fmt
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_bad_arguments_raise_clear_errors(small_atlas: Atlas, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format 'xlsx'"):
        export(small_atlas, "xlsx", tmp_path / "x")
    with pytest.raises(IsADirectoryError, match="not a folder"):
        to_json(small_atlas, tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError):
        to_csv(small_atlas, tmp_path / "file")
    with pytest.raises(FileNotFoundError):
        to_sqlite(small_atlas, tmp_path / "missing" / "x.sqlite")
    with pytest.raises(FileNotFoundError):
        to_csv(small_atlas, tmp_path / "missing" / "folder")
    with pytest.raises(ValueError, match="segment_km"):
        great_circle_line((0, 0), (1, 1), segment_km=0)


# --------------------------------------------------------------------------- GeoJSON


def _lonlat_points(parts: list[list[list[float]]]) -> list[tuple[float, float]]:
    return [(lat, lon) for part in parts for lon, lat in part]


def _check_line(a: Place | tuple[float, float], b: Place | tuple[float, float], km: float) -> None:
    parts = great_circle_line(a, b, segment_km=km)
    total = distance(a, b)
    for part in parts:
        assert len(part) >= 2
        for lon, lat in part:
            assert -180 <= lon <= 180 and -90 <= lat <= 90
    # consecutive points are at most km apart, and the pieces add up to the great circle:
    # the line follows the arc (a detour would be longer).
    length = 0.0
    for part in parts:
        for (lon1, lat1), (lon2, lat2) in itertools.pairwise(part):
            step = distance((lat1, lon1), (lat2, lon2))
            assert step <= km * 1.001 + 0.001
            length += step
    assert length == pytest.approx(total, rel=1e-4, abs=0.01)
    for i in range(len(parts) - 1):  # pieces meet on the antimeridian at one latitude
        (lon_end, lat_end), (lon_start, lat_start) = parts[i][-1], parts[i + 1][0]
        assert abs(lon_end) == 180 and lon_start == -lon_end and lat_end == lat_start


def test_pacific_line_is_split_at_the_antimeridian() -> None:
    atlas = twintowns.load()
    los_angeles, nagoya = atlas.place("Los Angeles"), atlas.place("Nagoya")
    parts = great_circle_line(los_angeles, nagoya)
    assert len(parts) == 2
    assert parts[0][0] == [round(los_angeles.longitude, 6), round(los_angeles.latitude, 6)]
    assert parts[-1][-1] == [round(nagoya.longitude, 6), round(nagoya.latitude, 6)]
    # the great circle bows north of both cities
    assert (
        max(lat for lat, _ in _lonlat_points(parts))
        > max(los_angeles.latitude, nagoya.latitude) + 5
    )
    _check_line(los_angeles, nagoya, 100)


def test_polar_line_follows_the_great_circle_over_the_arctic() -> None:
    tromso, fairbanks = (69.65, 18.96), (64.84, -147.72)
    parts = great_circle_line(tromso, fairbanks, segment_km=50)
    assert max(lat for lat, _ in _lonlat_points(parts)) > 85
    _check_line(tromso, fairbanks, 50)
    _check_line((10.0, 0.0), (-10.0, 179.0), 300)  # crossing the equator and nearly antipodal
    for end in ((1.0, 180.0), (1.0, -180.0)):  # ends on the antimeridian: no jump across
        _check_line((0.0, -1.0), end, 100)
        _check_line(end, (0.0, -1.0), 100)
        _check_line((0.0, 179.0), end, 10)
        assert len(great_circle_line((0.0, 179.0), end, segment_km=10)) == 1


# more than the profile's 100: cheap, and lines near the poles or the antimeridian are rare draws
@settings(max_examples=200)
@given(points(89.0), points(89.0))
def test_great_circle_lines_are_valid_everywhere(
    a: tuple[float, float], b: tuple[float, float]
) -> None:
    if distance(a, b) > 19_900:  # (nearly) antipodal: no unique great circle
        return
    _check_line(a, b, 500)


def test_geojson_export_is_valid_rfc7946(small_atlas: Atlas, tmp_path: Path) -> None:
    path = to_geojson(small_atlas, tmp_path / "atlas.geojson")
    text = path.read_text("utf-8")
    document: Any = geojson.loads(text)
    assert document.is_valid, document.errors()
    assert document["type"] == "FeatureCollection" and "crs" not in document
    kinds = [f["properties"]["feature"] for f in document["features"]]
    assert kinds.count("place") == len(small_atlas.places)
    assert kinds.count("partnership") == len(small_atlas.partnerships)
    by_id = {f["id"]: f for f in document["features"]}
    charlotte = by_id["gn:1"]
    assert charlotte["geometry"] == {"type": "Point", "coordinates": [-80.8431, 35.2271]}
    assert charlotte["properties"]["name"] == "Charlotte"
    tie = by_id["gn:1~gn:8"]["properties"]
    assert (tie["a_name"], tie["b_name"], tie["status"], tie["established"]) == (
        "Charlotte",
        "Voronezh",
        "suspended",
        "1991",
    )
    assert tie["distance_km"] == pytest.approx(
        distance(small_atlas.place("gn:1"), small_atlas.place("gn:8")), abs=1e-3
    )
    # Orange CA – Orange AU crosses the Pacific and so the antimeridian
    pacific = by_id["gn:3~gn:5"]["geometry"]
    assert pacific["type"] == "MultiLineString"
    for feature in document["features"]:
        assert geojson.GeoJSON.to_instance(feature["geometry"]).is_valid


@_SETTINGS
@given(atlas=export_atlases())
def test_geojson_partnership_properties_are_lossless(atlas: Atlas) -> None:
    """Every partnership field, as_of and status_basis included, reads back from GeoJSON."""
    document = geojson_document(atlas, segment_km=5000)
    places = {p.id: p for p in atlas.places}
    found = []
    for feature in document["features"]:
        props = feature["properties"]
        if props["feature"] != "partnership":
            continue
        fields = {k: props[k] for k in PARTNERSHIP_COLUMNS}
        fields["a"], fields["b"] = places[props["a"]], places[props["b"]]
        found.append(Partnership(**fields))
    assert tuple(found) == atlas.partnerships


def test_geojson_of_bundled_charlotte_is_valid(tmp_path: Path) -> None:
    atlas = twintowns.load()
    document: Any = geojson.loads(json.dumps(geojson_document(subset(atlas, "Charlotte"))))
    assert document.is_valid, document.errors()
    lines = [f for f in document["features"] if f["properties"]["feature"] == "partnership"]
    assert len(lines) >= 7
    assert {f["properties"]["b_name"] for f in lines} | {
        f["properties"]["a_name"] for f in lines
    } >= {"Charlotte", "Arequipa", "Baoding", "Kumasi"}
    no_places = geojson_document(subset(atlas, "Charlotte"), places=False)
    assert len(no_places["features"]) == len(lines)


# --------------------------------------------------------------------------- SQLite


def _atlas_from_sqlite(path: Path) -> Atlas:
    """Rebuild an Atlas with plain SQL (what a program in another language would do)."""
    db = sqlite3.connect(path)
    aliases: dict[str, list[str]] = {}
    for pid, alias in db.execute("SELECT place_id, alias FROM place_aliases ORDER BY 1, position"):
        aliases.setdefault(pid, []).append(alias)
    places = {}
    columns = [c for c in PLACE_COLUMNS if c != "aliases"]
    for row in db.execute(f"SELECT {', '.join(columns)} FROM places"):
        values = dict(zip(columns, row, strict=True))
        places[values["id"]] = Place(**values, aliases=tuple(aliases.get(values["id"], ())))
    refs: dict[tuple[str, str, str], list[str]] = {}
    for a, b, kind, value in db.execute(
        "SELECT a, b, type, value FROM partnership_references ORDER BY a, b, type, position"
    ):
        refs.setdefault((a, b, kind), []).append(value)
    partnerships = []
    for a, b, kind, status, est, end, note, ca, cb, as_of, basis in db.execute(
        "SELECT a, b, kind, status, established, ended, note, claimed_by_a, claimed_by_b, "
        "as_of, status_basis FROM partnerships"
    ):
        partnerships.append(
            Partnership(
                places[a],
                places[b],
                kind=kind,
                status=status,
                established=est,
                ended=end,
                note=note,
                claimed_by=[pid for pid, flag in ((a, ca), (b, cb)) if flag],
                sources=refs.get((a, b, "source"), ()),
                urls=refs.get((a, b, "url"), ()),
                as_of=as_of,
                status_basis=basis,
            )
        )
    metadata = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM metadata")}
    db.close()
    return Atlas(places.values(), partnerships, metadata=metadata)


@_SETTINGS
@given(atlas=export_atlases())
def test_sqlite_holds_everything(atlas: Atlas, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = to_sqlite(atlas, tmp_path_factory.mktemp("db") / "atlas.sqlite")
    _same(_atlas_from_sqlite(path), atlas)


@pytest.fixture(scope="module")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return to_sqlite(twintowns.load(), tmp_path_factory.mktemp("db") / "twintowns.sqlite")


def test_sqlite_answers_equal_the_api(bundled_db: Path) -> None:
    atlas = twintowns.load()
    db = sqlite3.connect(bundled_db)
    charlotte = atlas.place("Charlotte")
    assert db.execute("SELECT count(*) FROM places").fetchone()[0] == len(atlas.places)
    assert db.execute("SELECT count(*) FROM partnerships").fetchone()[0] == len(atlas.partnerships)
    rows = db.execute(
        "SELECT pl.id, pl.name, pa.status FROM partners AS pa JOIN places AS pl "
        "ON pl.id = pa.partner_id WHERE pa.place_id = ? ORDER BY pl.name, pl.id",
        (charlotte.id,),
    ).fetchall()
    assert rows == [
        (p.other(charlotte).id, p.other(charlotte).name, p.status.value)
        for p in atlas.partnerships_of(charlotte)
    ]
    active = db.execute(
        "SELECT partner_id FROM partners WHERE place_id = ? AND status = 'active'", (charlotte.id,)
    ).fetchall()
    assert sorted(r[0] for r in active) == sorted(
        p.id for p in atlas.partners(charlotte, status="active")
    )
    # the most partnered places, by SQL and by Python
    sql_top = db.execute(
        "SELECT place_id, count(*) AS n FROM partners GROUP BY place_id ORDER BY n DESC, place_id "
        "LIMIT 5"
    ).fetchall()
    assert [n for _, n in sql_top] == [atlas.degree(pid) for pid, _ in sql_top]
    assert sql_top[0][1] == max(atlas.degree(p) for p in atlas.places)
    # a lookup by alias, through its index
    (pid,) = db.execute(
        "SELECT place_id FROM place_aliases WHERE alias = 'Charlotte, North Carolina'"
    ).fetchone()
    assert pid == charlotte.id
    per_country = dict(db.execute("SELECT country, count(*) FROM places GROUP BY country"))
    assert per_country["US"] == sum(p.country == "US" for p in atlas.places)
    db.close()


def test_sqlite_schema_has_keys_and_indexes(bundled_db: Path) -> None:
    db = sqlite3.connect(bundled_db)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"places_name", "places_country", "partnerships_b", "place_aliases_alias"} <= indexes
    plan = " ".join(
        str(r) for r in db.execute("EXPLAIN QUERY PLAN SELECT * FROM partnerships WHERE b = 'x'")
    )
    assert "partnerships_b" in plan
    foreign = {r[2] for r in db.execute("PRAGMA foreign_key_list(partnerships)")}
    assert foreign == {"places"}
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("INSERT INTO place_aliases VALUES ('gn:nope', 0, 'x')")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO partnerships VALUES ('gn:2', 'gn:1', 'sister', 'active', NULL, NULL, "
            "'', 0, 0, NULL, 'listed')"
        )
    db.close()
    assert "CREATE TABLE partnerships" in SQLITE_SCHEMA

"""Tests of twintowns.geography: distances, bearings, time differences."""

from __future__ import annotations

import math
import subprocess
import sys
import zoneinfo
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction

import haversine
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests import strategies
from twintowns.errors import PlaceNotFound
from twintowns.geography import (
    EARTH_RADIUS_KM,
    UNITS,
    MissingDependencyError,
    as_point,
    bearing,
    distance,
    distances,
    local_time,
    parse_unit,
    time_difference,
)
from twintowns.model import Partnership, Place

CHARLOTTE = Place(
    id="tt:charlotte",
    name="Charlotte",
    country="US",
    subdivision="US-NC",
    latitude=35.2271,
    longitude=-80.8431,
    timezone="America/New_York",
    continent="NA",
)
AREQUIPA = Place(
    id="tt:arequipa",
    name="Arequipa",
    country="PE",
    latitude=-16.3989,
    longitude=-71.5350,
    timezone="America/Lima",
    continent="SA",
)
BAODING = Place(
    id="tt:baoding",
    name="Baoding",
    country="CN",
    latitude=38.8671,
    longitude=115.4845,
    timezone="Asia/Shanghai",
    continent="AS",
)

HALF_CIRCUMFERENCE_KM = math.pi * EARTH_RADIUS_KM

points = strategies.points()
# the interesting corners: poles and antimeridian
edge_points = strategies.edge_points(
    1.0, st.sampled_from([(90.0, 0.0), (-90.0, 0.0), (0.0, 180.0), (0.0, -180.0), (0.0, 0.0)])
)
zones = st.sampled_from(sorted(zoneinfo.available_timezones()))
instants = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


# --------------------------------------------------------------------------
# distance


def test_charlotte_arequipa() -> None:
    km = distance(CHARLOTTE, AREQUIPA)
    assert km == haversine.haversine(CHARLOTTE.coordinates, AREQUIPA.coordinates)
    assert round(distance(CHARLOTTE, AREQUIPA, unit="mi")) == 3619
    assert distance(CHARLOTTE, AREQUIPA, unit="mi") == pytest.approx(km * 0.621371192, rel=1e-15)
    assert distance(CHARLOTTE.coordinates, [-16.3989, -71.535]) == km


def test_geodesic_known_value() -> None:
    # Vincenty's classic Flinders Peak -> Buninyong example: 54 972.271 m on WGS-84
    flinders = (-(37 + 57 / 60 + 3.72030 / 3600), 144 + 25 / 60 + 29.52440 / 3600)
    buninyong = (-(37 + 39 / 60 + 10.15610 / 3600), 143 + 55 / 60 + 35.38390 / 3600)
    assert distance(flinders, buninyong, unit="m", method="geodesic") == pytest.approx(
        54972.271, abs=1e-3
    )


@pytest.mark.parametrize("unit", list(haversine.Unit))
def test_units_agree_with_haversine_package(unit: haversine.Unit) -> None:
    ours = distance(CHARLOTTE, BAODING, unit=unit)
    theirs = haversine.haversine(CHARLOTTE.coordinates, BAODING.coordinates, unit=unit)
    assert ours == pytest.approx(theirs, rel=1e-14)
    assert distance(CHARLOTTE, BAODING, unit=unit.value) == ours


@given(edge_points, edge_points)
def test_symmetric(a: tuple[float, float], b: tuple[float, float]) -> None:
    assert distance(a, b) == distance(b, a)
    assert distance(a, b, method="geodesic") == pytest.approx(
        distance(b, a, method="geodesic"), rel=1e-12, abs=1e-9
    )


@given(edge_points)
def test_zero_to_itself(a: tuple[float, float]) -> None:
    assert distance(a, a) == 0.0
    assert distance(a, a, method="geodesic") == 0.0


@given(edge_points, edge_points)
def test_at_most_half_the_circumference(a: tuple[float, float], b: tuple[float, float]) -> None:
    d = distance(a, b)
    assert 0.0 <= d <= HALF_CIRCUMFERENCE_KM * (1 + 1e-15)
    assert distance(a, b, unit="rad") <= math.pi * (1 + 1e-15)


@given(edge_points, edge_points, edge_points)
def test_triangle_inequality(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]
) -> None:
    # haversine's asin loses digits near the antipode: about 1e-4 km at worst
    assert distance(a, c) <= distance(a, b) + distance(b, c) + 1e-3


@given(edge_points, edge_points, st.sampled_from(sorted(UNITS)))
def test_unit_conversions_consistent(
    a: tuple[float, float], b: tuple[float, float], unit: str
) -> None:
    km = distance(a, b)
    assert distance(a, b, unit=unit) == pytest.approx(km * UNITS[unit], rel=1e-15)
    assert distance(a, b, unit="m") == pytest.approx(1000 * km, rel=1e-15)
    assert distance(a, b, unit="mi") == pytest.approx(km / 1.609344, rel=1e-8)
    assert distance(a, b, unit="nmi") == pytest.approx(km / 1.852, rel=1e-8)
    g = distance(a, b, method="geodesic")
    assert distance(a, b, unit=unit, method="geodesic") == pytest.approx(g * UNITS[unit], rel=1e-15)


# many more than the profile's 100: cheap, and the worst cases (short hops near the
# equator, near-antipodes) are rare draws
@settings(max_examples=2000)
@given(edge_points, edge_points)
def test_haversine_within_0_6_percent_of_geodesic(
    a: tuple[float, float], b: tuple[float, float]
) -> None:
    h = distance(a, b)
    g = distance(a, b, method="geodesic")
    assert abs(h - g) <= 0.006 * g + 1e-9, (a, b, h, g, (h - g) / g)


def test_haversine_vs_geodesic_worst_cases() -> None:
    # short north-south hops at the equator are where the sphere is furthest
    # from WGS-84 (meridional radius of curvature 6335.4 km vs 6371.0 km)
    h = distance((0.0, 0.0), (0.001, 0.0))
    g = distance((0.0, 0.0), (0.001, 0.0), method="geodesic")
    assert 0.0055 < (h - g) / g < 0.006
    # and near-antipodal points
    h = distance((0.0, 0.0), (0.5, 179.7))
    g = distance((0.0, 0.0), (0.5, 179.7), method="geodesic")
    assert abs(h - g) <= 0.006 * g


def test_geodesic_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "geographiclib", None)
    monkeypatch.setitem(sys.modules, "geographiclib.geodesic", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'twintowns\[geodesic\]'"):
        distance(CHARLOTTE, AREQUIPA, method="geodesic")
    with pytest.raises(ImportError):
        distance(CHARLOTTE, AREQUIPA, method="geodesic")
    # the default method does not need it
    assert distance(CHARLOTTE, AREQUIPA) > 0


def test_unknown_unit_and_method() -> None:
    with pytest.raises(ValueError, match="'furlongs'"):
        distance(CHARLOTTE, AREQUIPA, unit="furlongs")
    with pytest.raises(TypeError, match="3"):
        distance(CHARLOTTE, AREQUIPA, unit=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'vincenty'"):
        distance(CHARLOTTE, AREQUIPA, method="vincenty")
    with pytest.raises(TypeError, match="None"):
        distance(CHARLOTTE, AREQUIPA, method=None)  # type: ignore[arg-type]


def test_parse_unit() -> None:
    for member in haversine.Unit:
        assert parse_unit(member) == member.value
    assert parse_unit("Miles") == "mi"
    assert parse_unit(" nautical  miles ") == "nmi"
    assert parse_unit("km") == "km"
    with pytest.raises(ValueError, match="'parsec'"):
        parse_unit("parsec")


# --------------------------------------------------------------------------
# points


@pytest.mark.parametrize(
    ("value", "error", "shown"),
    [
        ((math.nan, 0.0), ValueError, "nan"),
        ((0.0, math.inf), ValueError, "inf"),
        ((-math.inf, 0.0), ValueError, "-inf"),
        ((90.5, 0.0), ValueError, "90.5"),
        ((0.0, -180.25), ValueError, "-180.25"),
        ((True, 0.0), TypeError, "True"),
        ((0.0, False), TypeError, "False"),
        (("35.2", "-80.8"), TypeError, "'35.2'"),
        ((None, 1.0), TypeError, "None"),
        ((1.0, 2.0, 3.0), ValueError, "(1.0, 2.0, 3.0)"),
        ((1.0,), ValueError, "(1.0,)"),
        ([], ValueError, "[]"),
        ("35.2,-80.8", TypeError, "'35.2,-80.8'"),
        (None, TypeError, "None"),
        (42, TypeError, "42"),
        ({"lat": 1.0, "lon": 2.0}, TypeError, "'lat'"),
        ({1.0, 2.0}, TypeError, "{"),
    ],
)
def test_bad_points_are_named(value: object, error: type[Exception], shown: str) -> None:
    with pytest.raises(error) as info:
        as_point(value)
    assert shown in str(info.value)
    # a string is a place name for the functions twintowns exports, so not found there
    error = PlaceNotFound if isinstance(value, str) else error
    with pytest.raises(error) as info:
        distance(value, (0.0, 0.0))  # type: ignore[arg-type]
    assert shown in str(info.value)
    with pytest.raises(error):
        bearing((0.0, 0.0), value)  # type: ignore[arg-type]


def test_as_point_accepts_numbers() -> None:
    import numpy as np

    assert as_point((1, -2)) == (1.0, -2.0)
    assert as_point([Fraction(1, 2), 3]) == (0.5, 3.0)
    assert as_point(np.array([10.5, 20.25], dtype=np.float32)) == (10.5, 20.25)
    assert as_point((np.int64(5), np.float64(6.5))) == (5.0, 6.5)
    assert as_point(CHARLOTTE) == (35.2271, -80.8431)
    assert as_point((90, -180)) == (90.0, -180.0)
    lat, lon = as_point((1, 2))
    assert type(lat) is float and type(lon) is float


# --------------------------------------------------------------------------
# bearing


def test_bearing_known_values() -> None:
    assert bearing((0, 0), (0, 10)) == 90.0
    assert bearing((0, 0), (0, -10)) == 270.0
    assert bearing((0, 0), (10, 0)) == 0.0
    assert bearing((0, 0), (-10, 0)) == 180.0
    assert bearing((10, 20), (10, 20)) == 0.0
    assert bearing((0, 179.5), (0, -179.5)) == 90.0  # across the antimeridian
    assert bearing((-89.0, 0.0), (90.0, 0.0)) == 0.0
    assert bearing(CHARLOTTE, AREQUIPA) == pytest.approx(168.70243, abs=1e-5)


@given(edge_points, edge_points)
def test_bearing_range(a: tuple[float, float], b: tuple[float, float]) -> None:
    result = bearing(a, b)
    assert 0.0 <= result < 360.0
    assert math.copysign(1.0, result) == 1.0


@given(points, points)
def test_bearing_matches_spherical_geodesic(a: tuple[float, float], b: tuple[float, float]) -> None:
    from geographiclib.geodesic import Geodesic

    assume(0.01 < distance(a, b) < HALF_CIRCUMFERENCE_KM - 1.0)
    assume(abs(a[0]) < 89.9)
    sphere = Geodesic(EARTH_RADIUS_KM * 1000, 0.0)
    azimuth = sphere.Inverse(a[0], a[1], b[0], b[1])["azi1"] % 360.0
    diff = abs(bearing(a, b) - azimuth) % 360.0
    assert min(diff, 360.0 - diff) < 1e-6


# --------------------------------------------------------------------------
# time


JUNE = datetime(2026, 6, 15, 12, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 15, 12, tzinfo=UTC)


def test_charlotte_baoding() -> None:
    assert time_difference(CHARLOTTE, BAODING, at=JUNE) == timedelta(hours=12)
    assert time_difference(CHARLOTTE, BAODING, at=DECEMBER) == timedelta(hours=13)
    assert time_difference(BAODING, CHARLOTTE, at=DECEMBER) == timedelta(hours=-13)
    assert time_difference(CHARLOTTE, "Asia/Shanghai", at=JUNE) == timedelta(hours=12)
    assert time_difference(CHARLOTTE, CHARLOTTE) == timedelta(0)


def test_dst_switch_instant() -> None:
    # US clocks go forward at 2026-03-08 07:00 UTC
    before = datetime(2026, 3, 8, 6, 59, tzinfo=UTC)
    after = datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert time_difference(CHARLOTTE, "UTC", at=before) == timedelta(hours=5)
    assert time_difference(CHARLOTTE, "UTC", at=after) == timedelta(hours=4)
    # any aware datetime names the instant, whatever its own zone
    eastern = after.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert time_difference(CHARLOTTE, "UTC", at=eastern) == timedelta(hours=4)
    plus_five = after.astimezone(timezone(timedelta(hours=5)))
    assert time_difference(CHARLOTTE, BAODING, at=plus_five) == timedelta(hours=12)


@given(zones, zones, instants)
def test_time_difference_antisymmetric(a: str, b: str, at: datetime) -> None:
    assert time_difference(a, b, at=at) == -time_difference(b, a, at=at)
    assert time_difference(a, a, at=at) == timedelta(0)


@given(zones, zones, zones, instants)
def test_time_difference_adds_up(a: str, b: str, c: str, at: datetime) -> None:
    assert time_difference(a, c, at=at) == time_difference(a, b, at=at) + time_difference(
        b, c, at=at
    )


def test_time_difference_default_is_now() -> None:
    assert time_difference("UTC", "Etc/GMT-3") == timedelta(hours=3)  # POSIX sign convention
    assert time_difference("Asia/Shanghai", "Asia/Tokyo") == timedelta(hours=1)


def test_naive_datetime_rejected_with_reason() -> None:
    naive = datetime(2026, 6, 15, 12)
    with pytest.raises(ValueError, match="naive") as info:
        time_difference(CHARLOTTE, BAODING, at=naive)
    assert "datetime.datetime(2026, 6, 15, 12, 0)" in str(info.value)
    assert "aware" in str(info.value)
    with pytest.raises(ValueError, match="naive"):
        local_time(BAODING, naive)


def test_bad_time_arguments() -> None:
    with pytest.raises(TypeError, match="'2026-06-15'"):
        time_difference(CHARLOTTE, BAODING, at="2026-06-15")  # type: ignore[arg-type]
    # not an IANA key, so a place name: and no place has it
    with pytest.raises(PlaceNotFound, match="'Mars/Olympus'"):
        time_difference(CHARLOTTE, "Mars/Olympus", at=JUNE)
    with pytest.raises(TypeError, match="42"):
        time_difference(42, BAODING, at=JUNE)  # type: ignore[arg-type]


def test_local_time() -> None:
    assert local_time(BAODING, JUNE) == JUNE
    assert local_time(BAODING, JUNE).isoformat() == "2026-06-15T20:00:00+08:00"
    assert local_time(CHARLOTTE, DECEMBER).isoformat() == "2026-12-15T07:00:00-05:00"
    now = local_time(CHARLOTTE)
    assert now.tzinfo == zoneinfo.ZoneInfo("America/New_York")
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=1)


# --------------------------------------------------------------------------
# distances


def _place(i: int, lat: float, lon: float) -> Place:
    return Place(id=f"tt:p{i}", name=f"P{i}", country="FJ", latitude=lat, longitude=lon)


pair_lists = st.lists(st.tuples(edge_points, edge_points), max_size=30)


@given(pair_lists, st.sampled_from(["km", "mi", "m", "nmi"]))
def test_distances_match_distance(pairs: list[tuple[tuple[float, float], ...]], unit: str) -> None:
    expected = [distance(a, b, unit=unit) for a, b in pairs]
    assert distances(pairs, unit=unit) == pytest.approx(expected, rel=1e-12, abs=1e-9)


@given(pair_lists)
def test_distances_without_numpy_is_exact(pairs: list[tuple[tuple[float, float], ...]]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(sys.modules, "numpy", None)
        got = distances(pairs, unit="mi")
        km = distances(pairs)
    assert got == [distance(a, b, unit="mi") for a, b in pairs]
    assert km == [distance(a, b) for a, b in pairs]


def test_distances_of_partnerships_and_mixed_pairs() -> None:
    p1 = Partnership(a=CHARLOTTE, b=AREQUIPA)
    p2 = Partnership(a=CHARLOTTE, b=BAODING)
    items: list[object] = [p1, (CHARLOTTE, BAODING.coordinates), p2, [(0, 0), (0, 1)]]
    expected = [
        distance(CHARLOTTE, AREQUIPA),
        distance(CHARLOTTE, BAODING),
        distance(CHARLOTTE, BAODING),
        distance((0, 0), (0, 1)),
    ]
    assert distances(items) == pytest.approx(expected, rel=1e-12)
    assert distances(iter(items)) == pytest.approx(expected, rel=1e-12)
    assert distances([]) == []
    assert distances(iter([])) == []


def test_distances_of_numpy_array() -> None:
    import numpy as np

    pairs = [((0.0, 0.0), (0.0, 1.0)), ((35.2271, -80.8431), (-16.3989, -71.535))]
    array = np.array(pairs)
    assert array.shape == (2, 2, 2)
    assert distances(array, unit="mi") == pytest.approx(distances(pairs, unit="mi"), rel=1e-14)
    assert distances(np.zeros((0, 2, 2))) == []
    assert distances(np.array([[[0, 0], [0, 1]]], dtype=np.int32)) == pytest.approx(
        [distance((0, 0), (0, 1))]
    )
    bad = np.array(pairs)
    bad[1, 1, 0] = np.nan
    with pytest.raises(ValueError, match=r"nan"):
        distances(bad)
    bad[1, 1, 0] = 95.0
    with pytest.raises(ValueError, match=r"95\.0"):
        distances(bad)
    with pytest.raises(ValueError, match=r"shape \(2, 4\)"):
        distances(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="dtype bool"):
        distances(np.zeros((2, 2, 2), dtype=bool))


def test_distances_errors_name_the_pair() -> None:
    with pytest.raises(ValueError, match=r"pairs\[1\].*nan"):
        distances([((0, 0), (1, 1)), ((math.nan, 0), (1, 1))])
    with pytest.raises(TypeError, match=r"pairs\[0\].*'abc'"):
        distances(["abc"])
    with pytest.raises(ValueError, match=r"pairs\[0\].*3 items"):
        distances([((0, 0), (1, 1), (2, 2))])
    with pytest.raises(TypeError, match=r"pairs\[2\].*None"):
        distances([((0, 0), (1, 1)), ((0, 0), (1, 1)), None])
    with pytest.raises(ValueError, match="'lightyear'"):
        distances([], unit="lightyear")


def test_many_partnerships() -> None:
    places = [_place(i, (i * 7.3) % 180 - 90, (i * 13.7) % 360 - 180) for i in range(200)]
    pairs = [Partnership(a=places[i], b=places[(i * 31 + 7) % 200]) for i in range(200) if i != 7]
    got = distances(pairs, unit="nmi")
    assert got == pytest.approx([distance(p.a, p.b, unit="nmi") for p in pairs], rel=1e-12)


# --------------------------------------------------------------------------
# import cost


def test_import_is_light() -> None:
    code = (
        "import sys, twintowns, twintowns.geography, twintowns.spatial\n"
        "heavy = [m for m in ('numpy', 'haversine', 'geographiclib') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"

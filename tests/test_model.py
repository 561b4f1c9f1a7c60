"""Domain objects: construction-time validation, ordering, partners."""

from __future__ import annotations

import datetime as dt
import math

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import make_place
from twintowns.model import (
    Continent,
    DatePrecision,
    PartialDate,
    Partnership,
    PartnershipKind,
    Place,
    PlaceKind,
    Status,
)


def test_place_is_frozen_and_slotted() -> None:
    p = make_place("gn:1", "Charlotte", "US")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        p.name = "x"  # type: ignore[misc]
    assert not hasattr(p, "__dict__")


def test_enum_fields_accept_values() -> None:
    p = make_place("gn:1", "A", "US", kind="district", continent="NA")
    assert p.kind is PlaceKind.DISTRICT and p.continent is Continent.NA
    assert Continent.NA.label == "North America"


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("latitude", float("nan"), "finite"),
        ("latitude", 91, "within"),
        ("longitude", -180.5, "within"),
        ("longitude", float("inf"), "finite"),
        ("latitude", True, "number"),
        ("latitude", "north", "not a number"),
        ("timezone", "Mars/Olympus", "time zone"),
        ("subdivision", "CA", "ISO 3166-2"),
        ("subdivision", "FR-PAC", "not in country"),
        ("population", -1, "population"),
        ("kind", "village", "PlaceKind"),
        ("continent", "XX", "Continent"),
        ("aliases", ("a|b",), "'|'"),
    ],
)
def test_place_rejects_bad_values(field: str, value: object, fragment: str) -> None:
    with pytest.raises((TypeError, ValueError), match=fragment) as info:
        make_place("gn:1", "Charlotte", "US", **{field: value})
    assert fragment in str(info.value)


@pytest.mark.parametrize("bad", ["", "4460243", "gn:", "gn: 1", "GN:1", "gn:1|2"])
def test_place_id_format(bad: str) -> None:
    with pytest.raises(ValueError, match="place id"):
        make_place(bad, "A", "US")


@pytest.mark.parametrize(("name", "fragment"), [("  ", "empty"), ("bad\x00name", "control")])
def test_place_name_checked(name: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        make_place("gn:1", name, "US")


def test_country_format() -> None:
    with pytest.raises(ValueError, match="alpha-2"):
        make_place("gn:1", "A", "usa")


def test_partial_date_parse_and_order() -> None:
    d = PartialDate.parse("1962-02-05")
    assert d.precision is DatePrecision.DAY and d.as_date() == dt.date(1962, 2, 5)
    assert PartialDate.parse("1962").precision is DatePrecision.YEAR
    assert PartialDate.parse("1961-12") < PartialDate.parse("1962")
    for bad in ["1962-13", "1962-02-30", "62", "1962/02", "", "1962-2"]:
        with pytest.raises(ValueError, match="invalid date"):
            PartialDate.parse(bad)
    with pytest.raises(ValueError, match="needs a month"):
        PartialDate(1962, None, 5)


@given(st.dates(min_value=dt.date(1, 1, 1)), st.sampled_from(["year", "month", "day"]))
def test_partial_date_round_trip(day: dt.date, precision: str) -> None:
    month = None if precision == "year" else day.month
    dd = day.day if precision == "day" else None
    d = PartialDate(day.year, month, dd)
    assert PartialDate.parse(str(d)) == d


def test_partnership_canonical_order_and_other() -> None:
    a = make_place("gn:2", "B", "US")
    b = make_place("gn:1", "A", "FR")
    p = Partnership(a, b, claimed_by=("gn:2",))
    assert p.ids == ("gn:1", "gn:2")
    assert p.other(a) == b and p.other("gn:1") == a
    assert not p.reciprocal
    assert Partnership(a, b, claimed_by="gn:1|gn:2").reciprocal
    with pytest.raises(ValueError, match="not part of"):
        p.other(make_place("gn:3", "C", "US"))
    with pytest.raises(ValueError, match="itself"):
        Partnership(a, a)
    with pytest.raises(ValueError, match="outside"):
        Partnership(a, b, claimed_by=("gn:3",))
    with pytest.raises(TypeError, match="Place"):
        Partnership(a, "gn:1")  # type: ignore[arg-type]


def test_partnership_defaults_and_dates() -> None:
    a = make_place("gn:2", "B", "US")
    b = make_place("gn:1", "A", "FR")
    p = Partnership(a, b, established=dt.date(1990, 5, 1), ended="2018")
    assert p.kind is PartnershipKind.SISTER and p.status is Status.ACTIVE
    assert str(p.established) == "1990-05-01" and str(p.ended) == "2018"
    with pytest.raises(TypeError, match="datetime"):
        Partnership(a, b, established=dt.datetime(1990, 1, 1))


places = st.builds(
    Place,
    id=st.integers(1, 10**9).map(lambda n: f"gn:{n}"),
    name=st.text(min_size=1, max_size=20)
    .map(str.strip)
    .filter(
        lambda s: (
            bool(s)
            and not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in s)
            and "\u2028" not in s
            and "\u2029" not in s
        )
    ),
    country=st.sampled_from(["US", "FR", "DE"]),
    latitude=st.floats(-90, 90),
    longitude=st.floats(-180, 180),
)


@given(places, places)
def test_other_of_other_is_identity(x: Place, y: Place) -> None:
    if x.id == y.id:
        return
    p = Partnership(x, y)
    assert p.other(p.other(x)) == x
    assert p.other(p.other(y)) == y
    assert math.isfinite(x.latitude)


def test_partial_date_coerce() -> None:
    d = PartialDate.parse("1962-02-05")
    assert PartialDate.coerce(d) is d
    assert PartialDate.coerce("1962-02-05") == d == PartialDate.coerce(dt.date(1962, 2, 5))
    with pytest.raises(TypeError, match="datetime"):
        PartialDate.coerce(dt.datetime(1962, 2, 5, 12))
    with pytest.raises(TypeError, match="1962"):
        PartialDate.coerce(1962)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        PartialDate.coerce("")

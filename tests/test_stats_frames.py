"""to_pandas: documented columns and dtypes; counts agree with a pandas groupby."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import make_place
from tests.strategies import COUNTRIES, atlases, export_atlases, status_filters
from twintowns import stats
from twintowns.atlas import Atlas
from twintowns.model import (
    Continent,
    PartialDate,
    Partnership,
    PartnershipKind,
    PlaceKind,
    Status,
    StatusBasis,
)

A = make_place("t:a", "Alpha", "US", subdivision="US-NC", population=10, continent="NA")
B = make_place("t:b", "Beta", "FR", ascii_name="Beta", latitude=44.5, longitude=4.25)
C = make_place("t:c", "Gamma", "FR", kind="region", subdivision="FR-PAC")
AB = Partnership(A, B, established="1962-02-05", claimed_by=("t:a", "t:b"), note="=1+1")
AC = Partnership(
    A,
    C,
    kind="friendship",
    status="ended",
    established="1990",
    ended="2018-07",
    as_of="2026-11-23",
    status_basis="confirmed",
)


def test_columns_dtypes_and_values() -> None:
    places, partnerships = stats.to_pandas(Atlas([A, B, C], [AB, AC]))
    assert places.index.name == "id" and str(places.index.dtype) == "string"
    assert list(places.index) == ["t:a", "t:b", "t:c"]
    assert {col: str(dtype) for col, dtype in places.dtypes.items()} == {
        "name": "string",
        "ascii_name": "string",
        "country": "category",
        "subdivision": "string",
        "kind": "category",
        "latitude": "float64",
        "longitude": "float64",
        "timezone": "category",
        "population": "Int64",
        "continent": "category",
        "partnerships": "int64",
        "wikidata": "string",
    }
    assert list(places["kind"].cat.categories) == [k.value for k in PlaceKind]
    assert list(places["continent"].cat.categories) == [c.value for c in Continent]
    assert places.loc["t:a", "population"] == 10 and pd.isna(places.loc["t:b", "population"])
    assert pd.isna(places.loc["t:a", "ascii_name"]) and places.loc["t:b", "ascii_name"] == "Beta"
    assert places.loc["t:b", "longitude"] == 4.25 and pd.isna(places.loc["t:b", "subdivision"])
    assert places["partnerships"].tolist() == [2, 1, 1]

    assert {col: str(dtype) for col, dtype in partnerships.dtypes.items()} == {
        "a": "string",
        "b": "string",
        "a_name": "string",
        "b_name": "string",
        "a_country": "category",
        "b_country": "category",
        "kind": "category",
        "status": "category",
        "established": "datetime64[s]",
        "established_precision": "category",
        "ended": "datetime64[s]",
        "ended_precision": "category",
        "reciprocal": "bool",
        "note": "string",
        "as_of": "datetime64[s]",
        "as_of_precision": "category",
        "status_basis": "category",
    }
    assert list(partnerships["status"].cat.categories) == [s.value for s in Status]
    assert list(partnerships["kind"].cat.categories) == [k.value for k in PartnershipKind]
    assert list(partnerships["status_basis"].cat.categories) == ["listed", "confirmed"]
    assert partnerships["status_basis"].tolist() == ["listed", "confirmed"]
    assert pd.isna(partnerships.iloc[0]["as_of"])
    assert partnerships.iloc[1]["as_of"].date() == dt.date(2026, 11, 23)
    assert partnerships.iloc[1]["as_of_precision"] == "day"
    first, second = partnerships.iloc[0], partnerships.iloc[1]
    assert (first["a"], first["b"], first["b_name"]) == ("t:a", "t:b", "Beta")
    assert first["established"].date() == dt.date(1962, 2, 5)
    assert first["established_precision"] == "day" and pd.isna(first["ended"])
    assert pd.isna(first["ended_precision"]) and bool(first["reciprocal"])
    assert first["note"] == "=1+1"  # the real value, not a spreadsheet-escaped one
    assert second["established"].year == 1990 and second["established_precision"] == "year"
    assert second["ended"].date() == dt.date(2018, 7, 1) and second["ended_precision"] == "month"
    assert (second["kind"], second["status"], bool(second["reciprocal"])) == (
        "friendship",
        "ended",
        False,
    )


def test_status_filter_and_empty_atlas() -> None:
    places, partnerships = stats.to_pandas(Atlas([A, B, C], [AB, AC]), status="active")
    assert len(partnerships) == 1 and places["partnerships"].tolist() == [1, 1, 0]
    places, partnerships = stats.to_pandas(Atlas([]))
    assert places.empty and partnerships.empty
    assert str(partnerships["established"].dtype) == "datetime64[s]"


def groupby_top(partnerships: Any, country: str | None, international: bool) -> list[Any]:
    """top_places the pandas way: stack both sides, group by place, count."""
    df = partnerships
    if international:
        df = df[df["a_country"].astype(str) != df["b_country"].astype(str)]
    sides = pd.concat(
        [
            df[["a", "a_name", "a_country"]].set_axis(["id", "name", "country"], axis=1),
            df[["b", "b_name", "b_country"]].set_axis(["id", "name", "country"], axis=1),
        ]
    )
    if country is not None:
        sides = sides[sides["country"].astype(str) == country]
    counts = sides.groupby(["id", "name"], observed=True).size().reset_index(name="n")
    counts = counts.sort_values(["n", "name", "id"], ascending=[False, True, True])
    return list(zip(counts["id"], counts["n"], strict=True))


@given(atlases(), status_filters, st.sampled_from([None, *COUNTRIES]), st.booleans())
def test_counts_agree_with_pandas_groupby(
    atlas: Atlas, status: Any, country: str | None, international: bool
) -> None:
    _places, partnerships = stats.to_pandas(atlas, status=status)
    ours = stats.top_places(
        atlas, len(atlas.places), country=country, international_only=international, status=status
    )
    assert [(p.id, n) for p, n in ours] == groupby_top(partnerships, country, international)
    if country is None:
        return
    a_side = partnerships[
        (partnerships["a_country"].astype(str) == country)
        & (partnerships["b_country"].astype(str) != country)
    ]["b_country"].astype(str)
    b_side = partnerships[
        (partnerships["b_country"].astype(str) == country)
        & (partnerships["a_country"].astype(str) != country)
    ]["a_country"].astype(str)
    counted = pd.concat([a_side, b_side]).rename("country").to_frame()
    per_country = counted.groupby("country").size().reset_index(name="n")
    per_country = per_country.sort_values(["n", "country"], ascending=[False, True])
    expected = list(zip(per_country["country"], per_country["n"], strict=True))
    assert stats.partner_countries(atlas, country, status=status) == expected


def _partial(stamp: Any, precision: Any) -> PartialDate | None:
    """A date column and its precision column back to the PartialDate."""
    if pd.isna(stamp):
        return None
    d = stamp.date()
    return PartialDate(
        d.year,
        d.month if precision in ("month", "day") else None,
        d.day if precision == "day" else None,
    )


# fewer than the profile's 100: each example builds a DataFrame
@settings(max_examples=40)
@given(atlas=export_atlases())
def test_partnership_frame_is_lossless_for_dates_and_status_basis(atlas: Atlas) -> None:
    """The dates (with their precision) and the status basis round-trip through the frame."""
    _places, frame = stats.to_pandas(atlas)
    for p, (_i, row) in zip(atlas.partnerships, frame.iterrows(), strict=True):
        assert (row["a"], row["b"]) == p.ids
        for name in ("established", "ended", "as_of"):
            assert _partial(row[name], row[f"{name}_precision"]) == getattr(p, name)
        assert StatusBasis(row["status_basis"]) is p.status_basis
        assert (row["kind"], row["status"], row["note"]) == (
            p.kind.value,
            p.status.value,
            p.note,
        )

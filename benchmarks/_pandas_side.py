"""What a user would otherwise write with pandas: the anchor side of the benchmarks.

Imports only pandas (and numpy, haversine for distances), never twintowns, so a
fresh process running it pays for pandas alone.  Every function returns the
answer in the shape twintowns gives, so the benchmarks check both sides agree.

``python -m benchmarks._pandas_side places.csv partnerships.csv`` reads the
two files and answers the four statistics (the cold-process row).
"""

from __future__ import annotations

import sys
from typing import Any

import pandas as pd

__all__ = [
    "by_decade",
    "country_pairs",
    "distances",
    "first_answer",
    "four",
    "partner_countries",
    "read",
    "top_places",
]


def read(places_csv: str, partnerships_csv: str) -> tuple[Any, Any]:
    """Both files as DataFrames (empty cells kept as "", as twintowns reads them)."""
    places = pd.read_csv(places_csv, keep_default_na=False)
    links = pd.read_csv(partnerships_csv, keep_default_na=False)
    return places, links


def top_places(places: Any, links: Any, n: int = 10) -> list[tuple[str, int]]:
    """``(id, partnerships)`` of the ``n`` places with the most, ties by name then id."""
    counts = pd.concat([links["a"], links["b"]]).value_counts().rename("n")
    table = places.set_index("id")[["name"]].join(counts, how="inner").reset_index()
    table = table.sort_values(["n", "name", "id"], ascending=[False, True, True]).head(n)
    return list(zip(table["id"], table["n"].tolist(), strict=True))


def partner_countries(places: Any, links: Any, country: str) -> list[tuple[str, int]]:
    """``(country, partnerships)`` of the countries partnered with ``country``."""
    where = places.set_index("id")["country"]
    ca, cb = links["a"].map(where), links["b"].map(where)
    other = pd.concat(
        [cb[(ca == country) & (cb != country)], ca[(cb == country) & (ca != country)]]
    )
    counts = other.rename("country").to_frame().groupby("country").size().reset_index(name="n")
    counts = counts.sort_values(["n", "country"], ascending=[False, True])
    return list(zip(counts["country"], counts["n"].tolist(), strict=True))


def by_decade(links: Any) -> dict[int, int]:
    """``{decade: partnerships established in it}`` for the dated ones."""
    dated = links.loc[links["established"] != "", "established"].astype(str)
    decades = dated.str[:4].astype(int) // 10 * 10
    counts = decades.value_counts().sort_index()
    return dict(zip(counts.index.tolist(), counts.tolist(), strict=True))


def country_pairs(places: Any, links: Any) -> list[tuple[tuple[str, str], int]]:
    """``((country, country), partnerships)`` per unordered pair, most first, ties by pair."""
    where = places.set_index("id")["country"]
    ca, cb = links["a"].map(where), links["b"].map(where)
    low = ca.where(ca <= cb, cb)
    high = cb.where(ca <= cb, ca)
    sizes = pd.DataFrame({"low": low, "high": high}).groupby(["low", "high"]).size()
    table: Any = sizes.reset_index(name="n")
    table = table.sort_values(["n", "low", "high"], ascending=[False, True, True])
    return [
        ((lo, hi), n)
        for lo, hi, n in zip(table["low"], table["high"], table["n"].tolist(), strict=True)
    ]


def four(places_csv: str, partnerships_csv: str) -> tuple[Any, ...]:
    """Read both files and answer the four statistics."""
    places, links = read(places_csv, partnerships_csv)
    return (
        top_places(places, links, 10),
        partner_countries(places, links, "US"),
        by_decade(links),
        country_pairs(places, links),
    )


def distances(places: Any, links: Any) -> list[float]:
    """Haversine km of every partnership: a DataFrame join and ``haversine_vector``."""
    from haversine import haversine_vector

    where = places.set_index("id")[["latitude", "longitude"]]
    ends_a = links[["a"]].join(where, on="a")[["latitude", "longitude"]].to_numpy()
    ends_b = links[["b"]].join(where, on="b")[["latitude", "longitude"]].to_numpy()
    found: list[float] = haversine_vector(ends_a, ends_b).tolist()
    return found


def first_answer(places_csv: str, partnerships_csv: str, name: str) -> list[str]:
    """Read both files, then the ids of the partners of the place called ``name``."""
    places, links = read(places_csv, partnerships_csv)
    named = places[places["name"] == name]
    population = pd.to_numeric(named["population"], errors="coerce").fillna(0)
    pid = named.loc[population.idxmax(), "id"]  # the most populous of that name
    ties = links[(links["a"] == pid) | (links["b"] == pid)]
    return sorted(ties["b"].where(ties["a"] == pid, ties["a"]).tolist())


if __name__ == "__main__":
    four(sys.argv[1], sys.argv[2])

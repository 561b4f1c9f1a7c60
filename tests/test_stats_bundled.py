"""Sanity of twintowns.stats on the bundled data: robust facts, not exact totals."""

from __future__ import annotations

from twintowns import stats
from twintowns.atlas import Atlas
from twintowns.model import Continent


def test_top_us_places_are_big_international_cities(atlas: Atlas) -> None:
    top = stats.top_places(atlas, 10, country="US", international_only=True)
    assert len(top) == 10
    assert all(place.country == "US" for place, _n in top)
    counts = [n for _p, n in top]
    assert counts == sorted(counts, reverse=True) and counts[-1] >= 20
    labels = {place.name for place, _n in top}
    assert len(labels & {"Honolulu", "Miami", "Los Angeles", "Chicago", "Laredo"}) >= 2
    # an international count never exceeds the place's degree
    for place, n in top:
        assert n <= atlas.degree(place)


def test_partner_countries_of_us(atlas: Atlas) -> None:
    rows = stats.partner_countries(atlas, "US")
    assert len(rows) >= 100
    top5 = [code for code, _n in rows[:5]]
    assert "JP" in top5 and "MX" in top5
    assert "US" not in dict(rows)
    assert sum(n for _c, n in rows) + len(stats.domestic(atlas, "US")) == sum(
        1 for p in atlas.partnerships if "US" in (p.a.country, p.b.country)
    )


def test_charlotte(atlas: Atlas) -> None:
    charlotte = atlas.place("Charlotte")
    countries = stats.countries_of(atlas, charlotte)
    assert {"PE", "DE", "CN", "RU", "FR", "PL", "GH"} <= countries
    assert {Continent.SA, Continent.EU, Continent.AS, Continent.AF} <= stats.continents_of(
        atlas, charlotte
    )


def test_network_shape(atlas: Atlas) -> None:
    comps = stats.components(atlas)
    assert sum(comps.sizes) == len(atlas.places)
    assert comps.sizes[0] >= len(atlas.places) // 2  # one giant component
    dist = stats.degree_distribution(atlas)
    assert sum(dist.values()) == len(atlas.places)
    assert sum(d * n for d, n in dist.items()) == 2 * len(atlas.partnerships)
    hub, degree = stats.hubs(atlas, 1)[0]
    assert degree == max(dist) and hub in comps.largest


def test_six_degrees(atlas: Atlas) -> None:
    chain = stats.shortest_chain(atlas, "Charlotte", "Arequipa")
    assert chain is not None and len(chain) == 1
    comps = stats.components(atlas)
    giant = comps.largest
    far = stats.shortest_chain(atlas, giant[0], giant[-1])
    assert far is not None and 1 <= len(far) <= 30
    assert stats.shortest_chain(atlas, giant[0], comps.groups[1][0]) is None


def test_counts_add_up(atlas: Atlas) -> None:
    total = len(atlas.partnerships)
    assert sum(n for _pair, n in stats.country_pairs(atlas)) == total
    assert stats.reciprocity(atlas).overall.total == total
    share = stats.reciprocity(atlas).overall.share
    assert share is not None and 0.2 < share < 1
    assert sum(stats.by_decade(atlas).values()) == sum(
        1 for p in atlas.partnerships if p.established is not None
    )
    same = stats.same_name(atlas)
    assert len(same) >= 20
    oranges = {(p.a.country, p.b.country) for p in same if p.a.name == "Orange"}
    assert {("AU", "US"), ("FR", "US")} <= oranges  # Orange–Orange–Orange
    summary = stats.distance_summary(atlas, unit="mi")
    assert summary.count == total and summary.max is not None and summary.max <= 12_451
    missing = dict(stats.subdivisions_without_partnerships(atlas, "US"))
    assert "US-NC" not in missing and "US-CA" not in missing


def test_to_pandas_matches_the_atlas(atlas: Atlas) -> None:
    places, partnerships = stats.to_pandas(atlas)
    assert len(places) == len(atlas.places) and len(partnerships) == len(atlas.partnerships)
    assert int(places["partnerships"].sum()) == 2 * len(atlas.partnerships)

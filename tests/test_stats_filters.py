"""Every stats function applies ``status=`` the same way: as if the atlas held
only the partnerships with those statuses (hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import COUNTRIES, atlases
from twintowns import stats
from twintowns.atlas import Atlas
from twintowns.filters import status_filter
from twintowns.model import Status

filters = st.one_of(
    st.sampled_from([s.value for s in Status]),
    st.sampled_from(list(Status)),
    st.lists(st.sampled_from([s.value.upper() for s in Status]), min_size=1, max_size=4),
)


def only(atlas: Atlas, status: Any) -> Atlas:
    keep = status_filter(status)
    assert keep is not None
    return Atlas(atlas.places, [p for p in atlas.partnerships if p.status in keep])


# more than the profile's 100: every statistic and filter form on small atlases
@settings(max_examples=150)
@given(atlases(), filters, st.sampled_from(COUNTRIES), st.data())
def test_status_filter_equals_filtering_the_atlas(
    atlas: Atlas, status: Any, country: str, data: st.DataObject
) -> None:
    kept = only(atlas, status)
    for international in (False, True):
        assert stats.top_places(
            atlas, 50, country=country, international_only=international, status=status
        ) == stats.top_places(kept, 50, country=country, international_only=international)
    assert stats.partner_countries(atlas, country, status=status) == stats.partner_countries(
        kept, country
    )
    assert stats.country_pairs(atlas, status=status) == stats.country_pairs(kept)
    assert stats.domestic(atlas, country, status=status) == stats.domestic(kept, country)
    assert stats.same_name(atlas, status=status) == stats.same_name(kept)
    assert stats.by_decade(atlas, status=status) == stats.by_decade(kept)
    assert stats.reciprocity(atlas, status=status) == stats.reciprocity(kept)
    assert stats.distance_summary(atlas, status=status) == stats.distance_summary(kept)
    assert stats.subdivisions_without_partnerships(
        atlas, country, status=status
    ) == stats.subdivisions_without_partnerships(kept, country)
    assert stats.degree_distribution(atlas, status=status) == stats.degree_distribution(kept)
    assert stats.components(atlas, status=status) == stats.components(kept)
    assert stats.hubs(atlas, 50, status=status) == stats.hubs(kept, 50)
    if atlas.places:
        a = data.draw(st.sampled_from(atlas.places))
        b = data.draw(st.sampled_from(atlas.places))
        assert stats.countries_of(atlas, a, status=status) == stats.countries_of(kept, a)
        assert stats.continents_of(atlas, a, status=status) == stats.continents_of(kept, a)
        assert stats.shortest_chain(atlas, a, b, status=status) == stats.shortest_chain(kept, a, b)
        assert stats.distance_summary(atlas, place=a, status=status) == stats.distance_summary(
            kept, place=a
        )


# fewer than the profile's 100: each example builds DataFrames and a graph
@settings(max_examples=30)
@given(atlases(), filters)
def test_frames_and_graph_follow_the_filter(atlas: Atlas, status: Any) -> None:
    ours = stats.to_pandas(atlas, status=status)
    theirs = stats.to_pandas(only(atlas, status))
    for mine, other in zip(ours, theirs, strict=True):
        assert mine.equals(other)
    g, h = stats.to_networkx(atlas, status=status), stats.to_networkx(only(atlas, status))
    assert set(g.nodes) == set(h.nodes)
    assert {frozenset(e) for e in g.edges} == {frozenset(e) for e in h.edges}


def test_no_filter_means_every_status() -> None:
    atlas = Atlas([])
    assert stats.top_places(atlas, status=None) == []
    with pytest.raises(ValueError, match="empty status filter"):
        stats.top_places(atlas, status=[])

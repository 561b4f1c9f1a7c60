"""Network statistics agree with networkx on random atlases (hypothesis)."""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import make_place
from tests.strategies import atlases, status_filters
from twintowns import stats
from twintowns.atlas import Atlas
from twintowns.model import Partnership, Place


def graph(atlas: Atlas, status: Any) -> Any:
    keep = None if status is None else ({status} if isinstance(status, str) else set(status))
    g = nx.Graph()
    g.add_nodes_from(p.id for p in atlas.places)
    g.add_edges_from(p.ids for p in atlas.partnerships if keep is None or p.status.value in keep)
    return g


def key(place_id: str, atlas: Atlas) -> tuple[str, str]:
    place = atlas.get(place_id)
    assert place is not None
    return (place.name, place.id)


# more than the profile's 100: small graphs are cheap; ties and components need many draws
@settings(max_examples=200)
@given(atlases(), status_filters)
def test_degree_distribution_components_and_hubs_match_networkx(atlas: Atlas, status: Any) -> None:
    g = graph(atlas, status)
    assert stats.degree_distribution(atlas, status=status) == dict(
        sorted(Counter(d for _n, d in g.degree()).items())
    )
    comps = stats.components(atlas, status=status)
    theirs = sorted(nx.connected_components(g), key=lambda c: (-len(c), min(c)))
    assert [{p.id for p in group} for group in comps.groups] == theirs
    assert comps.sizes == tuple(len(c) for c in theirs)
    assert all(list(group) == sorted(group, key=lambda p: p.id) for group in comps.groups)
    expected = sorted(
        ((node, d) for node, d in g.degree() if d > 0),
        key=lambda row: (-row[1], *key(row[0], atlas)),
    )
    assert [(p.id, d) for p, d in stats.hubs(atlas, len(atlas.places), status=status)] == expected


# more than the profile's 100: small graphs are cheap; ties and components need many draws
@settings(max_examples=300)
@given(atlases(), status_filters, st.data())
def test_shortest_chain_matches_networkx(atlas: Atlas, status: Any, data: st.DataObject) -> None:
    if not atlas.places:
        return
    g = graph(atlas, status)
    a = data.draw(st.sampled_from(atlas.places))
    # mostly a place a chain can reach: the interesting case
    reachable = sorted(nx.node_connected_component(g, a.id))
    far = data.draw(st.sampled_from(reachable)) if data.draw(st.booleans()) else None
    b = atlas.get(far) if far is not None else data.draw(st.sampled_from(atlas.places))
    assert b is not None
    chain = stats.shortest_chain(atlas, a, b, status=status)
    if not nx.has_path(g, a.id, b.id):
        assert chain is None
        return
    assert chain is not None
    assert len(chain) == nx.shortest_path_length(g, a.id, b.id)
    # the chain is a walk from a to b over partnerships that pass the filter
    node = a.id
    path = [node]
    for p in chain:
        assert p in atlas.partnerships and g.has_edge(*p.ids)
        node = p.other(node).id
        path.append(node)
    assert node == b.id
    # and it is the first of all shortest paths, comparing places by (name, id)
    best = min(
        nx.all_shortest_paths(g, a.id, b.id),
        key=lambda route: [key(n, atlas) for n in route],
    )
    assert path == best


@given(atlases(), status_filters)
def test_to_networkx_holds_every_place_and_the_kept_partnerships(atlas: Atlas, status: Any) -> None:
    g = stats.to_networkx(atlas, status=status)
    expected = graph(atlas, status)
    assert set(g.nodes) == set(expected.nodes)
    assert {frozenset(e) for e in g.edges} == {frozenset(e) for e in expected.edges}
    for place in atlas.places:
        assert g.nodes[place.id]["place"] is place
    for u, v, attrs in g.edges(data=True):
        p: Partnership = attrs["partnership"]
        assert set(p.ids) == {u, v} and attrs["status"] == p.status.value


def test_chain_through_long_path_and_tree() -> None:
    places: list[Place] = [make_place(f"t:{i:03d}", f"P{i}", "FR") for i in range(200)]
    line = [Partnership(places[i], places[i + 1]) for i in range(199)]
    atlas = Atlas(places, line)
    chain = stats.shortest_chain(atlas, places[0], places[199])
    assert chain == line
    assert stats.shortest_chain(atlas, places[199], places[0]) == line[::-1]
    assert stats.components(atlas).sizes == (200,)
    assert stats.degree_distribution(atlas) == {1: 2, 2: 198}


def test_missing_extras_say_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    # a None entry in sys.modules makes ``import name`` raise ImportError, as if not installed
    monkeypatch.setitem(sys.modules, "networkx", None)
    monkeypatch.setitem(sys.modules, "pandas", None)
    atlas = Atlas([])
    with pytest.raises(ImportError, match=r"pip install 'twintowns\[networkx\]'"):
        stats.to_networkx(atlas)
    with pytest.raises(ImportError, match=r"pip install 'twintowns\[pandas\]'"):
        stats.to_pandas(atlas)

"""The partnership network: places are nodes, partnerships are edges.

Pure Python, no networkx needed: degree distribution, connected components,
hubs and the shortest chain of partnerships between two places.
:func:`to_networkx` hands the graph to networkx (the ``twintowns[networkx]``
extra) for everything else.  Every function accepts ``status=`` like the rest
of twintowns; the default, ``None``, keeps every partnership whatever its
status.  Every place of the atlas is a node, including places with no
partnership (degree 0, a component of their own).

>>> from twintowns.atlas import Atlas
>>> from twintowns.model import Partnership, Place
>>> a, b, c, d = (Place(id=f"t:{x}", name=x.upper(), country="FR") for x in "abcd")
>>> atlas = Atlas([a, b, c, d], [Partnership(a, b), Partnership(b, c)])
>>> [p.name for p in components(atlas).largest], components(atlas).sizes
(['A', 'B', 'C'], (3, 1))
>>> [str(p) for p in shortest_chain(atlas, a, c)]
['A, FR – B, FR (sister, active)', 'B, FR – C, FR (sister, active)']
>>> shortest_chain(atlas, a, d) is None
True
>>> degree_distribution(atlas)
{0: 1, 1: 2, 2: 1}
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from twintowns.filters import StatusFilter
from twintowns.model import Partnership, Place
from twintowns.stats._common import (
    Adjacency,
    adjacency,
    check_atlas,
    check_count,
    column,
    memo,
    positions,
    selected,
    statuses_of,
)
from twintowns.stats.counts import ranking

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = [
    "Components",
    "components",
    "degree_distribution",
    "hubs",
    "shortest_chain",
    "to_networkx",
]


def degree_distribution(atlas: Atlas, *, status: StatusFilter = None) -> dict[int, int]:
    """How many places have each number of partnerships: ``{degree: places}``.

    Every place of the atlas counts, those with no partnership under degree
    0; keys in increasing order, degrees that no place has are left out.
    """
    atlas = check_atlas(atlas)
    where = positions(atlas, statuses_of(status))
    n = len(atlas)
    degrees = np.bincount(column(atlas, "a", where), minlength=n) + np.bincount(
        column(atlas, "b", where), minlength=n
    )
    values, counts = np.unique(degrees, return_counts=True)
    return dict(zip(values.tolist(), counts.tolist(), strict=True))


@attrs.frozen
class Components:
    """Connected components of the partnership network.

    ``groups`` holds each component's places sorted by id; the components are
    sorted by size, largest first, ties by the smallest place id.  A place
    with no partnership is a component of one.
    """

    groups: tuple[tuple[Place, ...], ...]

    @property
    def sizes(self) -> tuple[int, ...]:
        """Number of places in each component, largest first."""
        return tuple(len(g) for g in self.groups)

    @property
    def largest(self) -> tuple[Place, ...]:
        """The places of the largest component (empty for an empty atlas)."""
        return self.groups[0] if self.groups else ()

    def __len__(self) -> int:
        return len(self.groups)


def components(atlas: Atlas, *, status: StatusFilter = None) -> Components:
    """The connected components: which places are linked by a chain of partnerships."""
    atlas = check_atlas(atlas)
    statuses = statuses_of(status)

    def compute() -> Components:
        adj = adjacency(atlas, statuses)
        by_id = {p.id: p for p in atlas.places}
        seen: set[str] = set()
        groups: list[tuple[Place, ...]] = []
        for place in atlas.places:  # sorted by id
            if place.id in seen:
                continue
            seen.add(place.id)
            members = [place.id]
            queue = deque(members)
            while queue:
                for other, _p in adj.get(queue.popleft(), ()):
                    if other not in seen:
                        seen.add(other)
                        members.append(other)
                        queue.append(other)
            members.sort()
            groups.append(tuple(by_id[m] for m in members))
        groups.sort(key=lambda g: (-len(g), g[0].id))
        return Components(tuple(groups))

    return memo(atlas, ("components", statuses), compute)


def hubs(atlas: Atlas, n: int = 10, *, status: StatusFilter = None) -> list[tuple[Place, int]]:
    """The ``n`` best-connected places (highest degree) with their degree.

    Degree is the number of partnerships (domestic ones included); ties by
    place name, then id: the same ranking as :func:`top_places` without filters.
    """
    atlas = check_atlas(atlas)
    n = check_count(n)
    return ranking(atlas, statuses_of(status), None, False).top(n)


def _layer(adj: Adjacency, frontier: list[str], dist: dict[str, int]) -> list[str]:
    """Expand one whole breadth-first layer, recording distances; the new layer."""
    level = dist[frontier[0]] + 1
    following = []
    for node in frontier:
        for other, _p in adj.get(node, ()):
            if other not in dist:
                dist[other] = level
                following.append(other)
    return following


def shortest_chain(
    atlas: Atlas, a: Place | str, b: Place | str, *, status: StatusFilter = None
) -> list[Partnership] | None:
    """The fewest partnerships that link ``a`` to ``b``, in order from ``a``.

    ``[]`` when ``a`` is ``b``; ``None`` when no chain links them.  Among
    equally short chains the result is deterministic: the chain whose places,
    read from ``a``, come first by (name, id) at the first place where chains
    differ.

    How: breadth-first search from both ends, a whole layer at a time, always
    growing the smaller frontier, until the two searches meet; then the walk
    from ``a`` takes, at each step, the first partner (by name, id) that is
    still on a shortest chain.
    """
    atlas = check_atlas(atlas)
    start, goal = atlas.resolve(a), atlas.resolve(b)
    if start.id == goal.id:
        return []
    adj = adjacency(atlas, statuses_of(status))
    from_a, from_b = {start.id: 0}, {goal.id: 0}
    frontier_a, frontier_b = [start.id], [goal.id]
    meeting: set[str] = set()
    while not meeting:
        if len(frontier_a) <= len(frontier_b):
            frontier_a = _layer(adj, frontier_a, from_a)
            meeting = {node for node in frontier_a if node in from_b}
        else:
            frontier_b = _layer(adj, frontier_b, from_b)
            # places met here are all in the last layer from a
            meeting = {node for node in frontier_b if node in from_a}
        if not frontier_a or not frontier_b:
            return None
    # on_chain[k]: places k steps from a that lie on a shortest chain to b
    on_chain = [meeting]
    for k in range(from_a[next(iter(meeting))] - 1, -1, -1):
        on_chain.append({o for n in on_chain[-1] for o, _p in adj[n] if from_a.get(o) == k})
    on_chain.reverse()
    chain: list[Partnership] = []
    node = start.id
    for ahead in on_chain[1:]:
        # adjacency lists are sorted by (name, id): the first match is the smallest
        node, p = next(row for row in adj[node] if row[0] in ahead)
        chain.append(p)
    while node != goal.id:
        wanted = from_b[node] - 1
        node, p = next(row for row in adj[node] if from_b.get(row[0]) == wanted)
        chain.append(p)
    return chain


def to_networkx(atlas: Atlas, *, status: StatusFilter = None) -> Any:
    """The partnership network as an undirected ``networkx.Graph``.

    Nodes are place ids with attributes ``place`` (the :class:`Place`),
    ``name`` and ``country``; every place of the atlas is a node.  Edges carry
    ``partnership`` (the :class:`Partnership`), ``kind`` and ``status`` (str
    values).  Needs the optional extra: ``pip install 'twintowns[networkx]'``.
    """
    atlas = check_atlas(atlas)
    statuses = statuses_of(status)
    try:
        import networkx as nx
    except ImportError as exc:
        from twintowns.errors import MissingDependencyError

        raise MissingDependencyError(
            "to_networkx needs networkx, an optional extra: pip install 'twintowns[networkx]'"
        ) from exc

    graph = nx.Graph()
    graph.add_nodes_from(
        (p.id, {"place": p, "name": p.name, "country": p.country}) for p in atlas.places
    )
    graph.add_edges_from(
        (p.a.id, p.b.id, {"partnership": p, "kind": p.kind.value, "status": p.status.value})
        for p in selected(atlas, statuses)
    )
    return graph

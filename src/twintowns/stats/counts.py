"""Counting partnerships: top places, partner countries, country pairs,
domestic and same-name pairs, decades.

Every function takes the atlas first and accepts ``status=`` like the rest of
twintowns (see :mod:`twintowns.filters`): ``None``, the default, counts every
partnership whatever its status; ``"active"`` or ``["active", "suspended"]``
keep only those.

Rankings are deterministic: most first, then ties in a documented order
(places by name, then id; countries and pairs by code).

>>> from twintowns.atlas import Atlas
>>> from twintowns.model import Partnership, Place
>>> def city(pid, name, country):
...     return Place(id=pid, name=name, country=country, continent="EU")
>>> a, b, c = city("t:a", "Orange", "US"), city("t:b", "Orange", "FR"), city("t:c", "Bree", "US")
>>> atlas = Atlas([a, b, c], [Partnership(a, b), Partnership(a, c, status="ended")])
>>> [(p.name, n) for p, n in top_places(atlas)]
[('Orange', 2), ('Bree', 1), ('Orange', 1)]
>>> [(p.name, n) for p, n in top_places(atlas, country="US", status="active")]
[('Orange', 1)]
>>> partner_countries(atlas, "US")
[('FR', 1)]
>>> [str(p) for p in same_name(atlas)]
['Orange, US – Orange, FR (sister, active)']
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import attrs

from twintowns.filters import StatusFilter
from twintowns.model import Continent, Partnership, Place, Status
from twintowns.normalize import fold
from twintowns.stats._common import (
    adjacency,
    check_atlas,
    check_count,
    check_country,
    memo,
    selected,
    statuses_of,
)

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = [
    "Dating",
    "by_decade",
    "continents_of",
    "countries_of",
    "country_pairs",
    "domestic",
    "partner_countries",
    "same_name",
    "top_places",
]


class Ranking:
    """Places with their counts, most first, ties by name then id.

    Places are grouped by count in one pass; a group is sorted by (name, id)
    only when a ranking reaches it, once, so the top of a ranking costs little
    more than counting.
    """

    __slots__ = ("_groups", "_levels", "_lock", "_sorted")

    def __init__(self, counts: dict[Place, int]) -> None:
        groups: dict[int, list[Place]] = {}
        for place, count in counts.items():
            group = groups.get(count)
            if group is None:
                groups[count] = [place]
            else:
                group.append(place)
        self._groups = groups
        self._levels = sorted(groups, reverse=True)
        self._sorted: set[int] = set()
        self._lock = threading.Lock()

    def top(self, n: int) -> list[tuple[Place, int]]:
        """The first ``n`` places with their counts."""
        out: list[tuple[Place, int]] = []
        for count in self._levels:
            if len(out) >= n:
                break
            group = self._groups[count]
            if count not in self._sorted:
                with self._lock:
                    if count not in self._sorted:
                        group.sort(key=lambda place: (place.name, place.id))
                        self._sorted.add(count)
            out.extend((place, count) for place in group[: n - len(out)])
        return out


def ranking(
    atlas: Atlas, statuses: frozenset[Status] | None, country: str | None, international_only: bool
) -> Ranking:
    """The ranking of places by counted partnerships (memoised per atlas and filters)."""

    def compute() -> Ranking:
        counts: Counter[Place] = Counter()
        for p in selected(atlas, statuses):
            a, b = p.a, p.b
            if international_only and a.country == b.country:
                continue
            if country is None or a.country == country:
                counts[a] += 1
            if country is None or b.country == country:
                counts[b] += 1
        return Ranking(counts)

    return memo(atlas, ("ranking", statuses, country, international_only), compute)


def top_places(
    atlas: Atlas,
    n: int = 10,
    *,
    country: str | None = None,
    international_only: bool = False,
    status: StatusFilter = None,
) -> list[tuple[Place, int]]:
    """The ``n`` places with the most partnerships, with their counts.

    ``country`` (ISO alpha-2) keeps places of that country;
    ``international_only`` counts only partnerships with a place in another
    country.  Places with no counted partnership are never listed.  Ties are
    broken by place name, then place id (so the order never depends on the
    data's order).  The first call per atlas and filter counts every place
    (one pass over the partnerships); later calls reuse those counts.
    """
    atlas = check_atlas(atlas)
    n = check_count(n)
    code = None if country is None else check_country(country)
    return ranking(atlas, statuses_of(status), code, bool(international_only)).top(n)


def partner_countries(
    atlas: Atlas, country: str, *, status: StatusFilter = None
) -> list[tuple[str, int]]:
    """Countries partnered with places of ``country``, with the number of partnerships.

    Counts partnerships between a place in ``country`` and a place elsewhere,
    per country of the other place, most first; ties by country code.
    """
    atlas = check_atlas(atlas)
    code = check_country(country)
    statuses = statuses_of(status)

    def compute() -> tuple[tuple[str, int], ...]:
        counts: Counter[str] = Counter()
        for p in selected(atlas, statuses):
            ca, cb = p.a.country, p.b.country
            if ca == code and cb != code:
                counts[cb] += 1
            elif cb == code and ca != code:
                counts[ca] += 1
        return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    return list(memo(atlas, ("partner_countries", statuses, code), compute))


def _partners(atlas: Atlas, place: Place | str, status: StatusFilter) -> list[Place]:
    target = check_atlas(atlas).resolve(place)
    rows = adjacency(atlas, statuses_of(status)).get(target.id, ())
    return [p.other(target) for _other, p in rows]


def countries_of(atlas: Atlas, place: Place | str, *, status: StatusFilter = None) -> set[str]:
    """Country codes of the partners of ``place`` (its own country too if it has a domestic one).

    ``place`` is a Place of the atlas or a query for :meth:`Atlas.place`.
    """
    return {p.country for p in _partners(atlas, place, status)}


def continents_of(
    atlas: Atlas, place: Place | str, *, status: StatusFilter = None
) -> set[Continent]:
    """Continents of the partners of ``place``."""
    return {p.continent for p in _partners(atlas, place, status)}


def country_pairs(
    atlas: Atlas, *, status: StatusFilter = None
) -> list[tuple[tuple[str, str], int]]:
    """Partnership counts per unordered pair of countries, most first.

    Each pair is written with its codes in alphabetical order; a domestic
    pair appears as ``("US", "US")``.  Ties by pair.
    """
    atlas = check_atlas(atlas)
    counts: Counter[tuple[str, str]] = Counter()
    for p in selected(atlas, statuses_of(status)):
        ca, cb = p.a.country, p.b.country
        counts[(ca, cb) if ca <= cb else (cb, ca)] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def domestic(
    atlas: Atlas, country: str | None = None, *, status: StatusFilter = None
) -> list[Partnership]:
    """Partnerships between two places of the same country (of ``country`` if given).

    In atlas order (by the pair of place ids).
    """
    atlas = check_atlas(atlas)
    code = None if country is None else check_country(country)
    return [
        p
        for p in selected(atlas, statuses_of(status))
        if p.a.country == p.b.country and (code is None or p.a.country == code)
    ]


def same_name(atlas: Atlas, *, status: StatusFilter = None) -> list[Partnership]:
    """Partnerships whose two places share a name (Orange–Orange, Dublin–Dublin).

    Names are compared ignoring case, accents and punctuation
    (:func:`twintowns.normalize.fold`), so *Córdoba* matches *Cordoba*.
    Sorted by the folded name, then by the pair of ids.
    """
    atlas = check_atlas(atlas)
    found = [
        (fold(p.a.name), p)
        for p in selected(atlas, statuses_of(status))
        if p.a.name == p.b.name or fold(p.a.name) == fold(p.b.name)
    ]
    found.sort(key=lambda row: (row[0], row[1].ids))
    return [p for _key, p in found]


def by_decade(atlas: Atlas, *, status: StatusFilter = None) -> dict[int, int]:
    """Number of partnerships established per decade, for those with a known date.

    Keys are the first year of each decade (``1960`` for 1960–1969), in
    increasing order; decades with none are left out.  Partnerships whose
    establishment date is unknown are not counted: :func:`dating` tells how
    many are dated, how precisely and from which sources.
    """
    atlas = check_atlas(atlas)
    counts = Counter(
        p.established.year // 10 * 10
        for p in selected(atlas, statuses_of(status))
        if p.established is not None
    )
    return dict(sorted(counts.items()))


@attrs.frozen
class Dating:
    """How many partnerships have an established date, and where the dates come from.

    ``total`` partnerships were counted, ``dated`` of them have an established
    date; ``by_precision`` counts those by ``year``/``month``/``day``.  The
    bulk lists give no dates: every date in the bundled data comes from a
    curated fact, whose file ``by_file`` counts (``curation:<file>`` in the
    partnership's ``sources``; ``""`` for a date without one, as in an atlas
    built in code) and whose pages' domains ``by_domain`` counts (each
    partnership once per domain of its ``urls``).  Mappings are ordered most
    first, then by name.
    """

    total: int
    dated: int
    by_precision: Mapping[str, int]
    by_file: Mapping[str, int]
    by_domain: Mapping[str, int]

    @property
    def share(self) -> float:
        """``dated / total`` (0.0 for no partnerships)."""
        return self.dated / self.total if self.total else 0.0


def _ranked(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def dating(atlas: Atlas, *, status: StatusFilter = None) -> Dating:
    """How many partnerships are dated and from which sources (see :class:`Dating`).

    >>> from twintowns.atlas import Atlas
    >>> from twintowns.model import Partnership, Place
    >>> a, b, c = (Place(id=f"t:{x}", name=x, country="FR") for x in "abc")
    >>> atlas = Atlas([a, b, c], [
    ...     Partnership(a, b, established="1962-02", sources=["curation:x:2026-11-23"],
    ...                 urls=["https://www.example.org/x"]),
    ...     Partnership(a, c)])
    >>> d = dating(atlas)
    >>> d.dated, d.total, dict(d.by_precision), dict(d.by_file), dict(d.by_domain)
    (1, 2, {'month': 1}, {'x': 1}, {'example.org': 1})
    """
    atlas = check_atlas(atlas)
    rows = selected(atlas, statuses_of(status))
    dated = [p for p in rows if p.established is not None]
    files: Counter[str] = Counter()
    domains: Counter[str] = Counter()
    for p in dated:
        stems = {r.split(":")[1] for r in p.sources if r.startswith("curation:")}
        files.update(stems or {""})
        domains.update({_domain(u) for u in p.urls})
    precision = Counter(p.established.precision.value for p in dated if p.established)
    return Dating(
        total=len(rows),
        dated=len(dated),
        by_precision=_ranked(precision),
        by_file=_ranked(files),
        by_domain=_ranked(domains),
    )

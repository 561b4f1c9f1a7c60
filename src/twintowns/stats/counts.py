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

import bisect
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs
import numpy as np
import numpy.typing as npt

from twintowns import lazy
from twintowns.filters import StatusFilter
from twintowns.model import Continent, Partnership, Place, Status
from twintowns.normalize import fold
from twintowns.stats._common import (
    check_atlas,
    check_count,
    check_country,
    column,
    columns_of,
    memo,
    objects,
    positions,
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

    Built from an array of counts per place position: the distinct counts come from
    one histogram of the counts; the places of the first few counts are found with
    one pass over the array each, and those of a later count from one ordering of
    every counted place, made once when a ranking reaches past them.  A group of
    equal counts is sorted by (name, id) only when a ranking reaches it, once
    (building those places), so the top of a ranking costs little more than
    counting.
    """

    __slots__ = ("_bounds", "_counts", "_groups", "_lock", "_order", "_place_at", "_values")

    #: groups found by one pass over the counts each; past them, the places are ordered
    _SCANNED = 8

    def __init__(self, counts: npt.NDArray[np.int64], place_at: Callable[[int], Place]) -> None:
        self._values = counts
        histogram = np.bincount(counts) if len(counts) else np.zeros(1, dtype=np.intp)
        #: the distinct counts above zero, most first
        self._counts: list[int] = (np.flatnonzero(histogram[1:])[::-1] + 1).tolist()
        self._order: npt.NDArray[np.intp] | None = None
        self._bounds: list[int] = []
        self._place_at = place_at
        self._groups: dict[int, list[Place]] = {}
        self._lock = threading.Lock()

    def _group(self, k: int) -> list[Place]:
        group = self._groups.get(k)
        if group is None:
            group = lazy.item(self._groups, k, self._lock, lambda: self._build_group(k))
        return group

    def _members(self, k: int) -> list[int]:
        """The positions of the places with the ``k``-th count, in position order."""
        if k < self._SCANNED:
            found: list[int] = np.flatnonzero(self._values == self._counts[k]).tolist()
            return found
        if self._order is None:
            self._ordered()
        assert self._order is not None
        members: list[int] = self._order[self._bounds[k] : self._bounds[k + 1]].tolist()
        return members

    def _ordered(self) -> None:
        """Every counted place, most first (ties in position order), and where each
        count's places begin: numpy's stable sort of 16-bit keys is a radix sort."""
        counts = self._values
        counted = np.flatnonzero(counts)
        keys = -counts[counted]
        if len(keys) and int(keys.min()) >= -(2**15):
            keys = keys.astype(np.int16)
        order = counted[np.argsort(keys, kind="stable")]
        ranked = counts[order]
        self._bounds = [0, *(np.flatnonzero(ranked[1:] != ranked[:-1]) + 1).tolist(), len(order)]
        self._order = order

    def _build_group(self, k: int) -> list[Place]:
        group = [self._place_at(i) for i in self._members(k)]
        group.sort(key=lambda place: (place.name, place.id))
        return group

    def top(self, n: int) -> list[tuple[Place, int]]:
        """The first ``n`` places with their counts."""
        out: list[tuple[Place, int]] = []
        for k, count in enumerate(self._counts):
            if len(out) >= n:
                break
            out.extend((place, count) for place in self._group(k)[: n - len(out)])
        return out


def _country_code(atlas: Atlas, country: str) -> int | None:
    """The position of ``country`` in the atlas's country table (None: no place there)."""
    countries = columns_of(atlas).countries
    i = bisect.bisect_left(countries, country)
    return i if i < len(countries) and countries[i] == country else None


def _endpoint_countries(
    atlas: Atlas, where: npt.NDArray[np.intp] | None
) -> tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any]]:
    """``(a, b, country of a, country of b)`` of the partnerships at ``where``."""
    cols = columns_of(atlas)
    a, b = column(atlas, "a", where), column(atlas, "b", where)
    country = cols.place["country"]
    return a, b, country[a], country[b]


def ranking(
    atlas: Atlas, statuses: frozenset[Status] | None, country: str | None, international_only: bool
) -> Ranking:
    """The ranking of places by counted partnerships (memoised per atlas and filters)."""

    def compute() -> Ranking:
        n = len(atlas)
        where = positions(atlas, statuses)
        if country is None and not international_only:  # no country read
            if where is None:  # every partnership: each place's degree, in one pass
                counts = atlas._adjacency_arrays().degrees()
            else:
                a, b = column(atlas, "a", where), column(atlas, "b", where)
                counts = np.bincount(a, minlength=n) + np.bincount(b, minlength=n)
            return Ranking(counts.astype(np.int64, copy=False), atlas._records.place)
        a, b, ca, cb = _endpoint_countries(atlas, where)
        keep_a = keep_b = np.ones(len(a), dtype=bool)
        if international_only:
            keep_a = keep_b = ca != cb
        if country is not None:
            code = _country_code(atlas, country)
            keep_a = keep_a & (ca == code)
            keep_b = keep_b & (cb == code)
        counts = np.bincount(a[keep_a], minlength=n) + np.bincount(b[keep_b], minlength=n)
        return Ranking(counts.astype(np.int64, copy=False), atlas._records.place)

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
        countries = columns_of(atlas).countries
        here = _country_code(atlas, code)
        if here is None:
            return ()
        _a, _b, ca, cb = _endpoint_countries(atlas, positions(atlas, statuses))
        other = np.concatenate((cb[(ca == here) & (cb != here)], ca[(cb == here) & (ca != here)]))
        counts = np.bincount(other, minlength=len(countries))
        found = [(countries[i], int(counts[i])) for i in np.flatnonzero(counts).tolist()]
        return tuple(sorted(found, key=lambda item: (-item[1], item[0])))

    return list(memo(atlas, ("partner_countries", statuses, code), compute))


def _partners(atlas: Atlas, place: Place | str, status: StatusFilter) -> list[Place]:
    target = check_atlas(atlas).resolve(place)
    return atlas.partners(target, status=statuses_of(status))


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
    countries = columns_of(atlas).countries
    _a, _b, ca, cb = _endpoint_countries(atlas, positions(atlas, statuses_of(status)))
    # the country table is sorted: codes order as the countries do
    low = np.minimum(ca, cb).astype(np.int64)
    high = np.maximum(ca, cb).astype(np.int64)
    size = len(countries)
    counts = np.bincount(low * size + high, minlength=size * size)
    found = [
        ((countries[k // size], countries[k % size]), int(counts[k]))
        for k in np.flatnonzero(counts).tolist()
    ]
    return sorted(found, key=lambda item: (-item[1], item[0]))


def domestic(
    atlas: Atlas, country: str | None = None, *, status: StatusFilter = None
) -> list[Partnership]:
    """Partnerships between two places of the same country (of ``country`` if given).

    In atlas order (by the pair of place ids).
    """
    atlas = check_atlas(atlas)
    code = None if country is None else check_country(country)
    where = positions(atlas, statuses_of(status))
    _a, _b, ca, cb = _endpoint_countries(atlas, where)
    keep = ca == cb
    if code is not None:
        keep &= ca == _country_code(atlas, code)
    found = np.flatnonzero(keep)
    return objects(atlas, found if where is None else where[found])


def same_name(atlas: Atlas, *, status: StatusFilter = None) -> list[Partnership]:
    """Partnerships whose two places share a name (Orange–Orange, Dublin–Dublin).

    Names are compared ignoring case, accents and punctuation
    (:func:`twintowns.normalize.fold`), so *Córdoba* matches *Cordoba*.
    Sorted by the folded name, then by the pair of ids.
    """
    atlas = check_atlas(atlas)
    keys = _folded_name_codes(atlas)
    where = positions(atlas, statuses_of(status))
    a, b = column(atlas, "a", where), column(atlas, "b", where)
    hits = np.flatnonzero(keys[a] == keys[b])
    chosen = objects(atlas, hits if where is None else where[hits])
    found = [(fold(p.a.name), p) for p in chosen]
    found.sort(key=lambda row: (row[0], row[1].ids))
    return [p for _key, p in found]


def _folded_name_codes(atlas: Atlas) -> npt.NDArray[np.int64]:
    """Per place position, a number that two places share when their folded names are equal."""

    def compute() -> npt.NDArray[np.int64]:
        codes: dict[str, int] = {}
        keys = [codes.setdefault(fold(name), len(codes)) for name, _, _ in atlas._records.names()]
        return np.array(keys, dtype=np.int64)

    return memo(atlas, ("folded names",), compute)


def by_decade(atlas: Atlas, *, status: StatusFilter = None) -> dict[int, int]:
    """Number of partnerships established per decade, for those with a known date.

    Keys are the first year of each decade (``1960`` for 1960–1969), in
    increasing order; decades with none are left out.  Partnerships whose
    establishment date is unknown are not counted: :func:`dating` tells how
    many are dated, how precisely and from which sources.
    """
    atlas = check_atlas(atlas)
    established = column(atlas, "established", positions(atlas, statuses_of(status)))
    years = established[established > 0] // 10000
    decades, counts = np.unique(years // 10 * 10, return_counts=True)
    return dict(zip(decades.tolist(), counts.tolist(), strict=True))


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
    where = positions(atlas, statuses_of(status))
    established = column(atlas, "established", where)
    hits = np.flatnonzero(established > 0)
    dated = objects(atlas, hits if where is None else where[hits])
    files: Counter[str] = Counter()
    domains: Counter[str] = Counter()
    for p in dated:
        stems = {r.split(":")[1] for r in p.sources if r.startswith("curation:")}
        files.update(stems or {""})
        domains.update({_domain(u) for u in p.urls})
    precision = Counter(p.established.precision.value for p in dated if p.established)
    return Dating(
        total=len(established),
        dated=len(dated),
        by_precision=_ranked(precision),
        by_file=_ranked(files),
        by_domain=_ranked(domains),
    )

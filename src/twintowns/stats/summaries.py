"""Summaries: partnership distances, reciprocity, subdivisions with no partner.

Like every :mod:`twintowns.stats` function these take the atlas first and
accept ``status=`` (``None``, the default, counts every status).

>>> from twintowns.atlas import Atlas
>>> from twintowns.model import Partnership, Place
>>> a = Place(id="t:a", name="A", country="US", latitude=0, longitude=0, continent="NA")
>>> b = Place(id="t:b", name="B", country="FR", latitude=0, longitude=1)
>>> c = Place(id="t:c", name="C", country="FR", latitude=0, longitude=3)
>>> atlas = Atlas([a, b, c], [Partnership(a, b, claimed_by=["t:a", "t:b"]),
...                           Partnership(a, c, claimed_by=["t:a"])])
>>> s = distance_summary(atlas)
>>> s.count, round(s.min), round(s.max), s.closest.ids, s.farthest.ids
(2, 111, 334, ('t:a', 't:b'), ('t:a', 't:c'))
>>> r = reciprocity(atlas)
>>> r.overall.share, r.by_country["FR"].share
(0.5, 0.5)
"""

from __future__ import annotations

import functools
import statistics
from typing import TYPE_CHECKING

import attrs
import numpy as np
import numpy.typing as npt
import pycountry

from twintowns.filters import StatusFilter
from twintowns.model import Partnership, Place
from twintowns.stats._common import (
    check_atlas,
    check_country,
    column,
    columns_of,
    objects,
    positions,
    statuses_of,
)

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = [
    "DistanceSummary",
    "Reciprocity",
    "Share",
    "distance_summary",
    "reciprocity",
    "subdivisions_without_partnerships",
]


@attrs.frozen
class DistanceSummary:
    """Distances between partners, in ``unit``.

    With no partnership, ``count`` is 0 and every other field is None.  Ties
    for ``closest``/``farthest`` go to the partnership listed first (atlas
    order; for one place, the order of :meth:`Atlas.partnerships_of`).
    """

    unit: str
    count: int
    min: float | None
    median: float | None
    mean: float | None
    max: float | None
    closest: Partnership | None
    farthest: Partnership | None


def distance_summary(
    atlas: Atlas,
    *,
    place: Place | str | None = None,
    unit: str = "km",
    status: StatusFilter = None,
) -> DistanceSummary:
    """Count, min, median, mean and max distance of partnerships, with the closest and
    farthest pair: over the whole atlas, or over the partnerships of ``place``.

    Distances are great-circle (haversine, mean Earth radius) in ``unit``
    (``"km"``, ``"mi"``, ``"nmi"``, ``"m"``).
    """
    from twintowns.geography import distances, parse_unit

    atlas = check_atlas(atlas)
    unit_name = str(parse_unit(unit))
    statuses = statuses_of(status)
    if place is None:
        # every partnership (of the filter): from the columns, objects only for the answer
        where = positions(atlas, statuses)
        values = _column_distances(atlas, where, unit_name)
        if not values:
            return DistanceSummary(unit_name, 0, None, None, None, None, None, None)
        lo, hi = _extremes(values)
        at = (lambda k: k) if where is None else (lambda k: int(where[k]))
        closest, farthest = objects(atlas, [at(lo), at(hi)])
    else:
        chosen = atlas.partnerships_of(place, status=statuses)
        if not chosen:
            return DistanceSummary(unit_name, 0, None, None, None, None, None, None)
        values = distances(chosen, unit=unit_name)
        lo, hi = _extremes(values)
        closest, farthest = chosen[lo], chosen[hi]
    return DistanceSummary(
        unit=unit_name,
        count=len(values),
        min=values[lo],
        median=statistics.median(values),
        mean=statistics.fmean(values),
        max=values[hi],
        closest=closest,
        farthest=farthest,
    )


def _extremes(values: list[float]) -> tuple[int, int]:
    """Positions of the smallest and the largest value (the first of equals)."""
    lo = min(range(len(values)), key=values.__getitem__)
    hi = max(range(len(values)), key=lambda i: (values[i], -i))
    return lo, hi


def _column_distances(atlas: Atlas, where: npt.NDArray[np.intp] | None, unit: str) -> list[float]:
    """Distances of the partnerships at ``where`` (None: all), from the columns; the
    numbers :func:`twintowns.geography.distances` gives for those partnerships."""
    from twintowns.geography import UNITS, _columns_distances

    return _columns_distances(columns_of(atlas), where, UNITS[unit])


@attrs.frozen
class Share:
    """``reciprocal`` of ``total`` partnerships are claimed by both sides."""

    reciprocal: int
    total: int

    @property
    def share(self) -> float | None:
        """``reciprocal / total`` in [0, 1], or None when ``total`` is 0."""
        return self.reciprocal / self.total if self.total else None


@attrs.frozen
class Reciprocity:
    """How many partnerships both sides claim: overall and per country.

    ``by_country`` counts, for each country, the partnerships with at least
    one place in it (a domestic one once); most partnerships first, ties by code.
    """

    overall: Share
    by_country: dict[str, Share]


def reciprocity(atlas: Atlas, *, status: StatusFilter = None) -> Reciprocity:
    """The share of partnerships claimed by both sides (each lists the other).

    A partnership is reciprocal when both places' own lists name it
    (:attr:`Partnership.reciprocal`); one-sided claims are common in the
    sources and are not errors.
    """
    atlas = check_atlas(atlas)
    cols = columns_of(atlas)
    where = positions(atlas, statuses_of(status))
    a, b = column(atlas, "a", where), column(atlas, "b", where)
    mutual = column(atlas, "claimed", where) == 2
    ca, cb = cols.place["country"][a], cols.place["country"][b]
    other = ca != cb  # a domestic partnership counts once for its country
    size = len(cols.countries)
    totals = np.bincount(ca, minlength=size) + np.bincount(cb[other], minlength=size)
    both = np.bincount(ca[mutual], minlength=size) + np.bincount(cb[mutual & other], minlength=size)
    rows = [
        (cols.countries[i], int(both[i]), int(totals[i])) for i in np.flatnonzero(totals).tolist()
    ]
    rows.sort(key=lambda row: (-row[2], row[0]))
    return Reciprocity(Share(int(mutual.sum()), len(a)), {code: Share(r, t) for code, r, t in rows})


@functools.lru_cache(maxsize=256)
def _first_level(code: str) -> str | None:
    """The first-level ISO 3166-2 subdivision containing subdivision ``code``."""
    seen = set()
    while code not in seen:
        seen.add(code)
        sub = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
        if sub is None:
            return None
        parent = getattr(sub, "parent_code", None)
        if not parent:
            return code
        code = parent if "-" in parent else f"{code.split('-')[0]}-{parent}"
    return None  # pragma: no cover - a cycle would be a pycountry bug


def subdivisions_without_partnerships(
    atlas: Atlas, country: str, *, status: StatusFilter = None
) -> list[tuple[str, str]]:
    """First-level ISO 3166-2 subdivisions of ``country`` where no place has a partnership.

    Returns ``(code, name)`` pairs sorted by code, e.g. U.S. states (and
    outlying areas, as ISO lists them) with no sister city.  A place counts
    for the first-level subdivision that contains its own subdivision; places
    with no subdivision recorded cannot be attributed and are ignored.
    A country ISO does not subdivide gives ``[]``.
    """
    atlas = check_atlas(atlas)
    code = check_country(country)
    cols = columns_of(atlas)
    where = positions(atlas, statuses_of(status))
    ends = np.unique(np.concatenate((column(atlas, "a", where), column(atlas, "b", where))))
    here = cols.countries.index(code) if code in cols.countries else -1
    subs = cols.place["subdivision"][ends[cols.place["country"][ends] == here]]
    covered: set[str] = set()
    for sub in np.unique(subs[subs >= 0]).tolist():
        top = _first_level(cols.subdivisions[sub])
        if top is not None:
            covered.add(top)
    subs = pycountry.subdivisions.get(country_code=code) or []  # type: ignore[no-untyped-call]
    return sorted(
        (str(s.code), str(s.name))
        for s in subs
        if not getattr(s, "parent_code", None) and s.code not in covered
    )

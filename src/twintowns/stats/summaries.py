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
import pycountry

from twintowns.filters import StatusFilter
from twintowns.model import Partnership, Place
from twintowns.stats._common import check_atlas, check_country, selected, statuses_of

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
        chosen: tuple[Partnership, ...] | list[Partnership] = selected(atlas, statuses)
    else:
        chosen = atlas.partnerships_of(place, status=statuses)
    if not chosen:
        return DistanceSummary(unit_name, 0, None, None, None, None, None, None)
    values = distances(chosen, unit=unit_name)
    lo = min(range(len(values)), key=values.__getitem__)
    hi = max(range(len(values)), key=lambda i: (values[i], -i))
    return DistanceSummary(
        unit=unit_name,
        count=len(values),
        min=values[lo],
        median=statistics.median(values),
        mean=statistics.fmean(values),
        max=values[hi],
        closest=chosen[lo],
        farthest=chosen[hi],
    )


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
    totals: dict[str, list[int]] = {}
    both = total = 0
    for p in selected(atlas, statuses_of(status)):
        mutual = len(p.claimed_by) == 2
        total += 1
        both += mutual
        for code in {p.a.country, p.b.country}:
            row = totals.get(code)
            if row is None:
                row = totals[code] = [0, 0]
            row[0] += mutual
            row[1] += 1
    order = sorted(totals.items(), key=lambda item: (-item[1][1], item[0]))
    return Reciprocity(Share(both, total), {code: Share(r, t) for code, (r, t) in order})


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
    covered: set[str] = set()
    for p in selected(atlas, statuses_of(status)):
        for place in p.places:
            if place.country == code and place.subdivision is not None:
                top = _first_level(place.subdivision)
                if top is not None:
                    covered.add(top)
    subs = pycountry.subdivisions.get(country_code=code) or []  # type: ignore[no-untyped-call]
    return sorted(
        (str(s.code), str(s.name))
        for s in subs
        if not getattr(s, "parent_code", None) and s.code not in covered
    )

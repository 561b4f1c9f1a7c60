"""Checks of the places' first-level ISO 3166-2 subdivisions against their evidence.

A GeoNames city's subdivision is its admin1 code's (see
:func:`databuild.gazetteer.sourced_admin1`), a division's the first-level code
it is or lies in, an ISO subdivision's its first-level ancestor.  Places of our
own (``tt:``) have no such evidence: theirs comes from a qualifier, a parent
city or the towns around them, and is not checked here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pycountry

from databuild.gazetteer import Gazetteer, top_level
from twintowns.model import Place

#: Countries ``pycountry`` has ISO 3166-2 subdivisions for.
_WITH_SUBDIVISIONS = frozenset(str(s.country_code) for s in pycountry.subdivisions)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The first-level code a place's gazetteer entry gives (``None``: no code) and why."""

    code: str | None
    why: str


def evidence(pid: str, country: str, gaz: Gazetteer) -> Evidence | None:
    """What the gazetteer says a place's subdivision is; ``None`` for places of our own.

    >>> from databuild.gazetteer import build
    >>> gaz = build([{"geonameid": 1, "name": "A", "latitude": 0, "longitude": 0,
    ...               "countrycode": "PL", "admin1code": "72"}], {"PL": "EU"}, {}, [])
    >>> evidence("gn:1", "PL", gaz)
    Evidence(code=None, why='GeoNames admin1 PL.72 not mapped')
    >>> evidence("iso:PL-02", "PL", gaz), evidence("tt:pl:x", "PL", gaz)
    (Evidence(code='PL-02', why='ISO 3166-2 PL-02'), None)
    """
    if pid.startswith("iso:"):
        code = pid[4:]
        if not code.startswith(country + "-"):
            return Evidence(None, f"ISO code {code} is filed under its own country code")
        return Evidence(top_level(code), f"ISO 3166-2 {code}")
    if not pid.startswith("gn:"):
        return None
    city = gaz.cities.get(int(pid[3:]))
    if city is not None:
        own = gaz.own_codes.get(city.gid)
        if own is not None:
            return Evidence(own, f"the city is ISO 3166-2 {own}")
        below = gaz.codes_below.get(city.gid)
        if (city.country, city.admin1) not in gaz.admin1_iso and below is not None:
            return Evidence(below, f"its GeoNames second-level division lies in {below}")
        return Evidence(gaz.subdivision(city), _admin1_why(gaz, country, city.admin1))
    area = gaz.areas_by_id.get(pid)
    if area is None:
        return None
    top = gaz.area_top(area)
    if top is not None:
        return Evidence(top, f"division {area.admin_code}")
    return Evidence(None, _admin1_why(gaz, country, area.admin1))


def _admin1_why(gaz: Gazetteer, country: str, admin1: str) -> str:
    if country not in _WITH_SUBDIVISIONS:
        return f"ISO 3166-2 has no subdivisions for {country}"
    if not admin1:
        return "no GeoNames admin1"
    code = gaz.admin1_iso.get((country, admin1))
    if code is not None:
        return f"GeoNames admin1 {country}.{admin1}"
    if gaz.admin1_sourced is not None:
        for cc, a1, iso, reason in gaz.admin1_sourced.rejected:
            if (cc, a1) == (country, admin1):
                return f"GeoNames admin1 {country}.{admin1}: {reason}" + (f" ({iso})" * bool(iso))
    return f"GeoNames admin1 {country}.{admin1} not mapped"


def empty_reason(p: Place, gaz: Gazetteer) -> str:
    """Why a place has no subdivision (for the report)."""
    ev = evidence(p.id, p.country, gaz)
    if ev is not None:
        return ev.why
    if p.country not in _WITH_SUBDIVISIONS:
        return f"ISO 3166-2 has no subdivisions for {p.country}"
    return (
        f"place of our own ({p.resolution}): no qualifier, parent city or one-region surroundings"
    )


def mismatches(places: Iterable[Place], gaz: Gazetteer) -> list[list[str]]:
    """Places whose subdivision is not the one their gazetteer entry gives:
    (place, name, country, subdivision, evidence's code, evidence)."""
    out: list[list[str]] = []
    for p in places:
        ev = evidence(p.id, p.country, gaz)
        if ev is not None and ev.code is not None and ev.code != p.subdivision:
            out.append([p.id, p.name, p.country, p.subdivision or "", ev.code, ev.why])
    return out

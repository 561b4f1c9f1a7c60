"""The bundled country outlines the maps draw (Natural Earth, public domain).

``data/outlines.json`` is derived from Natural Earth by
``databuild/outlines.py`` (about 200 KB); it is read once, on first use.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

import attrs

__all__ = ["CountryOutline", "outlines"]


@attrs.frozen
class CountryOutline:
    """One Natural Earth admin-0 unit: rings of ``(longitude, latitude)`` points."""

    id: str
    iso: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...] = attrs.field(repr=False)


@functools.cache
def outlines() -> tuple[CountryOutline, ...]:
    """The bundled country outlines (read once), sorted by Natural Earth code.

    >>> world = outlines()
    >>> len(world) > 200, {c.iso for c in world} >= {"US", "FR", "JP", "XK"}
    (True, True)
    """
    text = resources.files("twintowns").joinpath("data", "outlines.json").read_text("utf-8")
    document = json.loads(text)
    scale = float(document["scale"])
    found: list[CountryOutline] = []
    for country in document["countries"]:
        rings = []
        for encoded in country["rings"]:
            x = y = 0
            points = []
            for i in range(0, len(encoded), 2):
                x += encoded[i]
                y += encoded[i + 1]
                points.append((x / scale, y / scale))
            rings.append(tuple(points))
        found.append(CountryOutline(country["id"], country["iso"], country["name"], tuple(rings)))
    return tuple(found)

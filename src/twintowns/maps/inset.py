"""The zoomed inset below the world map, for partners that crowd together on it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import attrs

from twintowns.maps.projection import Box, Frame, relative
from twintowns.maps.style import PAD

if TYPE_CHECKING:
    from twintowns.maps.entries import Entry
    from twintowns.model import Place

__all__: list[str] = []

#: An inset zooms on the densest cluster of the world map: the most partners
#: within NEAR_PX of one marker (the place's own first on a tie), when there
#: are at least MIN_PARTNERS of them and the inset magnifies MIN_ZOOM times.
MIN_PARTNERS: Final = 6
NEAR_PX: Final = 70.0
MIN_ZOOM: Final = 2.0
#: The inset's largest size: under a third of the map's width, and at most
#: MAX_HEIGHT px tall; whichever binds first sets the zoom.
MAX_WIDTH: Final = 0.32  # of the map's width
MAX_HEIGHT: Final = 300.0
#: An inset is at least MIN_HEIGHT px tall (its latitude range widened around the
#: cluster if need be), so that labels fit above and below a row of markers.
MIN_HEIGHT: Final = 120.0
#: Space between the world map and the inset (room for the inset's caption).
GAP: Final = 30.0


@attrs.frozen
class Inset:
    """A zoomed equirectangular view of the most crowded region of the world map."""

    box: Box
    west: float
    """Western edge, degrees east, unwrapped: ``ref_lon + offset``."""
    east: float
    bottom: float
    top: float
    scale: float
    ref_lon: float
    """The longitude the inset is unwrapped around (its cluster's centre)."""
    shown: frozenset[int]
    """Numbers of the partners inside the inset."""
    home: bool
    """Whether the place itself lies inside the inset."""
    caption: str
    """The title above the inset: ``"Detail around Laredo: 31 partners"``."""

    def at(self, lat: float, lon: float) -> tuple[float, float]:
        """Pixel position of an unwrapped longitude (continuous across ±180°)."""
        return (
            self.box.x + (lon - self.west) * self.scale,
            self.box.y + (self.top - lat) * self.scale,
        )

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return self.at(lat, self.ref_lon + relative(lon, self.ref_lon))

    def contains(self, lat: float, lon: float) -> bool:
        offset = relative(lon, self.ref_lon)
        return self.bottom <= lat <= self.top and self.west <= self.ref_lon + offset <= self.east


def densest_cluster(
    frame: Frame, home: Place, entries: Sequence[Entry]
) -> tuple[Place | None, list[Entry]]:
    """The marker with the most partners within :data:`NEAR_PX` of it on the world map
    (None: the place itself, preferred on a tie), and those partners."""
    points = {e.number: frame.xy(*e.partner.coordinates) for e in entries}

    def near(x: float, y: float) -> list[Entry]:
        return [e for e in entries if math.dist(points[e.number], (x, y)) <= NEAR_PX]

    best_centre: Place | None = None
    best = near(*frame.xy(home.latitude, home.longitude))
    for entry in entries:
        found = near(*points[entry.number])
        if len(found) > len(best):
            best_centre, best = entry.partner, found
    return best_centre, best


def find_inset(
    frame: Frame, home: Place, entries: Sequence[Entry], want: bool | str, y: float
) -> Inset | None:
    """The inset for the densest cluster of partners on the world map, if worth one.

    ``want``: ``"auto"`` needs :data:`MIN_PARTNERS` in the cluster, ``True``
    one partner near the place (or a cluster elsewhere), ``False`` never.
    """
    if want is False or not entries:
        return None
    centre, cluster = densest_cluster(frame, home, entries)
    if len(cluster) < MIN_PARTNERS and want is True:
        home_xy = frame.xy(home.latitude, home.longitude)
        centre = None
        cluster = [
            e for e in entries if math.dist(frame.xy(*e.partner.coordinates), home_xy) <= NEAR_PX
        ]
    if len(cluster) < (1 if want is True else MIN_PARTNERS):
        return None
    ref_lon = (centre or home).longitude
    members = [e.partner for e in cluster] + ([home] if centre is None else [])
    lats = [p.latitude for p in members]
    offsets = [relative(p.longitude, ref_lon) for p in members]
    pad_lat = max(1.0, 0.12 * (max(lats) - min(lats)))
    pad_lon = max(1.0, 0.12 * (max(offsets) - min(offsets)))
    bottom, top = max(-90.0, min(lats) - pad_lat), min(90.0, max(lats) + pad_lat)
    west, east = min(offsets) - pad_lon, max(offsets) + pad_lon
    scale = min(
        (frame.width - 2 * PAD) * MAX_WIDTH / (east - west),
        MAX_HEIGHT / (top - bottom),
    )
    if scale < MIN_ZOOM * frame.scale:
        return None
    span = MIN_HEIGHT / scale  # degrees of latitude
    if top - bottom < span:
        middle = (top + bottom) / 2
        top = min(90.0, max(middle - span / 2, -90.0) + span)
        bottom = max(-90.0, top - span)
    box = Box(PAD, y, (east - west) * scale, (top - bottom) * scale)
    inset = Inset(
        box,
        ref_lon + west,
        ref_lon + east,
        bottom,
        top,
        scale,
        ref_lon,
        frozenset(),
        home=False,
        caption="",
    )
    shown = frozenset(e.number for e in entries if inset.contains(*e.partner.coordinates))
    if centre is None:
        caption = f"Detail around {home.name}: {len(shown)} partners"
    else:
        caption = f"Detail: {len(shown)} partners in {_countries(cluster)}"
    return attrs.evolve(inset, shown=shown, home=inset.contains(*home.coordinates), caption=caption)


def _countries(cluster: Sequence[Entry]) -> str:
    """The cluster's countries, most partners first: ``"JP, PH, CN"``."""
    counts: dict[str, int] = {}
    for entry in cluster:
        counts[entry.partner.country] = counts.get(entry.partner.country, 0) + 1
    ranked = sorted(counts, key=lambda c: (-counts[c], c))
    return ", ".join(ranked[:4]) + (", …" if len(ranked) > 4 else "")

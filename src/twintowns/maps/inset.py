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

#: An inset zooms on the place when this many partners lie within
#: NEAR_PX of it on the world map, if it magnifies at least MIN_ZOOM times.
MIN_PARTNERS: Final = 6
NEAR_PX: Final = 70.0
MIN_ZOOM: Final = 2.5
MAX_WIDTH: Final = 0.6  # of the map's width
MAX_HEIGHT: Final = 380.0
#: Space between the world map and the inset (room for the inset's caption).
GAP: Final = 30.0


@attrs.frozen
class Inset:
    """A zoomed equirectangular view of the crowded region around the place."""

    box: Box
    west: float
    """Western edge, degrees east, unwrapped: ``home_lon + offset``."""
    east: float
    bottom: float
    top: float
    scale: float
    home_lon: float
    shown: frozenset[int]
    """Numbers of the partners inside the inset."""

    def at(self, lat: float, lon: float) -> tuple[float, float]:
        """Pixel position of an unwrapped longitude (continuous across ±180°)."""
        return (
            self.box.x + (lon - self.west) * self.scale,
            self.box.y + (self.top - lat) * self.scale,
        )

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return self.at(lat, self.home_lon + relative(lon, self.home_lon))


def find_inset(
    frame: Frame, home: Place, entries: Sequence[Entry], want: bool | str, y: float
) -> Inset | None:
    """The inset for partners crowded around the place on the world map, if worth one."""
    if want is False or not entries:
        return None
    hx, hy = frame.xy(home.latitude, home.longitude)
    near = [
        e
        for e in entries
        if math.hypot(
            *(u - v for u, v in zip(frame.xy(*e.partner.coordinates), (hx, hy), strict=True))
        )
        <= NEAR_PX
    ]
    if len(near) < (1 if want is True else MIN_PARTNERS):
        return None
    lats = [home.latitude, *(e.partner.latitude for e in near)]
    offsets = [0.0, *(relative(e.partner.longitude, home.longitude) for e in near)]
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
    shown = frozenset(
        e.number
        for e in entries
        if bottom <= e.partner.latitude <= top
        and west <= relative(e.partner.longitude, home.longitude) <= east
    )
    box = Box(PAD, y, (east - west) * scale, (top - bottom) * scale)
    return Inset(
        box, home.longitude + west, home.longitude + east, bottom, top, scale, home.longitude, shown
    )

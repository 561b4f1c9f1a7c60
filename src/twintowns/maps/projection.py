"""The equirectangular projection of the world map, and the arcs drawn on it.

Longitude and latitude map linearly to x and y around a central meridian;
the meridian opposite it is the map's left and right edge, where arcs are
split.  :class:`Frame` places points in the SVG's pixels; :func:`frame_for`
chooses its latitudes and its central meridian for one place's partners.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, Literal, Protocol

import attrs

from twintowns.geography import distance, intermediate_points, split_antimeridian
from twintowns.maps.style import PAD, TITLE_HEIGHT

if TYPE_CHECKING:
    from twintowns.model import Place

__all__: list[str] = []

#: The map shows these latitudes, widened to include every drawn point.
DEFAULT_TOP: Final = 84.0
DEFAULT_BOTTOM: Final = -58.0
#: One interpolated point per this many degrees of arc.
ARC_STEP_DEG: Final = 1.5


@attrs.frozen
class Box:
    """A rectangle in the SVG's pixels."""

    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box, gap: float = 1.0) -> bool:
        return not (
            self.x + self.w + gap <= other.x
            or other.x + other.w + gap <= self.x
            or self.y + self.h + gap <= other.y
            or other.y + other.h + gap <= self.y
        )

    def inside(self, other: Box) -> bool:
        return (
            self.x >= other.x
            and self.y >= other.y
            and self.x + self.w <= other.x + other.w
            and self.y + self.h <= other.y + other.h
        )


class View(Protocol):
    """What the outline and arc drawing needs of the world map or the inset."""

    @property
    def west(self) -> float: ...
    @property
    def east(self) -> float: ...
    @property
    def bottom(self) -> float: ...
    @property
    def top(self) -> float: ...
    def at(self, lat: float, lon: float) -> tuple[float, float]: ...


def relative(lon: float, center: float) -> float:
    """``lon`` relative to the central meridian ``center``, in ``[-180, 180]``."""
    if center == 0.0:
        return lon
    rel = (lon - center + 180.0) % 360.0 - 180.0
    return 180.0 if rel == -180.0 and lon - center > 0 else rel


@attrs.frozen
class Frame:
    """Equirectangular projection of the map area inside the SVG."""

    width: float
    top: float
    bottom: float
    center: float = 0.0
    """Central meridian: the map spans ``center - 180`` to ``center + 180``."""

    @property
    def scale(self) -> float:
        return (self.width - 2 * PAD) / 360.0

    @property
    def box(self) -> Box:
        return Box(PAD, TITLE_HEIGHT, self.width - 2 * PAD, (self.top - self.bottom) * self.scale)

    @property
    def west(self) -> float:
        return self.center - 180.0

    @property
    def east(self) -> float:
        return self.center + 180.0

    def at(self, lat: float, lon: float) -> tuple[float, float]:
        """Pixel position of an unwrapped longitude (``center - 180`` … ``center + 180``)."""
        return self.xy_relative(lat, lon - self.center)

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        """Pixel position of a point (``lon`` in degrees east, any range)."""
        return self.xy_relative(lat, relative(lon, self.center))

    def xy_relative(self, lat: float, rel: float) -> tuple[float, float]:
        """Pixel position of a point ``rel`` degrees east of the central meridian."""
        return (PAD + (rel + 180.0) * self.scale, TITLE_HEIGHT + (self.top - lat) * self.scale)

    def pieces(self, line: Sequence[tuple[float, float]]) -> list[list[tuple[float, float]]]:
        """``line`` as ``(lat, relative lon)`` pieces, split where it leaves the map's edge."""
        return split_antimeridian([(lat, relative(lon, self.center)) for lat, lon in line])


def arc(home: Place, partner: Place) -> list[tuple[float, float]]:
    """Great-circle arc from ``home`` to ``partner`` as ``(lat, lon)`` points."""
    a, b = home.coordinates, partner.coordinates
    angle = distance(a, b, unit="deg")
    steps = max(1, math.ceil(angle / ARC_STEP_DEG))
    try:
        middle = intermediate_points(a, b, steps - 1)
    except ValueError:  # antipodal: every great circle is shortest; draw it straight
        middle = []
    return [a, *middle, b]


def crossings(line: Sequence[tuple[float, float]], center: float) -> int:
    """How many times ``line`` crosses the edge of a map centred on ``center``."""
    rel = [relative(lon, center) for _, lon in line]
    return sum(abs(v - u) > 180.0 for u, v in itertools.pairwise(rel))


def auto_center(lines: Sequence[Sequence[tuple[float, float]]]) -> float:
    """The central meridian (a multiple of 30°) that splits the fewest arcs; 0 on a tie."""
    candidates = sorted(range(-150, 181, 30), key=lambda c: (abs(c), c))
    best = min(candidates, key=lambda c: sum(crossings(line, c) > 0 for line in lines))
    return float(best)


def frame_for(
    home: Place,
    lines: Sequence[Sequence[tuple[float, float]]],
    width: float,
    center: float | Literal["auto"],
) -> Frame:
    """The world map's frame: every arc's latitudes, the central meridian asked for."""
    lats = [home.latitude]
    for line in lines:
        lats.extend(lat for lat, _ in line)
    top = min(90.0, max(DEFAULT_TOP, max(lats) + 4.0))
    bottom = max(-90.0, min(DEFAULT_BOTTOM, min(lats) - 4.0))
    if center == "auto":
        center = auto_center(lines)
    return Frame(width, top, bottom, float(center))

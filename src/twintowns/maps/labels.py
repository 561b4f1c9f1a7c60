"""Label placement: every name (or number) next to its marker, never on another.

Greedy: the most crowded markers are labelled first, each label at the first
free spot of a fixed list (right, left, the four diagonals, above, below),
then further out on rings with a leader line.  When some partner's name finds
no room, every partner is numbered instead (``labels="auto"``).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

import attrs

from twintowns.maps.projection import Box
from twintowns.maps.style import HOME_LABEL_SIZE, HOME_RADIUS, LABEL_SIZE, PARTNER_RADIUS

if TYPE_CHECKING:
    from twintowns.maps.entries import Entry
    from twintowns.maps.options import LabelMode
    from twintowns.model import Place

__all__: list[str] = []

#: Leader-line distances (px) tried for names, then for numbers.
NAME_RADII: Final = (0.0, 16.0, 28.0, 42.0)
NUMBER_RADII: Final = (0.0, 12.0, 22.0, 34.0, 48.0, 66.0, 90.0, 120.0)

#: Advance widths (em) of DejaVu Sans, the first font asked for, by character
#: class; Verdana is as wide, Arial and Helvetica narrower.
_NARROW = dict.fromkeys("ijlI.,:;'!|", 0.30) | dict.fromkeys(" ftr-()[]/", 0.40)
_WIDE = dict.fromkeys("mwMW", 0.95) | dict.fromkeys("ABCDEGHKNOQRUVXY&", 0.76)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """A slightly generous estimate of the rendered width of ``text`` in pixels."""
    em = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            em += 1.0
        else:
            base = unicodedata.normalize("NFD", ch)[0]  # accents do not widen a letter
            em += _NARROW.get(base) or _WIDE.get(base) or (0.66 if base.isupper() else 0.62)
    return em * size * (1.12 if bold else 1.0) * 1.04 + 2.0


class Placer:
    """Greedy label placement: next to the marker, else further out with a leader."""

    def __init__(self, bounds: Box, obstacles: Iterable[Box]) -> None:
        self.bounds = bounds
        self.taken: list[Box] = list(obstacles)

    def _free(self, box: Box) -> bool:
        return box.inside(self.bounds) and not any(box.overlaps(t) for t in self.taken)

    @staticmethod
    def _candidates(
        x: float, y: float, r: float, w: float, h: float, radii: Sequence[float]
    ) -> Iterable[tuple[Box, bool]]:
        g = r + 2.0
        d = g * 0.75
        yield Box(x + g, y - h / 2, w, h), False
        yield Box(x - g - w, y - h / 2, w, h), False
        yield Box(x + d, y - d - h, w, h), False
        yield Box(x + d, y + d, w, h), False
        yield Box(x - d - w, y - d - h, w, h), False
        yield Box(x - d - w, y + d, w, h), False
        yield Box(x - w / 2, y - g - h, w, h), False
        yield Box(x - w / 2, y + g, w, h), False
        for radius in radii:
            if radius <= 0:
                continue
            for k in range(16):
                theta = math.tau * k / 16
                cx = x + (g + radius + w / 2) * math.cos(theta)
                cy = y + (g + radius + h / 2) * math.sin(theta)
                yield Box(cx - w / 2, cy - h / 2, w, h), True

    def place(
        self, x: float, y: float, r: float, w: float, h: float, radii: Sequence[float]
    ) -> tuple[Box, bool] | None:
        """A free box for a ``w``×``h`` label of the marker at ``(x, y)``, and
        whether it needs a leader line; None when nothing is free."""
        for box, leader in self._candidates(x, y, r, w, h, radii):
            if self._free(box):
                self.taken.append(box)
                return box, leader
        return None

    def force(self, x: float, y: float, r: float, w: float, h: float) -> Box:
        box = Box(x + r + 2.0, y - h / 2, w, h)
        self.taken.append(box)
        return box


@attrs.frozen
class Label:
    """A placed label: its text, its box and whether a leader line joins it to the marker."""

    text: str
    box: Box
    leader: bool
    size: float
    bold: bool = False


@attrs.frozen
class Panel:
    """Where labels go: the world map or the inset, with the markers drawn there."""

    box: Box
    points: Mapping[int, tuple[float, float]]
    """Marker positions by entry number; 0 is the place itself."""
    labelled: frozenset[int]


def _obstacles(panel: Panel) -> list[Box]:
    """The markers of ``panel``: no label may cover one."""
    found = []
    for number, (x, y) in panel.points.items():
        r = HOME_RADIUS if number == 0 else PARTNER_RADIUS
        found.append(Box(x - r, y - r, 2 * r, 2 * r))
    return found


def place_labels(
    panels: Sequence[Panel], home: Place, entries: Sequence[Entry], mode: LabelMode
) -> tuple[str, dict[tuple[int, int], Label], int]:
    """Label mode used, labels by (panel, entry number; 0 = the place), overlaps."""
    by_number = {e.number: e for e in entries}
    attempts: list[LabelMode] = ["names", "numbers"] if mode == "auto" else [mode]
    for attempt in attempts:
        labels: dict[tuple[int, int], Label] = {}
        overlaps = 0
        complete = True
        radii = NAME_RADII if attempt == "names" else NUMBER_RADII
        for index, panel in enumerate(panels):
            placer = Placer(panel.box, _obstacles(panel))

            def crowding(
                number: int, points: Mapping[int, tuple[float, float]]
            ) -> tuple[int, int, str, str]:
                x, y = points[number]
                near = sum(1 for (u, v) in points.values() if abs(u - x) < 60 and abs(v - y) < 30)
                partner = by_number[number].partner if number else home
                return (number != 0, -near, partner.name.casefold(), partner.id)

            for number in sorted(panel.labelled, key=lambda n: crowding(n, panel.points)):
                x, y = panel.points[number]
                if number == 0:
                    text, size, r, bold = home.name, HOME_LABEL_SIZE, HOME_RADIUS, True
                else:
                    partner = by_number[number].partner
                    text = partner.name if attempt == "names" else str(number)
                    size, r, bold = LABEL_SIZE, PARTNER_RADIUS, False
                w, h = text_width(text, size, bold=bold), size * 1.25
                spot = placer.place(x, y, r, w, h, NUMBER_RADII if number == 0 else radii)
                if spot is None:
                    if number != 0 and attempt != attempts[-1]:
                        complete = False
                        break
                    spot, overlaps = (placer.force(x, y, r, w, h), False), overlaps + 1
                labels[index, number] = Label(text, spot[0], spot[1], size, bold=bold)
            if not complete:
                break
        if complete:
            return attempt, labels, overlaps
    raise AssertionError("unreachable: the last attempt always completes")

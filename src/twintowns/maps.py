"""World maps of a place's partnerships: SVG, PNG and interactive HTML.

:func:`render_map` draws the place, each partner as a labelled point, the
great-circle arc to each partner (split where it crosses the antimeridian),
country outlines, a legend and a title, coloured by partnership status.

>>> import tempfile, pathlib, twintowns
>>> from twintowns.maps import render_map
>>> atlas = twintowns.load()
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> summary = render_map(atlas, "Charlotte, US-NC", path=folder / "charlotte.svg")
>>> summary.format, summary.place, summary.partners >= 7, summary.labels
('svg', 'Charlotte, US-NC, US', True, 'names')
>>> "centred on 90°W" in (folder / "charlotte.svg").read_text("utf-8")
True

Formats, chosen by the file suffix (or ``format=``):

* ``.svg`` — written by this module with the standard library only;
* ``.png`` — the same SVG rasterised by ``cairosvg`` (extra ``twintowns[png]``).
  CairoSVG renders *our* SVG, so the PNG and the SVG are one drawing from one
  code path; a second renderer such as matplotlib would mean a second
  drawing to keep in step and a much heavier dependency (numpy and friends);
* ``.html`` — the same drawing as an interactive page that works offline
  (:mod:`twintowns.webmap`: one file, no network, pan, zoom, hover and click
  for the partnership details); ``tiles=True`` writes a Leaflet map with street
  tiles through ``folium`` instead (extra ``twintowns[html]``; it loads scripts
  and tiles from the web when opened).

Projection: equirectangular (plate carrée).  Longitude and latitude map
linearly to x and y, so the meridian opposite the map's centre is exactly its
left and right edge (an arc split there ends on the edges and nothing is cut
elsewhere), country outlines and arcs need no trigonometry to draw, and
readers know the picture.  ``center="auto"`` (the default) picks the central
meridian that splits the fewest arcs (0°, so the edge is the antimeridian,
unless another multiple of 30° is strictly better: 90° W for Charlotte,
150° W for Honolulu); ``center=0`` always puts the edge on the antimeridian.
Areas far from the equator look too big, which does not matter for showing
who is partnered with whom.  The map shows latitudes 58° S to 84° N, widened
to include every drawn point.

Labels never overlap each other or the markers.  Each label goes next to its
marker, else further out with a leader line.  When six or more partners
crowd around the place (Laredo, Texas, and its Mexican partners), a zoomed
inset below the world map shows them, labelled there.  When some partner's
name still does not fit anywhere, every partner gets a number instead and a
key below the map lists the numbers with names and statuses.

Country outlines come from ``data/outlines.json``, derived from Natural
Earth by ``databuild/outlines.py`` (public domain; about 200 KB).
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import math
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, TypeAlias

import attrs

from twintowns.errors import InvalidTypeError, InvalidValueError
from twintowns.files import publish, temporary_beside, write_text_atomically
from twintowns.filters import KindFilter, StatusFilter
from twintowns.geography import (
    MissingDependencyError,
    distance,
    intermediate_points,
    split_antimeridian,
)
from twintowns.model import Partnership, Place, Status, StatusBasis

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = [
    "FORMATS",
    "STATUS_STYLES",
    "CountryOutline",
    "MapSummary",
    "StatusStyle",
    "html_map",
    "outlines",
    "render_map",
    "svg_map",
]

LabelMode: TypeAlias = Literal["auto", "names", "numbers"]
#: Output formats of :func:`render_map`, by file suffix.
FORMATS: Final = ("svg", "png", "html")

_SVG_NS = "http://www.w3.org/2000/svg"
_FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"
_PAD = 12.0
_TITLE_HEIGHT = 52.0
_LEGEND_HEIGHT = 30.0
_KEY_ROW = 17.0
_KEY_COLUMN = 290.0
_LABEL_SIZE = 11.0
_HOME_LABEL_SIZE = 12.5
_PARTNER_RADIUS = 3.5
_HOME_RADIUS = 6.0
_DEFAULT_TOP, _DEFAULT_BOTTOM = 84.0, -58.0
#: One interpolated point per this many degrees of arc.
_ARC_STEP_DEG = 1.5
#: Leader-line distances (px) tried for names, then for numbers.
_NAME_RADII: Final = (0.0, 16.0, 28.0, 42.0)
_NUMBER_RADII: Final = (0.0, 12.0, 22.0, 34.0, 48.0, 66.0, 90.0, 120.0)
#: An inset zooms on the place when this many partners lie within
#: _INSET_NEAR_PX of it on the world map, if it magnifies at least _INSET_MIN_ZOOM times.
_INSET_MIN_PARTNERS = 6
_INSET_NEAR_PX = 70.0
_INSET_MIN_ZOOM = 2.5
_INSET_MAX_WIDTH = 0.6  # of the map's width
_INSET_MAX_HEIGHT = 380.0
_INSET_GAP = 30.0


@attrs.frozen
class StatusStyle:
    """How arcs and markers of one status are drawn."""

    colour: str
    dash: str | None
    description: str


#: Colours from the Okabe–Ito palette (distinguishable with colour-blindness);
#: the dash pattern tells statuses apart in greyscale too.
STATUS_STYLES: Final[Mapping[Status, StatusStyle]] = {
    Status.ACTIVE: StatusStyle("#0072B2", None, "active"),
    Status.SUSPENDED: StatusStyle("#E69F00", "7 4", "suspended"),
    Status.ENDED: StatusStyle("#7A7A7A", "2 3", "ended"),
    Status.PROPOSED: StatusStyle("#009E73", "10 3 2 3", "proposed"),
}
_HOME_COLOUR = "#C0392B"


@attrs.frozen
class MapSummary:
    """What :func:`render_map` drew.

    ``arcs`` counts drawn arc pieces (one per partner, two when an arc
    crosses the antimeridian: ``crossings`` counts those).  ``labels`` is
    ``"names"`` or ``"numbers"`` (numbered markers with a key).
    ``overlaps`` counts labels that found no free spot (0 in practice).
    """

    format: str
    place: str
    partners: int
    arcs: int
    crossings: int
    labels: str
    path: Path | None = attrs.field(default=None, repr=False, eq=False)
    overlaps: int = attrs.field(default=0, repr=False)
    inset: int = attrs.field(default=0, repr=False)
    """Partners shown in the zoomed inset (0: no inset)."""
    size: int = attrs.field(default=0, repr=False, eq=False)
    """Bytes written."""


# --------------------------------------------------------------------------
# outlines


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


# --------------------------------------------------------------------------
# geometry of the drawing


@attrs.frozen
class _Box:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: _Box, gap: float = 1.0) -> bool:
        return not (
            self.x + self.w + gap <= other.x
            or other.x + other.w + gap <= self.x
            or self.y + self.h + gap <= other.y
            or other.y + other.h + gap <= self.y
        )

    def inside(self, other: _Box) -> bool:
        return (
            self.x >= other.x
            and self.y >= other.y
            and self.x + self.w <= other.x + other.w
            and self.y + self.h <= other.y + other.h
        )


#: Advance widths (em) of DejaVu Sans, the first font asked for, by character
#: class; Verdana is as wide, Arial and Helvetica narrower.
_NARROW = dict.fromkeys("ijlI.,:;'!|", 0.30) | dict.fromkeys(" ftr-()[]/", 0.40)
_WIDE = dict.fromkeys("mwMW", 0.95) | dict.fromkeys("ABCDEGHKNOQRUVXY&", 0.76)


def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    """A slightly generous estimate of the rendered width of ``text`` in pixels."""
    em = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            em += 1.0
        else:
            base = unicodedata.normalize("NFD", ch)[0]  # accents do not widen a letter
            em += _NARROW.get(base) or _WIDE.get(base) or (0.66 if base.isupper() else 0.62)
    return em * size * (1.12 if bold else 1.0) * 1.04 + 2.0


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


@attrs.frozen
class _Frame:
    """Equirectangular projection of the map area inside the SVG."""

    width: float
    top: float
    bottom: float
    center: float = 0.0
    """Central meridian: the map spans ``center - 180`` to ``center + 180``."""

    @property
    def scale(self) -> float:
        return (self.width - 2 * _PAD) / 360.0

    @property
    def box(self) -> _Box:
        return _Box(
            _PAD, _TITLE_HEIGHT, self.width - 2 * _PAD, (self.top - self.bottom) * self.scale
        )

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
        return self.xy_relative(lat, _relative(lon, self.center))

    def xy_relative(self, lat: float, rel: float) -> tuple[float, float]:
        """Pixel position of a point ``rel`` degrees east of the central meridian."""
        return (_PAD + (rel + 180.0) * self.scale, _TITLE_HEIGHT + (self.top - lat) * self.scale)

    def pieces(self, line: Sequence[tuple[float, float]]) -> list[list[tuple[float, float]]]:
        """``line`` as ``(lat, relative lon)`` pieces, split where it leaves the map's edge."""
        return split_antimeridian([(lat, _relative(lon, self.center)) for lat, lon in line])


def _relative(lon: float, center: float) -> float:
    """``lon`` relative to the central meridian ``center``, in ``[-180, 180]``."""
    if center == 0.0:
        return lon
    rel = (lon - center + 180.0) % 360.0 - 180.0
    return 180.0 if rel == -180.0 and lon - center > 0 else rel


def _arc(home: Place, partner: Place) -> list[tuple[float, float]]:
    """Great-circle arc from ``home`` to ``partner`` as ``(lat, lon)`` points."""
    a, b = home.coordinates, partner.coordinates
    angle = distance(a, b, unit="deg")
    steps = max(1, math.ceil(angle / _ARC_STEP_DEG))
    try:
        middle = intermediate_points(a, b, steps - 1)
    except ValueError:  # antipodal: every great circle is shortest; draw it straight
        middle = []
    return [a, *middle, b]


def _crossings(line: Sequence[tuple[float, float]], center: float) -> int:
    rel = [_relative(lon, center) for _, lon in line]
    return sum(abs(v - u) > 180.0 for u, v in itertools.pairwise(rel))


def _auto_center(lines: Sequence[Sequence[tuple[float, float]]]) -> float:
    """The central meridian (a multiple of 30°) that splits the fewest arcs; 0 on a tie."""
    candidates = sorted(range(-150, 181, 30), key=lambda c: (abs(c), c))
    best = min(candidates, key=lambda c: sum(_crossings(line, c) > 0 for line in lines))
    return float(best)


# --------------------------------------------------------------------------
# labels


class _Placer:
    """Greedy label placement: next to the marker, else further out with a leader."""

    def __init__(self, bounds: _Box, obstacles: Iterable[_Box]) -> None:
        self.bounds = bounds
        self.taken: list[_Box] = list(obstacles)

    def _free(self, box: _Box) -> bool:
        return box.inside(self.bounds) and not any(box.overlaps(t) for t in self.taken)

    @staticmethod
    def _candidates(
        x: float, y: float, r: float, w: float, h: float, radii: Sequence[float]
    ) -> Iterable[tuple[_Box, bool]]:
        g = r + 2.0
        d = g * 0.75
        yield _Box(x + g, y - h / 2, w, h), False
        yield _Box(x - g - w, y - h / 2, w, h), False
        yield _Box(x + d, y - d - h, w, h), False
        yield _Box(x + d, y + d, w, h), False
        yield _Box(x - d - w, y - d - h, w, h), False
        yield _Box(x - d - w, y + d, w, h), False
        yield _Box(x - w / 2, y - g - h, w, h), False
        yield _Box(x - w / 2, y + g, w, h), False
        for radius in radii:
            if radius <= 0:
                continue
            for k in range(16):
                theta = math.tau * k / 16
                cx = x + (g + radius + w / 2) * math.cos(theta)
                cy = y + (g + radius + h / 2) * math.sin(theta)
                yield _Box(cx - w / 2, cy - h / 2, w, h), True

    def place(
        self, x: float, y: float, r: float, w: float, h: float, radii: Sequence[float]
    ) -> tuple[_Box, bool] | None:
        """A free box for a ``w``×``h`` label of the marker at ``(x, y)``, and
        whether it needs a leader line; None when nothing is free."""
        for box, leader in self._candidates(x, y, r, w, h, radii):
            if self._free(box):
                self.taken.append(box)
                return box, leader
        return None

    def force(self, x: float, y: float, r: float, w: float, h: float) -> _Box:
        box = _Box(x + r + 2.0, y - h / 2, w, h)
        self.taken.append(box)
        return box


@attrs.frozen
class _Label:
    text: str
    box: _Box
    leader: bool
    size: float
    bold: bool = False


# --------------------------------------------------------------------------
# the drawing


@attrs.frozen
class _Entry:
    number: int
    partnership: Partnership
    partner: Place
    line: list[tuple[float, float]]
    """The great-circle arc as ``(lat, lon)`` points."""


def _resolve(atlas: Atlas, place: Place | str) -> Place:
    """A Place of ``atlas``: a query goes through :meth:`Atlas.place` (with its errors)."""
    return atlas.place(place) if isinstance(place, str) else atlas.resolve(place)


def _partner_entries(
    atlas: Atlas, home: Place, status: StatusFilter, kind: KindFilter
) -> list[_Entry]:
    found = atlas.partnerships_of(home, status=status, kind=kind)
    rows = sorted(
        ((p, p.other(home)) for p in found),
        key=lambda row: (row[1].name.casefold(), row[1].country, row[1].id),
    )
    return [
        _Entry(i, p, partner, _arc(home, partner)) for i, (p, partner) in enumerate(rows, start=1)
    ]


def _frame(
    home: Place, entries: Sequence[_Entry], width: float, center: float | Literal["auto"]
) -> _Frame:
    lats = [home.latitude]
    for entry in entries:
        lats.extend(lat for lat, _ in entry.line)
    top = min(90.0, max(_DEFAULT_TOP, max(lats) + 4.0))
    bottom = max(-90.0, min(_DEFAULT_BOTTOM, min(lats) - 4.0))
    if center == "auto":
        center = _auto_center([entry.line for entry in entries])
    return _Frame(width, top, bottom, float(center))


@attrs.frozen
class _Inset:
    """A zoomed equirectangular view of the crowded region around the place."""

    box: _Box
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
        return self.at(lat, self.home_lon + _relative(lon, self.home_lon))


def _inset(
    frame: _Frame, home: Place, entries: Sequence[_Entry], want: bool | str, y: float
) -> _Inset | None:
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
        <= _INSET_NEAR_PX
    ]
    if len(near) < (1 if want is True else _INSET_MIN_PARTNERS):
        return None
    lats = [home.latitude, *(e.partner.latitude for e in near)]
    offsets = [0.0, *(_relative(e.partner.longitude, home.longitude) for e in near)]
    pad_lat = max(1.0, 0.12 * (max(lats) - min(lats)))
    pad_lon = max(1.0, 0.12 * (max(offsets) - min(offsets)))
    bottom, top = max(-90.0, min(lats) - pad_lat), min(90.0, max(lats) + pad_lat)
    west, east = min(offsets) - pad_lon, max(offsets) + pad_lon
    scale = min(
        (frame.width - 2 * _PAD) * _INSET_MAX_WIDTH / (east - west),
        _INSET_MAX_HEIGHT / (top - bottom),
    )
    if scale < _INSET_MIN_ZOOM * frame.scale:
        return None
    shown = frozenset(
        e.number
        for e in entries
        if bottom <= e.partner.latitude <= top
        and west <= _relative(e.partner.longitude, home.longitude) <= east
    )
    box = _Box(_PAD, y, (east - west) * scale, (top - bottom) * scale)
    return _Inset(
        box, home.longitude + west, home.longitude + east, bottom, top, scale, home.longitude, shown
    )


@attrs.frozen
class _Panel:
    """Where labels go: the world map or the inset, with the markers drawn there."""

    box: _Box
    points: Mapping[int, tuple[float, float]]
    """Marker positions by entry number; 0 is the place itself."""
    labelled: frozenset[int]


def _place_labels(
    panels: Sequence[_Panel], home: Place, entries: Sequence[_Entry], mode: LabelMode
) -> tuple[str, dict[tuple[int, int], _Label], int]:
    """Label mode used, labels by (panel, entry number; 0 = the place), overlaps."""
    by_number = {e.number: e for e in entries}
    attempts: list[LabelMode] = ["names", "numbers"] if mode == "auto" else [mode]
    for attempt in attempts:
        labels: dict[tuple[int, int], _Label] = {}
        overlaps = 0
        complete = True
        radii = _NAME_RADII if attempt == "names" else _NUMBER_RADII
        for index, panel in enumerate(panels):
            obstacles = []
            for number, (x, y) in panel.points.items():
                r = _HOME_RADIUS if number == 0 else _PARTNER_RADIUS
                obstacles.append(_Box(x - r, y - r, 2 * r, 2 * r))
            placer = _Placer(panel.box, obstacles)

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
                    text, size, r, bold = home.name, _HOME_LABEL_SIZE, _HOME_RADIUS, True
                else:
                    partner = by_number[number].partner
                    text = partner.name if attempt == "names" else str(number)
                    size, r, bold = _LABEL_SIZE, _PARTNER_RADIUS, False
                w, h = _text_width(text, size, bold=bold), size * 1.25
                spot = placer.place(x, y, r, w, h, _NUMBER_RADII if number == 0 else radii)
                if spot is None:
                    if number != 0 and attempt != attempts[-1]:
                        complete = False
                        break
                    spot, overlaps = (placer.force(x, y, r, w, h), False), overlaps + 1
                labels[index, number] = _Label(text, spot[0], spot[1], size, bold=bold)
            if not complete:
                break
        if complete:
            return attempt, labels, overlaps
    raise AssertionError("unreachable: the last attempt always completes")


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs_: str) -> ET.Element:
    element = ET.SubElement(
        parent, tag, {k.rstrip("_").replace("_", "-"): v for k, v in attrs_.items()}
    )
    if text is not None:
        element.text = text
    return element


class _View(Protocol):
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


def _ring_path(view: _View, ring: Sequence[tuple[float, float]], shift: float) -> str:
    parts: list[str] = []
    px = py = 0
    for i, (lon, lat) in enumerate(ring):
        x, y = view.at(lat, lon + shift)
        ix, iy = round(x * 10), round(y * 10)
        if i == 0:
            parts.append(f"M{_fmt(ix / 10)} {_fmt(iy / 10)}")
        elif (ix, iy) != (px, py):
            parts.append(f"l{_fmt((ix - px) / 10)} {_fmt((iy - py) / 10)}")
        px, py = ix, iy
    return "".join(parts) + "z"


def _line_path(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(
        f"{'M' if i == 0 else 'L'}{_fmt(x)} {_fmt(y)}" for i, (x, y) in enumerate(points)
    )


def _meridian(lon: float) -> str:
    if lon == 0:
        return "0°"
    return f"{abs(lon):g}°{'E' if lon > 0 else 'W'}"


def _details(home: Place, p: Partnership) -> str:
    partner = p.other(home)
    parts = [f"{partner.label}: {p.kind.value}, {p.status.value}"]
    if p.established:
        parts.append(f"since {p.established}")
    if p.ended:
        parts.append(f"ended {p.ended}")
    parts.append(f"{distance(home, partner):,.0f} km")
    return " · ".join(parts)


def _draw_outlines(
    parent: ET.Element, view: _View, highlight: Mapping[str, str], clip: str, group_id: str
) -> None:
    group = _el(
        parent,
        "g",
        id=group_id,
        fill="#EFECE4",
        stroke="#A9A9A9",
        stroke_width="0.4",
        stroke_linejoin="round",
        fill_rule="evenodd",
        clip_path=f"url(#{clip})",
    )
    for country in outlines():
        drawn: list[str] = []
        for ring in country.rings:
            lons = [lon for lon, _ in ring]
            lats = [lat for _, lat in ring]
            if max(lats) < view.bottom or min(lats) > view.top:
                continue
            # a ring is drawn once per copy of the world that overlaps the view
            for shift in (0.0, -360.0, 360.0):
                if min(lons) + shift < view.east and max(lons) + shift > view.west:
                    drawn.append(_ring_path(view, ring, shift))
        if not drawn:
            continue
        extra = {"fill": highlight[country.iso]} if country.iso in highlight else {}
        path = _el(
            group,
            "path",
            d="".join(drawn),
            **{"class": "country", "data-id": country.id, "data-iso": country.iso, **extra},
        )
        _el(path, "title", country.name)


def _basis_text(partnerships: Sequence[Partnership], status: Status) -> str:
    """How many ties of ``status`` are listed and how many confirmed: ``"2 listed, 1 confirmed"``.

    *Listed*: a source lists the tie and none states its status; *confirmed*: a
    dated curated source states it (see :class:`~twintowns.StatusBasis`).
    """
    counts = Counter(p.status_basis for p in partnerships if p.status is status)
    return ", ".join(f"{counts[b]} {b.value}" for b in StatusBasis if counts.get(b))


def _draw_legend(
    svg: ET.Element,
    home: Place,
    counts: Counter[Status],
    y: float,
    partnerships: Sequence[Partnership] = (),
) -> None:
    legend = _el(svg, "g", **{"class": "legend"})
    x = _PAD + 4
    item = _el(legend, "g", **{"class": "legend-item", "data-status": "home"})
    _el(item, "circle", cx=_fmt(x + 6), cy=_fmt(y), r=_fmt(_HOME_RADIUS - 1), fill=_HOME_COLOUR)
    text = f"{home.name} (the place)"
    _el(item, "text", text, x=_fmt(x + 16), y=_fmt(y + 4), font_size="11", fill="#222")
    x += 16 + _text_width(text, 11) + 18
    for status, style in STATUS_STYLES.items():
        if not counts.get(status):
            continue  # a category the map does not show is not in its legend
        item = _el(legend, "g", **{"class": "legend-item", "data-status": status.value})
        dash = {"stroke-dasharray": style.dash} if style.dash else {}
        _el(
            item,
            "line",
            x1=_fmt(x),
            y1=_fmt(y),
            x2=_fmt(x + 28),
            y2=_fmt(y),
            stroke=style.colour,
            stroke_width="2",
            **dash,
        )
        _el(item, "circle", cx=_fmt(x + 28), cy=_fmt(y), r=_fmt(_PARTNER_RADIUS), fill=style.colour)
        text = f"{style.description} ({counts.get(status, 0)})"
        basis = _basis_text(partnerships, status)
        if basis:
            text += f" {basis}"
        _el(item, "text", text, x=_fmt(x + 36), y=_fmt(y + 4), font_size="11", fill="#222")
        x += 36 + _text_width(text, 11) + 18


def _draw_key(svg: ET.Element, entries: Sequence[_Entry], width: float, y0: float) -> float:
    """The numbered key below the legend; returns its height."""
    columns = max(1, int((width - 2 * _PAD) // _KEY_COLUMN))
    rows = math.ceil(len(entries) / columns)
    key = _el(svg, "g", **{"class": "key"})
    chars = int((_KEY_COLUMN - 40) / (_LABEL_SIZE * 0.62))
    for i, entry in enumerate(entries):
        col, row = divmod(i, rows)
        x, y = _PAD + 4 + col * _KEY_COLUMN, y0 + row * _KEY_ROW
        style = STATUS_STYLES[entry.partnership.status]
        _el(key, "circle", cx=_fmt(x + 4), cy=_fmt(y - 4), r="3.5", fill=style.colour)
        text = f"{entry.number}. {entry.partner.name}, {entry.partner.country}"
        if entry.partnership.status is not Status.ACTIVE:
            text += f" ({entry.partnership.status.value})"
        if len(text) > chars:
            text = text[: chars - 1] + "…"
        _el(
            key,
            "text",
            text,
            x=_fmt(x + 12),
            y=_fmt(y),
            font_size=_fmt(_LABEL_SIZE),
            fill="#222",
            **{"class": "key-entry", "data-partner": entry.partner.id},
        )
    return rows * _KEY_ROW


def _build_svg(
    atlas: Atlas,
    place: Place | str,
    *,
    status: StatusFilter,
    kind: KindFilter,
    width: float,
    labels: LabelMode,
    title: str | None,
    center: float | Literal["auto"],
    inset_option: bool | Literal["auto"] = "auto",
) -> tuple[str, MapSummary]:
    if center != "auto" and (
        isinstance(center, bool)
        or not isinstance(center, int | float)
        or not -180.0 <= center <= 180.0
    ):
        raise InvalidValueError(
            f"center must be 'auto' or a longitude in [-180, 180], not {center!r}"
        )
    if inset_option not in ("auto", True, False):
        raise InvalidValueError(f"inset must be 'auto', True or False, not {inset_option!r}")
    if labels not in ("auto", "names", "numbers"):
        raise InvalidValueError(f"labels must be 'auto', 'names' or 'numbers', not {labels!r}")
    if isinstance(width, bool) or not isinstance(width, int | float) or not 400 <= width <= 10000:
        raise InvalidValueError(f"width must be a number of pixels in [400, 10000], not {width!r}")
    home = _resolve(atlas, place)
    entries = _partner_entries(atlas, home, status, kind)
    frame = _frame(home, entries, float(width), center)
    area = frame.box
    inset = _inset(frame, home, entries, inset_option, area.y + area.h + _INSET_GAP)

    world_points: dict[int, tuple[float, float]] = {0: frame.xy(*home.coordinates)}
    for entry in entries:
        world_points[entry.number] = frame.xy(*entry.partner.coordinates)
    in_inset = inset.shown if inset else frozenset()
    panels = [_Panel(area, world_points, frozenset(world_points) - in_inset)]
    if inset is not None:
        inset_points = {0: inset.xy(*home.coordinates)}
        for entry in entries:
            if entry.number in inset.shown:
                inset_points[entry.number] = inset.xy(*entry.partner.coordinates)
        panels.append(_Panel(inset.box, inset_points, frozenset(inset_points)))
    mode, placed, overlaps = _place_labels(panels, home, entries, labels)

    below = inset.box.y + inset.box.h if inset else area.y + area.h
    legend_y = below + 8 + _LEGEND_HEIGHT / 2
    key_y = below + 8 + _LEGEND_HEIGHT + 12
    key_rows = math.ceil(len(entries) / max(1, int((width - 2 * _PAD) // _KEY_COLUMN)))
    key_height = key_rows * _KEY_ROW if mode == "numbers" and entries else 0.0
    height = key_y + key_height + _PAD - (0 if key_height else 12)

    svg = ET.Element(
        "svg",
        {
            "xmlns": _SVG_NS,
            "version": "1.1",
            "width": _fmt(width),
            "height": _fmt(height),
            "viewBox": f"0 0 {_fmt(width)} {_fmt(height)}",
            "font-family": _FONT,
            "role": "img",
            "aria-labelledby": "map-title",
        },
    )
    counts = Counter(e.partnership.status for e in entries)
    heading = title if title is not None else f"Partnerships of {home.label}"
    _el(svg, "title", heading, id="map-title")
    summary_text = (
        f"{len(entries)} partner{'s' if len(entries) != 1 else ''}"
        + (
            ": " + ", ".join(f"{counts[s]} {s.value}" for s in STATUS_STYLES if counts.get(s))
            if entries
            else ""
        )
        + f" · equirectangular projection centred on {_meridian(frame.center)}"
        + " · outlines: Natural Earth"
    )
    _el(svg, "desc", summary_text)
    defs = _el(svg, "defs")
    boxes = {"map-area": area, **({"inset-area": inset.box} if inset else {})}
    for clip_id, b in boxes.items():
        clip = _el(defs, "clipPath", id=clip_id)
        _el(clip, "rect", x=_fmt(b.x), y=_fmt(b.y), width=_fmt(b.w), height=_fmt(b.h))
    _el(svg, "rect", x="0", y="0", width=_fmt(width), height=_fmt(height), fill="#FFFFFF")

    highlight = {e.partner.country: "#E4D9BF" for e in entries}
    highlight[home.country] = "#D8C7A0"
    views: list[tuple[str, _View, _Box]] = [("map-area", frame, area)]
    if inset is not None:
        views.append(("inset-area", inset, inset.box))
    for clip_id, view, b in views:
        rect = dict(x=_fmt(b.x), y=_fmt(b.y), width=_fmt(b.w), height=_fmt(b.h))
        _el(svg, "rect", fill="#DCE9F2", **{"class": "ocean", **rect})
        _draw_outlines(svg, view, highlight, clip_id, "countries" if view is frame else "inset")
        _el(svg, "rect", fill="none", stroke="#7A8A99", stroke_width="0.8", **rect)

    arcs = _el(svg, "g", id="arcs", fill="none", stroke_width="1.4", stroke_linecap="round")
    pieces = crossings = 0
    for entry in entries:
        style = STATUS_STYLES[entry.partnership.status]
        dash = {"stroke-dasharray": style.dash} if style.dash else {}
        common = {
            "data-partner": entry.partner.id,
            "data-status": entry.partnership.status.value,
            "stroke": style.colour,
            "stroke-opacity": "0.85",
            **dash,
        }
        split = frame.pieces(entry.line)
        crossings += len(split) > 1
        for piece in split:
            pieces += 1
            points = (frame.xy_relative(lat, rel) for lat, rel in piece)
            _el(arcs, "path", d=_line_path(points), **{"class": "arc", **common})
        if inset is not None and entry.number in inset.shown:
            points = (inset.xy(lat, lon) for lat, lon in entry.line)
            _el(
                arcs,
                "path",
                d=_line_path(points),
                clip_path="url(#inset-area)",
                **{"class": "arc inset", **common},
            )
    if inset is not None:
        hx = world_points[0][0]
        rel_west = inset.west - home.longitude
        rel_east = inset.east - home.longitude
        _el(
            svg,
            "rect",
            x=_fmt(hx + rel_west * frame.scale),
            y=_fmt(frame.xy(inset.top, home.longitude)[1]),
            width=_fmt((rel_east - rel_west) * frame.scale),
            height=_fmt((inset.top - inset.bottom) * frame.scale),
            fill="none",
            stroke="#555555",
            stroke_width="0.8",
            stroke_dasharray="3 2",
            clip_path="url(#map-area)",
            **{"class": "inset-extent"},
        )
        caption = f"Detail around {home.name}: {len(inset.shown)} partners"
        _el(
            svg,
            "text",
            caption,
            x=_fmt(inset.box.x),
            y=_fmt(inset.box.y - 7),
            font_size="12",
            font_weight="bold",
            fill="#333",
            **{"class": "inset-title"},
        )

    group = _el(svg, "g", id="markers", stroke="#FFFFFF", stroke_width="1")
    for index, panel in enumerate(panels):
        suffix = "" if index == 0 else " inset"
        for entry in entries:
            if entry.number not in panel.points:
                continue
            x, y = panel.points[entry.number]
            circle = _el(
                group,
                "circle",
                cx=_fmt(x),
                cy=_fmt(y),
                r=_fmt(_PARTNER_RADIUS),
                fill=STATUS_STYLES[entry.partnership.status].colour,
                **{
                    "class": "marker partner" + suffix,
                    "data-partner": entry.partner.id,
                    "data-status": entry.partnership.status.value,
                    "data-number": str(entry.number),
                },
            )
            _el(circle, "title", _details(home, entry.partnership))
        x, y = panel.points[0]
        circle = _el(
            group,
            "circle",
            cx=_fmt(x),
            cy=_fmt(y),
            r=_fmt(_HOME_RADIUS),
            fill=_HOME_COLOUR,
            stroke_width="1.5",
            **{"class": "marker home" + suffix, "data-place": home.id},
        )
        _el(circle, "title", home.label)

    label_group = _el(svg, "g", id="labels", fill="#1A1A1A")
    for index, number in sorted(placed):
        label = placed[index, number]
        b = label.box
        if label.leader:
            x, y = panels[index].points[number]
            r = _HOME_RADIUS if number == 0 else _PARTNER_RADIUS
            nx, ny = min(max(x, b.x), b.x + b.w), min(max(y, b.y), b.y + b.h)
            length = math.hypot(nx - x, ny - y) or 1.0
            _el(
                label_group,
                "line",
                x1=_fmt(x + (nx - x) * r / length),
                y1=_fmt(y + (ny - y) * r / length),
                x2=_fmt(nx),
                y2=_fmt(ny),
                stroke="#555555",
                stroke_width="0.6",
                **{"class": "leader"},
            )
        _el(
            label_group,
            "rect",
            x=_fmt(b.x),
            y=_fmt(b.y),
            width=_fmt(b.w),
            height=_fmt(b.h),
            rx="2",
            fill="#FFFFFF",
            fill_opacity="0.8",
            **{"class": "label-bg"},
        )
        _el(
            label_group,
            "text",
            label.text,
            x=_fmt(b.x + 1),
            y=_fmt(b.y + b.h * 0.8),
            font_size=_fmt(label.size),
            **{
                "class": ("label home" if number == 0 else "label")
                + ("" if index == 0 else " inset"),
                "data-number": str(number),
                "data-box": " ".join(_fmt(v) for v in (b.x, b.y, b.w, b.h)),
                **({"font-weight": "bold"} if label.bold else {}),
            },
        )

    _el(svg, "text", heading, x=_fmt(_PAD), y="24", font_size="19", font_weight="bold", fill="#111")
    _el(svg, "text", summary_text, x=_fmt(_PAD), y="42", font_size="12", fill="#444")
    _draw_legend(svg, home, counts, legend_y, [e.partnership for e in entries])
    if key_height:
        _draw_key(svg, entries, width, key_y)

    text = ET.tostring(svg, encoding="unicode", xml_declaration=False)
    document = '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"
    summary = MapSummary(
        format="svg",
        place=home.label,
        partners=len(entries),
        arcs=pieces,
        crossings=crossings,
        labels=mode,
        overlaps=overlaps,
        inset=len(inset.shown) if inset else 0,
        size=len(document.encode("utf-8")),
    )
    return document, summary


def svg_map(
    atlas: Atlas,
    place: Place | str,
    *,
    status: StatusFilter = None,
    kind: KindFilter = None,
    width: float = 1200,
    labels: LabelMode = "auto",
    title: str | None = None,
    center: float | Literal["auto"] = "auto",
    inset: bool | Literal["auto"] = "auto",
) -> str:
    """The SVG document of :func:`render_map` as text (nothing is written)."""
    document, _ = _build_svg(
        atlas,
        place,
        status=status,
        kind=kind,
        width=width,
        labels=labels,
        title=title,
        center=center,
        inset_option=inset,
    )
    return document


# --------------------------------------------------------------------------
# interactive HTML


def _folium() -> Any:
    try:
        import folium
    except ImportError as exc:
        raise MissingDependencyError(
            "HTML maps need the optional dependency folium: pip install 'twintowns[html]'"
        ) from exc
    return folium


def _popup_html(home: Place, p: Partnership) -> str:
    partner = p.other(home)
    rows = [
        ("Partner", partner.label),
        ("Kind", p.kind.value),
        ("Status", f"{p.status.value} ({p.status_basis.value})"),
        ("Established", str(p.established) if p.established else "unknown"),
    ]
    if p.ended:
        rows.append(("Ended", str(p.ended)))
    if p.as_of:
        rows.append(("As of", str(p.as_of)))
    rows.append(("Distance", f"{distance(home, partner):,.0f} km"))
    rows.append(("Claimed by", "both sides" if p.reciprocal else "one side"))
    if p.note:
        rows.append(("Note", p.note))
    cells = "".join(
        f"<tr><th style='text-align:left;padding-right:6px'>{html.escape(k)}</th>"
        f"<td>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table>{cells}</table>"


def html_map(
    atlas: Atlas,
    place: Place | str,
    *,
    status: StatusFilter = None,
    kind: KindFilter = None,
    title: str | None = None,
) -> str:
    """An interactive Leaflet map (needs ``folium``, extra ``twintowns[html]``) as HTML text.

    Every partner is a marker whose popup shows the partnership details.
    """
    folium = _folium()
    home = _resolve(atlas, place)
    entries = _partner_entries(atlas, home, status, kind)
    fmap = folium.Map(location=[home.latitude, home.longitude], zoom_start=2, world_copy_jump=True)
    heading = title if title is not None else f"Partnerships of {home.label}"
    fmap.get_root().html.add_child(
        folium.Element(
            f"<h3 style='margin:6px 10px;font-family:sans-serif'>{html.escape(heading)}</h3>"
        )
    )
    for entry in entries:
        style = STATUS_STYLES[entry.partnership.status]
        for piece in split_antimeridian(entry.line):
            folium.PolyLine(
                [list(point) for point in piece],
                color=style.colour,
                weight=2,
                opacity=0.8,
                dash_array=style.dash.replace(" ", ",") if style.dash else None,
            ).add_to(fmap)
        folium.CircleMarker(
            location=[entry.partner.latitude, entry.partner.longitude],
            radius=6,
            color="#FFFFFF",
            weight=1,
            fill=True,
            fill_color=style.colour,
            fill_opacity=0.95,
            tooltip=entry.partner.name,
            popup=folium.Popup(_popup_html(home, entry.partnership), max_width=320),
        ).add_to(fmap)
    folium.CircleMarker(
        location=[home.latitude, home.longitude],
        radius=9,
        color="#FFFFFF",
        weight=2,
        fill=True,
        fill_color=_HOME_COLOUR,
        fill_opacity=1.0,
        tooltip=home.label,
        popup=folium.Popup(html.escape(f"{home.label}: {len(entries)} partners"), max_width=320),
    ).add_to(fmap)
    counts = Counter(entry.partnership.status for entry in entries)
    shown = [e.partnership for e in entries]
    legend = "".join(
        f"<div><span style='display:inline-block;width:12px;height:12px;border-radius:6px;"
        f"background:{s.colour};margin-right:6px'></span>"
        f"{html.escape(s.description)} ({counts[status]})"
        + (f": {html.escape(basis)}" if (basis := _basis_text(shown, status)) else "")
        + "</div>"
        for status, s in STATUS_STYLES.items()
        if counts[status]  # only the categories the map shows
    )
    legend += (
        "<div style='color:#555;margin-top:4px'>listed: a source lists the tie, no status "
        "source; confirmed: a dated source states the status</div>"
    )
    fmap.get_root().html.add_child(
        folium.Element(
            "<div style='position:fixed;bottom:24px;left:12px;z-index:9999;background:white;"
            f"padding:6px 10px;font:12px sans-serif;border-radius:4px'>{legend}</div>"
        )
    )
    return str(fmap.get_root().render())


# --------------------------------------------------------------------------
# the entry point


def _format_of(path: Path, format: str | None) -> str:
    if format is not None:
        if format not in FORMATS:
            raise InvalidValueError(
                f"unknown map format {format!r}: expected one of {', '.join(FORMATS)}"
            )
        return format
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("htm",):
        suffix = "html"
    if suffix not in FORMATS:
        raise InvalidValueError(
            f"cannot tell the map format from {str(path)!r}: "
            f"use a .svg, .png or .html file name, or pass format="
        )
    return suffix


def _svg_to_png(document: str, path: Path) -> None:
    try:
        import cairosvg
    except (ImportError, OSError) as exc:  # OSError: the cairo C library is missing
        raise MissingDependencyError(
            f"PNG maps need the optional dependency cairosvg (and the cairo library): "
            f"pip install 'twintowns[png]' ({exc})"
        ) from exc
    cairosvg.svg2png(bytestring=document.encode("utf-8"), write_to=str(path))


def render_map(
    atlas: Atlas,
    place: Place | str,
    *,
    path: str | Path,
    status: StatusFilter = None,
    kind: KindFilter = None,
    width: float = 1200,
    labels: LabelMode = "auto",
    title: str | None = None,
    center: float | Literal["auto"] = "auto",
    inset: bool | Literal["auto"] = "auto",
    format: str | None = None,
    tiles: bool = False,
) -> MapSummary:
    """Draw a world map of ``place``'s partnerships into ``path``.

    ``place`` is a Place or a query resolved with :meth:`Atlas.place`
    (``PlaceNotFound``/``AmbiguousPlace`` when that fails).  The format follows
    the suffix of ``path`` (``.svg``, ``.png``, ``.html``) unless ``format`` is
    given.  ``status`` and ``kind`` filter the partnerships as everywhere in
    twintowns (default: all of them, whatever their status).  ``width`` is in
    pixels; the height follows from the projection.  ``labels``: ``"auto"``
    (names when they all fit, else numbered markers with a key), ``"names"``
    or ``"numbers"``.  ``center`` is the central meridian in degrees east;
    ``"auto"`` picks the multiple of 30° that splits the fewest arcs at the
    map's edge (0° unless another is strictly better: a Pacific-centred map
    for Honolulu), and ``0`` puts the edge on the antimeridian.  ``inset``:
    ``"auto"`` adds a zoomed map of the place's surroundings below the world
    map when at least six partners crowd around it (Laredo's Mexican
    partners), labelled there; ``True`` whenever a partner is near, ``False`` never.
    An ``.html`` map is self-contained and works offline
    (:func:`twintowns.webmap.offline_html_map`); ``tiles=True`` makes it a
    folium/Leaflet map on street tiles instead (``labels``, ``width``,
    ``center`` and ``inset`` do not apply there).
    """
    if not isinstance(tiles, bool):
        raise InvalidTypeError(f"tiles must be True or False, not {tiles!r}")
    target = Path(path)
    fmt = _format_of(target, format)
    if tiles and fmt != "html":
        raise InvalidValueError(
            f"tiles=True makes an HTML map: use a .html file name, not {str(target)!r}"
        )
    if fmt == "html" and not tiles:
        from twintowns.webmap import offline_html_map

        page, summary = offline_html_map(
            atlas,
            place,
            status=status,
            kind=kind,
            width=width,
            labels=labels,
            title=title,
            center=center,
            inset=inset,
        )
        write_text_atomically(target, page)
        return attrs.evolve(summary, path=target, size=target.stat().st_size)
    if fmt == "html":
        document = html_map(atlas, place, status=status, kind=kind, title=title)
        home = _resolve(atlas, place)
        entries = _partner_entries(atlas, home, status, kind)
        write_text_atomically(target, document, newline="")
        return MapSummary(
            format="html",
            place=home.label,
            partners=len(entries),
            arcs=sum(len(split_antimeridian(e.line)) for e in entries),
            crossings=sum(len(split_antimeridian(e.line)) > 1 for e in entries),
            labels="popups",
            path=target,
            size=target.stat().st_size,
        )
    document, summary = _build_svg(
        atlas,
        place,
        status=status,
        kind=kind,
        width=width,
        labels=labels,
        title=title,
        center=center,
        inset_option=inset,
    )
    if fmt == "png":
        with temporary_beside(target) as temporary:
            _svg_to_png(document, temporary)
            publish(temporary, target)
    else:
        write_text_atomically(target, document)
    return attrs.evolve(summary, format=fmt, path=target, size=target.stat().st_size)

"""The SVG drawing: one document from the projection, the inset and the placed labels.

Written with the standard library only (:mod:`xml.etree.ElementTree`).  The
PNG (:mod:`~twintowns.maps.png`) and the offline HTML page
(:mod:`~twintowns.maps.html`) are this very document, rasterised or wrapped.
Its parts carry classes and data attributes that apps and tests rely on
(``path.arc``, ``circle.marker.partner``, ``text.label``, …; see the maps guide).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import attrs

from twintowns.filters import KindFilter, StatusFilter
from twintowns.maps.elements import el, fmt
from twintowns.maps.entries import Entry, details, partner_entries
from twintowns.maps.inset import GAP, Inset, find_inset
from twintowns.maps.labels import Label, Panel, place_labels
from twintowns.maps.legend import draw_key, draw_legend
from twintowns.maps.options import LabelMode, MapOptions, MapSummary, options_from
from twintowns.maps.projection import Box, Frame, View, frame_for
from twintowns.maps.style import (
    FONT,
    HOME_COLOUR,
    HOME_RADIUS,
    KEY_COLUMN,
    KEY_ROW,
    LEGEND_HEIGHT,
    PAD,
    PARTNER_RADIUS,
    STATUS_STYLES,
    SVG_NS,
)
from twintowns.maps.world import outlines
from twintowns.model import Place, Status

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = ["svg_map"]


def _rect(b: Box) -> dict[str, str]:
    return {"x": fmt(b.x), "y": fmt(b.y), "width": fmt(b.w), "height": fmt(b.h)}


def _ring_path(view: View, ring: Sequence[tuple[float, float]], shift: float) -> str:
    parts: list[str] = []
    px = py = 0
    for i, (lon, lat) in enumerate(ring):
        x, y = view.at(lat, lon + shift)
        ix, iy = round(x * 10), round(y * 10)
        if i == 0:
            parts.append(f"M{fmt(ix / 10)} {fmt(iy / 10)}")
        elif (ix, iy) != (px, py):
            parts.append(f"l{fmt((ix - px) / 10)} {fmt((iy - py) / 10)}")
        px, py = ix, iy
    return "".join(parts) + "z"


def _line_path(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{fmt(x)} {fmt(y)}" for i, (x, y) in enumerate(points))


def clip_line(points: Sequence[tuple[float, float]], box: Box) -> list[tuple[float, float]]:
    """The end of a line that enters ``box``: from the point where it last enters it.

    The line's last point (a partner's marker) is inside ``box``; the part
    before it last came in is left out, and the entry point is on the edge.
    """
    inside = [box.x <= x <= box.x + box.w and box.y <= y <= box.y + box.h for x, y in points]
    start = len(points) - 1
    while start > 0 and inside[start - 1]:
        start -= 1
    if start == 0:
        return list(points)
    (x0, y0), (x1, y1) = points[start - 1], points[start]
    t = 0.0  # the smallest fraction of the segment after which it stays inside the box
    for p, q, low, high in ((x0, x1, box.x, box.x + box.w), (y0, y1, box.y, box.y + box.h)):
        if p < low:
            t = max(t, (low - p) / (q - p))
        elif p > high:
            t = max(t, (p - high) / (p - q))
    return [(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t), *points[start:]]


def _meridian(lon: float) -> str:
    if lon == 0:
        return "0°"
    return f"{abs(lon):g}°{'E' if lon > 0 else 'W'}"


# --------------------------------------------------------------------------
# layout: where the world map, the inset, the labels, the legend and the key go


@attrs.frozen
class Layout:
    """Everything placed before anything is drawn."""

    frame: Frame
    inset: Inset | None
    panels: list[Panel]
    """The world map, then the inset if any."""
    mode: str
    """``"names"`` or ``"numbers"``."""
    labels: dict[tuple[int, int], Label]
    overlaps: int
    height: float
    legend_y: float
    key_y: float
    key_height: float


def _panels(
    frame: Frame, inset: Inset | None, home: Place, entries: Sequence[Entry]
) -> list[Panel]:
    """The world map's markers (labelled unless the inset labels them) and the inset's."""
    world_points: dict[int, tuple[float, float]] = {0: frame.xy(*home.coordinates)}
    for entry in entries:
        world_points[entry.number] = frame.xy(*entry.partner.coordinates)
    in_inset = inset.shown if inset else frozenset()
    panels = [Panel(frame.box, world_points, frozenset(world_points) - in_inset)]
    if inset is not None:
        inset_points = {0: inset.xy(*home.coordinates)} if inset.home else {}
        for entry in entries:
            if entry.number in inset.shown:
                inset_points[entry.number] = inset.xy(*entry.partner.coordinates)
        panels.append(Panel(inset.box, inset_points, frozenset(inset_points)))
    return panels


def layout(home: Place, entries: Sequence[Entry], options: MapOptions) -> Layout:
    """Project, choose the inset, place the labels and stack the parts below the map."""
    width = options.width
    frame = frame_for(home, [e.line for e in entries], float(width), options.center)
    area = frame.box
    inset = find_inset(frame, home, entries, options.inset, area.y + area.h + GAP)
    panels = _panels(frame, inset, home, entries)
    mode, placed, overlaps = place_labels(panels, home, entries, options.labels)
    below = inset.box.y + inset.box.h if inset else area.y + area.h
    legend_y = below + 8 + LEGEND_HEIGHT / 2
    key_y = below + 8 + LEGEND_HEIGHT + 12
    key_rows = math.ceil(len(entries) / max(1, int((width - 2 * PAD) // KEY_COLUMN)))
    key_height = key_rows * KEY_ROW if mode == "numbers" and entries else 0.0
    height = key_y + key_height + PAD - (0 if key_height else 12)
    return Layout(frame, inset, panels, mode, placed, overlaps, height, legend_y, key_y, key_height)


# --------------------------------------------------------------------------
# the parts of the drawing, in the order they are painted


def _draw_outlines(
    parent: ET.Element, view: View, highlight: Mapping[str, str], clip: str, group_id: str
) -> None:
    group = el(
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
        path = el(
            group,
            "path",
            d="".join(drawn),
            **{"class": "country", "data-id": country.id, "data-iso": country.iso, **extra},
        )
        el(path, "title", country.name)


def _draw_views(svg: ET.Element, plan: Layout, home: Place, entries: Sequence[Entry]) -> None:
    """The ocean, the countries (the place's and its partners' highlighted) and a border,
    for the world map and the inset."""
    highlight = {e.partner.country: "#E4D9BF" for e in entries}
    highlight[home.country] = "#D8C7A0"
    views: list[tuple[str, View, Box]] = [("map-area", plan.frame, plan.frame.box)]
    if plan.inset is not None:
        views.append(("inset-area", plan.inset, plan.inset.box))
    for clip_id, view, b in views:
        rect = _rect(b)
        el(svg, "rect", fill="#DCE9F2", **{"class": "ocean", **rect})
        _draw_outlines(
            svg, view, highlight, clip_id, "countries" if view is plan.frame else "inset"
        )
        el(svg, "rect", fill="none", stroke="#7A8A99", stroke_width="0.8", **rect)


def _draw_arcs(svg: ET.Element, plan: Layout, entries: Sequence[Entry]) -> tuple[int, int]:
    """Every partner's arc (again in the inset when it is shown there): pieces, crossings."""
    frame, inset = plan.frame, plan.inset
    arcs = el(svg, "g", id="arcs", fill="none", stroke_width="1.4", stroke_linecap="round")
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
            el(arcs, "path", d=_line_path(points), **{"class": "arc", **common})
        if inset is not None and entry.number in inset.shown:
            zoomed = [inset.xy(lat, lon) for lat, lon in entry.line]
            if not inset.home:  # the arc comes from afar: only its end is in the inset
                zoomed = clip_line(zoomed, inset.box)
            el(
                arcs,
                "path",
                d=_line_path(zoomed),
                clip_path="url(#inset-area)",
                **{"class": "arc inset", **common},
            )
    return pieces, crossings


def _draw_inset_extent(svg: ET.Element, plan: Layout, home: Place) -> None:
    """The inset's extent as a dashed rectangle on the world map, and its caption."""
    frame, inset = plan.frame, plan.inset
    if inset is None:
        return
    hx = frame.xy(inset.top, inset.ref_lon)[0]
    rel_west = inset.west - inset.ref_lon
    rel_east = inset.east - inset.ref_lon
    el(
        svg,
        "rect",
        x=fmt(hx + rel_west * frame.scale),
        y=fmt(frame.xy(inset.top, inset.ref_lon)[1]),
        width=fmt((rel_east - rel_west) * frame.scale),
        height=fmt((inset.top - inset.bottom) * frame.scale),
        fill="none",
        stroke="#555555",
        stroke_width="0.8",
        stroke_dasharray="3 2",
        clip_path="url(#map-area)",
        **{"class": "inset-extent"},
    )
    caption = inset.caption
    el(
        svg,
        "text",
        caption,
        x=fmt(inset.box.x),
        y=fmt(inset.box.y - 7),
        font_size="12",
        font_weight="bold",
        fill="#333",
        **{"class": "inset-title"},
    )


def _draw_markers(svg: ET.Element, plan: Layout, home: Place, entries: Sequence[Entry]) -> None:
    """A dot per partner and one for the place, in every panel that shows them."""
    group = el(svg, "g", id="markers", stroke="#FFFFFF", stroke_width="1")
    for index, panel in enumerate(plan.panels):
        suffix = "" if index == 0 else " inset"
        for entry in entries:
            if entry.number not in panel.points:
                continue
            x, y = panel.points[entry.number]
            circle = el(
                group,
                "circle",
                cx=fmt(x),
                cy=fmt(y),
                r=fmt(PARTNER_RADIUS),
                fill=STATUS_STYLES[entry.partnership.status].colour,
                **{
                    "class": "marker partner" + suffix,
                    "data-partner": entry.partner.id,
                    "data-status": entry.partnership.status.value,
                    "data-number": str(entry.number),
                },
            )
            el(circle, "title", details(home, entry.partnership))
        if 0 not in panel.points:
            continue  # an inset away from the place
        x, y = panel.points[0]
        circle = el(
            group,
            "circle",
            cx=fmt(x),
            cy=fmt(y),
            r=fmt(HOME_RADIUS),
            fill=HOME_COLOUR,
            stroke_width="1.5",
            **{"class": "marker home" + suffix, "data-place": home.id},
        )
        el(circle, "title", home.label)


def _draw_labels(svg: ET.Element, plan: Layout) -> None:
    """Every placed label on a light background, with its leader line if it has one."""
    label_group = el(svg, "g", id="labels", fill="#1A1A1A")
    for index, number in sorted(plan.labels):
        label = plan.labels[index, number]
        b = label.box
        if label.leader:
            x, y = plan.panels[index].points[number]
            r = HOME_RADIUS if number == 0 else PARTNER_RADIUS
            nx, ny = min(max(x, b.x), b.x + b.w), min(max(y, b.y), b.y + b.h)
            length = math.hypot(nx - x, ny - y) or 1.0
            el(
                label_group,
                "line",
                x1=fmt(x + (nx - x) * r / length),
                y1=fmt(y + (ny - y) * r / length),
                x2=fmt(nx),
                y2=fmt(ny),
                stroke="#555555",
                stroke_width="0.6",
                **{"class": "leader"},
            )
        el(
            label_group,
            "rect",
            **_rect(b),
            rx="2",
            fill="#FFFFFF",
            fill_opacity="0.8",
            **{"class": "label-bg"},
        )
        el(
            label_group,
            "text",
            label.text,
            x=fmt(b.x + 1),
            y=fmt(b.y + b.h * 0.8),
            font_size=fmt(label.size),
            **{
                "class": ("label home" if number == 0 else "label")
                + ("" if index == 0 else " inset"),
                "data-number": str(number),
                "data-box": " ".join(fmt(v) for v in (b.x, b.y, b.w, b.h)),
                **({"font-weight": "bold"} if label.bold else {}),
            },
        )


def _summary_line(entries: Sequence[Entry], counts: Counter[Status], frame: Frame) -> str:
    """The line under the title (and the SVG's ``desc``): counts, projection, source."""
    return (
        f"{len(entries)} partner{'s' if len(entries) != 1 else ''}"
        + (
            ": " + ", ".join(f"{counts[s]} {s.value}" for s in STATUS_STYLES if counts.get(s))
            if entries
            else ""
        )
        + f" · equirectangular projection centred on {_meridian(frame.center)}"
        + " · outlines: Natural Earth"
    )


def _document(width: float, height: float, heading: str, summary: str, plan: Layout) -> ET.Element:
    """The ``svg`` root with its title, description, clip paths and white background."""
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "version": "1.1",
            "width": fmt(width),
            "height": fmt(height),
            "viewBox": f"0 0 {fmt(width)} {fmt(height)}",
            "font-family": FONT,
            "role": "img",
            "aria-labelledby": "map-title",
        },
    )
    el(svg, "title", heading, id="map-title")
    el(svg, "desc", summary)
    defs = el(svg, "defs")
    boxes = {"map-area": plan.frame.box}
    if plan.inset is not None:
        boxes["inset-area"] = plan.inset.box
    for clip_id, b in boxes.items():
        clip = el(defs, "clipPath", id=clip_id)
        el(clip, "rect", **_rect(b))
    el(svg, "rect", x="0", y="0", width=fmt(width), height=fmt(height), fill="#FFFFFF")
    return svg


def build_svg(home: Place, entries: Sequence[Entry], options: MapOptions) -> tuple[str, MapSummary]:
    """The SVG document of ``home``'s ``entries`` and what it shows."""
    plan = layout(home, entries, options)
    counts = Counter(e.partnership.status for e in entries)
    heading = options.title if options.title is not None else f"Partnerships of {home.label}"
    summary_text = _summary_line(entries, counts, plan.frame)
    svg = _document(options.width, plan.height, heading, summary_text, plan)
    _draw_views(svg, plan, home, entries)
    pieces, crossings = _draw_arcs(svg, plan, entries)
    _draw_inset_extent(svg, plan, home)
    _draw_markers(svg, plan, home, entries)
    _draw_labels(svg, plan)
    el(svg, "text", heading, x=fmt(PAD), y="24", font_size="19", font_weight="bold", fill="#111")
    el(svg, "text", summary_text, x=fmt(PAD), y="42", font_size="12", fill="#444")
    draw_legend(svg, home, counts, plan.legend_y, [e.partnership for e in entries])
    if plan.key_height:
        draw_key(svg, entries, options.width, plan.key_y)

    text = ET.tostring(svg, encoding="unicode", xml_declaration=False)
    document = '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"
    summary = MapSummary(
        format="svg",
        place=home.label,
        partners=len(entries),
        arcs=pieces,
        crossings=crossings,
        labels=plan.mode,
        overlaps=plan.overlaps,
        inset=len(plan.inset.shown) if plan.inset else 0,
        size=len(document.encode("utf-8")),
    )
    return document, summary


def draw(atlas: Atlas, place: Place | str, options: MapOptions) -> tuple[str, MapSummary]:
    """:func:`build_svg` for a Place or a query of ``atlas`` (resolved by :meth:`Atlas.resolve`)."""
    home = atlas.resolve(place)
    return build_svg(home, partner_entries(atlas, home, options.status, options.kind), options)


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
    options: MapOptions | None = None,
) -> str:
    """The SVG document of :func:`~twintowns.maps.render_map` as text (nothing is written).

    The drawing options are the fields of :class:`~twintowns.maps.MapOptions`,
    given as keywords or together as ``options=``.
    """
    chosen = options_from(
        options,
        status=status,
        kind=kind,
        width=width,
        labels=labels,
        title=title,
        center=center,
        inset=inset,
    )
    document, _ = draw(atlas, place, chosen)
    return document

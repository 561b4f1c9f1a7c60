"""HTML maps: the offline interactive page, and a folium/Leaflet map on street tiles.

:func:`offline_html_map` wraps the very SVG drawing of :func:`twintowns.maps.svg_map`
(bundled Natural Earth outlines, status colours and dashes, labels, inset,
legend) in one HTML page with a small script written for it (no library, no
CDN, no web font, no tile server): drag to pan, wheel or the +/− buttons to
zoom, hover a partner for a tooltip, click it (or its row in the table below
the map) for the details — name, country, kind, status, established, ended,
distance, sources and source URLs.  Opened on a plane, an intranet or a kiosk
it works the same, and it tells no third party who looked at it.  The table of
partners below the map needs no script at all.

>>> import twintowns
>>> from twintowns.maps.html import offline_html_map
>>> page, summary = offline_html_map(twintowns.load(), "Charlotte, US-NC")
>>> summary.format, summary.labels, summary.partners >= 7
('html', 'names', True)
>>> "<script src" in page or "<link" in page
False

:func:`twintowns.maps.render_map` writes this page for ``.html`` paths;
``tiles=True`` asks for :func:`html_map` instead: a folium/Leaflet map with
street tiles (extra ``twintowns[html]``; it loads scripts and tiles from the
web when opened).  ``twintowns.webmap`` re-exports the offline page's functions.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any, Literal

import attrs

from twintowns.countries import country_name
from twintowns.errors import MissingDependencyError
from twintowns.filters import KindFilter, StatusFilter
from twintowns.geography import distance, split_antimeridian
from twintowns.maps.assets import CSS, SCRIPT
from twintowns.maps.entries import basis_text, partner_entries
from twintowns.maps.options import LabelMode, MapOptions, MapSummary, options_from
from twintowns.maps.style import HOME_COLOUR, STATUS_STYLES
from twintowns.maps.svg import build_svg
from twintowns.model import Partnership, Place

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = ["html_map", "offline_html_map", "partner_details"]


# --------------------------------------------------------------------------
# folium / Leaflet on street tiles


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
    home = atlas.resolve(place)
    entries = partner_entries(atlas, home, status, kind)
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
        fill_color=HOME_COLOUR,
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
        + (f": {html.escape(basis)}" if (basis := basis_text(shown, status)) else "")
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
# the offline page


def _extra(p: Partnership, name: str) -> str | None:
    """An optional field of newer data (``as_of``, ``status_basis``) when present."""
    value = getattr(p, name, None)
    if value is None or value == "":
        return None
    return str(getattr(value, "value", value))


def partner_details(home: Place, p: Partnership) -> list[tuple[str, str]]:
    """The rows of the details panel for the partnership ``p`` seen from ``home``.

    >>> import twintowns
    >>> atlas = twintowns.load()
    >>> home = atlas.place("Charlotte, US-NC")
    >>> tie = next(p for p in atlas.partnerships_of(home) if p.other(home).name == "Krefeld")
    >>> dict(partner_details(home, tie))["Country"]
    'Germany (DE)'
    """
    partner = p.other(home)
    rows = [
        ("Partner", partner.label),
        ("Country", f"{country_name(partner.country)} ({partner.country})"),
        ("Kind", p.kind.value),
        ("Status", p.status.value),
    ]
    basis = _extra(p, "status_basis")
    if basis is not None:
        rows.append(("Status basis", basis))
    as_of = _extra(p, "as_of")
    if as_of is not None:
        rows.append(("Status as of", as_of))
    rows.append(("Established", str(p.established) if p.established else "unknown"))
    if p.ended:
        rows.append(("Ended", str(p.ended)))
    rows.append(("Distance", f"{distance(home, partner):,.0f} km"))
    rows.append(("Claimed by", "both sides" if p.reciprocal else "one side"))
    if p.note:
        rows.append(("Note", p.note))
    if p.sources:
        rows.append(("Sources", ", ".join(p.sources)))
    if p.urls:
        rows.append(("Source URLs", "\n".join(p.urls)))
    return rows


def _json_for_script(value: Any) -> str:
    """JSON safe inside a ``<script>`` element (no ``</``, no ``<!--``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def offline_html_map(
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
) -> tuple[str, MapSummary]:
    """The self-contained interactive HTML page and what it shows.

    Arguments as for :func:`twintowns.maps.render_map` (the drawing is the
    same SVG; the drawing options as keywords or as ``options=``); the
    summary's ``size`` is the page's size in bytes (UTF-8).
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
    return offline_page(atlas, place, chosen)


def offline_page(atlas: Atlas, place: Place | str, options: MapOptions) -> tuple[str, MapSummary]:
    """:func:`offline_html_map` with its options made."""
    home = atlas.resolve(place)
    entries = partner_entries(atlas, home, options.status, options.kind)
    svg_text, svg_summary = build_svg(home, entries, options)
    title = options.title
    svg_body = re.sub(r"^<\?xml[^>]*\?>\s*", "", svg_text)
    partners = [
        {
            "number": e.number,
            "id": e.partner.id,
            "name": e.partner.name,
            "country": e.partner.country,
            "country_name": country_name(e.partner.country),
            "kind": e.partnership.kind.value,
            "status": e.partnership.status.value,
            "established": str(e.partnership.established) if e.partnership.established else None,
            "distance_km": round(distance(home, e.partner)),
            "rows": partner_details(home, e.partnership),
        }
        for e in entries
    ]
    heading = title if title is not None else f"Partnerships of {home.label}"
    rows = []
    for e in entries:
        p = e.partnership
        style = STATUS_STYLES[p.status]
        source = p.urls[0] if p.urls else ""
        link = (
            f'<a href="{html.escape(source)}" rel="noreferrer">source</a>'
            if source
            else html.escape(", ".join(p.sources))
        )
        rows.append(
            f'<tr data-number="{e.number}" data-partner="{html.escape(e.partner.id)}">'
            f"<td>{e.number}</td><td>{html.escape(e.partner.name)}</td>"
            f"<td>{html.escape(country_name(e.partner.country))}</td>"
            f"<td>{p.kind.value}</td>"
            f'<td><span class="swatch" style="background:{style.colour}"></span>'
            f"{p.status.value}</td>"
            f"<td>{html.escape(str(p.established)) if p.established else ''}</td>"
            f"<td>{distance(home, e.partner):,.0f}</td><td>{link}</td></tr>"
        )
    plural = "s" if len(entries) != 1 else ""
    page = f"""\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="twintowns">
<title>{html.escape(heading)}</title>
<style>
{CSS}</style>
</head>
<body>
<header>
<h1>{html.escape(heading)}</h1>
<p class="summary">{len(entries)} partner{plural}. Drag to pan, scroll or use + and − to zoom,
hover a dot for its name, click it or a row of the table for the details.</p>
</header>
<main>
<div id="map-frame" tabindex="0" aria-label="Interactive map: arrow keys pan, + and − zoom">
{svg_body}<div id="controls">
<button type="button" id="zoom-in" title="Zoom in" aria-label="Zoom in">+</button>
<button type="button" id="zoom-out" title="Zoom out" aria-label="Zoom out">−</button>
<button type="button" id="zoom-reset" title="Whole map" aria-label="Whole map">⟲</button>
</div>
<div id="tooltip" role="status"></div>
</div>
<section id="details" aria-live="polite">Click a partner for its details.</section>
<table class="partners">
<thead><tr><th>#</th><th>Partner</th><th>Country</th><th>Kind</th><th>Status</th>
<th>Established</th><th>km</th><th>Source</th></tr></thead>
<tbody>
{"".join(row + chr(10) for row in rows)}</tbody>
</table>
</main>
<footer>Made with twintowns. Country outlines: Natural Earth (public domain).
Data: {html.escape(str(atlas.metadata.get("license", "")))}</footer>
<script type="application/json" id="partner-data">{_json_for_script(partners)}</script>
<script>
{SCRIPT}</script>
</body>
</html>
"""
    summary = attrs.evolve(svg_summary, format="html", size=len(page.encode("utf-8")), path=None)
    return page, summary

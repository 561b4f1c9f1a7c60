"""The offline interactive HTML map: one self-contained file, no network.

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
>>> from twintowns.webmap import offline_html_map
>>> page, summary = offline_html_map(twintowns.load(), "Charlotte, US-NC")
>>> summary.format, summary.labels, summary.partners >= 7
('html', 'names', True)
>>> "<script src" in page or "<link" in page
False

:func:`twintowns.maps.render_map` writes this page for ``.html`` paths;
``tiles=True`` asks for the folium/Leaflet map with street tiles instead
(extra ``twintowns[html]``; that one loads scripts and tiles from the web).
"""

from __future__ import annotations

import html
import json
import re
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from twintowns.countries import country_name
from twintowns.filters import KindFilter, StatusFilter
from twintowns.geography import distance
from twintowns.maps import (
    STATUS_STYLES,
    LabelMode,
    MapSummary,
    _build_svg,
    _partner_entries,
    _resolve,
)
from twintowns.model import Partnership, Place

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = ["offline_html_map", "partner_details"]

_CSS: Final = """\
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 "DejaVu Sans", Verdana, Arial, Helvetica, sans-serif;
  color: #1a1a1a; background: #f6f6f3; }
header, main, footer { max-width: 1400px; margin: 0 auto; padding: 0 16px; }
h1 { font-size: 1.35rem; margin: 14px 0 4px; }
p.summary { margin: 0 0 10px; color: #444; }
#map-frame { position: relative; background: #fff; border: 1px solid #c9c9c9;
  overflow: hidden; touch-action: none; cursor: grab; user-select: none; }
#map-frame.dragging { cursor: grabbing; }
#map-frame > svg { display: block; width: 100%; height: auto; }
#map-frame path, #map-frame line, #map-frame rect { vector-effect: non-scaling-stroke; }
#controls { position: absolute; top: 60px; right: 10px; display: flex; flex-direction: column;
  gap: 4px; }
#controls button { width: 34px; height: 34px; font: bold 18px/1 sans-serif; border: 1px solid #888;
  border-radius: 4px; background: #fff; cursor: pointer; }
#controls button:focus-visible { outline: 3px solid #0072B2; }
#tooltip { position: absolute; pointer-events: none; background: #fff; border: 1px solid #777;
  border-radius: 4px; padding: 5px 8px; font-size: 13px; max-width: 320px;
  box-shadow: 0 2px 6px rgba(0,0,0,.25); display: none; z-index: 5; }
#details { background: #fff; border: 1px solid #c9c9c9; border-top: 0; padding: 10px 14px;
  min-height: 3em; }
#details table { border-collapse: collapse; }
#details th { text-align: left; padding: 2px 12px 2px 0; vertical-align: top; color: #444; }
#details td { padding: 2px 0; overflow-wrap: anywhere; }
circle.marker.partner { cursor: pointer; }
circle.marker.selected { stroke: #111; stroke-width: 2.5px; }
table.partners { border-collapse: collapse; width: 100%; margin: 14px 0; background: #fff; }
table.partners th, table.partners td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; }
table.partners tbody tr { cursor: pointer; }
table.partners tbody tr:hover, table.partners tbody tr.selected { background: #eef4fa; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 6px;
  margin-right: 6px; vertical-align: -1px; }
footer { color: #555; font-size: 13px; padding-bottom: 20px; }
"""

# Written for this page: no library.  Pan and zoom change the SVG's viewBox;
# markers keep a constant size on screen; everything else reads PARTNERS.
_SCRIPT: Final = """\
"use strict";
(function () {
  const PARTNERS = JSON.parse(document.getElementById("partner-data").textContent);
  const frame = document.getElementById("map-frame");
  const svg = frame.querySelector("svg");
  const tooltip = document.getElementById("tooltip");
  const details = document.getElementById("details");
  const full = svg.viewBox.baseVal;
  const base = { x: full.x, y: full.y, w: full.width, h: full.height };
  let view = Object.assign({}, base);
  const MAX_ZOOM = 16;
  const markers = Array.from(svg.querySelectorAll("circle.marker"));
  const radius = new Map(markers.map((m) => [m, parseFloat(m.getAttribute("r"))]));
  const byNumber = new Map(PARTNERS.map((p) => [String(p.number), p]));

  for (const m of svg.querySelectorAll("circle.marker.partner")) {
    const title = m.querySelector("title");
    if (title) { m.setAttribute("aria-label", title.textContent); title.remove(); }
    m.setAttribute("tabindex", "0");
    m.setAttribute("role", "button");
  }

  function apply() {
    svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
    const zoom = base.w / view.w;
    for (const m of markers) m.setAttribute("r", String(radius.get(m) / Math.pow(zoom, 0.8)));
    frame.dataset.zoom = zoom.toFixed(3);
  }
  function clamp() {
    view.w = Math.min(base.w, Math.max(base.w / MAX_ZOOM, view.w));
    view.h = view.w * base.h / base.w;
    view.x = Math.min(base.x + base.w - view.w, Math.max(base.x, view.x));
    view.y = Math.min(base.y + base.h - view.h, Math.max(base.y, view.y));
  }
  function svgPoint(clientX, clientY) {
    const r = svg.getBoundingClientRect();
    return { x: view.x + (clientX - r.left) / r.width * view.w,
             y: view.y + (clientY - r.top) / r.height * view.h };
  }
  function zoomAt(factor, clientX, clientY) {
    const r = svg.getBoundingClientRect();
    const cx = clientX === undefined ? r.left + r.width / 2 : clientX;
    const cy = clientY === undefined ? r.top + r.height / 2 : clientY;
    const p = svgPoint(cx, cy);
    view.w /= factor; view.h /= factor;
    view.x = p.x - (cx - r.left) / r.width * view.w;
    view.y = p.y - (cy - r.top) / r.height * view.h;
    clamp(); apply();
  }
  function reset() { view = Object.assign({}, base); apply(); }

  frame.addEventListener("wheel", (e) => {
    e.preventDefault();
    zoomAt(Math.pow(1.0015, -e.deltaY), e.clientX, e.clientY);
  }, { passive: false });
  let drag = null;
  frame.addEventListener("pointerdown", (e) => {
    if (e.button !== 0 || e.target.closest("#controls")) return;
    drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false };
    frame.setPointerCapture(e.pointerId);
  });
  frame.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const r = svg.getBoundingClientRect();
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; frame.classList.add("dragging"); }
    view.x = drag.vx - dx / r.width * view.w;
    view.y = drag.vy - dy / r.height * view.h;
    clamp(); apply();
  });
  function endDrag() { if (drag) { frame.classList.remove("dragging"); } }
  frame.addEventListener("pointerup", (e) => {
    const moved = drag && drag.moved; endDrag(); drag = null;
    if (!moved) {
      const target = document.elementFromPoint(e.clientX, e.clientY);
      const m = target && target.closest ? target.closest("circle.marker.partner") : null;
      if (m) select(m.dataset.number);
    }
  });
  frame.addEventListener("pointercancel", () => { endDrag(); drag = null; });
  frame.addEventListener("dblclick", (e) => zoomAt(2, e.clientX, e.clientY));
  document.getElementById("zoom-in").addEventListener("click", () => zoomAt(1.6));
  document.getElementById("zoom-out").addEventListener("click", () => zoomAt(1 / 1.6));
  document.getElementById("zoom-reset").addEventListener("click", reset);
  frame.addEventListener("keydown", (e) => {
    const step = view.w / 10;
    const keys = { "+": () => zoomAt(1.6), "=": () => zoomAt(1.6), "-": () => zoomAt(1 / 1.6),
      "0": reset, "ArrowLeft": () => { view.x -= step; }, "ArrowRight": () => { view.x += step; },
      "ArrowUp": () => { view.y -= step; }, "ArrowDown": () => { view.y += step; } };
    if (e.key === "Enter" && e.target.dataset && e.target.dataset.number) {
      select(e.target.dataset.number); e.preventDefault(); return;
    }
    if (!(e.key in keys)) return;
    keys[e.key](); clamp(); apply(); e.preventDefault();
  });

  function text(tag, value, cls) {
    const el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }
  function showTooltip(m, e) {
    const p = byNumber.get(m.dataset.number);
    if (!p) return;
    tooltip.replaceChildren(
      text("strong", p.name), text("div", p.country_name + " (" + p.country + ")"),
      text("div", p.kind + " · " + p.status + (p.established ? " · since " + p.established : "")),
      text("div", p.distance_km.toLocaleString("en-US") + " km"));
    tooltip.style.display = "block";
    const r = frame.getBoundingClientRect();
    let x = e.clientX - r.left + 14, y = e.clientY - r.top + 14;
    x = Math.min(x, r.width - tooltip.offsetWidth - 4);
    y = Math.min(y, r.height - tooltip.offsetHeight - 4);
    tooltip.style.left = Math.max(0, x) + "px";
    tooltip.style.top = Math.max(0, y) + "px";
  }
  for (const m of svg.querySelectorAll("circle.marker.partner")) {
    m.addEventListener("pointerenter", (e) => showTooltip(m, e));
    m.addEventListener("pointermove", (e) => showTooltip(m, e));
    m.addEventListener("pointerleave", () => { tooltip.style.display = "none"; });
    m.addEventListener("focus", () => {
      const b = m.getBoundingClientRect();
      showTooltip(m, { clientX: b.right, clientY: b.bottom });
    });
    m.addEventListener("blur", () => { tooltip.style.display = "none"; });
  }

  function select(number) {
    const p = byNumber.get(String(number));
    if (!p) return;
    for (const el of document.querySelectorAll(".selected")) el.classList.remove("selected");
    for (const el of document.querySelectorAll('[data-number="' + p.number + '"]')) {
      if (el.matches("circle.marker, tr")) el.classList.add("selected");
    }
    const table = document.createElement("table");
    for (const [key, value] of p.rows) {
      const row = table.insertRow();
      row.appendChild(text("th", key));
      const cell = row.insertCell();
      if (key === "Source URLs") {
        value.split("\\n").forEach((url, i) => {
          if (i) cell.appendChild(document.createElement("br"));
          const a = text("a", url); a.href = url; a.rel = "noreferrer"; cell.appendChild(a);
        });
      } else {
        cell.textContent = value;
      }
    }
    details.replaceChildren(text("h2", p.number + ". " + p.name), table);
    details.firstChild.style.fontSize = "1.1rem";
    details.firstChild.style.margin = "0 0 6px";
  }
  for (const row of document.querySelectorAll("table.partners tbody tr")) {
    row.addEventListener("click", () => {
      select(row.dataset.number);
      frame.scrollIntoView({ block: "nearest" });
    });
  }
  apply();
  frame.dataset.ready = "true";
})();
"""


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
) -> tuple[str, MapSummary]:
    """The self-contained interactive HTML page and what it shows.

    Arguments as for :func:`twintowns.maps.render_map` (the drawing is the
    same SVG); the summary's ``size`` is the page's size in bytes (UTF-8).
    """
    svg_text, svg_summary = _build_svg(
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
    home = _resolve(atlas, place)
    entries = _partner_entries(atlas, home, status, kind)
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
{_CSS}</style>
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
{_SCRIPT}</script>
</body>
</html>
"""
    summary = attrs.evolve(svg_summary, format="html", size=len(page.encode("utf-8")), path=None)
    return page, summary

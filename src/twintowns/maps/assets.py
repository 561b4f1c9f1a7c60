"""The offline map page's style sheet and script, written for it (no library, no CDN).

The script pans and zooms by changing the SVG's ``viewBox``, keeps the
markers a constant size on screen, shows a tooltip on hover and the details
of a partner on a click; everything it shows comes from the page's
``partner-data`` JSON.  :func:`twintowns.maps.html.offline_html_map` inlines both.
"""

from __future__ import annotations

from typing import Final

__all__: list[str] = []

CSS: Final = """\
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
SCRIPT: Final = """\
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

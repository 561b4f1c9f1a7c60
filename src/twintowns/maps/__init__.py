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
  (:mod:`twintowns.maps.html`, also importable as :mod:`twintowns.webmap`:
  one file, no network, pan, zoom, hover and click for the partnership
  details); ``tiles=True`` writes a Leaflet map with street tiles through
  ``folium`` instead (extra ``twintowns[html]``; it loads scripts
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
marker, else further out with a leader line.  Where six or more partners
crowd together on the world map — around the place (Laredo, Texas, and its
Mexican partners) or anywhere else (Honolulu's partners in East and Southeast
Asia) — a zoomed inset below the world map shows the densest such cluster,
labelled there; it takes under a third of the map's width and at most 300 px
of height.  When some partner's name still does not fit anywhere, every
partner gets a number instead and a key below the map lists the numbers with
names and statuses.

Country outlines come from ``data/outlines.json``, derived from Natural
Earth by ``databuild/outlines.py`` (public domain; about 200 KB).
"""

from __future__ import annotations

from twintowns.maps.html import html_map
from twintowns.maps.options import FORMATS, LabelMode, MapOptions, MapSummary
from twintowns.maps.render import render_map
from twintowns.maps.style import STATUS_STYLES, StatusStyle
from twintowns.maps.svg import svg_map
from twintowns.maps.world import CountryOutline, outlines

__all__ = [
    "FORMATS",
    "STATUS_STYLES",
    "CountryOutline",
    "LabelMode",
    "MapOptions",
    "MapSummary",
    "StatusStyle",
    "html_map",
    "outlines",
    "render_map",
    "svg_map",
]

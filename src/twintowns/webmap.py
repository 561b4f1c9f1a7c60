"""The offline interactive HTML map: one self-contained file, no network.

This module keeps the import path of earlier versions; the page is made by
:mod:`twintowns.maps.html`.  :func:`offline_html_map` wraps the very SVG
drawing of :func:`twintowns.maps.svg_map` in one HTML page with a small
script written for it (no library, no CDN, no web font, no tile server):
drag to pan, wheel or the +/− buttons to zoom, hover a partner for a tooltip,
click it (or its row in the table below the map) for the details.

>>> import twintowns
>>> from twintowns.webmap import offline_html_map
>>> page, summary = offline_html_map(twintowns.load(), "Charlotte, US-NC")
>>> summary.format, summary.labels, summary.partners >= 7
('html', 'names', True)
>>> "<script src" in page or "<link" in page
False

:func:`twintowns.maps.render_map` writes this page for ``.html`` paths.
"""

from __future__ import annotations

from twintowns.maps.html import offline_html_map, partner_details

__all__ = ["offline_html_map", "partner_details"]

"""The entry point: :func:`render_map` draws a map into a file, its format chosen by the suffix."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import attrs

from twintowns.errors import InvalidTypeError, InvalidValueError
from twintowns.files import publish, temporary_beside, write_text_atomically
from twintowns.filters import KindFilter, StatusFilter
from twintowns.geography import split_antimeridian
from twintowns.maps import png
from twintowns.maps.entries import partner_entries
from twintowns.maps.html import html_map, offline_page
from twintowns.maps.options import FORMATS, LabelMode, MapOptions, MapSummary, options_from
from twintowns.maps.svg import draw
from twintowns.model import Place

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = ["render_map"]


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


def _tiles_map(atlas: Atlas, place: Place | str, options: MapOptions, target: Path) -> MapSummary:
    """The folium/Leaflet map written to ``target``, and what it shows."""
    document = html_map(atlas, place, status=options.status, kind=options.kind, title=options.title)
    home = atlas.resolve(place)
    entries = partner_entries(atlas, home, options.status, options.kind)
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
    options: MapOptions | None = None,
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
    ``"auto"`` adds a zoomed map of the densest cluster of partners below the
    world map when at least six crowd together (Laredo's Mexican partners
    around Laredo, Honolulu's in East Asia), labelled there; ``True`` also
    when fewer partners are near the place, ``False`` never.
    These drawing options can also come together as ``options=``
    (a :class:`~twintowns.maps.MapOptions`).
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
    if fmt == "html" and tiles:
        return _tiles_map(atlas, place, chosen, target)
    if fmt == "html":
        page, summary = offline_page(atlas, place, chosen)
        write_text_atomically(target, page)
        return attrs.evolve(summary, path=target, size=target.stat().st_size)
    document, summary = draw(atlas, place, chosen)
    if fmt == "png":
        with temporary_beside(target) as temporary:
            png.svg_to_png(document, temporary)
            publish(temporary, target)
    else:
        write_text_atomically(target, document)
    return attrs.evolve(summary, format=fmt, path=target, size=target.stat().st_size)

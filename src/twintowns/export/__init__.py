"""Exports: the data out as CSV, JSON, GeoJSON or SQLite, for apps and other languages.

* :func:`to_csv`: a folder with ``places.csv``, ``partnerships.csv`` and
  ``metadata.json`` in the bundled schema (:mod:`twintowns.schema`);
* :func:`to_json`: one JSON file ``{"metadata", "places", "partnerships"}``;
* :func:`to_geojson`: an RFC 7946 FeatureCollection, places as Points and
  partnerships as great-circle LineStrings;
* :func:`to_sqlite`: an SQLite database (schema in :data:`SQLITE_SCHEMA`);
* ``"datasette"``: that database and Datasette's ``metadata.json`` in a folder
  (:func:`twintowns.web.to_datasette`), served by ``datasette FOLDER``.

CSV and JSON exports read back with :func:`twintowns.load` into an equal
:class:`~twintowns.Atlas`: nothing is lost or changed.  CSV text cells that
start with ``=``, ``+``, ``-``, ``@`` (or ``'``) get one leading ``'`` so that
spreadsheets show them as text instead of running them as formulas;
:func:`twintowns.load` removes it again.

>>> import tempfile, twintowns
>>> from twintowns.export import subset, to_csv
>>> atlas = twintowns.load()
>>> charlotte = subset(atlas, "Charlotte")
>>> charlotte.degree("Charlotte") == atlas.degree("Charlotte")
True
>>> with tempfile.TemporaryDirectory() as folder:
...     _ = to_csv(charlotte, folder)
...     twintowns.load(folder) == charlotte
True

Every exporter takes an optional ``progress(done, total)`` callback, called
as records are written (the command line draws a progress bar with it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Final

from twintowns.errors import InvalidValueError
from twintowns.export.folder import to_csv
from twintowns.export.geojson import (
    MAX_LINE_POINTS,
    geojson_document,
    great_circle_line,
    to_geojson,
)
from twintowns.export.progress import Progress
from twintowns.export.records import json_document, partnership_record, place_record, to_json
from twintowns.export.sqlite import SQLITE_SCHEMA, to_sqlite

if TYPE_CHECKING:
    from twintowns.atlas import Atlas
    from twintowns.filters import StatusFilter
    from twintowns.model import Place

__all__ = [
    "FORMATS",
    "MAX_LINE_POINTS",
    "SQLITE_SCHEMA",
    "Progress",
    "export",
    "geojson_document",
    "great_circle_line",
    "json_document",
    "partnership_record",
    "place_record",
    "subset",
    "to_csv",
    "to_geojson",
    "to_json",
    "to_sqlite",
]

#: Export formats, as the command line names them.
FORMATS: Final = ("csv", "json", "geojson", "sqlite", "datasette")


def subset(atlas: Atlas, place: Place | str, *, status: StatusFilter = None) -> Atlas:
    """The atlas of one place: it, its partners and its partnerships (``status`` filters).

    ``place`` is a Place or a query, resolved as :meth:`Atlas.place` does.
    """
    from twintowns.atlas import Atlas

    target = atlas.resolve(place)
    partnerships = atlas.partnerships_of(target, status=status)
    places = {target.id: target}
    for p in partnerships:
        other = p.other(target)
        places[other.id] = other
    return Atlas(places.values(), partnerships, metadata=atlas.metadata)


def export(
    atlas: Atlas,
    format: str,
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
) -> list[Path]:
    """Export ``atlas`` in ``format`` (one of :data:`FORMATS`) to ``path``; returns paths written.

    For ``"csv"`` the path is a folder; for ``"datasette"`` too (the SQLite
    database and Datasette's metadata, :func:`twintowns.web.to_datasette`); for
    the others, a file.
    """
    if format == "csv":
        return to_csv(atlas, path, progress=progress)
    if format == "json":
        return [to_json(atlas, path, progress=progress)]
    if format == "geojson":
        return [to_geojson(atlas, path, progress=progress)]
    if format == "sqlite":
        return [to_sqlite(atlas, path, progress=progress)]
    if format == "datasette":
        from twintowns.web import to_datasette

        return to_datasette(atlas, path, progress=progress)
    raise InvalidValueError(
        f"unknown export format {format!r}: expected one of {', '.join(FORMATS)}"
    )

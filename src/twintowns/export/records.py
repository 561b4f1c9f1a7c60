"""One record as a JSON-ready dict, and the JSON export built from them."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from twintowns.export.progress import Progress, counted
from twintowns.files import prepare_target, write_atomically
from twintowns.model import Partnership, Place

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = ["json_document", "partnership_record", "place_record", "to_json"]


def place_record(place: Place) -> dict[str, Any]:
    """A place as a JSON-ready dict with the schema's columns.

    Numbers are numbers, unknown values are ``None``, list columns are lists.

    >>> import twintowns
    >>> record = place_record(twintowns.load().place("Charlotte"))
    >>> record["id"], record["subdivision"], record["timezone"], record["continent"]
    ('gn:4460243', 'US-NC', 'America/New_York', 'NA')
    """
    return {
        "id": place.id,
        "name": place.name,
        "ascii_name": place.ascii_name,
        "country": place.country,
        "subdivision": place.subdivision,
        "kind": place.kind.value,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "timezone": place.timezone,
        "population": place.population,
        "continent": place.continent.value,
        "aliases": list(place.aliases),
        "resolution": place.resolution,
        "wikidata": place.wikidata,
    }


def partnership_record(p: Partnership) -> dict[str, Any]:
    """A partnership as a JSON-ready dict with the schema's columns (``a``/``b`` are ids)."""
    return {
        "a": p.a.id,
        "b": p.b.id,
        "kind": p.kind.value,
        "status": p.status.value,
        "established": None if p.established is None else str(p.established),
        "ended": None if p.ended is None else str(p.ended),
        "note": p.note,
        "claimed_by": sorted(p.claimed_by),
        "sources": list(p.sources),
        "urls": list(p.urls),
        "as_of": None if p.as_of is None else str(p.as_of),
        "status_basis": p.status_basis.value,
    }


def json_document(atlas: Atlas, *, progress: Progress | None = None) -> dict[str, Any]:
    """The JSON export as a dict: ``{"metadata": …, "places": […], "partnerships": […]}``."""
    total = len(atlas.places) + len(atlas.partnerships)
    return {
        "metadata": dict(atlas.metadata),
        "places": [place_record(p) for p in counted(atlas.places, progress, 0, total)],
        "partnerships": [
            partnership_record(p)
            for p in counted(atlas.partnerships, progress, len(atlas.places), total)
        ],
    }


def to_json(
    atlas: Atlas, path: str | os.PathLike[str], *, progress: Progress | None = None
) -> Path:
    """Write the JSON export (UTF-8, one record per line) to ``path``; returns the path.

    The file is written under a temporary name and moved into place at the
    end: an export that fails leaves any previous file at ``path`` untouched.
    """
    target = prepare_target(path)
    total = len(atlas.places) + len(atlas.partnerships)

    def write(out: IO[str]) -> None:
        out.write('{"metadata": ')
        out.write(json.dumps(dict(atlas.metadata), ensure_ascii=False, sort_keys=True))
        records: tuple[Iterable[dict[str, Any]], Iterable[dict[str, Any]]] = (
            (place_record(p) for p in counted(atlas.places, progress, 0, total)),
            (
                partnership_record(p)
                for p in counted(atlas.partnerships, progress, len(atlas.places), total)
            ),
        )
        for key, items in zip(("places", "partnerships"), records, strict=True):
            out.write(f',\n"{key}": [')
            for i, record in enumerate(items):
                out.write(",\n" if i else "\n")
                out.write(json.dumps(record, ensure_ascii=False))
            out.write("\n]")
        out.write("}\n")

    write_atomically(target, write, newline="\n")
    return target

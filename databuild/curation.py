"""The curation layer: small reviewed TOML files applied after the bulk merge.

Each ``databuild/curation/<topic>.toml`` may hold three kinds of tables:

``[[place]]``
    a place of our own (``tt:`` id, e.g. a grouped community) or field
    overrides for a gazetteer place (``gn:`` id): ``name``, ``country``,
    ``subdivision``, ``kind``, ``latitude``, ``longitude``, ``timezone``,
    ``population``, ``aliases``; ``mentions`` lists source spellings that
    must resolve to it; ``urls`` document it.
``[[mention]]``
    ``name`` (as a source spells it), optional ``country`` (alpha-2) and
    ``place`` (a ``gn:``/``iso:``/``tt:`` id): forces how a mention resolves.
``[[partnership]]``
    ``a``, ``b`` (place ids), ``kind``, ``status``, ``established``, ``ended``,
    ``note``, ``claimed_by`` (ids), ``urls`` (required: one source URL per fact).
    Updates the bulk partnership of the same pair, or adds it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CURATION_DIR = Path(__file__).parent / "curation"


@dataclass(slots=True)
class Curation:
    places: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    mentions: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    partnerships: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


_PARTNERSHIP_KEYS = {
    "a",
    "b",
    "kind",
    "status",
    "established",
    "ended",
    "note",
    "claimed_by",
    "urls",
}
_PLACE_KEYS = {
    "id",
    "name",
    "country",
    "subdivision",
    "kind",
    "latitude",
    "longitude",
    "timezone",
    "population",
    "aliases",
    "mentions",
    "urls",
    "ascii_name",
}


def load(folder: Path = CURATION_DIR) -> Curation:
    cur = Curation()
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
        stem = path.stem
        unknown = set(doc) - {"place", "mention", "partnership"}
        if unknown:
            raise ValueError(f"{path}: unknown tables {sorted(unknown)}")
        for entry in doc.get("place", []):
            _check(path, entry, _PLACE_KEYS, {"id"})
            cur.places.append((stem, entry))
        for entry in doc.get("mention", []):
            _check(path, entry, {"name", "country", "place"}, {"name", "place"})
            cur.mentions.append((stem, entry))
        for entry in doc.get("partnership", []):
            _check(path, entry, _PARTNERSHIP_KEYS, {"a", "b", "urls"})
            if not entry["urls"]:
                raise ValueError(f"{path}: partnership {entry['a']}–{entry['b']} has no URL")
            cur.partnerships.append((stem, entry))
    return cur


def _check(path: Path, entry: dict[str, Any], allowed: set[str], required: set[str]) -> None:
    extra = set(entry) - allowed
    missing = required - set(entry)
    if extra or missing:
        raise ValueError(
            f"{path}: entry {entry!r}: unknown {sorted(extra)}, missing {sorted(missing)}"
        )

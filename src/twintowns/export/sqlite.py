"""The SQLite export (schema in :data:`SQLITE_SCHEMA`)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Final

from twintowns.export.progress import Progress, counted
from twintowns.files import prepare_target, publish, temporary_beside
from twintowns.model import Continent, PartnershipKind, PlaceKind, Status, StatusBasis

if TYPE_CHECKING:
    import sqlite3

    from twintowns.atlas import Atlas

__all__ = ["SQLITE_SCHEMA", "to_sqlite"]


def _check(column: str, values: Iterable[str]) -> str:
    return f"CHECK ({column} IN ({', '.join(repr(v) for v in values)}))"


#: The SQLite schema, also in ``docs/cli.md``.  Partial dates are ISO text
#: (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``), which sorts correctly as text;
#: list columns of the CSV schema are child tables with a ``position``.
SQLITE_SCHEMA: Final = f"""\
CREATE TABLE metadata (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL                 -- JSON text
) WITHOUT ROWID;
CREATE TABLE places (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    ascii_name  TEXT NOT NULL,
    country     TEXT NOT NULL,          -- ISO 3166-1 alpha-2
    subdivision TEXT,                   -- ISO 3166-2, NULL if unknown
    kind        TEXT NOT NULL {_check("kind", (k.value for k in PlaceKind))},
    latitude    REAL NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude   REAL NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    timezone    TEXT NOT NULL,          -- IANA name
    population  INTEGER,
    continent   TEXT NOT NULL {_check("continent", (c.value for c in Continent))},
    resolution  TEXT NOT NULL,
    wikidata    TEXT UNIQUE              -- Wikidata item id ("Q64"), NULL if unknown
) WITHOUT ROWID;
CREATE TABLE place_aliases (
    place_id TEXT NOT NULL REFERENCES places (id),
    position INTEGER NOT NULL,
    alias    TEXT NOT NULL,
    PRIMARY KEY (place_id, position)
) WITHOUT ROWID;
CREATE TABLE partnerships (
    a           TEXT NOT NULL REFERENCES places (id),
    b           TEXT NOT NULL REFERENCES places (id),
    kind        TEXT NOT NULL {_check("kind", (k.value for k in PartnershipKind))},
    status      TEXT NOT NULL {_check("status", (s.value for s in Status))},
    established TEXT,
    ended       TEXT,
    note        TEXT NOT NULL,
    claimed_by_a INTEGER NOT NULL CHECK (claimed_by_a IN (0, 1)),
    claimed_by_b INTEGER NOT NULL CHECK (claimed_by_b IN (0, 1)),
    as_of       TEXT,                   -- newest date a source lists it (docs/data.md)
    status_basis TEXT NOT NULL {_check("status_basis", (b.value for b in StatusBasis))},
    PRIMARY KEY (a, b),
    CHECK (a < b)
) WITHOUT ROWID;
CREATE TABLE partnership_references (
    a        TEXT NOT NULL,
    b        TEXT NOT NULL,
    type     TEXT NOT NULL CHECK (type IN ('source', 'url')),
    position INTEGER NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (a, b, type, position),
    FOREIGN KEY (a, b) REFERENCES partnerships (a, b)
) WITHOUT ROWID;
CREATE INDEX places_name ON places (name COLLATE NOCASE);
CREATE INDEX places_country ON places (country, subdivision);
CREATE INDEX place_aliases_alias ON place_aliases (alias COLLATE NOCASE);
CREATE INDEX partnerships_b ON partnerships (b);
CREATE INDEX partnerships_status ON partnerships (status);
-- Each partnership twice, once from each side: "the partners of X".
CREATE VIEW partners (place_id, partner_id, kind, status, established, ended, note) AS
    SELECT a, b, kind, status, established, ended, note FROM partnerships
    UNION ALL
    SELECT b, a, kind, status, established, ended, note FROM partnerships;
"""


def to_sqlite(
    atlas: Atlas, path: str | os.PathLike[str], *, progress: Progress | None = None
) -> Path:
    """Write an SQLite database with :data:`SQLITE_SCHEMA` to ``path``; returns the path.

    An existing file at ``path`` is replaced when the database is complete (it
    is written under a temporary name first).  Foreign keys are declared
    (enable them with ``PRAGMA foreign_keys = ON`` when you modify the data).
    """
    import sqlite3

    target = prepare_target(path)
    total = len(atlas.places) + len(atlas.partnerships)
    with temporary_beside(target) as temporary:
        _write_sqlite(sqlite3.connect(temporary), atlas, progress, total)
        publish(temporary, target)
    return target


def _write_sqlite(
    connection: sqlite3.Connection, atlas: Atlas, progress: Progress | None, total: int
) -> None:
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.executescript(SQLITE_SCHEMA)
        with connection:
            connection.executemany(
                "INSERT INTO metadata VALUES (?, ?)",
                [
                    (str(k), json.dumps(v, ensure_ascii=False, sort_keys=True))
                    for k, v in atlas.metadata.items()
                ],
            )
            for place in counted(atlas.places, progress, 0, total):
                connection.execute(
                    "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        place.id,
                        place.name,
                        place.ascii_name,
                        place.country,
                        place.subdivision,
                        place.kind.value,
                        place.latitude,
                        place.longitude,
                        place.timezone,
                        place.population,
                        place.continent.value,
                        place.resolution,
                        place.wikidata,
                    ),
                )
                connection.executemany(
                    "INSERT INTO place_aliases VALUES (?, ?, ?)",
                    [(place.id, i, alias) for i, alias in enumerate(place.aliases)],
                )
            for p in counted(atlas.partnerships, progress, len(atlas.places), total):
                connection.execute(
                    "INSERT INTO partnerships VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        p.a.id,
                        p.b.id,
                        p.kind.value,
                        p.status.value,
                        None if p.established is None else str(p.established),
                        None if p.ended is None else str(p.ended),
                        p.note,
                        int(p.a.id in p.claimed_by),
                        int(p.b.id in p.claimed_by),
                        None if p.as_of is None else str(p.as_of),
                        p.status_basis.value,
                    ),
                )
                connection.executemany(
                    "INSERT INTO partnership_references VALUES (?, ?, ?, ?, ?)",
                    [(p.a.id, p.b.id, "source", i, s) for i, s in enumerate(p.sources)]
                    + [(p.a.id, p.b.id, "url", i, u) for i, u in enumerate(p.urls)],
                )
        connection.execute("ANALYZE")
    finally:
        connection.close()

"""The data as a website and JSON API: the SQLite export with Datasette's metadata.

`Datasette <https://datasette.io>`_ publishes an SQLite database as a
website and a JSON API.  :func:`to_datasette` writes a folder that Datasette
serves as it is (its "configuration directory" mode):

* ``twintowns.db`` — the SQLite export (:func:`twintowns.export.to_sqlite`);
* ``metadata.json`` — :func:`datasette_metadata`: title, licence and
  attribution, sources, a description of every table and column, facets by
  country, kind and status, and canned queries ("partners of a place",
  "ties suspended since 2022", "top places").

Serve it with ``pip install 'twintowns[web]'`` and::

    twintowns export --format datasette --output twintowns-web
    datasette twintowns-web

>>> import tempfile, pathlib, twintowns
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "web"
>>> [p.name for p in to_datasette(twintowns.load(), folder)]
['twintowns.db', 'metadata.json']
>>> sorted(datasette_metadata(twintowns.load())["databases"]["twintowns"]["queries"])
['partners_of_place', 'suspended_since_2022', 'top_places']

Nothing here imports Datasette: the folder is plain files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from twintowns.export import Progress, to_sqlite
from twintowns.files import prepare_target, write_text_atomically

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = ["DATABASE", "QUERIES", "datasette_metadata", "to_datasette"]

#: The database's name in Datasette's URLs (``/twintowns/...``): the file's stem.
DATABASE: Final = "twintowns"

#: Canned queries: name -> (title, description, SQL).  Parameters are ``:name``.
QUERIES: Final[dict[str, tuple[str, str, str]]] = {
    "partners_of_place": (
        "Partners of a place",
        "Every partnership of the places named :place (case-insensitive; a place id "
        "such as gn:4460243 also works). Several places can share a name: home_id and "
        "home_label tell them apart.",
        """\
SELECT home.id AS home_id,
       home.name || ', ' || coalesce(home.subdivision, home.country) AS home_label,
       partner.id AS partner_id, partner.name AS partner, partner.country AS country,
       p.kind, p.status, p.established, p.ended, p.note
FROM partners AS p
JOIN places AS home ON home.id = p.place_id
JOIN places AS partner ON partner.id = p.partner_id
WHERE home.id = :place OR home.name = :place COLLATE NOCASE
ORDER BY home.id, partner.name COLLATE NOCASE, partner.id""",
    ),
    "suspended_since_2022": (
        "Ties suspended since 2022",
        "Partnerships with status 'suspended' whose suspension date (the ended column) "
        "is in 2022 or later, newest first, with the URLs that document them.",
        """\
SELECT a.name AS place_a, a.country AS country_a, b.name AS place_b,
       b.country AS country_b, p.kind, p.established, p.ended AS suspended, p.note,
       (SELECT group_concat(r.value, ' ') FROM partnership_references AS r
        WHERE r.a = p.a AND r.b = p.b AND r.type = 'url') AS urls,
       p.a AS a_id, p.b AS b_id
FROM partnerships AS p
JOIN places AS a ON a.id = p.a
JOIN places AS b ON b.id = p.b
WHERE p.status = 'suspended' AND p.ended >= '2022'
ORDER BY p.ended DESC, a.name, b.name""",
    ),
    "top_places": (
        "Top places",
        "The 100 places with the most partnerships (every status counted).",
        """\
SELECT places.id, places.name, places.subdivision, places.country,
       count(*) AS partnerships,
       sum(partners.status = 'active') AS active
FROM partners JOIN places ON places.id = partners.place_id
GROUP BY places.id
ORDER BY partnerships DESC, places.name, places.id
LIMIT 100""",
    ),
}

_PLACE_COLUMNS: Final = {
    "id": "Place id: gn:<GeoNames id>, or a twintowns id for places GeoNames lacks",
    "name": "Name, in its usual English or local spelling",
    "ascii_name": "The name in ASCII letters",
    "country": "ISO 3166-1 alpha-2 country code",
    "subdivision": "ISO 3166-2 subdivision code (state, region), empty if unknown",
    "kind": "city, town, municipality, district, region, …",
    "latitude": "Latitude, degrees north (WGS 84)",
    "longitude": "Longitude, degrees east (WGS 84)",
    "timezone": "IANA time zone name",
    "population": "Population (GeoNames), empty if unknown",
    "continent": "Continent code: AF, AN, AS, EU, NA, OC, SA",
    "resolution": "How the place was identified from its source mention",
    "wikidata": "Wikidata item id (Q64), empty if not matched",
}
_PARTNERSHIP_COLUMNS: Final = {
    "a": "One place's id (the smaller of the two ids)",
    "b": "The other place's id",
    "kind": "sister, friendship or partner",
    "status": "active, suspended, ended or proposed",
    "established": "Date the partnership began (YYYY, YYYY-MM or YYYY-MM-DD), empty if unknown",
    "ended": "Date it ended or was suspended, empty if none",
    "note": "Curated note",
    "claimed_by_a": "1 when place a's own list names place b",
    "claimed_by_b": "1 when place b's own list names place a",
    "as_of": "Newest date a source lists the tie, or the day a page stating its status was read",
    "status_basis": "listed (a source lists the tie, none states its status) or confirmed",
}


def datasette_metadata(atlas: Atlas) -> dict[str, Any]:
    """Datasette's ``metadata.json`` for the SQLite export of ``atlas``.

    >>> import twintowns
    >>> meta = datasette_metadata(twintowns.load())
    >>> meta["license"], meta["databases"]["twintowns"]["tables"]["partnerships"]["facets"]
    ('CC BY-SA 4.0', ['status', 'kind'])
    """
    sources = atlas.metadata.get("sources", [])
    names = [str(s["name"]) for s in sources if isinstance(s, dict) and "name" in s]
    version = atlas.metadata.get("dataset_version")
    counts = f"{len(atlas.places):,} places and {len(atlas.partnerships):,} partnerships"
    licence_text = str(atlas.metadata.get("license", ""))
    return {
        "title": "twintowns: sister cities and twin towns",
        "description": (
            f"{counts}"
            + (f" (dataset version {version})" if version else "")
            + ", exported by the twintowns Python package. "
            + licence_text
        ),
        "license": "CC BY-SA 4.0",
        "license_url": "https://creativecommons.org/licenses/by-sa/4.0/",
        "source": "; ".join(names) or "twintowns",
        "about": "Attribution: Wikipedia contributors, GeoNames, Wikidata; Natural Earth",
        "databases": {
            DATABASE: {
                "description": (
                    "Places and the partnerships between them. The partners view lists "
                    "each partnership twice, once from each side."
                ),
                "tables": {
                    "places": {
                        "description": "Every place with at least one partnership",
                        "facets": ["country", "kind", "continent"],
                        "sort": "name",
                        "label_column": "name",
                        "columns": dict(_PLACE_COLUMNS),
                    },
                    "partnerships": {
                        "description": "One row per partnership (the pair a < b)",
                        "facets": ["status", "kind"],
                        "columns": dict(_PARTNERSHIP_COLUMNS),
                    },
                    "partners": {
                        "description": "Each partnership from both sides: the partners of place_id",
                        "facets": ["status", "kind"],
                        "columns": {
                            "place_id": "The place",
                            "partner_id": "Its partner",
                            "kind": _PARTNERSHIP_COLUMNS["kind"],
                            "status": _PARTNERSHIP_COLUMNS["status"],
                            "established": _PARTNERSHIP_COLUMNS["established"],
                            "ended": _PARTNERSHIP_COLUMNS["ended"],
                            "note": _PARTNERSHIP_COLUMNS["note"],
                        },
                    },
                    "partnership_references": {
                        "description": "Where each partnership comes from: source rows and URLs",
                        "facets": ["type"],
                        "columns": {
                            "a": "The partnership's place a",
                            "b": "The partnership's place b",
                            "type": "source (a source row reference) or url (a page)",
                            "position": "Order within the partnership's list",
                            "value": "The reference or URL",
                        },
                    },
                    "place_aliases": {
                        "description": "Other names of a place",
                        "columns": {
                            "place_id": "The place",
                            "position": "Order within the place's list",
                            "alias": "Another name",
                        },
                    },
                    "metadata": {
                        "description": "The dataset's metadata: one JSON value per key",
                    },
                },
                "queries": {
                    name: {"title": title, "description": description, "sql": sql}
                    for name, (title, description, sql) in QUERIES.items()
                },
            }
        },
    }


def to_datasette(
    atlas: Atlas, folder: str | os.PathLike[str], *, progress: Progress | None = None
) -> list[Path]:
    """Write ``folder/twintowns.db`` and ``folder/metadata.json``; returns both paths.

    ``datasette FOLDER`` serves them.  The folder is created if needed (its
    parent must exist); the two files in it are replaced.
    """
    target = prepare_target(folder, folder=True)
    database = to_sqlite(atlas, target / f"{DATABASE}.db", progress=progress)
    metadata = target / "metadata.json"
    text = json.dumps(datasette_metadata(atlas), ensure_ascii=False, indent=2) + "\n"
    write_text_atomically(metadata, text)
    return [database, metadata]

"""Read the three raw sources into directed claims with provenance references.

A *claim* says "the list of ``origin`` names ``target`` as a twin / sister".
Each claim carries one reference: ``wpcont:<row>``, ``wpcountry:<row>`` or
``wikidata:<file stem>:<row>`` (rows are 1-based data rows, header excluded; the
per-country file's first column is not unique, so it is not used as a key).
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path

from databuild.countries import country_code

CONTINENT_DIR = "wikipedia-continent-lists"
COUNTRY_DIR = "wikipedia-country-lists"
WIKIDATA_DIR = "wikidata-eu"


@dataclass(frozen=True, slots=True)
class Mention:
    """One side of a claim as the source spells it, with its hints."""

    name: str
    country: str | None
    subdivision: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    strong: bool = False  # Wikidata coordinates (strong) or a name geocode (weak hint)
    country_text: str = ""


@dataclass(frozen=True, slots=True)
class Claim:
    ref: str
    source: str
    origin: Mention
    target: Mention


def _coord(lat: object, lon: object) -> tuple[float | None, float | None]:
    try:
        la, lo = float(str(lat)), float(str(lon))
    except ValueError:
        return None, None
    if not (math.isfinite(la) and math.isfinite(lo) and -90 <= la <= 90 and -180 <= lo <= 180):
        return None, None
    return la, lo


def _mention(
    name: str, country_text: str, lat: float | None, lon: float | None, strong: bool
) -> Mention:
    code = country_code(country_text) if country_text else None
    return Mention(
        name=" ".join(name.split()),
        country=code[0] if code else None,
        subdivision=code[1] if code else None,
        latitude=lat,
        longitude=lon,
        strong=strong,
        country_text=country_text,
    )


class Geocodes:
    """The continental lists' geocodes: ``(name, country)`` → coordinates.

    Looked up in order: the geocoder cache's ``"Name, Country"`` entry, the
    per-row geocodes of ``claims_geocoded.csv`` (same name and country column),
    the cache's bare ``"Name"`` entry.  Weak hints only (some are on the wrong
    continent); the resolver checks them against the stated country's polygon
    and the gazetteer before using them.
    """

    def __init__(self, root: Path) -> None:
        folder = root / CONTINENT_DIR
        with (folder / "geocode_cache.json").open(encoding="utf-8") as fh:
            self._cache: dict[str, dict[str, float] | None] = json.load(fh)
        self._rows: dict[tuple[str, str], tuple[float, float]] = {}
        path = folder / "claims_geocoded.csv"
        if path.exists():
            with path.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    for i in ("1", "2"):
                        lat, lon = _coord(row.get(f"lat{i}"), row.get(f"lng{i}"))
                        if lat is not None and lon is not None:
                            k = (row[f"city{i}"], row[f"country{i}"])
                            self._rows.setdefault(k, (lat, lon))

    def __call__(self, name: str, country: str = "") -> tuple[float | None, float | None]:
        hit = self._cache.get(f"{name}, {country}") if country else None
        if not hit and country and (name, country) in self._rows:
            return self._rows[(name, country)]
        hit = hit or self._cache.get(name)
        if not hit:
            return None, None
        return _coord(hit.get("lat"), hit.get("lng"))


def read_continent_lists(root: Path) -> list[Claim]:
    folder = root / CONTINENT_DIR
    geocode = Geocodes(root)
    claims = []
    with (folder / "claims.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for i, row in enumerate(reader, start=1):
            city1, country1, city2, country2 = [*row, "", "", "", ""][:4]
            o = _mention(city1, country1, *geocode(city1, country1), strong=False)
            t = _mention(city2, country2, *geocode(city2, country2), strong=False)
            claims.append(Claim(f"wpcont:{i}", "wpcont", o, t))
    return claims


def read_country_lists(root: Path) -> list[Claim]:
    geocode = Geocodes(root)
    claims = []
    with (root / COUNTRY_DIR / "claims.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for i, row in enumerate(reader, start=1):
            # the file's first column restarts per scraped page: not a key, the row is
            _rid, country, city, sister = [*row, "", "", "", ""][:4]
            o = _mention(city, country, *geocode(city, country), strong=False)
            lat, lon = geocode(sister)
            t = Mention(name=" ".join(sister.split()), country=None, latitude=lat, longitude=lon)
            claims.append(Claim(f"wpcountry:{i}", "wpcountry", o, t))
    return claims


def read_wikidata(root: Path) -> list[Claim]:
    claims = []
    for path in sorted((root / WIKIDATA_DIR).glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(reader)
            for i, row in enumerate(reader, start=1):
                r = [*row, *[""] * 12][:12]
                o = _mention(r[0], r[1], *_coord(r[2], r[3]), strong=True)
                t = _mention(r[5], r[9], *_coord(r[6], r[7]), strong=True)
                claims.append(Claim(f"wikidata:{path.stem}:{i}", "wikidata", o, t))
    return claims


def read_all(root: Path) -> list[Claim]:
    return read_continent_lists(root) + read_country_lists(root) + read_wikidata(root)

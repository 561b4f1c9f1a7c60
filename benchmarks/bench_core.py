"""Core benchmarks: import time, first load, lookups, distances, memory.

Side by side in one run (the pandas side is ``benchmarks/_pandas_side.py``):
* ``import twintowns`` vs ``import attrs, pycountry, haversine`` (fresh interpreters);
* loading the bundled dataset vs ``pandas.read_csv`` of the same two files;
* ``load()`` + the first ``place("Charlotte")`` + its partners vs ``read_csv`` + a
  filter (target <= 2x); ``load()`` + every Place and Partnership built vs
  ``read_csv`` (target <= 3x);
* ``distances(atlas.partnerships)`` on a fresh atlas (loaded outside the timing)
  vs a DataFrame join + ``haversine.haversine_vector`` on frames read outside the
  timing (target <= 2x);
* ``Atlas.place()`` on an exact name and ``Atlas.partners()`` (median µs);
* resident memory (RSS) growth with every record and index built vs reading the two
  pandas frames, each in a fresh interpreter (target <= 2x).
"""

from __future__ import annotations

import gc
import statistics
import subprocess
import sys
import time
import timeit
from importlib import resources

RUNS = 15


def _fresh(code: str) -> float:
    """Median wall time of ``python -c code`` minus an empty interpreter start."""

    def run(snippet: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", snippet], check=True)
        return time.perf_counter() - start

    base = statistics.median(run("pass") for _ in range(RUNS))
    return statistics.median(run(code) for _ in range(RUNS)) - base


def _median_time(func: object, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()  # the previous run's garbage is not this run's cost
        start = time.perf_counter()
        func()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_import() -> None:
    ours = _fresh("import twintowns")
    deps = _fresh("import attrs, pycountry, haversine")
    print(
        f"import twintowns: {ours * 1000:.1f} ms; import attrs, pycountry, haversine: "
        f"{deps * 1000:.1f} ms; ratio {ours / deps:.2f} (target <= 1.5)"
    )


def _data_files() -> tuple[str, str]:
    data = resources.files("twintowns").joinpath("data")
    return str(data.joinpath("places.csv")), str(data.joinpath("partnerships.csv"))


def bench_load() -> None:
    """Loading vs pandas.read_csv, then what the first query and building every object add.

    ``load`` is what ``twintowns.load()`` does on first use (see twintowns.records:
    the columns are read, records are built on first use).  Each timing starts
    from the files on disk.
    """
    from benchmarks import _pandas_side as pds
    from twintowns import dataset

    files = _data_files()

    def first_query() -> list[str]:
        atlas = dataset._read_bundled()
        return sorted(p.id for p in atlas.partners(atlas.place("Charlotte")))

    def everything() -> None:
        atlas = dataset._read_bundled()
        # tuple(): every object built, whether the atlas hands out tuples or lazy views
        places, partnerships = tuple(atlas.places), tuple(atlas.partnerships)
        assert places and partnerships

    theirs = _median_time(lambda: pds.read(*files))
    filtered = _median_time(lambda: pds.first_answer(*files, "Charlotte"))
    assert first_query() == pds.first_answer(*files, "Charlotte")
    rows = [
        ("load bundled dataset", dataset._read_bundled, theirs, "read_csv", 2),
        (
            "load + first place('Charlotte') + partners() (builds the name index)",
            first_query,
            filtered,
            "read_csv + a filter",
            2,
        ),
        ("load + every Place and Partnership object", everything, theirs, "read_csv", 3),
    ]
    for label, func, anchor, name, target in rows:
        ours = _median_time(func)
        print(
            f"{label}: {ours * 1000:.0f} ms; {name} {anchor * 1000:.0f} ms; "
            f"ratio {ours / anchor:.2f} (target <= {target})"
        )


def bench_distances() -> None:
    """``distances(atlas.partnerships)`` on a fresh atlas vs a DataFrame join + haversine_vector."""
    from benchmarks import _pandas_side as pds
    from twintowns import dataset
    from twintowns.geography import distances

    frames = pds.read(*_data_files())
    times = []
    for _ in range(7):
        atlas = dataset._read_bundled()  # fresh, loaded outside the timing
        gc.collect()
        start = time.perf_counter()
        ours = distances(atlas.partnerships)
        times.append(time.perf_counter() - start)
    theirs = pds.distances(*frames)
    assert len(ours) == len(theirs)
    assert max(abs(x - y) for x, y in zip(ours, theirs, strict=True)) < 1e-6
    ours_time = statistics.median(times)
    their_time = _median_time(lambda: pds.distances(*frames))
    print(
        f"distances(atlas.partnerships) on a fresh atlas: {ours_time * 1000:.1f} ms; "
        f"DataFrame join + haversine_vector {their_time * 1000:.1f} ms; "
        f"ratio {ours_time / their_time:.2f} (target <= 2)"
    )


def bench_queries() -> None:
    import twintowns

    atlas = twintowns.load()
    atlas.place("Charlotte")  # builds the name index once
    charlotte = atlas.place("Charlotte")
    for label, stmt in [
        ("place('Charlotte')", lambda: atlas.place("Charlotte")),
        ("place('wroclaw')", lambda: atlas.place("wroclaw")),
        ("partners(place)", lambda: atlas.partners(charlotte)),
        ("partners('Charlotte')", lambda: atlas.partners("Charlotte")),
        ("partners(place, status='active')", lambda: atlas.partners(charlotte, status="active")),
    ]:
        runs = timeit.repeat(stmt, number=1000, repeat=7)
        print(f"{label}: median {statistics.median(runs) * 1000:.2f} µs (target < 10 µs)")
    search = timeit.repeat(lambda: atlas.search("Dubln"), number=20, repeat=5)
    print(f"search('Dubln'): median {statistics.median(search) / 20 * 1000:.2f} ms")


#: the steps of the memory benchmark, each measured as the RSS growth it causes
_MEMORY_STEPS = (
    ("load()", "a = twintowns.load()"),
    ("partners('Charlotte')", "a.partners('Charlotte')"),
    ("every Place", "tuple(a.places)"),
    ("every Partnership", "tuple(a.partnerships)"),
    ("every place's partners", "[a.partners(x) for x in a.places]"),
    ("search('Dubln')", "a.search('Dubln')"),
    (
        "import scipy.spatial",
        "from twintowns import spatial\nif spatial.default_backend() == 'kdtree':\n"
        "    import scipy.spatial",
    ),
    ("the spatial index, nearest()", "a.nearest((0.0, 0.0))"),
    ("the other names, place('Wien')", "a.place('Wien')"),
    ("the Wikidata index, place('Q64')", "a.place('Q64')"),
)


def bench_memory() -> None:
    """RSS growth with every record and index built vs the two pandas frames, in fresh
    interpreters (each side's libraries imported before the first reading), and what
    each step adds; SciPy (the k-d tree's library) is imported as a step of its own."""
    steps = "".join(f"{code}\ngrowth.append(p.memory_info().rss)\n" for _, code in _MEMORY_STEPS)
    ours_code = (
        "import psutil, twintowns, numpy\n"
        "p = psutil.Process()\n"
        "growth = [p.memory_info().rss]\n"
        f"{steps}"
        "print(*((b - a) / 2**20 for a, b in zip(growth, growth[1:])))\n"
    )
    theirs_code = (
        "import sys, psutil, pandas\n"
        "p = psutil.Process()\n"
        "before = p.memory_info().rss\n"
        "places = pandas.read_csv(sys.argv[1], keep_default_na=False)\n"
        "links = pandas.read_csv(sys.argv[2], keep_default_na=False)\n"
        "print((p.memory_info().rss - before) / 2**20)\n"
    )

    def run(code: str, *args: str) -> list[float]:
        out = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
        )
        return [float(v) for v in out.stdout.split()]

    grown = run(ours_code)
    # the same steps without the kdtree extra: SciPy made unimportable, the numpy grid
    grid = sum(run("import sys\nsys.modules['scipy'] = None\n" + ours_code))
    first, everything = sum(grown[:2]), sum(grown)
    scipy = grown[[label for label, _ in _MEMORY_STEPS].index("import scipy.spatial")]
    frames = run(theirs_code, *_data_files())[0]
    print(
        "resident memory growth from loading + the first query: "
        f"{first:.1f} MiB; with every record built, every place's partners asked for and "
        f"every index built (names, other names, Wikidata, fuzzy, spatial): {everything:.1f} MiB; "
        f"the two pandas frames: {frames:.1f} MiB; ratio {everything / frames:.2f} (target <= 2)"
    )
    print(
        "  step by step (MiB): "
        + "; ".join(
            f"{label} {mib:.1f}" for (label, _), mib in zip(_MEMORY_STEPS, grown, strict=True)
        )
    )
    print(
        f"  without SciPy's own import ({scipy:.1f} MiB; pandas' import is not counted on "
        f"its side either): {everything - scipy:.1f} MiB, ratio "
        f"{(everything - scipy) / frames:.2f}"
    )
    print(
        "  without the kdtree extra (SciPy not importable: the numpy grid index): "
        f"{grid:.1f} MiB, ratio {grid / frames:.2f}"
    )


def main() -> None:
    bench_import()
    bench_load()
    bench_distances()
    bench_queries()
    bench_memory()


if __name__ == "__main__":
    main()

"""Core benchmarks: import time, first load, lookups, memory.

Side by side in one run:
* ``import twintowns`` vs ``import attrs, pycountry, haversine`` (fresh interpreters);
* loading the bundled dataset vs ``pandas.read_csv`` of the same two files;
* ``Atlas.place()`` on an exact name and ``Atlas.partners()`` (median µs);
* resident memory growth from loading (fresh interpreter).
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


def bench_load() -> None:
    """Loading vs pandas.read_csv, then what the first query and building every object add.

    ``load`` is what ``twintowns.load()`` does on first use: read both files,
    check their structure and index ids and pairs (records are built on first
    use, see twintowns.records).  Each timing starts from the files on disk.
    """
    import pandas as pd

    from twintowns import dataset

    data = resources.files("twintowns").joinpath("data")
    places, partnerships = data.joinpath("places.csv"), data.joinpath("partnerships.csv")

    def with_pandas() -> None:
        pd.read_csv(str(places), keep_default_na=False)
        pd.read_csv(str(partnerships), keep_default_na=False)

    def first_query() -> None:
        atlas = dataset._read_bundled()
        atlas.partners(atlas.place("Charlotte"))

    def everything() -> None:
        atlas = dataset._read_bundled()
        assert len(atlas.places) and len(atlas.partnerships)

    theirs = _median_time(with_pandas)
    for label, func in [
        ("load bundled dataset", dataset._read_bundled),
        ("load + first place('Charlotte') + partners() (builds the name index)", first_query),
        ("load + every Place and Partnership object", everything),
    ]:
        ours = _median_time(func)
        print(f"{label}: {ours * 1000:.0f} ms; ratio {ours / theirs:.2f} to pandas")
    print(f"pandas.read_csv of the same two files: {theirs * 1000:.0f} ms (target: load <= 2x)")


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


def bench_memory() -> None:
    code = (
        "import psutil, twintowns\n"
        "p = psutil.Process()\n"
        "before = p.memory_info().rss\n"
        "a = twintowns.load(); a.partners('Charlotte')\n"
        "first = p.memory_info().rss\n"
        "a.places, a.partnerships, [a.partners(x) for x in a.places]\n"
        "print((first - before) / 2**20, (p.memory_info().rss - before) / 2**20)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, everything = map(float, out.stdout.split())
    print(
        "resident memory growth from loading + the first query (name index, adjacency): "
        f"{first:.1f} MB (target < 60 MB); with every object built and every place's "
        f"partners asked for: {everything:.1f} MB"
    )


def main() -> None:
    bench_import()
    bench_load()
    bench_queries()
    bench_memory()


if __name__ == "__main__":
    main()

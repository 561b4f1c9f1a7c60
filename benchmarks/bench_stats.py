"""Benchmark of twintowns.stats against what a user would otherwise write.

Run with ``python -m benchmarks stats`` (or through ``main()``).  Side by side
in one run, on the bundled dataset, each answer checked equal:

* each of ``top_places(atlas, 10)``, ``partner_countries(atlas, "US")``,
  ``by_decade(atlas)`` and ``country_pairs(atlas)`` on a *fresh* atlas with
  loading included on both sides: ``load()`` + the statistic against
  ``pandas.read_csv`` of both files + the groupby (``benchmarks/_pandas_side.py``);
  target <= 1x;
* the four together from a cold process (interpreter, imports, loading and
  the four answers) against the same with pandas; target <= 1x;

* ``top_places`` (U.S. places by international partnerships, and every place
  by degree) and ``partner_countries("US")`` against the same answer from
  pandas ``groupby`` over ``places.csv`` / ``partnerships.csv`` read with
  ``pandas.read_csv`` (the read is timed apart, as a one-off);
* ``shortest_chain`` between the two members of the largest component that
  are the most hops apart (a diametral pair) against ``networkx.shortest_path``
  (bidirectional BFS) on the graph from ``to_networkx`` (built apart, timed too).

twintowns keeps derived indexes per atlas, so each function is timed twice:
the *first call* on an atlas (the index built inside the timing: the memo is
emptied before every run) and *later calls*.  Targets: later calls <= 1x
pandas; first calls are reported as they are.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import twintowns
from twintowns import stats
from twintowns.atlas import Atlas
from twintowns.stats import _common

__all__ = ["main"]

T = TypeVar("T")
REPEATS = 15


def _timed(fn: Callable[[], T], *, cold: bool = False, repeats: int = REPEATS) -> tuple[float, T]:
    """Median seconds of ``repeats`` calls (each after emptying the memo if ``cold``)."""
    times: list[float] = []
    result: T
    for _ in range(repeats):
        if cold:
            _common._memos.clear()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def _compare(label: str, ours: Callable[[], T], theirs: Callable[[], T], name: str) -> None:
    cold, cold_answer = _timed(ours, cold=True)
    warm, warm_answer = _timed(ours)
    other, their_answer = _timed(theirs)
    assert cold_answer == warm_answer == their_answer, (label, warm_answer, their_answer)
    print(
        f"{label}: twintowns first call {_ms(cold)} ({cold / other:.2f}x {name}), "
        f"later calls {_ms(warm)} ({warm / other:.4f}x {name}, target <= 1x); "
        f"{name} {_ms(other)}"
    )


def _read_frames() -> tuple[Any, Any]:
    import pandas as pd

    data = resources.files("twintowns").joinpath("data")
    start = time.perf_counter()
    places = pd.read_csv(str(data.joinpath("places.csv")), keep_default_na=False)
    links = pd.read_csv(str(data.joinpath("partnerships.csv")), keep_default_na=False)
    took = _ms(time.perf_counter() - start)
    print(f"pandas.read_csv of places.csv + partnerships.csv (one-off): {took}")
    return places, links


def _pandas_top(places: Any, links: Any, n: int, country: str | None, international: bool) -> Any:
    import pandas as pd

    info = places.set_index("id")[["name", "country"]]
    sides = links[["a", "b"]].copy()
    sides["ca"] = sides["a"].map(info["country"])
    sides["cb"] = sides["b"].map(info["country"])
    if international:
        sides = sides[sides["ca"] != sides["cb"]]
    stacked = pd.concat(
        [
            sides[["a", "ca"]].set_axis(["id", "country"], axis=1),
            sides[["b", "cb"]].set_axis(["id", "country"], axis=1),
        ]
    )
    if country is not None:
        stacked = stacked[stacked["country"] == country]
    counts = stacked.groupby("id").size().rename("n").to_frame().join(info["name"])
    counts = counts.reset_index().sort_values(["n", "name", "id"], ascending=[False, True, True])
    return list(zip(counts["id"].head(n), counts["n"].head(n).tolist(), strict=True))


def _pandas_partner_countries(places: Any, links: Any, country: str) -> Any:
    import pandas as pd

    where = places.set_index("id")["country"]
    ca, cb = links["a"].map(where), links["b"].map(where)
    other = pd.concat(
        [cb[(ca == country) & (cb != country)], ca[(cb == country) & (ca != country)]]
    )
    counts = other.rename("country").to_frame().groupby("country").size().reset_index(name="n")
    counts = counts.sort_values(["n", "country"], ascending=[False, True])
    return list(zip(counts["country"], counts["n"].tolist(), strict=True))


def bench_counts(atlas: Atlas) -> None:
    places, links = _read_frames()
    for label, n, country, international in [
        ("top_places(10, country='US', international_only=True)", 10, "US", True),
        ("top_places(10) (every place by degree)", 10, None, False),
    ]:
        _compare(
            label,
            lambda n=n, c=country, i=international: [  # type: ignore[misc]
                (p.id, k) for p, k in stats.top_places(atlas, n, country=c, international_only=i)
            ],
            lambda n=n, c=country, i=international: _pandas_top(places, links, n, c, i),  # type: ignore[misc]
            "pandas groupby",
        )
    _compare(
        "partner_countries('US')",
        lambda: stats.partner_countries(atlas, "US"),
        lambda: _pandas_partner_countries(places, links, "US"),
        "pandas groupby",
    )


def _diametral_pair(graph: Any, nodes: set[str]) -> tuple[str, str, int]:
    """Two nodes of ``nodes`` (a component) the most hops apart (double sweeps)."""
    import networkx as nx

    sub = graph.subgraph(nodes)
    diameter = nx.diameter(sub, usebounds=True)
    start = min(nodes)
    for _ in range(50):
        lengths = nx.single_source_shortest_path_length(sub, start)
        far = max(lengths.values())
        end = min(node for node, d in lengths.items() if d == far)
        if far == diameter:
            return start, end, far
        start = end
    raise RuntimeError("no diametral pair found by double sweeps")  # pragma: no cover


def bench_chain(atlas: Atlas) -> None:
    import networkx as nx

    start = time.perf_counter()
    graph = stats.to_networkx(atlas)
    built = time.perf_counter() - start
    giant = {p.id for p in stats.components(atlas).largest}
    a, b, hops = _diametral_pair(graph, giant)
    pa, pb = atlas.get(a), atlas.get(b)
    assert pa is not None and pb is not None
    print(
        f"to_networkx(atlas): {_ms(built)}; largest component {len(giant)} places, "
        f"diameter {hops} hops: {pa.label} ↔ {pb.label}"
    )
    cold, chain = _timed(lambda: stats.shortest_chain(atlas, pa, pb), cold=True, repeats=5)
    warm, chain = _timed(lambda: stats.shortest_chain(atlas, pa, pb))
    theirs, path = _timed(lambda: nx.shortest_path(graph, a, b))
    assert chain is not None and len(chain) == len(path) - 1 == hops
    print(
        f"shortest_chain over {hops} hops: twintowns first call {_ms(cold)} (adjacency built "
        f"inside; {cold / (built + theirs):.2f}x to_networkx + networkx.shortest_path), "
        f"later calls {_ms(warm)} ({warm / theirs:.2f}x networkx.shortest_path "
        f"{_ms(theirs)}; ours also picks the first chain by name among equals)"
    )


def _data_files() -> tuple[str, str]:
    data = resources.files("twintowns").joinpath("data")
    return str(data.joinpath("places.csv")), str(data.joinpath("partnerships.csv"))


def bench_fresh() -> None:
    """Each statistic on a fresh atlas, loading included on both sides."""
    from benchmarks import _pandas_side as pds
    from twintowns import dataset

    files = _data_files()

    def frames() -> tuple[Any, Any]:
        return pds.read(*files)

    rows: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        (
            "top_places(atlas, 10)",
            lambda: [(p.id, n) for p, n in stats.top_places(dataset._read_bundled(), 10)],
            lambda: pds.top_places(*frames(), 10),
        ),
        (
            "partner_countries(atlas, 'US')",
            lambda: stats.partner_countries(dataset._read_bundled(), "US"),
            lambda: pds.partner_countries(*frames(), "US"),
        ),
        (
            "by_decade(atlas)",
            lambda: stats.by_decade(dataset._read_bundled()),
            lambda: pds.by_decade(frames()[1]),
        ),
        (
            "country_pairs(atlas)",
            lambda: stats.country_pairs(dataset._read_bundled()),
            lambda: pds.country_pairs(*frames()),
        ),
    ]
    for label, ours, theirs in rows:
        ours_time, ours_answer = _timed(ours, repeats=9)
        their_time, their_answer = _timed(theirs, repeats=9)
        assert ours_answer == their_answer, (label, ours_answer, their_answer)
        print(
            f"{label} on a fresh atlas, load() included: {_ms(ours_time)}; "
            f"read_csv + pandas groupby {_ms(their_time)}; "
            f"ratio {ours_time / their_time:.2f} (target <= 1)"
        )


def _cold(command: list[str]) -> float:
    """Wall time of one fresh process (run from the project root: ``benchmarks`` imports)."""
    root = Path(__file__).resolve().parent.parent
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=root)
    return time.perf_counter() - start


def bench_cold_four(runs: int = 7) -> None:
    """The four statistics from a cold process, against the same with pandas."""
    files = _data_files()
    ours = [
        sys.executable,
        "-c",
        "import twintowns\n"
        "from twintowns import stats\n"
        "a = twintowns.load()\n"
        "stats.top_places(a, 10); stats.partner_countries(a, 'US')\n"
        "stats.by_decade(a); stats.country_pairs(a)\n",
    ]
    theirs = [sys.executable, "-m", "benchmarks._pandas_side", *files]
    ours_times, their_times = [], []
    for _ in range(runs):  # interleaved, so both sides see the same machine load
        ours_times.append(_cold(ours))
        their_times.append(_cold(theirs))
    ours_time, their_time = statistics.median(ours_times), statistics.median(their_times)
    print(
        "the four statistics from a cold process (python -c: import, load, answer): "
        f"twintowns {_ms(ours_time)}; pandas (import, read_csv, groupby) {_ms(their_time)}; "
        f"ratio {ours_time / their_time:.2f} (target <= 1)"
    )


def main() -> None:
    bench_fresh()
    bench_cold_four()
    atlas = twintowns.load()
    print(atlas)
    bench_counts(atlas)
    bench_chain(atlas)


if __name__ == "__main__":
    main()

"""Scaling: the bundled atlas against synthetic atlases 10x (and 100x) its size.

Run with ``python -m benchmarks.bench_scaling`` (or through ``main()``).  The
synthetic atlas is made here, in the bundled data's own format: ``factor``
copies of every bundled place (ids ``sNNN:<id>``; copy 0 is the bundled data,
every later copy has its names, ASCII name, aliases and other names suffixed
with the copy number, is moved by up to ~3 km and has no Wikidata id), the
partnerships among each copy's places, the other names (``names.csv``), the
metadata, and the columns file written by the data build's own writer
(:func:`databuild.columns.write_columns`).  The CSV files are streamed copy by
copy; the columns writer reads them back with the validating reader, as the
data build does.

Each size is then measured in a fresh process that loads the folder exactly
as the bundled data is loaded: :func:`twintowns.dataset._read_bundled`,
reading this folder instead of the package's data folder (the columns file
through :class:`~twintowns.columns.Columns`, a
:class:`~twintowns.records.ColumnarRecords` store, objects built on first
use, the shipped name table).  It times the load, lookups by id (the first,
which maps ``places.csv``, then new and already built places), by name (the
first, then later ones), the first ``nearest()`` and later ones, a partner
list and a statistic (``stats.top_places``), with the resident memory after
each.  Generation and measurement run in their own processes, one size after
the other; nothing is kept between sizes.

The table shows each value (times: wall, and the process's CPU time, which
the other jobs of a shared machine disturb less) and its growth relative to
the first size: divided by the size factor for totals (1.0 is linear growth,
below 1 better than linear) and as a plain ratio for per-query times (1.0 is
constant).  Each value is the median of ``--repeat`` fresh processes (3).

The default is ``--factors 1,10`` (about a minute).  100x (2.2 million places,
3.5 million partnerships) is opt-in: ``--factors 1,10,100``.  Measured on the
2-core reference machine: its files take 1.1 GB of disk (``--tmp`` chooses
where), the columns writer peaks at 12.4 GiB of memory and takes 6 to 18
minutes (the longer under a load average of 5); measuring it three times takes
under a minute and peaks at about 2 GiB over the imports.  A size the machine
has no memory or disk for is refused before it starts.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import io
import json
import math
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = ["load_synthetic", "main", "write_synthetic"]

ROOT = Path(__file__).resolve().parent.parent
#: where Charlotte is: the name looked up and the first nearest() query
CHARLOTTE = ("Charlotte", "US", (35.2271, -80.8431))


def _bundled(name: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a bundled CSV file."""
    text = resources.files("twintowns").joinpath("data", name).read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


def _suffixed(cell: str, suffix: str) -> str:
    """Every item of a ``|``-separated cell with ``suffix`` appended (empty stays empty)."""
    return "|".join(item + suffix for item in cell.split("|")) if cell else cell


def write_synthetic(folder: Path, factor: int, seed: int) -> tuple[int, int]:
    """Write a synthetic atlas ``factor`` times the bundled one into ``folder`` (see the
    module docstring): the CSV files, streamed, then the columns file; ``(places,
    partnerships)`` written."""
    from databuild.columns import write_columns
    from twintowns.schema import METADATA_FILE, NAMES_FILE, PARTNERSHIPS_FILE, PLACES_FILE

    if not 1 <= factor <= 9999:
        raise ValueError(f"factor must be 1 to 9999, not {factor}")
    folder.mkdir(parents=True, exist_ok=True)
    prefixes = [f"s{copy:04d}:" if factor > 1000 else f"s{copy:03d}:" for copy in range(factor)]
    header, places = _bundled(PLACES_FILE)
    col = {name: i for i, name in enumerate(header)}
    rng = random.Random(seed)
    n_places = n_pairs = 0
    with (folder / PLACES_FILE).open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for copy, prefix in enumerate(prefixes):
            suffix = f" {copy}"
            rows = []
            for row in places:
                new = list(row)
                new[col["id"]] = prefix + row[col["id"]]
                if copy:
                    for name in ("name", "ascii_name", "aliases"):
                        new[col[name]] = _suffixed(row[col[name]], suffix)
                    lat = float(row[col["latitude"]]) + rng.uniform(-0.03, 0.03)
                    lon = float(row[col["longitude"]]) + rng.uniform(-0.03, 0.03)
                    new[col["latitude"]] = f"{max(-90.0, min(90.0, lat)):.5f}"
                    new[col["longitude"]] = f"{(lon + 180.0) % 360.0 - 180.0:.5f}"
                    new[col["wikidata"]] = ""
                rows.append(new)
            writer.writerows(rows)
            n_places += len(rows)
    header, pairs = _bundled(PARTNERSHIPS_FILE)
    i_claimed = header.index("claimed_by")
    with (folder / PARTNERSHIPS_FILE).open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for prefix in prefixes:
            rows = []
            for row in pairs:
                new = [prefix + row[0], prefix + row[1], *row[2:]]
                claimed = row[i_claimed]
                new[i_claimed] = "|".join(prefix + c for c in claimed.split("|")) if claimed else ""
                rows.append(new)
            writer.writerows(rows)
            n_pairs += len(rows)
    header, names = _bundled(NAMES_FILE)
    with (folder / NAMES_FILE).open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for copy, prefix in enumerate(prefixes):
            suffix = f" {copy}"
            writer.writerows(
                [prefix + pid, _suffixed(other, suffix) if copy else other] for pid, other in names
            )
    metadata = resources.files("twintowns").joinpath("data", METADATA_FILE).read_bytes()
    (folder / METADATA_FILE).write_bytes(metadata)
    write_columns(folder)
    return n_places, n_pairs


def load_synthetic(folder: Path) -> Atlas:
    """The atlas in ``folder``, loaded by :func:`twintowns.dataset._read_bundled` itself:
    while it runs, the package's data folder it reads is ``folder``."""
    from twintowns import dataset

    real = resources.files

    def files(package: str) -> Any:
        found = real(package)
        if package != "twintowns":  # pragma: no cover - _read_bundled reads only its own
            return found
        return types.SimpleNamespace(
            joinpath=lambda *names: folder if names == ("data",) else found.joinpath(*names)
        )

    with mock.patch.object(dataset, "resources", types.SimpleNamespace(files=files)):
        atlas = dataset._read_bundled()
    ids = atlas._records.columns().ids
    if not ids or not ids[0].startswith("s"):
        raise RuntimeError(
            "twintowns.dataset._read_bundled did not read the synthetic folder: "
            "it no longer reads resources.files('twintowns').joinpath('data')"
        )
    return atlas


# ---------------------------------------------------------------------- measuring


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return math.nan  # pragma: no cover - not Linux


def _peak_mib() -> float:
    """The peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Clock:
    """Wall and CPU time of what runs under it (``with clock.timing(key, scale)``), kept in
    ``out[key]`` and ``out[key + "_cpu"]``: on a shared machine, the CPU time shows what
    the wall time would be without the other jobs."""

    def __init__(self, out: dict[str, float]) -> None:
        self.out = out

    @contextlib.contextmanager
    def timing(self, key: str, scale: float) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.out[key] = (time.perf_counter() - wall) * scale
        self.out[f"{key}_cpu"] = (time.process_time() - cpu) * scale

    def once(self, key: str, fn: Callable[[], object]) -> None:
        """One call of ``fn``, in ms."""
        with self.timing(key, 1e3):
            fn()

    def per_call(self, key: str, fn: Callable[[], object], n: int) -> None:
        """The median of three rounds of ``n`` calls, in µs per call."""
        rounds: list[tuple[float, float]] = []
        for _ in range(3):
            with self.timing(key, 1e6 / n):
                for _ in range(n):
                    fn()
            rounds.append((self.out[key], self.out[f"{key}_cpu"]))
        self.out[key], self.out[f"{key}_cpu"] = sorted(rounds)[1]


class _GCClock:
    """Time spent in the cyclic garbage collector (``gc.callbacks``), in ms."""

    def __init__(self) -> None:
        self.ms = 0.0
        self._start = 0.0
        gc.callbacks.append(self._note)

    def _note(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.ms += (time.perf_counter() - self._start) * 1e3

    def stop(self) -> float:
        """Stop timing; the total."""
        gc.callbacks.remove(self._note)
        return self.ms


def _measure(folder: Path, seed: int) -> dict[str, float]:
    """Measure the atlas in ``folder`` in this (fresh) process."""
    import numpy  # noqa: F401  (imported before timing, as the first load does)

    from twintowns import stats
    from twintowns.spatial import default_backend

    if default_backend() == "kdtree":
        import scipy.spatial  # noqa: F401

    name, country, point = CHARLOTTE
    out: dict[str, float] = {"rss_start": _rss_mib()}
    clock = _Clock(out)
    atlas: Atlas | None = None

    def load() -> None:
        nonlocal atlas
        atlas = load_synthetic(folder)

    clock.once("load_ms", load)
    assert atlas is not None
    out["rss_load"] = _rss_mib()
    rng = random.Random(seed)
    ids = atlas._records.columns().ids
    n = len(ids)
    picks = rng.sample(range(n), 4001)
    clock.once("first_get_ms", lambda: atlas.get(ids[picks[0]]))
    fresh = [ids[i] for i in picks[1:2001]]
    gc_clock = _GCClock()
    with clock.timing("new_get_us", 1e6 / len(fresh)):
        for pid in fresh:  # each builds its Place from its line
            atlas.get(pid)
    out["new_get_gc_ms"] = gc_clock.stop()
    built = [ids[i] for i in picks[2001:]]
    for pid in built:
        atlas.get(pid)
    again = iter(built * 3)
    clock.per_call("get_us", lambda: atlas.get(next(again)), 2000)
    out["rss_get"] = _rss_mib()
    clock.once("first_name_ms", lambda: atlas.place(name, country=country))
    clock.per_call("name_us", lambda: atlas.place(name, country=country), 2000)
    out["rss_name"] = _rss_mib()
    clock.once("first_nearest_ms", lambda: atlas.nearest(point))
    out["rss_nearest"] = _rss_mib()
    coordinates = atlas._records.coordinates().tolist()
    queries = []
    for _ in range(1000):
        lat, lon = coordinates[rng.randrange(n)]
        queries.append((max(-90.0, min(90.0, lat + rng.uniform(-0.1, 0.1))), lon))
    for q in queries:  # the answers' Places built once
        atlas.nearest(q)
    qit = iter(queries * 3)
    clock.per_call("nearest_us", lambda: atlas.nearest(next(qit)), 1000)
    clock.once("first_partners_ms", lambda: atlas.partners(name))
    out["rss_partners"] = _rss_mib()
    clock.once("top_places_ms", lambda: stats.top_places(atlas, 10))
    out["rss_stats"] = _rss_mib()
    for key in ("load", "get", "name", "nearest", "partners", "stats"):
        out[f"mem_{key}"] = out.pop(f"rss_{key}") - out["rss_start"]
    out["peak_mib"] = _peak_mib() - out["rss_start"]
    return out


_ROWS: list[tuple[str, str, bool]] = [
    # key, label, total (grows with the data) or per query (should not)
    ("load_ms", "load (ms)", True),
    ("first_get_ms", "first `get(id)` (ms: maps places.csv, builds one place)", True),
    ("new_get_us", "`get(id)` of a place not yet built (µs, mean of 2,000)", False),
    ("new_get_gc_ms", "of which in the cyclic GC (ms, total over the 2,000)", True),
    ("get_us", "`get(id)`, built place (µs)", False),
    ("first_name_ms", 'first `place("Charlotte", country="US")` (ms)', True),
    ("name_us", "later `place(...)` (µs)", False),
    ("first_nearest_ms", "first `nearest()` (ms: coordinates + index + query)", True),
    ("nearest_us", "later `nearest()` (µs)", False),
    ("first_partners_ms", 'first `partners("Charlotte")` (ms)', True),
    ("top_places_ms", "`stats.top_places(atlas, 10)` (ms)", True),
    ("mem_load", "memory after load (MiB RSS less the imports')", True),
    ("mem_get", "after the `get`s (MiB, likewise)", True),
    ("mem_name", "after the name lookups (MiB)", True),
    ("mem_nearest", "after the first `nearest()` (MiB)", True),
    ("mem_partners", "after `partners()` (MiB)", True),
    ("mem_stats", "after the statistic (MiB)", True),
    ("peak_mib", "peak RSS of the measuring process (MiB, likewise)", True),
    ("rss_start", "RSS of the imports (MiB: Python, numpy, SciPy, twintowns)", False),
]


def _json_from(args: list[str]) -> dict[str, Any]:
    """Run this module with ``args`` in a fresh process; its last line of output, as JSON."""
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_scaling", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if run.returncode:
        raise RuntimeError(f"bench_scaling {' '.join(args)} failed:\n{run.stderr}")
    found: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return found


def _generate(folder: Path, factor: int, seed: int) -> dict[str, Any]:
    """Write the synthetic atlas (in this process); what it took."""
    start = time.perf_counter()
    places, pairs = write_synthetic(folder, factor, seed)
    return {
        "places": places,
        "partnerships": pairs,
        "seconds": time.perf_counter() - start,
        "peak_mib": _peak_mib(),
        "mib": sum(f.stat().st_size for f in folder.iterdir()) / 2**20,
    }


#: what one copy of the bundled data takes while generated (the columns writer's peak
#: RSS grew by ~104 MiB per copy from 1x to 10x) and on disk (~11 MiB per copy)
MIB_PER_COPY = 130
DISK_MIB_PER_COPY = 12


def _available_mib() -> float:
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    return math.inf  # pragma: no cover - not Linux


def _check_room(folder: Path, factor: int) -> None:
    """Refuse a size the machine has no memory or disk for, before starting it."""
    memory, disk = MIB_PER_COPY * factor + 300, DISK_MIB_PER_COPY * factor
    available, free = _available_mib(), shutil.disk_usage(folder).free / 2**20
    if memory > available or disk > free:
        raise SystemExit(
            f"{factor}×: needs about {memory:,} MiB of memory (available: {available:,.0f}) "
            f"and {disk:,} MiB of disk in {folder} (free: {free:,.0f}); not started"
        )


@contextlib.contextmanager
def _scratch(parent: str | None) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="twintowns-scaling-", dir=parent) as tmp:
        yield Path(tmp)


#: in a ``--keep`` folder, each size's files sit beside this record of how they were made
MADE = "generated.json"


def generator_digest() -> str:
    """A digest of the code that writes the synthetic files (this module's generator and
    the data build's columns writer): kept files made by other code are not reused."""
    import hashlib
    import inspect

    from databuild import columns as writer

    digest = hashlib.sha256()
    for fn in (_bundled, _suffixed, write_synthetic):
        digest.update(inspect.getsource(fn).encode())
    digest.update(inspect.getsource(writer).encode())
    digest.update(resources.files("twintowns").joinpath("data", "places.csv").read_bytes())
    return digest.hexdigest()


def _kept(folder: Path, factor: int, seed: int) -> dict[str, Any] | None:
    """What made ``folder``, when it holds this size made by this very code, else None."""
    try:
        made: dict[str, Any] = json.loads((folder / MADE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    wanted = {"factor": factor, "seed": seed, "digest": generator_digest()}
    return made if all(made.get(k) == v for k, v in wanted.items()) else None


def _files_for(folder: Path, factor: int, seed: int, keep: bool) -> dict[str, Any]:
    """Generate the files of one size into ``folder`` (in a fresh process), or, with
    ``keep``, reuse what an earlier run left there if the same code made it."""
    if keep and (made := _kept(folder, factor, seed)) is not None:
        print(f"{factor}×: reusing the files in {folder} (same generator, seed and size)")
        return {**made, "seconds": 0.0}
    if folder.exists():
        shutil.rmtree(folder)
    _check_room(folder.parent, factor)
    made = _json_from(["--generate", str(folder), "--factor", str(factor), "--seed", str(seed)])
    if keep:
        record = {**made, "factor": factor, "seed": seed, "digest": generator_digest()}
        (folder / MADE).write_text(json.dumps(record), "utf-8")
    return made


def _table(factors: list[int], results: dict[int, dict[str, Any]]) -> None:
    base, first = results[factors[0]], factors[0]
    sizes = " | ".join(
        f"{f}× ({results[f]['places']:,} places, {results[f]['partnerships']:,} partnerships)"
        for f in factors
    )
    growth = "".join(f" growth {f}× |" for f in factors[1:])
    print(f"\n| measure | {sizes} |{growth}")
    print("|---" * (2 * len(factors)) + "|")
    for key, label, total in _ROWS:
        timed = f"{key}_cpu" in base

        def cell(f: int, key: str = key, timed: bool = timed) -> str:
            value = f"{results[f][key]:,.1f}"
            return f"{value} ({results[f][f'{key}_cpu']:,.1f})" if timed else value

        def ratio(f: int, key: str = key, total: bool = total) -> float:
            if not base[key]:
                return math.nan
            return float(results[f][key] / base[key] / (f / first if total else 1))

        values = " | ".join(cell(f) for f in factors)
        ratios = "".join(
            f" {ratio(f):.2f} ({ratio(f, f'{key}_cpu'):.2f}) |" if timed else f" {ratio(f):.2f} |"
            for f in factors[1:]
        )
        print(f"| {label} | {values} |{ratios}")
    print(
        "\ntimes: wall (CPU time of the process in brackets); growth: for totals, "
        "(value / value at the first size) / size factor (1.00 = linear, < 1 better); "
        "for per-query times the plain ratio (1.00 = constant)"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--factors", default="1,10", help="sizes to measure, e.g. 1,10,100")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--repeat", type=int, default=3, help="fresh processes per size (the table: medians)"
    )
    parser.add_argument("--tmp", help="folder for the synthetic files (default: the system's)")
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep each size's files in this folder and reuse them on later runs "
        "(only files the same generator made for the same size and seed)",
    )
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--factor", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate is not None:
        print(json.dumps(_generate(args.generate, args.factor, args.seed)))
        return
    if args.worker is not None:
        print(json.dumps(_measure(args.worker, args.seed)))
        return
    factors = [int(f) for f in args.factors.split(",")]
    results: dict[int, dict[str, Any]] = {}
    with contextlib.ExitStack() as stack:
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            tmp = args.keep
        else:
            tmp = stack.enter_context(_scratch(args.tmp))
        for factor in factors:
            folder = tmp / f"x{factor}"
            load = os.getloadavg()[0]
            start = time.perf_counter()
            made = _files_for(folder, factor, args.seed, args.keep is not None)
            generated = time.perf_counter() - start
            print(
                f"{factor}×: {made['places']:,} places, {made['partnerships']:,} partnerships, "
                f"{made['mib']:,.0f} MiB of files, generated in {made['seconds']:.1f} s "
                f"(peak RSS {made['peak_mib']:,.0f} MiB)",
                flush=True,
            )
            start = time.perf_counter()
            runs = [
                _json_from(["--worker", str(folder), "--seed", str(args.seed)])
                for _ in range(args.repeat)
            ]
            results[factor] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            results[factor].update(places=made["places"], partnerships=made["partnerships"])
            print(
                f"{factor}×: measured {args.repeat} times in {time.perf_counter() - start:.1f} s; "
                "wall time "
                f"{generated + time.perf_counter() - start:.1f} s with the generation; load "
                f"average {load:.1f} before, {os.getloadavg()[0]:.1f} after",
                flush=True,
            )
            if args.keep is None:
                shutil.rmtree(folder)
    _table(factors, results)


if __name__ == "__main__":
    main()

"""Benchmark of twintowns.agreements.validation: ``Atlas.validate()`` and ``validate()``.

Run with ``python -m benchmarks validation``.  Side by side in one run:

* ``Atlas.validate()`` over the bundled dataset (target: under 2 s) against
  what a user would otherwise write: the same domestic "sister" check as a
  pandas merge of the two CSV files (one rule of the six), checking that both
  find the same pairs;
* ``validate()`` of one agreement under Charlotte's policy with the atlas
  (median µs), against reading the agreement file.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TypeVar

import twintowns
from twintowns.agreements import Agreement

__all__ = ["main"]

T = TypeVar("T")
TARGET_S = 2.0
EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "agreements" / "charlotte-medellin.toml"


def _median(fn: Callable[[], T], repeats: int) -> tuple[float, T]:
    times = []
    result = fn()
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_atlas() -> None:
    import pandas as pd

    atlas = twintowns.load()
    ours, report = _median(atlas.validate, 5)
    data = resources.files("twintowns").joinpath("data")

    def with_pandas() -> set[frozenset[str]]:
        with resources.as_file(data.joinpath("places.csv")) as places_csv:
            places = pd.read_csv(places_csv, usecols=["id", "country"], keep_default_na=False)
        with resources.as_file(data.joinpath("partnerships.csv")) as ties_csv:
            ties = pd.read_csv(ties_csv, usecols=["a", "b", "kind"], keep_default_na=False)
        country = places.set_index("id")["country"]
        same = ties[(ties["kind"] == "sister") & (ties["a"].map(country) == ties["b"].map(country))]
        return {frozenset(pair) for pair in zip(same["a"], same["b"], strict=True)}

    theirs, pandas_pairs = _median(with_pandas, 5)
    ours_pairs = {
        frozenset(f.subject) for f in report.findings if f.rule == "dataset.domestic-sister"
    }
    assert ours_pairs == pandas_pairs, "pandas and Atlas.validate() disagree on domestic pairs"
    verdict = "OK" if ours < TARGET_S else "TOO SLOW"
    print(
        f"Atlas.validate() over {len(atlas.partnerships):,} partnerships, 6 rules: "
        f"{ours * 1000:.0f} ms (target < {TARGET_S:.0f} s: {verdict}); "
        f"{len(report.errors)} errors, {len(report.warnings)} warnings"
    )
    print(
        f"pandas read_csv + merge, the domestic rule alone: {theirs * 1000:.0f} ms "
        f"(same {len(pandas_pairs):,} pairs); ratio {ours / theirs:.2f}"
    )


def bench_agreement() -> None:
    atlas = twintowns.load()
    policy = twintowns.agreements.policies.charlotte()
    agreement = Agreement.from_file(EXAMPLE)
    today = dt.date(2026, 1, 1)
    ours, report = _median(
        lambda: twintowns.validate(agreement, policy, atlas=atlas, today=today), 200
    )
    reading, _ = _median(lambda: Agreement.from_file(EXAMPLE), 200)
    print(
        f"validate() of one agreement under 'charlotte' with the atlas: {ours * 1e6:.0f} µs "
        f"(ok={report.ok}); Agreement.from_file of it: {reading * 1e6:.0f} µs"
    )


def main() -> None:
    bench_atlas()
    bench_agreement()


if __name__ == "__main__":
    main()

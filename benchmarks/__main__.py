"""Run every benchmark: ``python -m benchmarks`` (or ``make bench``).

Each ``benchmarks/bench_*.py`` module has a ``main()`` that measures its
subject side by side with the alternative in the same run and prints ratios.
``python -m benchmarks core geography`` runs only those.  ``bench_scaling``
measures the bundled size and 10x by default; 100x is opt-in:
``python -m benchmarks.bench_scaling --factors 1,10,100``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    wanted = set(sys.argv[1:] if argv is None else argv)
    folder = Path(__file__).parent
    names = sorted(
        m.name
        for m in pkgutil.iter_modules([str(folder)])
        if m.name.startswith("bench_") and (not wanted or m.name[len("bench_") :] in wanted)
    )
    # the modules that take options read sys.argv: they get none (their defaults)
    sys.argv[1:] = []
    for name in names:
        print(f"\n=== {name}")
        module = importlib.import_module(f"benchmarks.{name}")
        module.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Command-line start-up: ``twintowns place Charlotte`` vs ``python -c "import twintowns"``.

Both run as fresh processes, alternately, and the medians are compared
(target: the command takes at most 2× the bare import).  The command
answers from the bundled data (nothing is cached on disk); ``partners`` and
``python -m twintowns`` are shown for comparison.  Issue 16's row:
``twintowns partners Charlotte`` against the bare import, target <= 3x.

Every variant runs with Python's bytecode cache on (``PYTHONDONTWRITEBYTECODE``
is dropped from their environment), as a user's installed package has it: a
warm-up run of each writes any missing ``.pyc`` file, so neither side is timed
compiling source.  The load average is printed with the result (the machine is
shared: compare ratios from one run).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 21


def _script() -> list[str]:
    found = Path(sys.executable).with_name("twintowns")
    if found.is_file():
        return [str(found)]
    which = shutil.which("twintowns")
    return [which] if which else [sys.executable, "-m", "twintowns"]


def _time(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(runs: int = RUNS) -> dict[str, float]:
    """Median wall time in seconds of each variant, interleaved run by run."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    script = _script()
    variants = {
        "import": ([sys.executable, "-c", "import twintowns"], env),
        "place": ([*script, "place", "Charlotte"], env),
        "place --json": ([*script, "place", "Charlotte", "--json"], env),
        "partners": ([*script, "partners", "Charlotte"], env),
        "python -m twintowns place": (
            [sys.executable, "-m", "twintowns", "place", "Charlotte"],
            env,
        ),
    }
    for command, environment in variants.values():  # warm up: caches, bytecode
        subprocess.run(command, env=environment, check=True, capture_output=True)
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, (command, environment) in variants.items():
            times[name].append(_time(command, environment))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    medians = measure()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    base = medians["import"]
    for name, value in medians.items():
        print(f"{name:28} {value * 1000:7.1f} ms  {value / base:5.2f}x import")
    ratio = medians["place"] / base
    verdict = "meets" if ratio <= 2 else "MISSES"
    print(f"twintowns place Charlotte / import twintowns = {ratio:.2f} ({verdict} target <= 2)")
    # issue 16: nothing is cached on the user's disk; what start-up needs ships in the package
    ratio = medians["partners"] / base
    verdict = "meets" if ratio <= 3 else "MISSES"
    print(f"twintowns partners Charlotte / import twintowns = {ratio:.2f} ({verdict} target <= 3)")


if __name__ == "__main__":
    main()

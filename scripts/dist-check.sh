#!/usr/bin/env bash
# `make dist-check`: check what `make dist` built in dist/ as a user and a
# downstream packager would meet it.
#
#   1. twine check: the metadata and the README render for the package index;
#   2. LICENSE, NOTICE and LICENSES/CC-BY-SA-4.0.txt are in the sdist and in
#      the wheel, and the metadata declares License-Expression and License-File;
#   3. the unpacked sdist is complete: its own test suite is collected and
#      passes against its own source (PYTHONPATH=<sdist>/src, the test tools
#      from the development virtualenv);
#   4. the wheel, installed with its runtime dependencies only in a clean
#      virtualenv, answers place('Charlotte').
#
# Usage: scripts/dist-check.sh PYTHON   (PYTHON: the development venv's python)
set -euo pipefail
# absolute, without resolving the venv's symlink (that would leave the venv)
PY="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cd "$(dirname "$0")/.."
ROOT="$PWD"

shopt -s nullglob
sdists=(dist/twintowns-*.tar.gz)
wheels=(dist/twintowns-*.whl)
if [ "${#sdists[@]}" -ne 1 ] || [ "${#wheels[@]}" -ne 1 ]; then
  echo "dist-check: expected one sdist and one wheel in dist/ (run make dist)" >&2
  exit 1
fi
SDIST="$ROOT/${sdists[0]}"
WHEEL="$ROOT/${wheels[0]}"

echo "-- twine check"
"$PY" -m twine check --strict "$SDIST" "$WHEEL"

echo "-- licence files and licence metadata in the sdist and the wheel"
"$PY" - "$SDIST" "$WHEEL" <<'PYEOF'
import sys, tarfile, zipfile
from email.parser import HeaderParser

sdist, wheel = sys.argv[1], sys.argv[2]
needed = ["LICENSE", "NOTICE", "LICENSES/CC-BY-SA-4.0.txt"]
with tarfile.open(sdist) as tar:
    names = tar.getnames()
    top = names[0].split("/")[0]
    pkg_info = tar.extractfile(f"{top}/PKG-INFO").read().decode()  # type: ignore[union-attr]
in_sdist = {n.removeprefix(top + "/") for n in names}
with zipfile.ZipFile(wheel) as zf:
    wheel_names = set(zf.namelist())
    (meta_name,) = [n for n in wheel_names if n.endswith(".dist-info/METADATA")]
    wheel_meta = zf.read(meta_name).decode()
dist_info = meta_name.rsplit("/", 1)[0]
problems = []
for name in needed:
    if name not in in_sdist:
        problems.append(f"sdist lacks {name}")
    if f"{dist_info}/licenses/{name}" not in wheel_names:
        problems.append(f"wheel lacks {dist_info}/licenses/{name}")
for what, text in (("sdist PKG-INFO", pkg_info), ("wheel METADATA", wheel_meta)):
    meta = HeaderParser().parsestr(text)
    if meta["License-Expression"] != "MIT AND CC-BY-SA-4.0":
        problems.append(f"{what}: License-Expression is {meta['License-Expression']!r}")
    files = sorted(meta.get_all("License-File") or [])
    if files != sorted(needed):
        problems.append(f"{what}: License-File is {files!r}")
for name in ["tests/conftest.py", "tests/data", "docs/index.md", "CHANGELOG.md", "mkdocs.yml",
             "examples/demo.py", "databuild/__main__.py", "Makefile", ".ci/run"]:
    if not any(n == name or n.startswith(name + "/") for n in in_sdist):
        problems.append(f"sdist lacks {name}")
if problems:
    sys.exit("dist-check: " + "; ".join(problems))
print(f"ok: {', '.join(needed)} in both; License-Expression: MIT AND CC-BY-SA-4.0")
PYEOF

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "-- the test suite from the unpacked sdist"
tar -xzf "$SDIST" -C "$WORK"
SRC_DIR="$(echo "$WORK"/twintowns-*)"
(
  cd "$SRC_DIR"
  export PYTHONPATH="$SRC_DIR/src"
  # the tests must import twintowns from the sdist, not from the checkout
  "$PY" -c "import sys, twintowns; f = twintowns.__file__; assert f.startswith(sys.argv[1]), f" "$SRC_DIR/src"
  "$PY" -m pytest -p no:cacheprovider
)

echo "-- the wheel in a clean virtualenv (runtime dependencies only)"
"$PY" -c "import sys; print(sys.base_prefix)" >/dev/null
BASE_PY="$("$PY" -c "import sys, os; print(os.path.join(sys.base_prefix, 'bin', 'python3'))")"
"$BASE_PY" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet "$WHEEL"
(
  cd "$WORK"
  "$WORK/venv/bin/python" - <<'PYEOF'
import importlib.metadata as md
import twintowns

charlotte = twintowns.load().place("Charlotte")
print(f"clean venv: twintowns {twintowns.__version__} from {twintowns.__file__}")
print(f"place('Charlotte') -> {charlotte.label} ({charlotte.id})")
assert (charlotte.subdivision, charlotte.country) == ("US-NC", "US"), charlotte
installed = sorted(d.metadata["Name"].lower() for d in md.distributions())
print("installed:", ", ".join(installed))
PYEOF
)
echo "dist-check: all checks passed"

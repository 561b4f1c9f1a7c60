"""Packaging facts the CI step `make dist-check` relies on, checked fast in the suite.

The full check (build, twine, the sdist's tests, the wheel in a clean venv) is
scripts/dist-check.sh, run by .ci/run; these tests catch a broken declaration early.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"

pytestmark = pytest.mark.skipif(not PYPROJECT.exists(), reason="needs a source tree")


def test_licence_metadata_and_files() -> None:
    project = tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]
    assert project["license"] == "MIT AND CC-BY-SA-4.0"
    assert not any(c.startswith("License ::") for c in project["classifiers"])  # PEP 639
    files = [f for pattern in project["license-files"] for f in ROOT.glob(pattern)]
    assert {f.relative_to(ROOT).as_posix() for f in files} == {
        "LICENSE",
        "NOTICE",
        "LICENSES/CC-BY-SA-4.0.txt",
    }
    assert "MIT License" in (ROOT / "LICENSE").read_text("utf-8")
    assert (
        (ROOT / "LICENSES/CC-BY-SA-4.0.txt")
        .read_text("utf-8")
        .startswith("Attribution-ShareAlike 4.0 International")
    )
    notice = (ROOT / "NOTICE").read_text("utf-8")
    for source in ("Wikipedia", "Wikidata", "GeoNames", "Natural Earth", "L3viathan/sister-cities"):
        assert source in notice, source


def test_classifiers() -> None:
    classifiers = tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]["classifiers"]
    assert "Typing :: Typed" in classifiers
    assert any(c.startswith("Development Status ::") for c in classifiers)
    assert "Programming Language :: Python :: 3.11" in classifiers


def test_make_demo_installs_runtime_dependencies_only() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    demo = re.search(r"^demo: (.*)$", makefile, re.MULTILINE)
    assert demo is not None and demo.group(1).split() == ["$(RUNTIME)"]
    runtime = re.search(r"^\$\(RUNTIME\):.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert runtime is not None
    assert "pip install --quiet -e ." in runtime.group(1) and "[" not in runtime.group(1)


def test_sdist_manifest_carries_what_the_tests_need() -> None:
    manifest = (ROOT / "MANIFEST.in").read_text("utf-8").split()
    for folder in ("tests", "docs", "examples", "databuild", "benchmarks", ".ci"):
        assert folder in manifest, folder
    for name in ("LICENSE", "NOTICE", "CHANGELOG.md", "mkdocs.yml", "Makefile"):
        assert name in manifest, name


def test_pre_commit_runs_what_make_lint_and_typecheck_run() -> None:
    """The pre-commit hooks are the Makefile's lint and type-check commands, nothing else."""
    yaml = pytest.importorskip("yaml")
    config = ROOT / ".pre-commit-config.yaml"
    hooks = yaml.safe_load(config.read_text("utf-8"))["repos"][0]["hooks"]
    entries = {h["id"]: h["entry"].replace(".venv/bin/python", "$(PY)") for h in hooks}
    makefile = (ROOT / "Makefile").read_text("utf-8")
    for hook, entry in entries.items():
        command = re.sub(r" --force-exclude| -p no:cacheprovider", "", entry)
        assert command.replace(" -q", "") in makefile.replace(" -q", ""), (hook, entry)
    assert set(entries) == {"ruff-check", "ruff-format", "mypy", "import-contract"}

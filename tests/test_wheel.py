"""The wheel ships the package data and py.typed, and works once installed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_data_and_works(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("twintowns-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in [
        "twintowns/py.typed",
        "twintowns/data/places.csv",
        "twintowns/data/partnerships.csv",
        "twintowns/data/names.csv",
        "twintowns/data/metadata.json",
        "twintowns/data/columns.bin",
    ]:
        assert required in names, required
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        f"import sys; sys.path.insert(0, {str(target)!r})\n"
        "import twintowns\n"
        f"assert twintowns.__file__.startswith({str(target)!r}), twintowns.__file__\n"
        "a = twintowns.load()\n"
        "print(a.place('Charlotte').subdivision, len(a.partnerships) > 1000)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path
    )
    assert out.stdout.split() == ["US-NC", "True"]

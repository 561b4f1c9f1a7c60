"""The raw sources pinned by a checksum manifest, verified before anything is read.

``databuild/tables/sources.sha256`` lists the sha256 of every file in the
sources folder (``../shared/sources``; its README aside), in ``sha256sum``'s
format, so a changed or missing source stops the build at once, naming the
file, as babel's import scripts pin their upstream.  The sources README gives
the sha256 of the newest sources; the manifest carries them unchanged.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

from databuild.reviewed import TABLES_DIR, TableError

MANIFEST = TABLES_DIR / "sources.sha256"

_LINE = re.compile(r"^([0-9a-f]{64})  (\S(?:.*\S)?)$")


class ChecksumError(ValueError):
    """A source file is not the one the build was written for (or is missing)."""


def parse_manifest(text: str, where: str = "sources.sha256") -> dict[str, str]:
    """``relative path → sha256`` from ``sha256sum`` lines (``#`` comments allowed).

    >>> parse_manifest("# pinned\\n" + "0" * 64 + "  a/b.csv\\n")
    {'a/b.csv': '0000000000000000000000000000000000000000000000000000000000000000'}
    """
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise TableError(f"{where}:{number}: expected '<sha256>  <path>', not {line!r}")
        digest, rel = match.groups()
        if rel in out or rel.startswith("/") or ".." in rel.split("/"):
            raise TableError(f"{where}:{number}: {rel!r} is repeated or not a relative path")
        out[rel] = digest
    return out


def load_manifest(path: Path = MANIFEST) -> dict[str, str]:
    """The shipped manifest (or ``path``)."""
    return parse_manifest(path.read_text(encoding="utf-8"), path.name)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(root: Path, checksums: Mapping[str, str] | None = None) -> None:
    """Fail, naming the file, when a source file is missing or its sha256 differs.

    ``checksums`` (relative path → sha256) defaults to the shipped manifest;
    an empty mapping verifies nothing (tests building from hand-made sources).
    """
    expected = load_manifest() if checksums is None else checksums
    for rel, want in sorted(expected.items()):
        path = root / rel
        if not path.is_file():
            raise ChecksumError(f"{path}: missing (expected sha256 {want})")
        got = sha256_file(path)
        if got != want:
            raise ChecksumError(f"{path}: sha256 {got}, expected {want}")

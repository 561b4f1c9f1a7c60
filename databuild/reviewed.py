"""Hand-reviewed tables the build reads from data files in ``databuild/tables/``.

Each file is reviewed like the curation files beside it (``databuild/curation/``):
data, not code.  One small ``parse_*`` function per file turns its text into the
table the build uses and checks its schema, raising :class:`TableError` naming
the file and the entry on a mistake; the ``load_*`` functions read the shipped
files (the sdist carries them: ``MANIFEST.in`` grafts ``databuild``).

* ``admin1.toml`` — GeoNames admin1 code → ISO 3166-2 code, by country
  (:data:`databuild.gazetteer.ADMIN1_TABLE`);
* ``english_subdivisions.toml`` — English name → ISO 3166-2 code
  (:data:`databuild.gazetteer.ENGLISH_SUBDIVISIONS`);
* ``country_names.csv`` — the sources' country names → ISO 3166-1 alpha-2 and
  subdivision, with the reason (:data:`databuild.countries.DECISIONS`);
* ``dependencies.toml`` — territories with their own ISO code, by sovereign state
  (:data:`databuild.countries.DEPENDENCIES`);
* ``sources.toml`` — the sources as ``metadata.json`` lists them
  (:data:`databuild.build.SOURCES_META`);
* ``sources.sha256`` — the checksum manifest of the raw sources
  (:mod:`databuild.checksums`).
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from pathlib import Path
from typing import Any

TABLES_DIR = Path(__file__).parent / "tables"
ADMIN1_FILE = "admin1.toml"
ENGLISH_SUBDIVISIONS_FILE = "english_subdivisions.toml"
COUNTRY_NAMES_FILE = "country_names.csv"
DEPENDENCIES_FILE = "dependencies.toml"
SOURCES_FILE = "sources.toml"

_ALPHA2 = re.compile(r"^[A-Z]{2}$")
_ISO2 = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_ADMIN1 = re.compile(r"^[0-9A-Z]{2}$")
_COUNTRY_NAMES_HEADER = ["name", "country", "subdivision", "why"]
_SOURCE_KEYS = {"name", "ref", "via", "license", "attribution"}
_SOURCE_REQUIRED = {"name", "license"}


class TableError(ValueError):
    """A reviewed table file breaks its schema (the message names file and entry)."""


def _toml(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TableError(f"{where}: not TOML: {exc}") from None


def _check(pattern: re.Pattern[str], value: object, where: str, what: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise TableError(f"{where}: {what} must match {pattern.pattern}, not {value!r}")
    return value


def _only(data: dict[str, Any], table: str, where: str) -> dict[str, Any]:
    """The one top-level table ``[table]`` of a file, refusing anything else."""
    if set(data) != {table} or not isinstance(data[table], dict):
        raise TableError(f"{where}: expected exactly one table [{table}], found {sorted(data)}")
    inner: dict[str, Any] = data[table]
    return inner


def parse_admin1(text: str, where: str = ADMIN1_FILE) -> dict[str, dict[str, str]]:
    """``[CC]`` tables of ``"admin1" = "CC-XXX"``; each code lies in its country.

    >>> parse_admin1('[AU]\\n"01" = "AU-ACT"\\n')
    {'AU': {'01': 'AU-ACT'}}
    """
    out: dict[str, dict[str, str]] = {}
    for cc, table in _toml(text, where).items():
        _check(_ALPHA2, cc, where, "a country")
        if not isinstance(table, dict) or not table:
            raise TableError(f"{where}: [{cc}] must be a non-empty table of admin1 codes")
        for admin1, code in table.items():
            entry = f"{where}: [{cc}] {admin1!r}"
            _check(_ADMIN1, admin1, entry, "the admin1 code")
            if not _check(_ISO2, code, entry, "the ISO 3166-2 code").startswith(cc + "-"):
                raise TableError(f"{entry}: {code} is not a subdivision of {cc}")
        out[cc] = dict(table)
    return out


def parse_english_subdivisions(text: str, where: str = ENGLISH_SUBDIVISIONS_FILE) -> dict[str, str]:
    """``[subdivisions]`` of ``"English name" = "CC-XXX"``.

    >>> parse_english_subdivisions('[subdivisions]\\n"Bavaria" = "DE-BY"\\n')
    {'Bavaria': 'DE-BY'}
    """
    table = _only(_toml(text, where), "subdivisions", where)
    for name, code in table.items():
        if not name.strip() or name != name.strip():
            raise TableError(f"{where}: name {name!r} is empty or has surrounding spaces")
        _check(_ISO2, code, f"{where}: {name!r}", "the ISO 3166-2 code")
    return dict(table)


def parse_country_names(
    text: str, where: str = COUNTRY_NAMES_FILE
) -> dict[str, tuple[str, str | None, str]]:
    """Rows ``name,country,subdivision,why`` → ``name → (alpha-2, subdivision or None, why)``.

    >>> parse_country_names("name,country,subdivision,why\\nWales,GB,GB-WLS,constituent\\n")
    {'Wales': ('GB', 'GB-WLS', 'constituent')}
    """
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or rows[0] != _COUNTRY_NAMES_HEADER:
        raise TableError(f"{where}: the header must be {','.join(_COUNTRY_NAMES_HEADER)}")
    out: dict[str, tuple[str, str | None, str]] = {}
    for line, row in enumerate(rows[1:], start=2):
        entry = f"{where}:{line}"
        if len(row) != len(_COUNTRY_NAMES_HEADER):
            raise TableError(f"{entry}: expected 4 fields, found {len(row)}")
        name, cc, sub, why = row
        if not name or name in out:
            raise TableError(f"{entry}: the name {name!r} is empty or repeated")
        _check(_ALPHA2, cc, entry, "the country")
        if sub and not _check(_ISO2, sub, entry, "the subdivision").startswith(cc + "-"):
            raise TableError(f"{entry}: {sub} is not a subdivision of {cc}")
        if not why:
            raise TableError(f"{entry}: {name!r} needs a reason (why)")
        out[name] = (cc, sub or None, why)
    return out


def parse_dependencies(text: str, where: str = DEPENDENCIES_FILE) -> dict[str, tuple[str, ...]]:
    """``[dependencies]`` of ``CC = ["XX", ...]``.

    >>> parse_dependencies('[dependencies]\\nNO = ["SJ"]\\n')
    {'NO': ('SJ',)}
    """
    out: dict[str, tuple[str, ...]] = {}
    for cc, codes in _only(_toml(text, where), "dependencies", where).items():
        _check(_ALPHA2, cc, where, "a sovereign state")
        if not isinstance(codes, list) or not codes:
            raise TableError(f"{where}: {cc} must list its territories")
        out[cc] = tuple(_check(_ALPHA2, c, f"{where}: {cc}", "a territory") for c in codes)
    return out


def parse_sources(text: str, where: str = SOURCES_FILE) -> list[dict[str, str]]:
    """``[[source]]`` entries (name, license; optional ref, via, attribution), in order.

    >>> parse_sources('[[source]]\\nname = "ISO 3166"\\nlicense = "facts"\\n')
    [{'name': 'ISO 3166', 'license': 'facts'}]
    """
    data = _toml(text, where)
    if set(data) != {"source"} or not isinstance(data["source"], list):
        raise TableError(f"{where}: expected [[source]] entries only, found {sorted(data)}")
    out: list[dict[str, str]] = []
    for i, entry in enumerate(data["source"], start=1):
        keys = set(entry)
        if not _SOURCE_REQUIRED <= keys <= _SOURCE_KEYS:
            raise TableError(
                f"{where}: [[source]] #{i}: keys {sorted(keys)}; required "
                f"{sorted(_SOURCE_REQUIRED)}, allowed {sorted(_SOURCE_KEYS)}"
            )
        if not all(isinstance(v, str) and v for v in entry.values()):
            raise TableError(f"{where}: [[source]] #{i}: every value must be a non-empty string")
        out.append(dict(entry))
    return out


def _read(name: str, folder: Path | None = None) -> str:
    return ((folder or TABLES_DIR) / name).read_text(encoding="utf-8")


def load_admin1(folder: Path | None = None) -> dict[str, dict[str, str]]:
    return parse_admin1(_read(ADMIN1_FILE, folder))


def load_english_subdivisions(folder: Path | None = None) -> dict[str, str]:
    return parse_english_subdivisions(_read(ENGLISH_SUBDIVISIONS_FILE, folder))


def load_country_names(folder: Path | None = None) -> dict[str, tuple[str, str | None, str]]:
    return parse_country_names(_read(COUNTRY_NAMES_FILE, folder))


def load_dependencies(folder: Path | None = None) -> dict[str, tuple[str, ...]]:
    return parse_dependencies(_read(DEPENDENCIES_FILE, folder))


def load_sources(folder: Path | None = None) -> list[dict[str, str]]:
    return parse_sources(_read(SOURCES_FILE, folder))

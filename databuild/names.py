"""The names people type: GeoNames alternate names and well-known abbreviations.

GeoNames gives each city its alternate names untagged (no language), in many
scripts, mixed with airport codes, links and machine transliterations.  Kept,
for the places in the data:

* Latin-script names with at least one capital letter (``"Wien"``,
  ``"Den Haag"``, ``"Ciudad de México"``) — the all-lowercase ones are
  automatic transliterations (``"wei ye na"``);
* names in the country's own scripts (``"Москва"`` for Moscow, ``"北京"`` for
  Beijing, not ``"モスクワ"``), see :data:`NATIVE_SCRIPTS`;

and dropped: codes (``"VIE"``, ``"MOW"``: upper case, at most five
characters), anything with a digit (postal names), links, names longer than
:data:`MAX_LENGTH`, names mixing Latin and another script.

A few abbreviations are codes by that rule but what people type (``"NYC"``):
``databuild/abbreviations.toml`` lists them, each with a page stating it, and
the build checks that GeoNames itself gives the abbreviation to that place.

The names are split in two: a name that another place already answers to
(``"Roma"``: Roma, Texas) becomes an alias of the place (``places.csv``), so a
lookup weighs the two; every other name goes to ``names.csv``, which a lookup
reads only when no name or alias matches.  A lookup therefore answers exactly
as if every name were an alias, while loading the data stays as fast as before.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from twintowns.model import Place
from twintowns.normalize import fold

ABBREVIATIONS = Path(__file__).with_name("abbreviations.toml")
MAX_LENGTH = 60

_CODE = re.compile(r"[A-Z0-9.-]{1,5}")
_LINK = re.compile(r"https?:|www\.|\.(com|org|net)\b|@", re.IGNORECASE)
_DIGIT = re.compile(r"\d")

#: Scripts a country's own names are written in (Latin is always kept).
_CYRILLIC = ("CYRILLIC",)
_ARABIC = ("ARABIC",)
_ARAB_COUNTRIES = "AE BH DZ EG IQ JO KW LB LY MA OM PS QA SA SD SY TN YE MR IR AF PK EH"
NATIVE_SCRIPTS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("RU", "BY", "UA", "BG", "RS", "MK", "KZ", "KG", "MN", "TJ", "ME", "BA"), _CYRILLIC
    ),
    **dict.fromkeys(_ARAB_COUNTRIES.split(), _ARABIC),
    "GR": ("GREEK",),
    "CY": ("GREEK",),
    "IL": ("HEBREW",),
    "CN": ("CJK",),
    "TW": ("CJK",),
    "HK": ("CJK",),
    "MO": ("CJK",),
    "JP": ("CJK", "HIRAGANA", "KATAKANA"),
    "KR": ("HANGUL",),
    "KP": ("HANGUL",),
    "TH": ("THAI",),
    "LA": ("LAO",),
    "KH": ("KHMER",),
    "MM": ("MYANMAR",),
    "GE": ("GEORGIAN",),
    "AM": ("ARMENIAN",),
    "ET": ("ETHIOPIC",),
    "ER": ("ETHIOPIC",),
    "NP": ("DEVANAGARI",),
    "BD": ("BENGALI",),
    "LK": ("SINHALA", "TAMIL"),
    "IN": (
        "DEVANAGARI",
        "BENGALI",
        "TAMIL",
        "TELUGU",
        "KANNADA",
        "MALAYALAM",
        "GUJARATI",
        "GURMUKHI",
        "ORIYA",
    ),
}


class AbbreviationError(ValueError):
    """A bad entry in ``abbreviations.toml`` (the message names it)."""


@dataclass(frozen=True, slots=True)
class Abbreviation:
    name: str
    place: str
    url: str
    consulted: str


def load_abbreviations(path: Path = ABBREVIATIONS) -> list[Abbreviation]:
    """The reviewed abbreviations; every field is required."""
    with path.open("rb") as fh:
        data: dict[str, Any] = tomllib.load(fh)
    out = []
    for i, entry in enumerate(data.get("abbreviation", []), start=1):
        missing = [f for f in ("name", "place", "url", "consulted") if not entry.get(f)]
        if missing:
            raise AbbreviationError(f"{path.name}: [[abbreviation]] #{i} lacks {missing}")
        if not str(entry["url"]).startswith("https://"):
            raise AbbreviationError(f"{path.name}: [[abbreviation]] #{i}: url must be https://")
        out.append(Abbreviation(*(str(entry[f]) for f in ("name", "place", "url", "consulted"))))
    return out


def _scripts(text: str) -> set[str]:
    out = set()
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            out.add(name.split(" ", 1)[0] if name else "?")
    return out


def keep(name: str, country: str) -> bool:
    """Is the GeoNames alternate ``name`` of a place in ``country`` worth keeping?

    >>> [keep(n, "AT") for n in ("Wien", "VIE", "wei ye na", "Вена", "1010 Wien")]
    [True, False, False, False, False]
    >>> keep("Москва", "RU"), keep("モスクワ", "RU"), keep("北京", "CN")
    (True, False, True)
    """
    name = name.strip()
    if not name or len(name) > MAX_LENGTH or _CODE.fullmatch(name):
        return False
    if _DIGIT.search(name) or _LINK.search(name) or "|" in name:
        return False
    scripts = _scripts(name)
    if not scripts:
        return False
    if scripts == {"LATIN"}:
        return any(ch.isupper() for ch in name)
    if "LATIN" in scripts:
        return False
    return scripts <= set(NATIVE_SCRIPTS.get(country, ()))


def alternates(  # noqa: C901 -- each alternate name is sorted into alias / lookup-only / dropped by the rules in docs/data.md
    places: Sequence[Place],
    alternates_of: Mapping[str, Sequence[str]],
    abbreviations: Iterable[Abbreviation] = (),
) -> tuple[dict[str, list[str]], dict[str, list[str]], list[list[object]]]:
    """Split the kept names into extra aliases and lookup-only names.

    ``alternates_of`` maps a place id to its GeoNames alternate names.
    Returns ``(aliases, lookup_names, checked_abbreviations)``: names another
    place answers to (to add to the place's aliases), the other names (for
    ``names.csv``), and one report row per abbreviation.
    """
    by_id = {p.id: p for p in places}
    taken: dict[str, set[str]] = defaultdict(set)  # folded primary key → places
    for p in places:
        for text in (p.name, p.ascii_name, *p.aliases):
            k = fold(text)
            if k:
                taken[k].add(p.id)
    wanted: dict[str, list[str]] = {}
    for p in places:
        names = [n.strip() for n in alternates_of.get(p.id, ()) if keep(n, p.country)]
        if names:
            wanted[p.id] = names
    checked: list[list[object]] = []
    for ab in abbreviations:
        place = by_id.get(ab.place)
        if place is None:
            raise AbbreviationError(f"abbreviations.toml: {ab.name!r}: {ab.place} is not a place")
        if ab.name not in alternates_of.get(ab.place, ()):
            raise AbbreviationError(
                f"abbreviations.toml: {ab.name!r} is not a GeoNames alternate name of "
                f"{ab.place} ({place.name})"
            )
        wanted.setdefault(ab.place, []).append(ab.name)
        checked.append([ab.name, ab.place, place.name, ab.url, ab.consulted])
    aliases: dict[str, list[str]] = {}
    lookup: dict[str, list[str]] = {}
    for pid in sorted(wanted):
        p = by_id[pid]
        seen = {fold(t) for t in (p.name, p.ascii_name, *p.aliases)}
        for name in wanted[pid]:
            k = fold(name)
            if not k or k in seen:
                continue
            seen.add(k)
            target = aliases if taken.get(k, set()) - {pid} else lookup
            target.setdefault(pid, []).append(name)
    return aliases, lookup, checked

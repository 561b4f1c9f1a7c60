"""Likely duplicate places: one entity reached under two ids.

Two places are likely one when they share a country and a name once the words
saying what kind of area it is are gone ("Borough of Runnymede" / "Runnymede",
"Hersfeld-Rotenburg district" / "Hersfeld-Rotenburg", "Songpa-gu" / "Songpa"),
and lie within :data:`DUPLICATE_KM` of each other.  A gazetteer city and a
division named after it are two entities and stay two places: the town of
Wesel (``gn:2810678``, kind city) and the district of Wesel around it.  Only a
GeoNames city entry (``gn:`` id, kind city) counts as such a town: a place of
our own of kind city has no gazetteer entry to prove a town of that name exists.

The build merges every likely duplicate that involves a place of our own
(:func:`databuild.build._merge_duplicates`) and lists what is left in the
report's ``duplicates.csv``; ``tests/test_data.py`` fails if the bundled data
holds one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from databuild.gazetteer import AREA_WORDS, classes_fit, distance_km
from databuild.text import key

__all__ = ["DUPLICATE_KM", "Candidate", "likely_duplicates", "name_parts", "name_stem"]

#: Two same-name places of one country closer than this are likely one.
DUPLICATE_KM = 15.0

#: Words saying what kind of area a name is, by class: the resolver's
#: :data:`~databuild.gazetteer.AREA_WORDS` and a few more.
KIND_WORDS: dict[str, str] = {
    **AREA_WORDS,
    "parish": "municipal",
    "township": "municipal",
    "department": "region",
    "canton": "district",
    "borough": "",
}
#: Kind words that may lead a name without "of": "County Mayo", "Landkreis Goslar".
_LEADS = {"county", "landkreis", "kreis", "powiat", "okres", "gmina", "municipio", "provincia"}
#: Words that qualify a kind word: "County Borough", "Local Municipality".
_MODIFIERS = {"regional", "metropolitan", "local", "urban", "rural", "administrative", "special"}
_PAREN = re.compile(r"\([^()]*\)")
_AREA_KINDS = frozenset({"county", "district", "region"})


def name_parts(name: str) -> tuple[str, str]:
    """A place name without parentheses and the words saying what kind of area it is,
    and the class of its head kind word (the last one; a leading one without it).

    >>> name_parts("Borough of Runnymede"), name_parts("Hersfeld-Rotenburg district")
    (('runnymede', ''), ('hersfeld rotenburg', 'district'))
    >>> name_parts("Mumbles (district)"), name_parts("Songpa-gu"), name_parts("County Mayo")
    (('mumbles', ''), ('songpa', 'district'), ('mayo', 'county'))
    >>> name_parts("Vilnius District Municipality"), name_parts("Kharkiv Oblast")
    (('vilnius', 'municipal'), ('kharkiv', 'region'))
    >>> name_parts("District 1"), name_parts("City of London"), name_parts("Kuroishi")
    (('district 1', ''), ('city of london', ''), ('kuroishi', ''))
    """
    words = key(_PAREN.sub(" ", name)).split() or key(name).split()
    lead = tail = ""
    if len(words) > 2 and words[1] == "of" and words[0] in KIND_WORDS and words[0] != "city":
        lead, words = KIND_WORDS[words[0]], words[2:]
    while len(words) > 1 and words[0] in _LEADS and not words[1].isdigit():
        lead, words = lead or KIND_WORDS[words[0]], words[1:]
    while (
        len(words) > 1
        and (words[-1] in KIND_WORDS or words[-1] in _MODIFIERS)
        and not words[-2].isdigit()
    ):
        tail = tail or KIND_WORDS.get(words[-1], "")
        words = words[:-1]
    return " ".join(words), tail or lead


def name_stem(name: str) -> str:
    """:func:`name_parts`' stem: ``"Borough of Runnymede"`` → ``"runnymede"``."""
    return name_parts(name)[0]


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the check needs of a place."""

    id: str
    name: str
    country: str
    subdivision: str | None
    kind: str
    latitude: float
    longitude: float

    @property
    def own(self) -> bool:
        """A place of our own (``tt:`` id), not a gazetteer entry."""
        return self.id.startswith("tt:")

    @property
    def gazetteer_town(self) -> bool:
        """A GeoNames city entry: a town proven to exist under this name."""
        return self.id.startswith("gn:") and self.kind == "city"


def _distinct(a: Candidate, b: Candidate) -> bool:
    """Two entities sharing a name: a town and the division named after it (Wesel and
    the Wesel district), divisions of two kinds (Kharkiv Raion and Kharkiv Oblast;
    Vilnius District Municipality and Vilnius County), namesakes in two first-level
    subdivisions (Kansas City, Kansas and Kansas City, Missouri)."""
    if (a.gazetteer_town and b.kind in _AREA_KINDS) or (b.gazetteer_town and a.kind in _AREA_KINDS):
        return True
    if a.subdivision and b.subdivision and a.subdivision != b.subdivision:
        return True
    ca, cb = name_parts(a.name)[1], name_parts(b.name)[1]
    return bool(ca and cb and not classes_fit(ca, cb))


def likely_duplicates(places: Iterable[Candidate]) -> list[tuple[Candidate, Candidate]]:
    """Pairs of places that are likely one entity, in id order.

    >>> town = Candidate("gn:2810678", "Wesel", "DE", "DE-NW", "city", 51.6669, 6.6204)
    >>> district = Candidate(
    ...     "tt:de:wesel-district", "Wesel district", "DE", None, "county", 51.67, 6.62
    ... )
    >>> likely_duplicates([town, district])
    []
    >>> own = Candidate("tt:de:wesermarsch", "Wesermarsch", "DE", "DE-NI", "city", 53.33, 8.33)
    >>> area = Candidate(
    ...     "tt:de:wesermarsch-district", "Wesermarsch district", "DE", None, "county", 53.33, 8.33
    ... )
    >>> [(a.id, b.id) for a, b in likely_duplicates([own, area])]
    [('tt:de:wesermarsch', 'tt:de:wesermarsch-district')]
    """
    groups: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for p in places:
        stem = name_parts(p.name)[0]
        if stem:
            groups[(p.country, stem)].append(p)
    out: list[tuple[Candidate, Candidate]] = []
    for group in groups.values():
        if len(group) < 2:
            continue
        group = sorted(group, key=lambda p: p.id)
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if _distinct(a, b):
                    continue
                if distance_km(a.latitude, a.longitude, b.latitude, b.longitude) <= DUPLICATE_KM:
                    out.append((a, b))
    return sorted(out, key=lambda ab: (ab[0].id, ab[1].id))

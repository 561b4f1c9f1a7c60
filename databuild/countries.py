"""Wikipedia / Wikidata country names → ISO 3166-1 alpha-2 (+ optional subdivision).

Decisions for disputed or non-standard names are explicit in :data:`DECISIONS`
(documented in ``docs/data.md``).  Everything else goes through ``pycountry``.
"""

from __future__ import annotations

import functools

import pycountry

from databuild.text import key

#: name → (alpha-2, ISO 3166-2 subdivision or None, why).  The first block are
#: de-facto / political decisions; the rest are spelling variants and typos.
DECISIONS: dict[str, tuple[str, str | None, str]] = {
    # constituent countries of the United Kingdom keep their ISO subdivision
    "England": ("GB", "GB-ENG", "constituent country of the UK"),
    "Scotland": ("GB", "GB-SCT", "constituent country of the UK"),
    "Wales": ("GB", "GB-WLS", "constituent country of the UK"),
    "Northern Ireland": ("GB", "GB-NIR", "constituent country of the UK"),
    "United Kingdom": ("GB", None, "ISO name differs"),
    "Republic of Ireland": ("IE", None, "Wikipedia's article title for the state"),
    "Georgia (country)": ("GE", None, "Wikipedia disambiguation"),
    "Georgia": ("GE", None, "country column: the country, never the U.S. state"),
    "Kosovo": ("XK", None, "not in ISO 3166; XK as used by GeoNames and the EU"),
    "Northern Cyprus": ("CY", None, "de facto state recognised only by Turkey; GeoNames: CY"),
    "West Bank": ("PS", None, "Palestinian territory; ISO PS"),
    "Gaza Strip": ("PS", None, "Palestinian territory; ISO PS"),
    "Palestine": ("PS", None, "ISO PS (State of Palestine)"),
    "Palestinian Territories": ("PS", None, "ISO PS"),
    "Palestinian National Authority": ("PS", None, "ISO PS"),
    "Western Sahara": ("EH", None, "disputed; ISO EH, as GeoNames"),
    "Taiwan": ("TW", None, "ISO TW, as GeoNames"),
    "Transnistria": ("MD", None, "de facto state; internationally part of Moldova"),
    "Somaliland": ("SO", None, "de facto state; internationally part of Somalia"),
    "Åland Islands, Finland": ("AX", None, "ISO AX (autonomous region of Finland), as GeoNames"),
    "Réunion, France": ("RE", None, "overseas department: own ISO code, as GeoNames"),
    "Martinique, France": ("MQ", None, "overseas department: own ISO code, as GeoNames"),
    "Guadeloupe, France": ("GP", None, "overseas department: own ISO code, as GeoNames"),
    "French Guiana, France": ("GF", None, "overseas department: own ISO code, as GeoNames"),
    "Netherlands Antilles": ("CW", None, "dissolved 2010; the lists' entries are Curaçao"),
    "Austria-Hungary": ("AT", None, "historical state in Wikidata; places are in Austria"),
    "Austrian Empire": ("AT", None, "historical state in Wikidata; places are in Austria"),
    "Kingdom of the Netherlands": ("NL", None, "Wikidata label"),
    "Kingdom of Denmark": ("DK", None, "Wikidata label"),
    # spelling variants and typos seen in the lists
    "Moldavia": ("MD", None, "variant"),
    "Bosnia and Hercegovina": ("BA", None, "variant"),
    "Madagaskar": ("MG", None, "typo"),
    "Surinam": ("SR", None, "variant"),
    "Grece": ("GR", None, "typo"),
    "Kazakhstah": ("KZ", None, "typo"),
    "Island": ("IS", None, "German name of Iceland"),
    "Japa": ("JP", None, "typo"),
    "in Italy": ("IT", None, "scraping artefact"),
    "East Timor": ("TL", None, "variant"),
    "Micronesia": ("FM", None, "variant"),
    "Federated States of Micronesia": ("FM", None, "variant"),
    "Ivory Coast": ("CI", None, "variant"),
    "Congo": ("CG", None, "Republic of the Congo"),
    "Congo (Republic)": ("CG", None, "variant"),
    "Congo (Democratic Republic)": ("CD", None, "variant"),
    "Democratic Republic of the Congo": ("CD", None, "variant"),
    "Cape Verde": ("CV", None, "variant"),
    "Swaziland": ("SZ", None, "former name of Eswatini"),
    "Macedonia": ("MK", None, "former name of North Macedonia"),
    "Republic of Macedonia": ("MK", None, "former name of North Macedonia"),
    "Turkey": ("TR", None, "variant"),
    "Russia": ("RU", None, "variant"),
    "South Korea": ("KR", None, "variant"),
    "North Korea": ("KP", None, "variant"),
    "Laos": ("LA", None, "variant"),
    "Vietnam": ("VN", None, "variant"),
    "Iran": ("IR", None, "variant"),
    "Syria": ("SY", None, "variant"),
    "Bolivia": ("BO", None, "variant"),
    "Venezuela": ("VE", None, "variant"),
    "Tanzania": ("TZ", None, "variant"),
    "Moldova": ("MD", None, "variant"),
    "Czech Republic": ("CZ", None, "variant"),
    "Brunei": ("BN", None, "variant"),
    "Macao": ("MO", None, "variant"),
    "Macau": ("MO", None, "variant"),
    "People's Republic of China": ("CN", None, "Wikidata label"),
    "China": ("CN", None, "variant"),
    "United States of America": ("US", None, "Wikidata label"),
    "Gambia": ("GM", None, "variant"),
    "Bahamas": ("BS", None, "variant"),
    "Falkland Islands": ("FK", None, "variant"),
    "Micronesia, Federated States of": ("FM", None, "variant"),
    # country cells that name a region (scraping artefacts)
    "Brandenburg, Germany": ("DE", "DE-BB", "region in the country column"),
    "Lower Saxony, Germany": ("DE", "DE-NI", "region in the country column"),
    "Mecklenburg-Vorpommern, Germany": ("DE", "DE-MV", "region in the country column"),
    "New York, United States": ("US", "US-NY", "state in the country column"),
    "Ohio, United States": ("US", "US-OH", "state in the country column"),
    "Azores, Portugal": ("PT", "PT-20", "region in the country column"),
    "Algarve, Portugal": ("PT", None, "region in the country column"),
    "Rauma, Norway": ("NO", None, "city in the country column"),
    "Tinn, Norway": ("NO", None, "city in the country column"),
}


#: Territories with their own ISO code (as in GeoNames) that the lists file under
#: the sovereign state: "Nouméa, France" is in New Caledonia (NC).
DEPENDENCIES: dict[str, tuple[str, ...]] = {
    "FR": ("NC", "PF", "RE", "GP", "MQ", "GF", "YT", "PM", "WF", "BL", "MF"),
    "NL": ("CW", "AW", "SX", "BQ"),
    "GB": ("GI", "JE", "GG", "IM", "BM", "KY", "VG", "FK", "MS", "TC", "AI", "SH"),
    "US": ("PR", "GU", "VI", "AS", "MP"),
    "DK": ("GL", "FO"),
    "NO": ("SJ",),
    "FI": ("AX",),
    "CN": ("HK", "MO"),
    "AU": ("NF", "CX", "CC"),
    "NZ": ("CK", "NU", "TK"),
}


@functools.cache
def country_code(name: str) -> tuple[str, str | None] | None:
    """``"Scotland, United Kingdom"`` → ``("GB", "GB-SCT")``; None if unknown."""
    name = name.strip()
    if not name:
        return None
    if name in DECISIONS:
        code, sub, _why = DECISIONS[name]
        return code, sub
    if ", " in name:
        head, tail = name.split(", ", 1)
        outer = country_code(tail)
        inner = country_code(head)
        if inner and outer and inner[0] == outer[0]:
            return inner
        if outer:
            return outer
    try:
        return pycountry.countries.lookup(name).alpha_2, None
    except LookupError:
        pass
    return _by_key().get(key(name))


@functools.lru_cache(maxsize=1)
def _by_key() -> dict[str, tuple[str, str | None]]:
    out: dict[str, tuple[str, str | None]] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                out.setdefault(key(value), (c.alpha_2, None))
    for name, (code, sub, _why) in DECISIONS.items():
        out.setdefault(key(name), (code, sub))
    return out


def country_by_key(text: str) -> tuple[str, str | None] | None:
    """Country for a normalised qualifier such as ``key("Republic of Ireland")``."""
    return _by_key().get(text)

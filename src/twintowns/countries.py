"""Country helper over ``pycountry`` that also knows Kosovo (``XK``).

>>> from twintowns.countries import country_name, lookup_country, is_country
>>> country_name("XK"), country_name("de")
('Kosovo', 'Germany')
>>> lookup_country("Republic of Korea"), lookup_country("FRA"), lookup_country("Kosovo")
('KR', 'FR', 'XK')
>>> is_country("ZZ")
False
"""

from __future__ import annotations

import functools

from twintowns.errors import InvalidTypeError, UnknownNameError

__all__ = ["country_name", "is_country", "lookup_country", "subdivision_name"]

#: Codes pycountry lacks but GeoNames and the data use (user-assigned in ISO 3166).
_EXTRA = {"XK": ("Kosovo", "XKX")}


@functools.lru_cache(maxsize=512)
def is_country(code: str) -> bool:
    """Is ``code`` an ISO 3166-1 alpha-2 code (or ``XK``)?"""
    if not isinstance(code, str) or len(code) != 2:
        return False
    code = code.upper()
    import pycountry  # imported on first use: importing it costs a loaded command ~20 ms

    return code in _EXTRA or pycountry.countries.get(alpha_2=code) is not None


def country_name(code: str) -> str:
    """Common English name of the country with alpha-2 ``code``.

    Raises ``LookupError`` for unknown codes.
    """
    if not isinstance(code, str):
        raise InvalidTypeError(f"country code must be a str: {code!r}")
    upper = code.upper()
    if upper in _EXTRA:
        return _EXTRA[upper][0]
    import pycountry

    country = pycountry.countries.get(alpha_2=upper) if len(upper) == 2 else None
    if country is None:
        raise UnknownNameError(f"unknown country code: {code!r}")
    return str(getattr(country, "common_name", None) or country.name)


#: Everyday English names that ISO's names don't cover.
_ALIASES = {
    "south korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "vietnam": "VN",
    "laos": "LA",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "taiwan": "TW",
    "czech republic": "CZ",
    "turkey": "TR",
    "ivory coast": "CI",
    "cape verde": "CV",
    "macedonia": "MK",
    "swaziland": "SZ",
    "burma": "MM",
    "east timor": "TL",
    "palestine": "PS",
    "vatican": "VA",
    "uk": "GB",
    "great britain": "GB",
    "usa": "US",
    "united states of america": "US",
    "kosovo": "XK",
}


@functools.lru_cache(maxsize=1)
def _name_index() -> dict[str, str]:
    import pycountry

    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = str(country.alpha_2)
        for attr in ("alpha_2", "alpha_3", "numeric", "name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                index.setdefault(str(value).casefold(), code)
    for code, (name, alpha3) in _EXTRA.items():
        for value in (code, name, alpha3):
            index[value.casefold()] = code
    for alias, code in _ALIASES.items():
        index.setdefault(alias, code)
    return index


def lookup_country(query: str) -> str:
    """Alpha-2 code for a code (alpha-2, alpha-3, numeric) or an English name.

    Raises ``LookupError`` when nothing matches.
    """
    if not isinstance(query, str) or not query.strip():
        raise UnknownNameError(f"not a country: {query!r}")
    code = _name_index().get(" ".join(query.split()).casefold())
    if code is None:
        raise UnknownNameError(f"unknown country: {query!r}")
    return code


@functools.lru_cache(maxsize=4096)
def subdivision_name(code: str) -> str | None:
    """Name of an ISO 3166-2 subdivision (``"US-NC"`` → ``"North Carolina"``), or None."""
    import pycountry

    sub = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    return None if sub is None else str(sub.name)

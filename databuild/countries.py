"""Wikipedia / Wikidata country names → ISO 3166-1 alpha-2 (+ optional subdivision).

Decisions for disputed or non-standard names are explicit in :data:`DECISIONS`
(documented in ``docs/data.md``).  Everything else goes through ``pycountry``.
"""

from __future__ import annotations

import functools

import pycountry

from databuild import reviewed
from databuild.text import key

#: name → (alpha-2, ISO 3166-2 subdivision or None, why): de-facto / political
#: decisions, spelling variants and typos (``databuild/tables/country_names.csv``).
DECISIONS: dict[str, tuple[str, str | None, str]] = reviewed.load_country_names()

#: Territories with their own ISO code (as in GeoNames) that the lists file under
#: the sovereign state: "Nouméa, France" is in New Caledonia (NC)
#: (``databuild/tables/dependencies.toml``).
DEPENDENCIES: dict[str, tuple[str, ...]] = reviewed.load_dependencies()


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

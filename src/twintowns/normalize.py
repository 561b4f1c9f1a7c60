"""Text folding for forgiving name lookups.

>>> fold("Düsseldorf"), fold("SAO PAULO"), fold("Wrocław"), fold("'s-Hertogenbosch")
('dusseldorf', 'sao paulo', 'wroclaw', 's hertogenbosch')
>>> fold("Saint-Étienne") == fold("saint etienne")
True
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from twintowns.errors import InvalidTypeError

# name_table is shared with twintowns.lookup and twintowns.columns, not part of the API
__all__ = ["fold", "trigrams"]

# Letters that Unicode decomposition does not reduce to ASCII.
_SPECIAL = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "ħ": "h",
    }
)
_NON_ALNUM = re.compile(r"[\W_]+")
# ASCII punctuation, symbols, spaces and controls → space (what _NON_ALNUM replaces in ASCII)
_ASCII_SPACES = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key for ``text``."""
    if type(text) is not str and not isinstance(text, str):
        raise InvalidTypeError(f"expected a str, not {type(text).__name__}: {text!r}")
    if text.isascii():
        if text.isalnum():  # the common case: one plain word
            return text.lower()
        return " ".join(text.lower().translate(_ASCII_SPACES).split())
    text = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", text.casefold()).strip()


def trigrams(key: str) -> set[str]:
    """Character trigrams of a folded key, padded so short words still have some."""
    padded = f"  {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def name_table(names: Iterable[tuple[str, str, tuple[str, ...]]]) -> dict[str, list[int]]:
    """Folded name -> positions of the places it names, from ``(name, ascii_name,
    aliases)`` of place 0, 1, …: ``i`` when it is the place's own name (or ASCII
    name), ``~i`` (negative) when an alias; in place order.  The bundled data
    ships this table (:mod:`twintowns.columns`), built by this very function.

    >>> name_table([("Köln", "Koln", ("Cologne",)), ("Kolno", "Kolno", ())])
    {'koln': [0], 'cologne': [-1], 'kolno': [1]}"""
    exact: dict[str, list[int]] = defaultdict(list)
    for i, (name, ascii_name, aliases) in enumerate(names):
        key = fold(name)
        if key:
            exact[key].append(i)
        other = fold(ascii_name) if ascii_name and ascii_name != name else key
        if other != key and other:
            exact[other].append(i)
        if aliases:
            seen = {key, other, ""}
            for alias in aliases:
                akey = fold(alias)
                if akey not in seen:
                    seen.add(akey)
                    exact[akey].append(~i)
    return dict(exact)

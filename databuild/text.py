"""Name normalisation helpers: lookup keys, ASCII folding and slugs."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPECIAL = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "ħ": "h",
        "Ħ": "H",
        "’": "'",
        "‘": "'",
        "ʻ": "'",
        "ʼ": "'",
        "–": "-",
        "—": "-",
    }
)
_NON_WORD = re.compile(r"[^0-9a-z\u00c0-\uffff]+")
_ABBREV = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}


@functools.cache
def ascii_fold(text: str) -> str:
    """``"Wrocław"`` → ``"Wroclaw"``; characters without an ASCII form are dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    out = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return out.encode("ascii", "ignore").decode("ascii").strip()


@functools.cache
def key(text: str) -> str:
    """Lookup key: accent- and case-insensitive words joined by single spaces.

    >>> key("St. Petersburg") == key("Saint-Petersburg")
    True
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = [w for w in _NON_WORD.split(stripped.replace("'", "")) if w]
    return " ".join(_ABBREV.get(w, w) for w in words)


def slug(text: str) -> str:
    """``"Dunkeld and Birnam"`` → ``"dunkeld-and-birnam"`` (ASCII, for ``tt:`` ids)."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-") or "x"

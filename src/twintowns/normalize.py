"""Text folding for forgiving name lookups.

>>> fold("Düsseldorf"), fold("SAO PAULO"), fold("Wrocław"), fold("'s-Hertogenbosch")
('dusseldorf', 'sao paulo', 'wroclaw', 's hertogenbosch')
>>> fold("Saint-Étienne") == fold("saint etienne")
True
"""

from __future__ import annotations

import array
import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from twintowns.errors import InvalidTypeError

# name_table and PackedTable are shared with twintowns.lookup and twintowns.columns, not
# part of the API
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


class PackedTable:
    """A read-only multimap ``str -> list[int]`` in flat arrays, a tenth of the memory of a
    dict of lists: one entry per ``(key, value)`` pair, sorted by the key's hash (stable:
    a key's values stay in the order given), each entry's key as a range of one UTF-8
    blob.  A lookup bisects the hashes and compares the bytes, so it is exact.

    >>> t = PackedTable.from_pairs([("moskva", -1), ("wien", -3), ("moskva", -7)])
    >>> t.get("moskva"), t.get("wien"), t.get("vienna"), len(t)
    ([-1, -7], [-3], None, 3)
    """

    __slots__ = ("_begins", "_blob", "_ends", "_hashes", "_values")

    def __init__(self, hashes: Any, blob: bytes, begins: Any, ends: Any, values: Any) -> None:
        self._hashes = hashes
        self._blob = blob
        self._begins = begins
        self._ends = ends
        self._values = values

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, int]]) -> PackedTable:
        """The table of ``(key, value)`` pairs (a key's values in the order given)."""
        import numpy as np

        hashes = array.array("q")
        values = array.array("i")
        offsets = array.array("q", [0])
        blob = bytearray()
        for key, value in pairs:
            hashes.append(hash(key))
            values.append(value)
            blob += key.encode("utf-8", "surrogatepass")
            offsets.append(len(blob))
        order = np.argsort(np.frombuffer(hashes, dtype=np.int64), kind="stable")
        ends = np.frombuffer(offsets, dtype=np.int64)
        wide = len(blob) >= 2**31  # offsets fit int32 below 2 GiB of keys
        code, dtype = ("q", np.int64) if wide else ("i", np.int32)
        return cls(
            array.array("q", np.frombuffer(hashes, dtype=np.int64)[order].tobytes()),
            bytes(blob),
            array.array(code, ends[:-1][order].astype(dtype).tobytes()),
            array.array(code, ends[1:][order].astype(dtype).tobytes()),
            array.array("i", np.frombuffer(values, dtype=np.int32)[order].tobytes()),
        )

    def __len__(self) -> int:
        """The number of ``(key, value)`` pairs."""
        return len(self._hashes)

    def get(self, key: str) -> list[int] | None:
        """The values of ``key`` in the order given, or None."""
        hashes = self._hashes
        h = hash(key)
        j = bisect.bisect_left(hashes, h)
        if j == len(hashes) or hashes[j] != h:
            return None  # the common miss: no key of that hash
        blob, begins, ends = self._blob, self._begins, self._ends
        encoded = key.encode("utf-8", "surrogatepass")
        found = []
        while j < len(hashes) and hashes[j] == h:
            if blob[begins[j] : ends[j]] == encoded:
                found.append(self._values[j])
            j += 1
        return found or None

"""Text folding for forgiving name lookups.

>>> fold("Düsseldorf"), fold("SAO PAULO"), fold("Wrocław"), fold("'s-Hertogenbosch")
('dusseldorf', 'sao paulo', 'wroclaw', 's hertogenbosch')
>>> fold("Saint-Étienne") == fold("saint etienne")
True
"""

from __future__ import annotations

import array
import mmap
import operator
import re
import struct
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Final, TypeAlias

from twintowns.errors import InvalidTypeError

# name_table and SortedTable are shared with twintowns.lookup and twintowns.columns, not
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
#: what a :class:`SortedTable` reads: a file's memory map, or its bytes
Buffer: TypeAlias = bytes | mmap.mmap

_SORTED_TABLE_MAGIC: Final = b"TWTNNAME"
_SORTED_TABLE_VERSION: Final = 1
#: magic, version, places, keys, values, the keys' byte length, the source file's size
SORTED_TABLE_HEADER: Final = struct.Struct("<8sIIIIQQ")

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


def other_name_pairs(
    entries: Iterable[tuple[int, tuple[str, ...]]],
) -> Iterator[tuple[str, int]]:
    """``(folded name, ~i)`` of the names of each entry ``(i, names)``, each folded name
    once per place, in order: what a lookup by the bundled other names finds.

    >>> list(other_name_pairs([(2, ("Wien", "WIEN", "Vienne")), (0, ("wien",))]))
    [('wien', -3), ('vienne', -3), ('wien', -1)]
    """
    for i, names in entries:
        seen = {""}
        for name in names:
            key = fold(name)
            if key not in seen:
                seen.add(key)
                yield key, ~i


class SortedTable:
    """A read-only multimap ``str -> list[int]`` over one buffer (a memory-mapped file or
    bytes), opened without building anything: the keys sorted by their UTF-8 bytes, a
    lookup bisects them comparing bytes (about 17 probes over 70,000 keys), so only the
    pages it touches are read.  The data build writes the bundled other names so
    (``othernames.bin``, :meth:`to_bytes`).

    The layout, little-endian: the header (:data:`SORTED_TABLE_HEADER`: magic
    ``b"TWTNNAME"``, format version, the number of places ``n`` the values point
    to, of keys ``k`` and of values ``e``, the byte length of the keys, the size of
    the file the table was derived from), ``key_starts`` (int32, ``k + 1``: key ``j``
    is ``keys[key_starts[j]:key_starts[j + 1]]``), ``value_starts`` (int32, ``k + 1``),
    the values (int32, ``e``: key ``j``'s are ``values[value_starts[j]:value_starts[j +
    1]]``, in the order given), then the keys, UTF-8, one after another.

    >>> t = SortedTable.from_pairs([("moskva", -1), ("wien", -3), ("moskva", -7)], places=7)
    >>> t.get("moskva"), t.get("wien"), t.get("vienna"), len(t)
    ([-1, -7], [-3], None, 3)
    """

    __slots__ = ("_at", "_data", "_k", "_key_starts", "_value_starts", "_values")

    def __init__(self, data: Buffer, file: str, *, places: int, source_size: int | None) -> None:
        """The table in ``data`` (named ``file`` in errors), checked: its header, that it
        points to ``places`` places, that it was derived from a file of ``source_size``
        bytes (unless None), and that its offsets and values are in bounds and in order
        (a few milliseconds over the bundled table).  Anything else raises
        :class:`~twintowns.DatasetError`."""
        from twintowns.errors import DatasetError, DatasetProblem

        def bad(message: str) -> DatasetError:
            return DatasetError([DatasetProblem(file, None, None, message)])

        size = SORTED_TABLE_HEADER.size
        if len(data) < size or data[:8] != _SORTED_TABLE_MAGIC:
            raise bad("not a twintowns name table")
        _, version, n, k, e, keys_size, source = SORTED_TABLE_HEADER.unpack_from(data)
        if version != _SORTED_TABLE_VERSION:
            raise bad(f"name table version {version}, this twintowns reads {_SORTED_TABLE_VERSION}")
        if n != places:
            raise bad(f"a table over {n} places, the data has {places}: rebuild with `make data`")
        if source_size is not None and source != source_size:
            raise bad(
                f"derived from a file of {source} bytes, not {source_size}: "
                "rebuild the data with `make data`"
            )
        if len(data) != size + 4 * (2 * (k + 1) + e) + keys_size:
            raise bad(f"{len(data)} bytes, not the size its header gives")
        view = memoryview(data)[size : size + 4 * (2 * (k + 1) + e)].cast("B").cast("i")
        if sys.byteorder != "little":  # pragma: no cover - the machines tested are little-endian
            swapped = array.array("i", view.tobytes())
            swapped.byteswap()
            view = memoryview(swapped)
        key_starts, value_starts, values = view[: k + 1], view[k + 1 : 2 * k + 2], view[2 * k + 2 :]
        if not (
            key_starts[0] == 0
            and key_starts[k] == keys_size
            and value_starts[0] == 0
            and value_starts[k] == e
            and all(map(operator.le, key_starts, key_starts[1:]))  # "" is a key, if first
            and all(map(operator.lt, value_starts, value_starts[1:]))
            and (not e or (min(values) >= -n and max(values) < n))
        ):
            raise bad("the name table's offsets or values are out of bounds or out of order")
        self._data = data
        self._at = size + 4 * (2 * (k + 1) + e)
        self._k = k
        self._key_starts = key_starts
        self._value_starts = value_starts
        self._values = values

    @classmethod
    def from_pairs(
        cls, pairs: Iterable[tuple[str, int]], *, places: int, source_size: int = 0
    ) -> SortedTable:
        """The table of ``(key, value)`` pairs (a key's values in the order given), every
        value in ``-places <= value < places``."""
        return cls(
            cls.to_bytes(pairs, places=places, source_size=source_size),
            "a name table",
            places=places,
            source_size=source_size,
        )

    @staticmethod
    def to_bytes(pairs: Iterable[tuple[str, int]], *, places: int, source_size: int) -> bytes:
        """The bytes of the table of ``pairs`` (see the class): the same pairs in the same
        order always give the same bytes."""
        grouped: dict[bytes, list[int]] = defaultdict(list)
        for key, value in pairs:
            grouped[key.encode("utf-8", "surrogatepass")].append(value)
        keys = sorted(grouped)
        key_starts = array.array("i", [0])
        value_starts = array.array("i", [0])
        values = array.array("i")
        for encoded in keys:
            key_starts.append(key_starts[-1] + len(encoded))
            values.extend(grouped[encoded])
            value_starts.append(len(values))
        blob = b"".join(keys)
        header = SORTED_TABLE_HEADER.pack(
            _SORTED_TABLE_MAGIC,
            _SORTED_TABLE_VERSION,
            places,
            len(keys),
            len(values),
            len(blob),
            source_size,
        )
        if sys.byteorder != "little":  # pragma: no cover - the machines tested are little-endian
            for column in (key_starts, value_starts, values):
                column.byteswap()
        return header + key_starts.tobytes() + value_starts.tobytes() + values.tobytes() + blob

    def __len__(self) -> int:
        """The number of ``(key, value)`` pairs."""
        return len(self._values)

    def get(self, key: str) -> list[int] | None:
        """The values of ``key`` in the order given, or None."""
        target = key.encode("utf-8", "surrogatepass")
        data, at, starts = self._data, self._at, self._key_starts
        lo, hi = 0, self._k
        while lo < hi:
            mid = (lo + hi) // 2
            if data[at + starts[mid] : at + starts[mid + 1]] < target:
                lo = mid + 1
            else:
                hi = mid
        if lo == self._k or data[at + starts[lo] : at + starts[lo + 1]] != target:
            return None
        value_starts = self._value_starts
        found: list[int] = self._values[value_starts[lo] : value_starts[lo + 1]].tolist()
        return found

"""Resolving what a user types to one place, and fuzzy search.

The rules, in order:

1. A place id (``"gn:4460243"``) returns that place.
2. The whole query is folded (case, accents and punctuation ignored) and
   looked up among names, ASCII names and aliases — aliases include source
   article titles such as ``"Orange, Vaucluse"`` and exonyms such as ``"Kiev"``.
3. Otherwise a qualifier is split off (``"Name, Qualifier"`` or
   ``"Name (Qualifier)"``) and must match the place's country (code or name),
   its ISO 3166-2 subdivision (code, the code's suffix, or the name of the
   subdivision or of its parent) — ``"Orange, California"``, ``"Orange, FR"``,
   ``"Springfield, Illinois"``.
4. ``country=`` keeps only places in that country.
5. Several candidates left: places whose *own* name matches beat places that
   only carry the query as an alias.  If several remain, the answer is
   **obvious** only when the most populous candidate has at least
   :data:`OBVIOUS_RATIO` (5×) the population of the next one (unknown
   population counts as 0): ``"Paris"`` is Paris, France, ``"Charlotte"`` is
   Charlotte, North Carolina.  Otherwise :class:`~twintowns.AmbiguousPlace` is
   raised with every candidate (``"Springfield"``, ``"Orange"``).
6. Nothing matched: :class:`~twintowns.PlaceNotFound` with the closest names.
"""

from __future__ import annotations

import difflib
import functools
import heapq
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

import pycountry

from twintowns.countries import lookup_country
from twintowns.errors import AmbiguousPlace, InvalidTypeError, InvalidValueError, PlaceNotFound
from twintowns.model import Place
from twintowns.normalize import fold, trigrams

__all__ = ["MAX_QUERY_LENGTH", "OBVIOUS_RATIO", "NameIndex", "check_query"]

#: Population ratio at which the biggest same-name place is "the obvious one".
OBVIOUS_RATIO = 5
#: Longest query accepted (characters).
MAX_QUERY_LENGTH = 200

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_PAREN = re.compile(r"^(.*?)\s*\(([^()]+)\)$")


def check_query(query: object, what: str = "place query") -> str:
    """Return the stripped query, or raise ``TypeError``/``ValueError`` naming it."""
    if not isinstance(query, str):
        raise InvalidTypeError(
            f"{what} must be a str or a Place, not {type(query).__name__}: {query!r}"
        )
    text = query.strip()
    if not text:
        raise InvalidValueError(f"{what} must not be empty or blank: {query!r}")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidValueError(
            f"{what} is longer than {MAX_QUERY_LENGTH} characters: {text[:40]!r}… ({len(text)})"
        )
    if _CONTROL.search(text):
        raise InvalidValueError(f"{what} contains control characters or lone surrogates: {query!a}")
    return text


@functools.lru_cache(maxsize=8192)
def _subdivision_keys(code: str) -> frozenset[str]:
    """Folded names that denote subdivision ``code``: code, suffix, name, parent's name."""
    keys = {fold(code), code.split("-", 1)[1].casefold()}
    sub = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    while sub is not None:
        keys.add(fold(str(sub.name)))
        parent = getattr(sub, "parent_code", None)
        sub = (
            pycountry.subdivisions.get(code=parent)  # type: ignore[no-untyped-call]
            if parent
            else None
        )
    return frozenset(keys)


@functools.lru_cache(maxsize=4096)
def _qualifier_country(qualifier: str) -> str | None:
    try:
        return lookup_country(qualifier)
    except LookupError:
        return None


def _split_qualifier(text: str) -> tuple[str, str] | None:
    m = _PAREN.match(text)
    if m and m.group(1).strip():
        return m.group(1).strip(), m.group(2).strip()
    if "," in text:
        name, _, qualifier = text.rpartition(",")
        if name.strip() and qualifier.strip():
            return name.strip(), qualifier.strip()
    return None


def _matches_qualifier(place: Place, qualifier: str, qkey: str) -> bool:
    if _qualifier_country(qualifier) == place.country:
        return True
    if place.subdivision and qkey in _subdivision_keys(place.subdivision):
        return True
    return any(fold(alias).endswith(" " + qkey) for alias in place.aliases)


def _population(place: Place) -> int:
    return place.population or 0


class NameIndex:
    """Exact (folded) and fuzzy indexes over the names of a set of places."""

    __slots__ = (
        "_build_lock",
        "_exact_table",
        "_get",
        "_key_places",
        "_keys",
        "_place_at",
        "_postings",
        "_source",
    )

    def __init__(
        self,
        names: Callable[[], Iterable[tuple[str, str, tuple[str, ...]]]],
        place_at: Callable[[int], Place],
        get: Callable[[str], Place | None],
    ) -> None:
        """Index the names ``names()`` gives: ``(name, ascii_name, aliases)`` of place 0, 1, …

        ``place_at(i)`` returns place ``i`` (candidates are only built when a
        query finds them) and ``get(id)`` returns a place by id, or None.  The
        name table is built by the first query that needs it: a query by id
        does not.
        """
        self._source = names
        self._place_at = place_at
        self._get = get
        self._exact_table: dict[str, list[int]] | None = None
        self._keys: list[str] | None = None
        self._key_places: list[list[int]] = []
        self._postings: dict[str, list[int]] = {}
        # the first query builds each table; concurrent first queries wait for it
        self._build_lock = threading.Lock()

    @property
    def _exact(self) -> dict[str, list[int]]:
        """Folded name -> positions of the places it names: ``i`` when it is the
        place's own name (or ASCII name), ``~i`` (negative) when an alias.

        Built once, by the first query that needs it; queries in other threads
        meanwhile wait for it instead of building their own.
        """
        table = self._exact_table
        if table is None:
            with self._build_lock:
                table = self._exact_table
                if table is None:
                    table = self._exact_table = self._build_exact()
        return table

    def _build_exact(self) -> dict[str, list[int]]:
        exact: dict[str, list[int]] = defaultdict(list)
        for i, (name, ascii_name, aliases) in enumerate(self._source()):
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

    @staticmethod
    def _texts(name: str, ascii_name: str, aliases: tuple[str, ...]) -> Iterable[tuple[str, bool]]:
        yield name, True
        if ascii_name:
            yield ascii_name, True
        for alias in aliases:
            yield alias, False

    @staticmethod
    def _names(place: Place) -> Iterable[tuple[str, bool]]:
        """Each name ``place`` is found by, and whether it is its own (not an alias)."""
        return NameIndex._texts(place.name, place.ascii_name, place.aliases)

    def _entries(self, key: str) -> list[tuple[Place, bool]]:
        """The places ``key`` names, each with whether it is their own name."""
        place_at = self._place_at
        return [
            (place_at(i), True) if i >= 0 else (place_at(~i), False)
            for i in self._exact.get(key, ())
        ]

    # ------------------------------------------------------------------ exact

    def resolve(self, query: str, *, country: str | None = None) -> Place:
        """Resolve ``query`` to one place; see the module docstring for the rules."""
        text = check_query(query)
        code = None
        if country is not None:
            try:
                code = lookup_country(check_query(country, "country"))
            except LookupError:
                raise InvalidValueError(f"unknown country: {country!r}") from None
        place = self._get(text) if ":" in text else None
        if place is not None:
            if code is not None and place.country != code:
                raise PlaceNotFound(text, [place.label])
            return place
        entries = self._entries(fold(text))
        if not entries:
            split = _split_qualifier(text)
            if split is not None:
                name, qualifier = split
                qkey = fold(qualifier)
                entries = [
                    (p, own)
                    for p, own in self._entries(fold(name))
                    if _matches_qualifier(p, qualifier, qkey)
                ]
        if code is not None:
            entries = [(p, own) for p, own in entries if p.country == code]
        if not entries:
            raise PlaceNotFound(text, [p.label for p in self.suggest(text)])
        own = [p for p, is_own in entries if is_own]
        candidates = own or [p for p, _ in entries]
        if len(candidates) == 1:
            return candidates[0]
        ranked = sorted(candidates, key=lambda p: (-_population(p), p.id))
        if _population(ranked[0]) >= OBVIOUS_RATIO * max(_population(ranked[1]), 1):
            return ranked[0]
        raise AmbiguousPlace(text, ranked)

    # ------------------------------------------------------------------ fuzzy

    def _build_fuzzy(self, exact: dict[str, list[int]]) -> None:
        keys = sorted(exact)
        postings: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(keys):
            for gram in trigrams(key):
                postings[gram].append(i)
        self._key_places = [[i if i >= 0 else ~i for i in exact[k]] for k in keys]
        self._postings = dict(postings)
        self._keys = keys  # last: readers test it without the lock

    def suggest(self, query: str, *, limit: int = 5) -> list[Place]:
        """The closest names to ``query``, however distant (for error messages)."""
        return self._ranked(check_query(query), limit, min_score=0.0)

    def search(self, query: str, *, limit: int = 10) -> list[Place]:
        """Places whose names best match ``query``, typo-tolerant, best first.

        Ranking: similarity of the folded names (difflib ratio, with a bonus
        for prefixes and exact matches), then population, then id.
        """
        text = check_query(query, "search query")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise InvalidValueError(f"limit must be a positive int: {limit!r}")
        return self._ranked(text, limit, min_score=0.5)

    def _ranked(self, text: str, limit: int, *, min_score: float) -> list[Place]:
        qkey = fold(text)
        if not qkey:
            return []
        if self._keys is None:
            exact = self._exact  # built first: it takes the same lock
            with self._build_lock:
                if self._keys is None:
                    self._build_fuzzy(exact)
        keys = self._keys
        assert keys is not None
        counts: Counter[int] = Counter()
        for gram in trigrams(qkey):
            counts.update(self._postings.get(gram, ()))
        shortlist = heapq.nlargest(200, counts.items(), key=lambda kv: (kv[1], -kv[0]))
        scored: list[tuple[float, int, str, Place]] = []
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(qkey)
        for index, _ in shortlist:
            key = keys[index]
            matcher.set_seq1(key)
            score = matcher.ratio()
            if key == qkey:
                score += 1.0
            elif key.startswith(qkey):
                score += 0.2
            if score < min_score:
                continue
            for place in map(self._place_at, self._key_places[index]):
                scored.append((-score, -_population(place), place.id, place))
        scored.sort(key=lambda t: t[:3])
        out: list[Place] = []
        seen: set[str] = set()
        for *_, place in scored:
            if place.id not in seen:
                seen.add(place.id)
                out.append(place)
                if len(out) == limit:
                    break
        return out

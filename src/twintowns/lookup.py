"""Resolving what a user types to one place, and fuzzy search.

The rules, in order:

1. A place id (``"gn:4460243"``) or Wikidata id (``"Q64"``) returns that place.
2. The whole query is folded (case, accents and punctuation ignored) and
   looked up among names, ASCII names and aliases — aliases include source
   article titles such as ``"Orange, Vaucluse"`` and exonyms such as ``"Kiev"``
   — and, when none of them matches, among the other names the bundled data
   knows a place by (GeoNames alternate names: ``"Wien"``, ``"Москва"``,
   ``"Saigon"``; abbreviations such as ``"NYC"``).
3. Otherwise a qualifier is split off (``"Name, Qualifier"`` or
   ``"Name (Qualifier)"``) and must match the place's country (code or name),
   its ISO 3166-2 subdivision (code, the code's suffix, or the name of the
   subdivision or of its parent) — ``"Orange, California"``, ``"Orange, FR"``,
   ``"Springfield, Illinois"``.
4. ``country=`` keeps only places in that country.
5. Several candidates left: the answer is **obvious** when one candidate is
   far more prominent than every other — :data:`OBVIOUS_RATIO` (5×) its
   population, or at least its population with :data:`OBVIOUS_TIES_RATIO`
   (2×) its partnerships and :data:`OBVIOUS_TIES_MARGIN` (5) more (unknown
   population counts as 0): ``"Paris"`` is Paris, France, ``"Roma"`` is Rome
   (not Roma, Texas), ``"Saint Louis"`` is St. Louis, Missouri.  Otherwise
   places whose *own* name matches beat places that only carry the query as
   an alias or another name, and one of them is obvious at 5× the population
   of the next (``"Charlotte"`` is Charlotte, North Carolina).  Otherwise
   :class:`~twintowns.AmbiguousPlace` is raised with the candidates
   (``"Springfield"``, ``"Orange"``).
6. Nothing matched: :class:`~twintowns.PlaceNotFound` with the closest names.
"""

from __future__ import annotations

import array
import difflib
import functools
import heapq
import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping

from twintowns import lazy
from twintowns.countries import lookup_country
from twintowns.errors import AmbiguousPlace, InvalidTypeError, InvalidValueError, PlaceNotFound
from twintowns.model import WIKIDATA_ID, Place
from twintowns.normalize import SortedTable, fold, name_table, trigrams

__all__ = [
    "MAX_QUERY_LENGTH",
    "OBVIOUS_RATIO",
    "OBVIOUS_TIES_MARGIN",
    "OBVIOUS_TIES_RATIO",
    "NameIndex",
    "check_query",
]

#: Population ratio at which the biggest same-name place is "the obvious one".
OBVIOUS_RATIO = 5
#: Partnership ratio, and least difference, at which a place at least as populous as
#: another is "the obvious one" (a handful of ties tells nothing).
OBVIOUS_TIES_RATIO = 2
OBVIOUS_TIES_MARGIN = 5
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
    import pycountry  # on first use: a name lookup needs it only for a qualifier

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


def _rank(place: Place) -> tuple[int, str]:
    """Most populous first, then by id."""
    return (-(place.population or 0), place.id)


#: Largest ranking bonus a place's population gives a fuzzy match (10 million people).
PROMINENCE_BONUS = 0.1


def _similarity(matcher: difflib.SequenceMatcher[str], query: str, key: str) -> float:
    """How likely ``key`` is the name someone meant by typing ``query`` (0 … 2);
    ``matcher``'s second sequence is ``query``.

    The difflib ratio of the two, plus what people's misspellings keep: the
    first letter (+0.05), the letters themselves when only two neighbours are
    swapped or a letter doubled or dropped (+0.1), a prefix of the name
    (+0.2); an exact match +1.

    >>> import difflib
    >>> m = difflib.SequenceMatcher(autojunk=False)
    >>> m.set_seq2("pargue")
    >>> _similarity(m, "pargue", "prague") > _similarity(m, "pargue", "parque")
    True
    """
    if key == query:
        return 2.0
    matcher.set_seq1(key)
    score = matcher.ratio()
    if key[:1] == query[:1]:
        score += 0.05
    if sorted(key) == sorted(query) or _one_letter(key, query):
        score += 0.1
    if key.startswith(query):
        score += 0.2
    return score


def _one_letter(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one inserted or deleted letter (a doubled, a dropped one)."""
    if abs(len(a) - len(b)) != 1:
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


class NameIndex:
    """Exact (folded) and fuzzy indexes over the names of a set of places."""

    __slots__ = (
        "_build_lock",
        "_exact_table",
        "_extra_source",
        "_extra_table",
        "_get",
        "_keys",
        "_place_at",
        "_postings",
        "_shipped",
        "_source",
        "_ties",
        "_wikidata",
    )

    def __init__(
        self,
        names: Callable[[], Iterable[tuple[str, str, tuple[str, ...]]]],
        place_at: Callable[[int], Place],
        get: Callable[[str], Place | None],
        *,
        wikidata: Callable[[str], Place | None] | None = None,
        other_names: Callable[[], SortedTable] | None = None,
        ties: Callable[[Place], int] | None = None,
        exact: Callable[[], Mapping[str, list[int]] | None] | None = None,
    ) -> None:
        """Index the names ``names()`` gives: ``(name, ascii_name, aliases)`` of place 0, 1, …

        ``place_at(i)`` returns place ``i`` (candidates are only built when a
        query finds them) and ``get(id)`` returns a place by id, or None.  The
        name table is built by the first query that needs it: a query by id
        does not.

        ``wikidata(qid)`` returns the place carrying a Wikidata id, or None.
        ``other_names()`` opens the table of the names only looked up when no
        name or alias matches, folded name -> ``~position`` (the bundled
        ``othernames.bin``, derived from ``names.csv``: the data build
        guarantees none of them is another place's name or alias, so the
        answer is the one a single table would give).  ``ties(place)`` counts
        a place's partnerships (prominence, with population).  ``exact()``, when
        given, returns the table :func:`~twintowns.normalize.name_table` would build from
        ``names()`` (the bundled data ships it), so it is not built; or None.
        """
        self._source = names
        self._shipped = exact
        self._wikidata = wikidata
        self._extra_source = other_names
        self._extra_table: SortedTable | None = None
        self._ties = ties
        self._place_at = place_at
        self._get = get
        self._exact_table: Mapping[str, list[int]] | None = None
        self._keys: list[str] | None = None
        self._postings: dict[str, array.array[int]] | None = None
        # the first query builds each table; concurrent first queries wait for it
        self._build_lock = threading.Lock()

    @property
    def _exact(self) -> Mapping[str, list[int]]:
        """Folded name -> positions of the places it names: ``i`` when it is the
        place's own name (or ASCII name), ``~i`` (negative) when an alias.

        Built once, by the first query that needs it; queries in other threads
        meanwhile wait for it instead of building their own.
        """
        table = self._exact_table
        if table is None:
            table = lazy.attribute(self, "_exact_table", self._build_lock, self._build_exact)
        return table

    def _build_exact(self) -> Mapping[str, list[int]]:
        shipped = None if self._shipped is None else self._shipped()
        return shipped if shipped is not None else name_table(self._source())

    @property
    def _extra(self) -> SortedTable:
        """Folded name -> ``~i`` of the places known by it in ``other_names`` (opened once:
        the bundled data knows places by some 70,000 other folded names, read in place)."""
        table = self._extra_table
        if table is None:
            table = lazy.attribute(self, "_extra_table", self._build_lock, self._open_extra)
        return table

    def _open_extra(self) -> SortedTable:
        assert self._extra_source is not None  # asked for only when there is one
        return self._extra_source()

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
        found = self._exact.get(key)
        if found is None and self._extra_source is not None:
            found = self._extra.get(key)
        return [(place_at(i), True) if i >= 0 else (place_at(~i), False) for i in found or ()]

    # ------------------------------------------------------------------ exact

    def resolve(self, query: str, *, country: str | None = None) -> Place:  # noqa: C901, PLR0912 -- the lookup order of the module docstring (id, Wikidata id, qualifier, name, alias, other names), one step per branch
        """Resolve ``query`` to one place; see the module docstring for the rules."""
        text = check_query(query)
        code = None
        if country is not None:
            try:
                code = lookup_country(check_query(country, "country"))
            except LookupError:
                raise InvalidValueError(f"unknown country: {country!r}") from None
        place = self._get(text) if ":" in text else None
        if text[0] == "Q" and self._wikidata is not None and WIKIDATA_ID.fullmatch(text):
            place = self._wikidata(text)  # none: the text may still be a name
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
        if len(entries) == 1:  # a key names a place once (as its name or an alias)
            return entries[0][0]
        own = [p for p, is_own in entries if is_own]
        if len(own) == 1:  # its own place, more populous than the others: whatever the rest
            top = own[0]
            pop = _population(top)
            for p, _ in entries:
                if p is not top and _population(p) >= pop:
                    break
            else:
                return top
        everyone = sorted((p for p, _ in entries), key=_rank)
        obvious = self._obvious(everyone)
        if obvious is not None:
            return obvious
        ranked = sorted(own, key=_rank) or everyone
        if len(ranked) == 1:
            return ranked[0]
        if _population(ranked[0]) >= OBVIOUS_RATIO * max(_population(ranked[1]), 1):
            return ranked[0]
        raise AmbiguousPlace(text, ranked)

    def _obvious(self, ranked: list[Place]) -> Place | None:
        """The candidate far more prominent than every other, if one is
        (``ranked`` by :func:`_rank`: most populous first).

        Far more prominent than another: :data:`OBVIOUS_RATIO` times its
        population, or at least its population and :data:`OBVIOUS_TIES_RATIO`
        times its partnerships, and :data:`OBVIOUS_TIES_MARGIN` more
        (``"Saint Louis"``: St. Louis, Missouri, over Saint-Louis, Senegal).
        A name's own place and places only known by it as an alias or another
        name compete alike (``"Roma"``: Rome).
        """
        ties = self._ties
        top = ranked[0]
        pop = _population(top)
        if pop >= OBVIOUS_RATIO * max(_population(ranked[1]), 1):
            return top  # and so over every less populous one
        top_ties = -1
        for other in ranked[1:]:
            other_pop = _population(other)
            if pop >= OBVIOUS_RATIO * max(other_pop, 1):
                continue
            if ties is not None and pop >= other_pop:
                if top_ties < 0:
                    top_ties = ties(top)
                other_ties = ties(other)
                if (
                    top_ties >= OBVIOUS_TIES_RATIO * other_ties
                    and top_ties - other_ties >= OBVIOUS_TIES_MARGIN
                ):
                    continue
            return None
        return top

    # ------------------------------------------------------------------ fuzzy

    def _build_fuzzy(self, exact: Mapping[str, list[int]]) -> None:
        # names, ASCII names and aliases; the other names (``extra_names``) are left
        # out: a tenfold slower first search for the rare exonym typed wrong
        keys = sorted(exact)
        postings: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(keys):
            for gram in trigrams(key):
                postings[gram].append(i)
        # each key's position once per trigram, in order: int32 arrays, not lists of ints
        self._postings = {gram: array.array("i", found) for gram, found in postings.items()}
        self._keys = keys  # last: readers test it without the lock

    def suggest(self, query: str, *, limit: int = 5) -> list[Place]:
        """The closest names to ``query``, however distant (for error messages)."""
        return self._ranked(check_query(query), limit, min_score=0.0)

    def search(self, query: str, *, limit: int = 10) -> list[Place]:
        """Places whose names best match ``query``, typo-tolerant, best first.

        Ranking: similarity of the folded names (see :func:`_similarity`:
        how people misspell), with a small bonus for prominence (population),
        then population, then id.
        """
        text = check_query(query, "search query")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise InvalidValueError(f"limit must be a positive int: {limit!r}")
        return self._ranked(text, limit, min_score=0.5)

    def _ranked(self, text: str, limit: int, *, min_score: float) -> list[Place]:  # noqa: C901 -- the lazily built fuzzy index and the ranking share one lock-guarded path
        qkey = fold(text)
        if not qkey:
            return []
        if self._keys is None:
            exact = self._exact  # built first: it takes the same lock
            with self._build_lock:
                if self._keys is None:
                    self._build_fuzzy(exact)
        keys, postings, exact = self._keys, self._postings, self._exact
        assert keys is not None and postings is not None
        counts: Counter[int] = Counter()
        for gram in trigrams(qkey):
            counts.update(postings.get(gram, ()))
        shortlist = heapq.nlargest(200, counts.items(), key=lambda kv: (kv[1], -kv[0]))
        scored: list[tuple[float, int, str, Place]] = []
        matcher: difflib.SequenceMatcher[str] = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(qkey)
        for index, _ in shortlist:
            key = keys[index]
            score = _similarity(matcher, qkey, key)
            if score < min_score:
                continue
            for place in map(self._place_at, [i if i >= 0 else ~i for i in exact[key]]):
                pop = _population(place)
                bonus = PROMINENCE_BONUS * min(math.log10(pop + 1), 7.0) / 7.0
                scored.append((-(score + bonus), -pop, place.id, place))
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

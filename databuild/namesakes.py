"""Same-name partners of one place: wrong namesakes and one partner recorded twice.

A *same-name partner group* is, for one place P, two or more of P's partners
whose names agree once folded and stripped of the words saying what kind of area
they are (:func:`databuild.duplicates.name_stem`: "Treviso" and "Province of
Treviso", "Haljala" and "Haljala Parish", "Portland" and "Portland").  Such a
group is a red flag.  Its members lie

* :data:`NAMESAKE_KM` or more apart (*namesakes*): usually one claim named the
  right town and another, a bare name, went to a more populous or more famous
  namesake (Shinagawa's "Portland" from the continental list went to Oregon; the
  country list's "Portland, Maine" is the partner);
* or closer (*one partner twice*): a town and the division around it, two
  GeoNames entries of one place, or a list's district named by its parent.

:func:`partner_groups` is the check, run on the built data (the quality report's
``namesake_groups.csv``, and ``tests/test_data.py`` on the committed data).
:func:`settle` is the build step that decides the groups with evidence before
the claims become partnerships:

* a group one source list of P names twice ("Osaka" and "Osaka Prefecture" in
  Shanghai's list) holds distinct partners and is left alone;
* otherwise the claims name one partner, and the member with the best evidence
  is kept: for namesakes far apart, first the strength of the evidence that
  resolved a claim to it (:func:`evidence`: a qualified title, Wikidata
  coordinates or a curated mention over a name unique in its country or an
  explicitly named division, over a population, a primary name, a geocode or
  the reverse claim), then whether the member's own list names P, then the
  number of claims; for one partner twice, first whether its own list names P,
  then whether a claim names its level ("Haljala Parish", not the bare
  "Haljala"), then the evidence and the number of claims;
* the other members' claims are moved to it when their mention fits it (same
  stated country or none; for namesakes only claims resolved by weaker
  evidence), and a moved origin mention moves with every claim of the same
  list (the same source, spelling and country: one list page, one place, so
  Ōta, Gunma's other partners follow its Burlington);
* namesakes whose evidence is equally strong, the best member winning only on
  its own list or the number of claims, cannot be decided: the weaker claims go
  to ``dropped.csv`` with the reason (never a qualified title or Wikidata's
  coordinates, never between a town and a division); a full tie is left as it is
  (and stays in the check's count);
* a far move needs the mention and the member to agree on naming a kind: a bare
  "Moscow" never moves to "Moscow Oblast".

Every move and drop is listed in ``namesakes_settled.csv``.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from databuild.duplicates import name_parts, name_stem
from databuild.gazetteer import distance_km
from databuild.resolve import Outcome, Target, clean
from databuild.sources import Claim, Mention

__all__ = [
    "NAMESAKE_KM",
    "Group",
    "evidence",
    "group_class",
    "listed_apart",
    "partner_groups",
    "settle",
]

#: Same-name partners of one place this far apart or more are namesakes; closer,
#: one partner recorded twice.
NAMESAKE_KM = 30.0
#: Rounds of :func:`settle`: a moved origin mention may settle its partners' groups.
ROUNDS = 3

_STRONG = frozenset({"curated", "qualifier", "own-coords"})
_NAMED = frozenset(
    {
        "country+name",
        "iso-subdivision",
        "us-county",
        "gazetteer-area",
        "district-of-parent",
        "area",
    }
)
_COORDS = frozenset({"coords", "coords-name"})
#: Steps that resolve a mention from other claims, not from its title.
_IGNORE_TITLE = frozenset({"reverse-claim", "same-name"})


def evidence(method: str, strong_coords: bool, qualified: bool = False) -> int:
    """How strongly a claim's mention was tied to its place: 3, 2 or 1.

    3: a curated mention, a title with a qualifier ("Portland, Maine", whichever
    step then chose among the namesakes it leaves), Wikidata's coordinates;
    2: the only place of that name in the stated country, or a division the
    mention names with its kind; 1: anything weaker (population, primary name,
    a name geocode, the reverse claim, a name unique world-wide ...).

    >>> evidence("qualifier", False), evidence("coords", True), evidence("coords", False)
    (3, 3, 1)
    >>> evidence("country+name", False), evidence("population", False)
    (2, 1)
    >>> evidence("primary-name", False, qualified=True), evidence("reverse-claim", False, True)
    (3, 1)
    """
    if method in _STRONG or (method in _COORDS and strong_coords):
        return 3
    if qualified and method not in _IGNORE_TITLE:
        return 3
    return 2 if method in _NAMED else 1


def _qualified(m: Mention) -> bool:
    """A title with a qualifier after a comma: "Portland, Maine", "Ōta, Gunma"."""
    return ", " in clean(m.name)


def _strength(method: str, m: Mention) -> int:
    return evidence(method, m.strong, _qualified(m))


# --------------------------------------------------------------------------- the check


class _PlaceLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...


@dataclass(frozen=True, slots=True)
class Group:
    """Same-name partners of one place."""

    place: str
    name: str  # the folded name the members share
    members: tuple[str, ...]
    km: float  # the largest distance between two members

    @property
    def namesakes(self) -> bool:
        """Members :data:`NAMESAKE_KM` or more apart: namesakes, not one partner."""
        return self.km >= NAMESAKE_KM


def group_class(group: Group, place_name: str, apart: bool) -> str:
    """What a same-name group is, for the report and the check.

    ``listed apart``: one source list of the place names two members (distinct
    partners in the sources' own words); ``namesake network``: the place bears
    the name itself (Beringen's Beringens, Stratford-upon-Avon's Stratfords);
    else ``namesakes`` (:data:`NAMESAKE_KM` or more apart: a red flag) or ``one
    partner twice`` (closer: a red flag).

    >>> g = Group("gn:2802170", "beringen", ("gn:2661554", "gn:2960787"), 291.5)
    >>> group_class(g, "Beringen", False), group_class(g, "Bree", False)
    ('namesake network', 'namesakes')
    """
    if apart:
        return "listed apart"
    if group.namesakes and f" {group.name} " in f" {name_stem(place_name)} ":
        return "namesake network"
    return "namesakes" if group.namesakes else "one partner twice"


def _km(a: _PlaceLike, b: _PlaceLike) -> float:
    return distance_km(a.latitude, a.longitude, b.latitude, b.longitude)


def partner_groups(places: Iterable[_PlaceLike], pairs: Iterable[tuple[str, str]]) -> list[Group]:
    """The same-name partner groups of every place, in place and name order.

    >>> from collections import namedtuple
    >>> P = namedtuple("P", "id name latitude longitude")
    >>> ps = [P("a", "Shinagawa", 35.6, 139.7), P("me", "Portland", 43.66, -70.26),
    ...       P("or", "Portland", 45.52, -122.68), P("x", "Treviso", 45.67, 12.24),
    ...       P("y", "Province of Treviso", 45.67, 12.24)]
    >>> [(g.place, g.name, g.members, g.namesakes) for g in partner_groups(
    ...     ps, [("a", "me"), ("a", "or"), ("a", "x"), ("a", "y")])]
    [('a', 'portland', ('me', 'or'), True), ('a', 'treviso', ('x', 'y'), False)]
    """
    by_id = {p.id: p for p in places}
    partners: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        partners[a].add(b)
        partners[b].add(a)
    out: list[Group] = []
    for pid in sorted(partners):
        named: dict[str, list[str]] = defaultdict(list)
        for q in sorted(partners[pid]):
            stem = name_stem(by_id[q].name)
            if stem:
                named[stem].append(q)
        for stem, members in sorted(named.items()):
            if len(members) < 2:
                continue
            km = max(_km(by_id[a], by_id[b]) for a, b in itertools.combinations(members, 2))
            out.append(Group(pid, stem, tuple(members), round(km, 1)))
    return out


# --------------------------------------------------------------------------- the build step


@dataclass(slots=True)
class _Member:
    target: Target
    uses: list[tuple[int, int]]  # (claim index, side of the member in that claim)
    methods: list[str]  # the method that resolved each use


def _base(name: str) -> str:
    name = clean(name)
    for sep in (", ", " ("):
        name = name.split(sep, 1)[0]
    return name


def _kind_word(name: str) -> bool:
    """Whether a name says what kind of area it is ("Moscow Oblast", "Shire of Broome")."""
    return bool(name_parts(_base(name))[1])


def _fits(m: Mention, best: Target) -> bool:
    """Whether a mention may name ``best``: its stated country, if any, is best's."""
    return m.country is None or m.country == best.country


def settle(claims: Sequence[Claim], outcomes: list[list[Outcome]]) -> list[list[object]]:
    """Decide every same-name partner group with evidence (see the module's text).

    Rewrites ``outcomes`` in place; returns the rows of ``namesakes_settled.csv``:
    claim, place, mention, from id and name, to id and name (empty when dropped),
    km between the two, and the decision.
    """
    rows: list[list[object]] = []
    for _round in range(ROUNDS):
        if not _settle_round(claims, outcomes, rows):
            break
    return sorted(rows, key=lambda r: (_ref_key(str(r[0])), str(r[3])))


def _ref_key(ref: str) -> tuple[str, ...]:
    return tuple(p.zfill(8) if p.isdigit() else p for p in ref.split(":"))


def _mention(claim: Claim, side: int) -> Mention:
    return claim.origin if side == 0 else claim.target


def listed_apart(claims: Sequence[Claim], outcomes: list[list[Outcome]]) -> set[tuple[str, str]]:
    """(place, folded name) of the same-name groups one source list of the place names
    twice: distinct partners by the sources' own words (Shanghai's "Osaka" and "Osaka
    Prefecture")."""
    return {
        k
        for k, members in _groups(outcomes).items()
        if len(members) > 1 and _apart(members, claims)
    }


def _apart(members: dict[str, _Member], claims: Sequence[Claim]) -> bool:
    named_by: dict[tuple[str, str], set[str]] = defaultdict(set)
    for mid, m in members.items():
        for i, side in m.uses:
            if side == 1:
                named_by[(claims[i].source, claims[i].origin.name)].add(mid)
    return any(len(v) > 1 for v in named_by.values())


def _groups(outcomes: list[list[Outcome]]) -> dict[tuple[str, str], dict[str, _Member]]:
    groups: dict[tuple[str, str], dict[str, _Member]] = defaultdict(dict)
    for i, sides in enumerate(outcomes):
        o, t = sides[0].target, sides[1].target
        if o is None or t is None or o.id == t.id:
            continue
        for ps in (0, 1):
            p, x = sides[ps].target, sides[1 - ps].target
            assert p is not None and x is not None
            stem = name_stem(x.name)
            if not stem:
                continue
            member = groups[(p.id, stem)].setdefault(x.id, _Member(x, [], []))
            member.uses.append((i, 1 - ps))
            member.methods.append(x.method)
    return groups


def _settle_round(  # noqa: C901, PLR0912, PLR0915 -- one round of the evidence order (title, Wikidata, unique name, population) over all groups
    claims: Sequence[Claim], outcomes: list[list[Outcome]], rows: list[list[object]]
) -> bool:
    groups = _groups(outcomes)
    # origin mentions of one list: (source, spelling, country) → claim indexes
    lists: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, claim in enumerate(claims):
        lists[(claim.source, claim.origin.name, claim.origin.country or "")].append(i)
    # the claims behind each pair of places
    behind: dict[tuple[str, str], set[int]] = defaultdict(set)
    for i, sides in enumerate(outcomes):
        o, t = sides[0].target, sides[1].target
        if o is not None and t is not None:
            behind[(min(o.id, t.id), max(o.id, t.id))].add(i)
    touched: set[int] = set()
    changed = False
    for (pid, _stem), members in sorted(groups.items()):
        if len(members) < 2 or any(i in touched for m in members.values() for i, _ in m.uses):
            continue
        if _apart(members, claims):
            continue  # one list of P names two members: distinct partners
        far = any(
            _km(a.target, b.target) >= NAMESAKE_KM
            for a, b in itertools.combinations(members.values(), 2)
        )
        decision = _decide(list(members.values()), claims, far)
        if decision is None:
            continue
        best, action, why = decision
        for m in members.values():
            if m.target.id == best.target.id:
                continue
            km = round(_km(m.target, best.target), 1)
            for i, side in m.uses:
                mention = _mention(claims[i], side)
                t = outcomes[i][side].target
                assert t is not None
                if far and not _fits(mention, best.target):
                    continue
                strength = _strength(t.method, mention)
                if far and action == "move" and strength >= _tier(best, claims):
                    continue  # as strong as the best: not overruled
                if action == "drop" and strength == 3:
                    continue  # a qualified title or Wikidata's coordinates: kept, reported
                if far and _kind_word(mention.name) != _kind_word(best.target.name):
                    continue  # "Moscow" does not name Moscow Oblast
                if action == "drop" and len({m.target.kind for m in members.values()}) > 1:
                    continue  # a town and a division: two levels, not namesakes to choose from
                other = outcomes[i][1 - side].target
                if other is not None and other.id == best.target.id:
                    continue
                if action == "drop":
                    outcomes[i][side] = Outcome(
                        None,
                        "ambiguous",
                        f"namesake of {best.target.id} {best.target.name}, another partner of "
                        f"{pid} of that name; {why}",
                        [t.id, best.target.id],
                    )
                    rows.append([claims[i].ref, pid, mention.name, t.id, t.name, "", "", km, why])
                    touched.add(i)
                    changed = True
                    continue
                moved = [i]
                if side == 0 and far:  # a list's own place, a wrong namesake: the list moves
                    key = (claims[i].source, mention.name, mention.country or "")
                    moved = [i] + [
                        j
                        for j in lists[key]
                        if j != i
                        and (tj := outcomes[j][0].target) is not None
                        and tj.id == t.id
                        and not _held(outcomes[j], behind, set(lists[key]))
                    ]
                for j in moved:
                    if j in touched:
                        continue
                    tj = outcomes[j][side].target
                    assert tj is not None
                    outcomes[j][side] = Outcome(
                        replace(best.target, method=tj.method), outcomes[j][side].status
                    )
                    rows.append(
                        [
                            claims[j].ref,
                            pid,
                            _mention(claims[j], side).name,
                            t.id,
                            t.name,
                            best.target.id,
                            best.target.name,
                            km,
                            why if j == i else f"{why} (same list as {claims[i].ref})",
                        ]
                    )
                    touched.add(j)
                    changed = True
    return changed


def _held(sides: list[Outcome], behind: dict[tuple[str, str], set[int]], own: set[int]) -> bool:
    """Whether another list than the claim's own also pairs its two places (so the
    claim's origin is right for this partner: a continental list's bare "Columbia"
    holds the partners of two Columbias)."""
    o, t = sides[0].target, sides[1].target
    if o is None or t is None:
        return False
    return bool(behind.get((min(o.id, t.id), max(o.id, t.id)), set()) - own)


def _tier(m: _Member, claims: Sequence[Claim]) -> int:
    return max(
        _strength(method, _mention(claims[i], side))
        for (i, side), method in zip(m.uses, m.methods, strict=True)
    )


def _rank(m: _Member, claims: Sequence[Claim], *, far: bool) -> tuple[int, int, int, int, str]:
    tier = _tier(m, claims)
    own = any(side == 0 for _i, side in m.uses)
    named = any(name_parts(_base(_mention(claims[i], side).name))[1] for i, side in m.uses)
    n = len({i for i, _s in m.uses})
    if far:
        return (-tier, int(not own), -n, int(not named), m.target.id)
    return (int(not own), int(not named), -tier, -n, m.target.id)


def _decide(
    members: list[_Member], claims: Sequence[Claim], far: bool
) -> tuple[_Member, str, str] | None:
    ranked = sorted(members, key=lambda m: _rank(m, claims, far=far))
    best, second = ranked[0], ranked[1]
    rb, rs = _rank(best, claims, far=far)[:-1], _rank(second, claims, far=far)[:-1]
    if rb == rs:
        return None  # a full tie: nothing decides
    if not far:
        return best, "move", "one partner twice: " + _why(best, claims)
    if rb[0] < rs[0]:
        return best, "move", "namesake: " + _why(best, claims)
    return best, "drop", "namesakes with equally strong evidence: " + _why(best, claims)


def _why(m: _Member, claims: Sequence[Claim]) -> str:
    tier = {3: "qualified title, Wikidata coordinates or curation", 2: "name in its country"}
    parts = [f"kept {m.target.id} ({tier.get(_tier(m, claims), 'weak evidence')}"]
    if any(side == 0 for _i, side in m.uses):
        parts.append("its own list names the place")
    return ", ".join(parts) + ")"

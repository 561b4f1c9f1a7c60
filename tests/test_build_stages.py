"""The build's stages (databuild.build), each on small inputs.

The stages hand a :class:`databuild.build.BuildState` on: read sources →
countries → resolve → merge → curate → checks → write.  Each test runs the
stages before the one it checks on the tiny sources and the hand-made
gazetteer of ``tests/test_data_build.py``, then checks what that stage adds;
the helpers the stages are made of are tested on hand-made values.
"""

from __future__ import annotations

import hashlib
import json
import mmap
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from databuild import build, checksums, curation, gazetteer
from databuild.geo import Polygons
from databuild.merge import Merged
from databuild.resolve import Outcome, Target
from databuild.sources import Claim, Mention
from tests.test_data_build import _gazetteer, _rows, _write_sources

Stage = Callable[[build.BuildState], None]
STAGES: list[Stage] = [
    build.read_sources,
    build.countries,
    build.resolve,
    build.merge_claims,
    build.curate,
    build.checks,
]


@pytest.fixture(scope="module")
def polygons() -> Polygons:
    return Polygons()


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stages") / "sources"
    _write_sources(root)
    return root


def _state(
    sources: Path,
    polygons: Polygons,
    upto: Stage | None = None,
    cur: curation.Curation | None = None,
) -> build.BuildState:
    """A fresh state (own gazetteer: learning admin1 codes changes it) after the stages
    before ``upto`` (all of them without it)."""
    state = build.start(
        sources,
        {},
        gaz=_gazetteer(),
        polygons=polygons,
        cur=cur or curation.Curation(),
        abbreviations=[],
    )
    for stage in STAGES:
        if stage is upto:
            break
        stage(state)
    return state


def _t(pid: str, name: str, cc: str, method: str = "qualifier") -> Target:
    return Target(pid, name, cc, None, "city", 0.0, 0.0, "UTC", None, method, True)


# ---- start and stage 1: read sources


def test_start_verifies_the_sources_before_loading_anything(sources: Path) -> None:
    pinned = {"wikidata-eu/denmark.tsv": hashlib.sha256(b"other").hexdigest()}
    with pytest.raises(checksums.ChecksumError, match=r"denmark\.tsv: sha256 [0-9a-f]{64}"):
        # no gazetteer given: it would be loaded (seconds) if the check came later
        build.start(sources, pinned)
    with pytest.raises(checksums.ChecksumError, match=r"uk\.tsv: missing \(expected sha256"):
        build.start(sources, {"wikidata-eu/uk.tsv": "0" * 64})


def test_read_sources_gives_every_claim_with_its_reference(
    sources: Path, polygons: Polygons
) -> None:
    state = _state(sources, polygons, upto=build.countries)
    assert len(state.claims) == 11
    assert Counter(c.source for c in state.claims) == {"wpcont": 6, "wpcountry": 4, "wikidata": 1}
    first = state.claims[0]
    assert (first.ref, first.origin.name, first.target.country) == ("wpcont:1", "Charlotte", "FR")
    assert state.outcomes == [] and state.resolver is None


# ---- stage 2: countries


def test_countries_makes_the_resolver_and_learns_admin1_codes(polygons: Polygons) -> None:
    titles = ["Pelotas", "Caxias do Sul", "Gramado"]
    claims = [
        Claim(f"x:{i}", "x", Mention(f"{t}, Rio Grande do Sul", None), Mention("Berlin", "DE"))
        for i, t in enumerate(titles, start=1)
    ]
    state = build.BuildState(Path("."), _gazetteer(), polygons, curation.Curation(), claims=claims)
    with pytest.raises(RuntimeError, match="the countries stage has not run"):
        state.need_resolver()
    build.countries(state)
    assert state.learnt == {("BR", "23"): "BR-RS"}
    assert state.need_resolver().gaz is state.gaz
    assert state.defined == {} and state.curated_mentions == {}


def test_countries_reads_the_curated_places_and_mentions(polygons: Polygons) -> None:
    place = {
        "id": "tt:xx:here",
        "name": "Here",
        "country": "DE",
        "latitude": 52.0,
        "longitude": 13.0,
        "timezone": "Europe/Berlin",
        "mentions": ["Hier"],
    }
    cur = curation.Curation(places=[("p", place)])
    state = build.BuildState(Path("."), _gazetteer(), polygons, cur)
    build.countries(state)
    assert set(state.defined) == {"tt:xx:here"}
    assert state.overrides["tt:xx:here"] is place
    assert state.curated_mentions[("hier", "")].id == "tt:xx:here"


# ---- stage 3: resolve


def test_resolve_gives_each_side_an_outcome(sources: Path, polygons: Polygons) -> None:
    state = _state(sources, polygons, upto=build.resolve)
    build.resolve(state)
    assert len(state.outcomes) == len(state.claims)
    by_ref = {c.ref: sides for c, sides in zip(state.claims, state.outcomes, strict=True)}
    # the per-country list's "Orange" has no country: Charlotte's own claim says which
    orange = by_ref["wpcountry:1"][1]
    assert orange.target is not None and orange.target.id == "gn:3"
    assert orange.target.method == "reverse-claim"
    assert by_ref["wpcont:3"][1].status == "ambiguous"  # Springfield
    assert by_ref["wpcountry:4"][1].target is None  # Nowhere-on-Earth
    # the namesake twins: the second Nienburg becomes the other one
    assert [s.target.id for s in by_ref["wpcont:6"] if s.target] == ["gn:24", "gn:25"]
    assert "gn:9" in state.targets


def test_reverse_claim_takes_the_one_partner_of_that_name() -> None:
    targets = {p.id: p for p in (_t("gn:1", "Orange", "FR"), _t("gn:2", "Orange", "AU"))}
    partners = {"orange": {"gn:1"}, "krefeld": {"gn:3"}}
    hit = build._reverse_claim(partners, targets, Mention("Orange", None), "gn:9")
    assert hit is targets["gn:1"]
    # a variant spelling: the base name matched against the keys
    hit = build._reverse_claim(partners, targets, Mention("Orange, Vaucluse", None), "gn:9")
    assert hit is targets["gn:1"]
    # a stated country that is not the partner's: nothing
    assert build._reverse_claim(partners, targets, Mention("Orange", "AU"), "gn:9") is None
    # two partners of that name: nothing
    two = {"orange": {"gn:1", "gn:2"}}
    assert build._reverse_claim(two, targets, Mention("Orange", None), "gn:9") is None


def test_same_name_takes_the_place_a_spelling_resolved_to() -> None:
    targets = {"gn:1": _t("gn:1", "Orange", "FR"), "gn:2": _t("gn:2", "Orange", "AU")}
    ev = build._Evidence({}, {"orange": {"FR"}}, {("FR", "orange"): {"gn:1"}})
    assert build._same_name(targets, ev, Mention("Orange", None)) is targets["gn:1"]
    assert build._same_name(targets, ev, Mention("Orange", "AU")) is None
    ev.seen_as[("FR", "orange")].add("gn:2")
    assert build._same_name(targets, ev, Mention("Orange", None)) is None


def test_evidence_of_a_round(sources: Path, polygons: Polygons) -> None:
    state = _state(sources, polygons, upto=build.resolve)
    resolver = state.need_resolver()
    outcomes = [[resolver.resolve(c.origin), resolver.resolve(c.target)] for c in state.claims]
    targets: dict[str, Target] = {}
    partners = build._partner_index(state.claims, outcomes, targets)
    assert partners["gn:9"]["orange"] == {"gn:3"}  # Charlotte's Orange (wpcont:1)
    assert partners["gn:9"]["krefeld"] == {"gn:10"}
    assert {"gn:9", "gn:3", "gn:10"} <= set(targets)
    name_countries, seen_as = build._name_evidence(state.claims, outcomes)
    assert name_countries["orange"] == {"FR", "AU"}
    assert seen_as[("US", "charlotte")] == {"gn:9"}


# ---- stage 4: merge


def test_merge_claims_pairs_drops_and_places(sources: Path, polygons: Polygons) -> None:
    state = _state(sources, polygons, upto=build.merge_claims)
    build.merge_claims(state)
    assert len(state.pairs) == 8
    assert {str(d[0]): d[1] for d in state.dropped} == {
        "wpcont:3": "ambiguous",
        "wpcont:5": "self-pair",
        "wpcountry:4": "unresolved",
    }
    assert state.merged[("gn:10", "gn:9")].sources[0] == "wikidata-2016:1"  # joined
    assert state.places["gn:9"].wikidata == "Q16565"
    assert state.mention_stats["resolved"] > 0 and state.wd_followed == 0
    assert state.seen_names["gn:9"]["Charlotte"] >= 1


def test_pair_or_drop() -> None:
    a, b = Mention("A", "DE"), Mention("B", "DE")
    claim = Claim("x:1", "x", a, b)
    here = Outcome(_t("gn:1", "A", "DE"), "resolved")
    there = Outcome(_t("gn:2", "B", "DE"), "resolved")
    assert build._pair_or_drop(claim, here, there) == (("gn:1", "gn:2", "x:1"), None)
    assert build._pair_or_drop(claim, here, here) == (
        None,
        ["x:1", "self-pair", "A", "B", "gn:1", ""],
    )
    lost = Outcome(None, "ambiguous", "two", ["gn:7", "gn:8"])
    assert build._pair_or_drop(claim, here, lost) == (
        None,
        ["x:1", "ambiguous", "A", "B", "target ambiguous: two", "gn:7 | gn:8"],
    )


def test_mention_stats_count_resolved_by_method() -> None:
    cases: dict[tuple[str, str, str], list[object]] = {
        ("A", "", "resolved:coords"): [],
        ("B", "", "resolved:qualifier"): [],
    }
    cases[("C", "", "ambiguous")] = []
    assert build._mention_stats(cases) == {
        "resolved": 2,
        "resolved:coords": 1,
        "resolved:qualifier": 1,
        "ambiguous": 1,
    }


# ---- stage 5: curate


def test_curate_builds_the_partnerships_and_their_places(sources: Path, polygons: Polygons) -> None:
    tie = {"a": "gn:5", "b": "gn:9", "kind": "partner", "urls": ["https://example.org/t"]}
    state = _state(
        sources, polygons, upto=build.curate, cur=curation.Curation(partnerships=[("t", tie)])
    )
    assert "gn:5" in state.places  # Berlin: only its self-pair named it
    build.curate(state)
    pairs = {p.ids: p for p in state.partnerships}
    assert len(pairs) == len(state.merged) + 1
    assert pairs[("gn:5", "gn:9")].kind.value == "partner"
    # a tie only curation names: no claims, its sources the curation's
    only_curated = pairs[("gn:5", "gn:9")]
    assert list(only_curated.sources) == ["curation:t"]
    assert not only_curated.claimed_by and only_curated.as_of is None
    assert state.used == {pid for pair in pairs for pid in pair}
    assert [p.id for p in state.final_places] == sorted(state.used)
    assert set(state.source_dates) >= {"wpcont", "wpcountry", "wikidata"}


def test_exclusive_pacts_file_the_other_ties() -> None:
    merged = {
        ("a", "b"): Merged("a", "b"),
        ("a", "c"): Merged("a", "c"),
        ("c", "d"): Merged("c", "d"),
    }
    rows: dict[tuple[str, str], dict[str, object]] = {("a", "b"): {"refs": [], "urls": []}}
    entry = {
        "place": "a",
        "sister": "b",
        "others": "partner",
        "note": "pact",
        "urls": ["https://example.org/x"],
        "consulted": "2026-12-02",
    }
    cur = curation.Curation(exclusives=[("ex", entry)])
    assert build._exclusive_pacts(cur, merged, rows) == {("a", "c")}
    assert rows[("a", "c")]["kind"] == "partner"
    assert rows[("a", "c")]["refs"] == ["curation:ex:2026-12-02"]
    assert "kind" not in rows[("a", "b")]  # the sister itself
    assert ("c", "d") not in rows


def test_source_dates_must_cover_every_claim_source(tmp_path: Path) -> None:
    path = tmp_path / "dates.csv"
    path.write_text("source,as_of,basis\nwpcont,2026-01,scraped\n", encoding="utf-8")
    claims = [Claim("wpcont:1", "wpcont", Mention("A", "DE"), Mention("B", "DE"))]
    assert str(build._source_dates(claims, path)["wpcont"]) == "2026-01"
    claims.append(Claim("other:1", "other", Mention("A", "DE"), Mention("B", "DE")))
    with pytest.raises(curation.CurationError, match=r"no snapshot date .*\['other'\]"):
        build._source_dates(claims, path)


# ---- stage 6: checks


def test_checks_fill_the_report_findings(sources: Path, polygons: Polygons) -> None:
    state = _state(sources, polygons, upto=build.checks)
    build.checks(state)
    assert state.duplicates == []
    assert state.state_mismatch == []
    # Krefeld has one partner Charlotte; no place has two partners of one name
    assert state.same_name == []
    assert all(float(str(row[5])) > 25 for row in state.outside)


# ---- stage 7: write


def test_write_data_report_and_metadata(sources: Path, polygons: Polygons, tmp_path: Path) -> None:
    state = _state(sources, polygons)
    summary = build.write(state, tmp_path / "data", tmp_path / "report")
    assert summary is state.summary
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == [
        "columns.bin",
        "metadata.json",
        "names.csv",
        "othernames.bin",
        "partnerships.csv",
        "places.csv",
    ]
    assert len(_rows(tmp_path / "data" / "partnerships.csv")) == len(state.partnerships)
    metadata = json.loads((tmp_path / "data" / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["counts"]["claims_represented"] == len(state.pairs) == 8
    assert metadata["sources"] == build.SOURCES_META
    report = {p.name for p in (tmp_path / "report").iterdir()}
    assert {"quality.json", "quality.md", "dropped.csv", "not_found.csv"} <= report
    assert len(report) == 30
    assert summary["claims"]["dropped_by_reason"] == {
        "ambiguous": 1,
        "self-pair": 1,
        "unresolved": 1,
    }


def test_write_replaces_the_data_files_whole(
    sources: Path, polygons: Polygons, tmp_path: Path
) -> None:
    # the package memory-maps its data files: a rebuild must move new files over the
    # old ones (a new inode each), never cut a mapped file short while rewriting it
    state = _state(sources, polygons)
    data, report = tmp_path / "data", tmp_path / "report"
    build.write(state, data, report)
    files = sorted(data.iterdir())
    before = {f.name: (f.stat().st_ino, f.read_bytes()) for f in files}
    with (data / "partnerships.csv").open("rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    build.write(state, data, report)
    assert sorted(data.iterdir()) == files  # no temporary file left behind
    for f in files:
        inode, content = before[f.name]
        assert f.stat().st_ino != inode, f.name
        assert f.read_bytes() == content, f.name  # the same build, the same bytes
    assert mapped[:] == before["partnerships.csv"][1]
    mapped.close()


def test_summary_sections_count_from_the_state(sources: Path, polygons: Polygons) -> None:
    state = _state(sources, polygons)
    summary = build.summarize(state)
    assert list(summary) == [
        "claims",
        "mentions",
        "places",
        "partnerships",
        "wikidata",
        "names",
        "admin1_learnt",
        "subdivisions",
        "curation",
    ]
    assert summary["places"]["total"] == len(state.final_places)
    assert summary["partnerships"]["total"] == len(state.partnerships)
    assert summary["curation"]["files"] == 0
    assert build._count(["b", "a", "b"]) == {"a": 1, "b": 2}


def test_gazetteer_is_left_alone_by_the_stages_before_countries(
    sources: Path, polygons: Polygons
) -> None:
    state = _state(sources, polygons, upto=build.countries)
    fresh = _gazetteer()
    assert isinstance(state.gaz, gazetteer.Gazetteer)
    assert state.gaz.largest_in_sub.keys() == fresh.largest_in_sub.keys()


# ---- helpers of the resolve stage: one id per place


def _at(pid: str, name: str, lat: float, method: str, hint: bool = False) -> Target:
    return Target(
        pid, name, "DE", None, "city", lat, 13.0, "UTC", None, method, False, coords_from_hint=hint
    )


def test_unify_group_keeps_the_best_method_at_the_own_coordinates() -> None:
    district = _at("tt:de:a", "A", 52.50, "district-of-parent")
    own = _at("tt:de:b", "A", 52.52, "own-coords")
    far = _at("tt:de:c", "A", 55.0, "area")
    alias = build._unify_group({t.id: t for t in (own, far, district)})
    assert set(alias) == {"tt:de:a", "tt:de:b"}  # the far one is another place
    head = alias["tt:de:b"]
    assert (head.id, head.latitude) == ("tt:de:a", 52.52)
    outcomes = [[Outcome(own, "resolved"), Outcome(far, "resolved")]]
    build._apply_alias(outcomes, alias)
    first = outcomes[0][0].target
    assert first is not None and (first.id, first.method) == ("tt:de:a", "own-coords")
    assert outcomes[0][1].target is far


def test_merged_head_takes_the_others_subdivision_and_position() -> None:
    own = _at("tt:de:x", "X district", 52.0, "area")
    hinted = replace(_at("tt:de:y", "X", 52.3, "own-geocode", hint=True), subdivision="DE-BE")
    head = build._merged_head([own, hinted])
    assert (head.id, head.subdivision, head.latitude) == ("tt:de:x", "DE-BE", 52.3)
    assert head.coords_from_hint and not head.approximate
    gaz = _gazetteer()
    ranks = sorted(
        [own, _at("gn:5", "Berlin", 52.5, "coords")], key=lambda t: build._duplicate_rank(t, gaz)
    )
    assert ranks[0].id == "gn:5"  # a gazetteer city keeps its id


def test_cities_near_a_point_in_its_country() -> None:
    gaz = _gazetteer()
    near = gaz.cities_near(51.3, 6.6, "DE")  # Krefeld's cell first, then Düsseldorf's
    assert [c.name for c in near] == ["Krefeld", "Düsseldorf"]
    assert gaz.cities_near(51.3, 6.6, "NL") == []
    # cells by rounded degrees (52.5 rounds to 52): Berlin (52.52 -> 53) lies in the
    # row above; Nienburg/Saale (51.84, 11.77 -> 52, 12) in the point's row, so first
    assert [c.name for c in gaz.cities_near(52.5, 13.4, "DE")] == ["Nienburg/Saale", "Berlin"]

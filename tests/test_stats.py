"""twintowns.stats on small hand-built atlases where every answer is known exactly."""

from __future__ import annotations

import math

import pytest

from tests.conftest import make_place
from twintowns import stats
from twintowns.atlas import Atlas
from twintowns.errors import PlaceNotFound
from twintowns.model import Continent, Partnership, Place

# ids are chosen so that id order, name order and insertion order all differ
US1 = make_place("t:us1", "Alpha", "US", subdivision="US-NC", continent="NA", latitude=35.0)
US2 = make_place("t:us2", "Beta", "US", subdivision="US-CA", continent="NA", latitude=34.0)
US3 = make_place("t:us3", "Alpha", "US", subdivision="US-TX", continent="NA", latitude=30.0)
US4 = make_place("t:us4", "Orange", "US", subdivision="US-CA", continent="NA", latitude=33.8)
FR1 = make_place("t:fr1", "Orange", "FR", subdivision="FR-84", latitude=44.0, longitude=4.8)
AU1 = make_place("t:au1", "ORANGE", "AU", subdivision="AU-NSW", continent="OC", latitude=-33.3)
DE1 = make_place("t:de1", "Gamma", "DE", latitude=51.0, longitude=7.0)
JP1 = make_place("t:jp1", "Delta", "JP", continent="AS", latitude=35.0, longitude=139.0)
NZ1 = make_place("t:nz1", "Kiwi", "NZ", continent="OC", latitude=-41.0, longitude=174.0)
NZ2 = make_place("t:nz2", "Kiwí", "NZ", continent="OC", latitude=-41.0, longitude=175.0)
ZED = make_place("t:zed", "Zed", "FI")

P_US1_FR1 = Partnership(US1, FR1, established="1962-02-05", claimed_by=("t:us1", "t:fr1"))
P_US1_DE1 = Partnership(US1, DE1, status="suspended", established="1991", claimed_by=("t:us1",))
P_US1_US2 = Partnership(US1, US2, established="1965", claimed_by=("t:us2",))
P_US2_JP1 = Partnership(US2, JP1, established="2001-05", claimed_by=("t:us2", "t:jp1"))
P_US4_FR1 = Partnership(US4, FR1, status="ended", claimed_by=("t:us4",))
P_US4_AU1 = Partnership(US4, AU1, claimed_by=("t:us4", "t:au1"))
P_US3_JP1 = Partnership(US3, JP1, status="proposed", claimed_by=("t:jp1",))
P_NZ = Partnership(NZ1, NZ2, established="1999", claimed_by=("t:nz1", "t:nz2"))

PLACES = [US1, US2, US3, US4, FR1, AU1, DE1, JP1, NZ1, NZ2, ZED]
PARTNERSHIPS = [P_US1_FR1, P_US1_DE1, P_US1_US2, P_US2_JP1, P_US4_FR1, P_US4_AU1, P_US3_JP1, P_NZ]


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return Atlas(PLACES, PARTNERSHIPS)


@pytest.fixture(scope="module")
def empty() -> Atlas:
    return Atlas([])


def ids(rows: list[tuple[Place, int]]) -> list[tuple[str, int]]:
    return [(p.id, n) for p, n in rows]


# ---------------------------------------------------------------- top_places


def test_top_places_ties_by_name_then_id(atlas: Atlas) -> None:
    assert ids(stats.top_places(atlas, 20)) == [
        ("t:us1", 3),
        ("t:us2", 2),  # Beta
        ("t:jp1", 2),  # Delta
        ("t:fr1", 2),  # Orange, t:fr1 < t:us4
        ("t:us4", 2),  # Orange
        ("t:us3", 1),  # Alpha
        ("t:de1", 1),  # Gamma
        ("t:nz1", 1),  # Kiwi
        ("t:nz2", 1),  # Kiwí
        ("t:au1", 1),  # ORANGE
    ]  # Zed has no partnership and is never listed


def test_top_places_n_country_international_status(atlas: Atlas) -> None:
    assert ids(stats.top_places(atlas, 2)) == [("t:us1", 3), ("t:us2", 2)]
    assert stats.top_places(atlas, 0) == []
    assert ids(stats.top_places(atlas, country="us")) == [
        ("t:us1", 3),
        ("t:us2", 2),
        ("t:us4", 2),
        ("t:us3", 1),
    ]
    assert ids(stats.top_places(atlas, country="US", international_only=True)) == [
        ("t:us1", 2),
        ("t:us4", 2),
        ("t:us3", 1),
        ("t:us2", 1),
    ]
    assert ids(stats.top_places(atlas, country="US", status="active")) == [
        ("t:us1", 2),
        ("t:us2", 2),
        ("t:us4", 1),
    ]
    assert ids(stats.top_places(atlas, status=["ended", "proposed"])) == [
        ("t:us3", 1),  # Alpha
        ("t:jp1", 1),  # Delta
        ("t:fr1", 1),  # Orange
        ("t:us4", 1),  # Orange
    ]
    assert stats.top_places(atlas, country="NZ", international_only=True) == []


def test_top_places_repeated_calls_return_fresh_equal_lists(atlas: Atlas) -> None:
    first = stats.top_places(atlas, 3)
    first.clear()
    assert len(stats.top_places(atlas, 3)) == 3


def test_bad_arguments_name_the_value(atlas: Atlas) -> None:
    with pytest.raises(ValueError, match="'ZZ'"):
        stats.top_places(atlas, country="ZZ")
    with pytest.raises(ValueError, match="-1"):
        stats.top_places(atlas, -1)
    with pytest.raises(TypeError, match=r"2\.5"):
        stats.top_places(atlas, 2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'dead'"):
        stats.top_places(atlas, status="dead")
    with pytest.raises(TypeError, match="Atlas"):
        stats.top_places([PLACES], 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'United States'"):
        stats.partner_countries(atlas, "United States")
    with pytest.raises(PlaceNotFound):
        stats.countries_of(atlas, "Atlantis")
    with pytest.raises(ValueError, match="'furlong'"):
        stats.distance_summary(atlas, unit="furlong")


# ---------------------------------------------------------------- countries


def test_partner_countries(atlas: Atlas) -> None:
    # US1-FR1, US1-DE1, US2-JP1, US4-FR1, US4-AU1, US3-JP1; US1-US2 is domestic
    assert stats.partner_countries(atlas, "US") == [("FR", 2), ("JP", 2), ("AU", 1), ("DE", 1)]
    assert stats.partner_countries(atlas, "US", status="active") == [
        ("AU", 1),
        ("FR", 1),
        ("JP", 1),
    ]
    assert stats.partner_countries(atlas, "FR") == [("US", 2)]
    assert stats.partner_countries(atlas, "NZ") == []
    assert stats.partner_countries(atlas, "FI") == []


def test_countries_and_continents_of(atlas: Atlas) -> None:
    assert stats.countries_of(atlas, US1) == {"FR", "DE", "US"}
    assert stats.countries_of(atlas, "t:us1", status="active") == {"FR", "US"}
    assert stats.continents_of(atlas, US1) == {Continent.EU, Continent.NA}
    assert stats.continents_of(atlas, US4) == {Continent.EU, Continent.OC}
    assert stats.continents_of(atlas, US4, status="ended") == {Continent.EU}
    assert stats.countries_of(atlas, ZED) == set()
    assert stats.continents_of(atlas, ZED) == set()


def test_country_pairs(atlas: Atlas) -> None:
    assert stats.country_pairs(atlas) == [
        (("FR", "US"), 2),
        (("JP", "US"), 2),
        (("AU", "US"), 1),
        (("DE", "US"), 1),
        (("NZ", "NZ"), 1),
        (("US", "US"), 1),
    ]
    assert stats.country_pairs(atlas, status="suspended") == [(("DE", "US"), 1)]


def test_domestic(atlas: Atlas) -> None:
    assert stats.domestic(atlas) == [P_NZ, P_US1_US2]  # atlas order: by pair of ids
    assert stats.domestic(atlas, "US") == [P_US1_US2]
    assert stats.domestic(atlas, "nz", status="ended") == []


def test_same_name_ignores_case_and_accents(atlas: Atlas) -> None:
    # "Kiwi"/"Kiwí" fold equal; "Alpha" US1 and US3 share a name but are not partners
    assert stats.same_name(atlas) == [P_NZ, P_US4_AU1, P_US4_FR1]
    assert stats.same_name(atlas, status="active") == [P_NZ, P_US4_AU1]


def test_by_decade(atlas: Atlas) -> None:
    assert stats.by_decade(atlas) == {1960: 2, 1990: 2, 2000: 1}
    assert stats.by_decade(atlas, status="active") == {1960: 2, 1990: 1, 2000: 1}
    assert stats.by_decade(atlas, status="proposed") == {}


# ---------------------------------------------------------------- summaries


def test_distance_summary_whole_atlas_and_one_place() -> None:
    a = make_place("t:a", "A", "US", latitude=0.0, longitude=0.0)
    b = make_place("t:b", "B", "FR", latitude=0.0, longitude=1.0)
    c = make_place("t:c", "C", "DE", latitude=0.0, longitude=3.0)
    d = make_place("t:d", "D", "JP", latitude=0.0, longitude=0.0)  # where A is
    ab, ac, cd = Partnership(a, b), Partnership(a, c, status="ended"), Partnership(c, d)
    atlas = Atlas([a, b, c, d], [ab, ac, cd])
    degree_km = 2 * math.pi * 6371.0088 / 360  # haversine's mean Earth radius
    s = stats.distance_summary(atlas)
    assert s.count == 3 and s.unit == "km"
    assert s.min == pytest.approx(degree_km)
    assert s.max == pytest.approx(3 * degree_km)
    assert s.median == pytest.approx(3 * degree_km)
    assert s.mean == pytest.approx(7 / 3 * degree_km)
    assert s.closest == ab
    assert s.farthest == ac  # ties with cd (the same two points): first in atlas order
    mi = stats.distance_summary(atlas, place="t:b", unit="mi")
    assert mi.count == 1 and mi.closest == mi.farthest == ab
    assert mi.mean == pytest.approx(degree_km / 1.609344)
    active = stats.distance_summary(atlas, status="active")
    assert active.count == 2 and active.farthest == cd and active.closest == ab


def test_distance_summary_of_nothing(atlas: Atlas, empty: Atlas) -> None:
    none = stats.DistanceSummary("km", 0, None, None, None, None, None, None)
    assert stats.distance_summary(empty) == none
    assert stats.distance_summary(atlas, place=ZED) == none
    assert stats.distance_summary(atlas, status="proposed", unit="m").count == 1


def test_reciprocity(atlas: Atlas) -> None:
    r = stats.reciprocity(atlas)
    assert r.overall == stats.Share(4, 8)
    assert r.overall.share == 0.5
    assert r.by_country == {
        "US": stats.Share(3, 7),
        "FR": stats.Share(1, 2),
        "JP": stats.Share(1, 2),
        "AU": stats.Share(1, 1),
        "DE": stats.Share(0, 1),
        "NZ": stats.Share(1, 1),
    }
    assert list(r.by_country) == ["US", "FR", "JP", "AU", "DE", "NZ"]  # most first, then code
    assert stats.reciprocity(atlas, status="suspended").overall.share == 0.0


def test_reciprocity_of_nothing(empty: Atlas) -> None:
    r = stats.reciprocity(empty)
    assert r.overall == stats.Share(0, 0) and r.overall.share is None and r.by_country == {}


def test_subdivisions_without_partnerships(atlas: Atlas) -> None:
    missing = stats.subdivisions_without_partnerships(atlas, "US")
    codes = [code for code, _name in missing]
    assert "US-NC" not in codes and "US-CA" not in codes and "US-TX" not in codes
    assert ("US-NY", "New York") in missing
    assert len(missing) == 57 - 3  # pycountry lists 57 first-level U.S. subdivisions
    assert codes == sorted(codes)
    # US-TX only has a proposed partnership
    assert "US-TX" in dict(stats.subdivisions_without_partnerships(atlas, "US", status="active"))
    # FR-84 (Vaucluse) is a department: it counts for its region FR-PAC
    fr = dict(stats.subdivisions_without_partnerships(atlas, "FR"))
    assert "FR-PAC" not in fr and "FR-84" not in fr and "FR-IDF" in fr
    assert stats.subdivisions_without_partnerships(atlas, "XK") == []


# ---------------------------------------------------------------- network


def test_degree_distribution(atlas: Atlas, empty: Atlas) -> None:
    assert stats.degree_distribution(atlas) == {0: 1, 1: 5, 2: 4, 3: 1}
    assert stats.degree_distribution(atlas, status="suspended") == {0: 9, 1: 2}
    assert stats.degree_distribution(empty) == {}


def test_components(atlas: Atlas, empty: Atlas) -> None:
    comps = stats.components(atlas)
    assert comps.sizes == (8, 2, 1)
    assert len(comps) == 3
    assert [p.id for p in comps.largest] == sorted(
        ["t:us1", "t:us2", "t:us3", "t:us4", "t:fr1", "t:au1", "t:de1", "t:jp1"]
    )
    assert comps.groups[1] == (NZ1, NZ2)
    assert comps.groups[2] == (ZED,)
    assert stats.components(atlas, status="active").sizes == (4, 2, 2, 1, 1, 1)
    assert stats.components(empty).sizes == () and stats.components(empty).largest == ()


def test_hubs(atlas: Atlas, empty: Atlas) -> None:
    assert ids(stats.hubs(atlas, 3)) == [("t:us1", 3), ("t:us2", 2), ("t:jp1", 2)]
    assert ids(stats.hubs(atlas, 2, status="active")) == [("t:us1", 2), ("t:us2", 2)]
    assert stats.hubs(empty, 5) == []


def test_shortest_chain(atlas: Atlas) -> None:
    # DE1 - US1 - FR1 - US4 - AU1
    assert stats.shortest_chain(atlas, DE1, AU1) == [P_US1_DE1, P_US1_FR1, P_US4_FR1, P_US4_AU1]
    assert stats.shortest_chain(atlas, "t:au1", "t:de1") == [
        P_US4_AU1,
        P_US4_FR1,
        P_US1_FR1,
        P_US1_DE1,
    ]
    assert stats.shortest_chain(atlas, US1, US1) == []
    assert stats.shortest_chain(atlas, US1, NZ1) is None
    assert stats.shortest_chain(atlas, ZED, US1) is None
    assert stats.shortest_chain(atlas, DE1, AU1, status="active") is None
    assert stats.shortest_chain(atlas, US1, JP1, status="active") == [P_US1_US2, P_US2_JP1]


def test_shortest_chain_prefers_names_then_ids_among_equals() -> None:
    # S has two routes of two hops to T: via "Beta" (id t:z) and via "Alpha" (id t:y),
    # plus "Alpha" (id t:x): Alpha/t:x wins (name first, then id)
    s, t = make_place("t:s", "S", "FR"), make_place("t:t", "T", "FR")
    mids = [make_place("t:z", "Beta", "FR"), make_place("t:y", "Alpha", "FR")]
    mids.append(make_place("t:x", "Alpha", "FR"))
    links = [Partnership(s, m) for m in mids] + [Partnership(m, t) for m in mids]
    atlas = Atlas([s, t, *mids], links)
    chain = stats.shortest_chain(atlas, s, t)
    assert chain is not None and [p.other(s).id for p in chain[:1]] == ["t:x"]
    assert chain[1] == Partnership(mids[2], t)


def test_shortest_chain_rejects_foreign_places(atlas: Atlas) -> None:
    stranger = make_place("t:out", "Outside", "FR")
    with pytest.raises(PlaceNotFound):
        stats.shortest_chain(atlas, US1, stranger)


# ---------------------------------------------------------------- caching


def test_equal_but_distinct_atlases_do_not_share_answers() -> None:
    a = Atlas(PLACES, PARTNERSHIPS)
    b = Atlas(PLACES, PARTNERSHIPS[:1])
    assert ids(stats.top_places(a, 1)) == [("t:us1", 3)]
    assert ids(stats.top_places(b, 2)) == [("t:us1", 1), ("t:fr1", 1)]
    assert ids(stats.top_places(a, 1)) == [("t:us1", 3)]
    for _ in range(10):  # more atlases than the memo keeps
        assert ids(stats.top_places(Atlas(PLACES, PARTNERSHIPS[3:4]), 1)) == [("t:us2", 1)]
    assert ids(stats.top_places(a, 1)) == [("t:us1", 3)]


def test_sixteen_threads_get_the_same_answers() -> None:
    from concurrent.futures import ThreadPoolExecutor

    fresh = Atlas(PLACES, PARTNERSHIPS)

    def ask(_i: int) -> tuple[object, ...]:
        return (
            ids(stats.top_places(fresh, 5)),
            stats.components(fresh).sizes,
            stats.shortest_chain(fresh, DE1, AU1),
        )

    with ThreadPoolExecutor(16) as pool:
        answers = set(map(repr, pool.map(ask, range(64))))
    assert len(answers) == 1


@pytest.mark.parametrize("status", [None, "active"])
def test_top_places_of_the_bundled_data_equal_counting_the_records(status: str | None) -> None:
    # every place's partnerships counted from the records, ranked by count, name, id:
    # the first groups come from the degrees (or the endpoint columns), the later ones
    # from one ordering of every place
    from collections import Counter

    from twintowns import dataset

    atlas = dataset._read_bundled()
    counts: Counter[str] = Counter()
    for p in atlas.partnerships:
        if status is None or p.status.value == status:
            counts.update((p.a.id, p.b.id))
    by_id = {p.id: p for p in atlas.places}
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], by_id[kv[0]].name, kv[0]))
    for n in (1, 10, 300, len(expected) + 5):
        fresh = dataset._read_bundled()  # each n on a fresh ranking: groups built in order
        assert ids(stats.top_places(fresh, n, status=status)) == expected[:n]
    reused = dataset._read_bundled()  # a later group first, then the first ones
    assert ids(stats.top_places(reused, 300, status=status)) == expected[:300]
    assert ids(stats.top_places(reused, 10, status=status)) == expected[:10]

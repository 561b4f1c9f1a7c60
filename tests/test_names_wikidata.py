"""Issue 13, sections 3-4: Wikidata ids, the 2016 P190 statements, and the names people type."""

from __future__ import annotations

import csv
import json
import math
from collections import Counter
from pathlib import Path

import pytest

import twintowns
from databuild import names, wikidata
from twintowns import Atlas, PlaceNotFound
from twintowns.export import place_record
from twintowns.normalize import fold

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "sources"
REPORT = ROOT / "databuild" / "report"

#: What a new user types, and the place they mean.
TYPED = [
    ("Wien", "gn:2761369"),  # Vienna
    ("Praha", "gn:3067696"),  # Prague
    ("Warszawa", "gn:756135"),  # Warsaw
    ("Lisboa", "gn:2267057"),  # Lisbon
    ("Moskva", "gn:524901"),  # Moscow
    ("Firenze", "gn:3176959"),  # Florence
    ("Den Haag", "gn:2747373"),  # The Hague
    ("Ciudad de México", "gn:3530597"),  # Mexico City
    ("Peking", "gn:1816670"),  # Beijing
    ("Bombay", "gn:1275339"),  # Mumbai
    ("Saigon", "gn:1566083"),  # Ho Chi Minh City
    ("München", "gn:2867714"),  # Munich
    ("New York", "gn:5128581"),  # New York City
    ("NYC", "gn:5128581"),
    ("Washington DC", "gn:4140963"),  # Washington, D.C.
    ("Roma", "gn:3169070"),  # Rome, not Roma, Texas
    ("Saint Louis", "gn:4407066"),  # St. Louis, Missouri, not Saint-Louis, Senegal
]


@pytest.mark.parametrize(("typed", "pid"), TYPED)
def test_the_names_people_type_resolve_to_the_obvious_place(
    atlas: Atlas, typed: str, pid: str
) -> None:
    assert atlas.place(typed).id == pid
    assert atlas.place(typed.upper()).id == pid  # folded like every name


def test_native_scripts_and_a_country_filter(atlas: Atlas) -> None:
    assert atlas.place("Москва").id == "gn:524901"
    assert atlas.place("北京").id == "gn:1816670"
    # Roma, Texas is still there for whoever asks for it
    assert atlas.place("Roma", country="US").id == "gn:8479429"
    assert atlas.place("Wien, Austria").id == "gn:2761369"


def test_namesakes_of_equal_standing_stay_ambiguous(atlas: Atlas) -> None:
    for name in ("Springfield", "Orange"):
        with pytest.raises(twintowns.AmbiguousPlace):
            atlas.place(name)


@pytest.mark.parametrize(
    ("typo", "pid"),
    [
        ("Pargue", "gn:3067696"),
        ("Vienn", "gn:2761369"),
        ("Munchn", "gn:2867714"),
        ("Barcelna", "gn:3128760"),
        ("Lisbonn", "gn:2267057"),
        ("Amsterdm", "gn:2759794"),
    ],
)
def test_suggestions_put_the_obvious_city_first_three(atlas: Atlas, typo: str, pid: str) -> None:
    with pytest.raises(PlaceNotFound) as info:
        atlas.place(typo)
    wanted = atlas.get(pid)
    assert wanted is not None
    assert wanted.label in info.value.suggestions[:3]


# ------------------------------------------------------------------ Wikidata ids


def test_lookup_by_wikidata_id(atlas: Atlas) -> None:
    berlin = atlas.place("Q64")
    assert (berlin.name, berlin.country, berlin.wikidata) == ("Berlin", "DE", "Q64")
    assert atlas.place("Q1741").id == "gn:2761369"  # Vienna
    with pytest.raises(PlaceNotFound):
        atlas.place("Q64", country="FR")
    with pytest.raises(PlaceNotFound):
        atlas.place("Q999999999999")


def test_wikidata_ids_are_many_and_unique(atlas: Atlas) -> None:
    ids = [p.wikidata for p in atlas.places if p.wikidata]
    assert len(ids) >= 0.35 * len(atlas.places)
    assert not [q for q, n in Counter(ids).items() if n > 1]
    assert all(wikidata_id_ok(q) for q in ids)


def wikidata_id_ok(qid: str) -> bool:
    return qid[0] == "Q" and qid[1:].isdigit() and qid[1] != "0"


def test_wikidata_id_in_exports(atlas: Atlas) -> None:
    berlin = atlas.place("Q64")
    assert place_record(berlin)["wikidata"] == "Q64"
    pytest.importorskip("pandas")
    from twintowns.stats.frames import to_pandas

    places, _ = to_pandas(atlas)
    assert places.loc[berlin.id, "wikidata"] == "Q64"


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@pytest.mark.skipif(not SOURCES.exists(), reason="needs ../shared/sources")
def test_2026_cities_that_name_one_place_give_it_their_id(atlas: Atlas) -> None:
    """Computed here independently of the build: same country, same folded own name,
    within 10 km, exactly one such place."""
    by_country: dict[str, list[twintowns.Place]] = {}
    for p in atlas.places:
        by_country.setdefault(p.country, []).append(p)
    one = carry = 0
    with (SOURCES / wikidata.CITIES_2026).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            cc = wikidata.COUNTRY_FIX.get(row["countrycd"], row["countrycd"])
            at = (float(row["lat"]), float(row["lng"]))
            same = [
                p
                for p in by_country.get(cc, ())
                if fold(row["name"]) in (fold(p.name), fold(p.ascii_name))
                and _km(at, p.coordinates) <= 10.0
            ]
            if len(same) == 1:
                one += 1
                carry += same[0].wikidata == row["id"]
    assert one > 4000
    assert carry >= 0.95 * one, (carry, one)


def test_the_2016_statements_are_a_source_counted_in_the_report(atlas: Atlas) -> None:
    summary = json.loads((REPORT / "quality.json").read_text(encoding="utf-8"))
    st = summary["wikidata"]["statements_2016"]
    assert st["total"] == 34182
    assert st["matched"] == st["confirm an existing tie"] + st["add a new tie"] > 20000
    assert st["total"] == st["matched"] + st["an item without a place"] + st.get(
        "both items one place", 0
    )
    used = [p for p in atlas.partnerships if any(s.startswith("wikidata-2016:") for s in p.sources)]
    assert len(used) == summary["wikidata"]["ties_with_wikidata_2016"] > 10000
    only = [p for p in used if all(s.startswith("wikidata-2016:") for s in p.sources)]
    assert len(only) == summary["wikidata"]["ties_only_from_wikidata_2016"] > 0
    assert "## Wikidata ids and the 2016 P190 statements" in (REPORT / "quality.md").read_text(
        encoding="utf-8"
    )


# ------------------------------------------------------------------ build pieces


def test_checksums_name_the_file_that_differs(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n", encoding="utf-8")
    good = "4f..."
    with pytest.raises(wikidata.ChecksumError, match=r"a\.csv: sha256 [0-9a-f]{64}, expected"):
        wikidata.verify(tmp_path, {"a.csv": good})
    with pytest.raises(wikidata.ChecksumError, match=r"b\.csv: missing"):
        wikidata.verify(tmp_path, {"b.csv": good})


def test_checksums_accept_the_expected_file(tmp_path: Path) -> None:
    import hashlib

    (tmp_path / "a.csv").write_bytes(b"x\n")
    wikidata.verify(tmp_path, {"a.csv": hashlib.sha256(b"x\n").hexdigest()})


@pytest.mark.parametrize(
    ("name", "country", "kept"),
    [
        ("Wien", "AT", True),
        ("Den Haag", "NL", True),
        ("Ciudad de México", "MX", True),
        ("VIE", "AT", False),  # an airport code
        ("wei ye na", "AT", False),  # a machine transliteration
        ("Вена", "AT", False),  # not Austria's script
        ("Москва", "RU", True),
        ("モスクワ", "RU", False),
        ("北京", "CN", True),
        ("1010 Wien", "AT", False),  # postal
        ("https://example.org/wien", "AT", False),
        ("Wien Вена", "AT", False),  # mixed scripts
    ],
)
def test_alternate_name_filter(name: str, country: str, kept: bool) -> None:
    assert names.keep(name, country) is kept


def test_abbreviations_are_sourced_and_checked_against_geonames(tmp_path: Path) -> None:
    entries = names.load_abbreviations()
    assert entries and all(a.url.startswith("https://") and a.consulted for a in entries)
    bad = tmp_path / "abbreviations.toml"
    bad.write_text('[[abbreviation]]\nname = "NYC"\nplace = "gn:5128581"\n', encoding="utf-8")
    with pytest.raises(names.AbbreviationError, match="lacks"):
        names.load_abbreviations(bad)
    place = twintowns.Place(
        "gn:5128581", "New York City", "US", latitude=40.7, longitude=-74.0, timezone="UTC"
    )
    ab = names.Abbreviation("NYC", "gn:5128581", "https://example.org", "2026-12-02")
    with pytest.raises(names.AbbreviationError, match="not a GeoNames alternate name"):
        names.alternates([place], {"gn:5128581": ["Big Apple"]}, [ab])


def test_names_another_place_answers_to_become_aliases() -> None:
    def place(pid: str, name: str, cc: str) -> twintowns.Place:
        return twintowns.Place(pid, name, cc, latitude=0, longitude=0, timezone="UTC")

    rome, roma = place("gn:1", "Rome", "IT"), place("gn:2", "Roma", "US")
    aliases, lookup, _ = names.alternates(
        [rome, roma], {"gn:1": ["Roma", "Rom", "rom", "ROM", "Rome"], "gn:2": []}
    )
    assert aliases == {"gn:1": ["Roma"]}  # Roma, Texas answers to it: weighed together
    assert lookup == {"gn:1": ["Rom"]}  # nobody else: read only on a miss


# ------------------------------------------------------------------ the prominence rule


def _namesakes(ties_a: int, ties_b: int, pop_a: int = 280_000, pop_b: int = 250_000) -> Atlas:
    from tests.conftest import make_place

    a = make_place("t:a", "Saint-Louis", "US", population=pop_a, wikidata="Q1")
    b = make_place("t:b", "Saint-Louis", "SN", population=pop_b)
    others = [make_place(f"t:o{i}", f"Other {i}", "FR") for i in range(max(ties_a, ties_b))]
    ties = [twintowns.Partnership(a, o) for o in others[:ties_a]]
    ties += [twintowns.Partnership(b, o) for o in others[:ties_b]]
    return Atlas([a, b, *others], ties)


def test_as_populous_with_twice_the_partnerships_and_five_more_is_obvious() -> None:
    assert _namesakes(12, 6).place("Saint-Louis").id == "t:a"
    assert _namesakes(6, 12, pop_a=250_000, pop_b=280_000).place("Saint-Louis").id == "t:b"
    for ties_a, ties_b in [(2, 1), (10, 6)]:  # a handful more, or not twice as many
        with pytest.raises(twintowns.AmbiguousPlace):
            _namesakes(ties_a, ties_b).place("Saint-Louis")
    with pytest.raises(twintowns.AmbiguousPlace):  # more ties but fewer people
        _namesakes(12, 6, pop_a=240_000).place("Saint-Louis")
    assert _namesakes(1, 1).place("Q1").id == "t:a"  # built atlases find Wikidata ids too

"""Place lookup and search on a small hand-built atlas where answers are known."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twintowns.atlas import Atlas
from twintowns.errors import AmbiguousPlace, InvalidValueError, PlaceNotFound, TwinTownsError
from twintowns.normalize import fold


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Charlotte", "gn:1"),  # 874,579 vs 9,000: obvious
        ("charlotte, michigan", "gn:7"),
        ("Charlotte, US-MI", "gn:7"),
        ("Orange, California", "gn:3"),
        ("Orange, CA", "gn:3"),
        ("Orange, Vaucluse", "gn:4"),
        ("Orange, France", "gn:4"),
        ("Orange, FR", "gn:4"),
        ("Orange (France)", "gn:4"),
        ("Orange, New South Wales", "gn:5"),
        ("ORANGE, australia", "gn:5"),
        ("Kiev", "gn:6"),
        ("kyiv", "gn:6"),
        ("dusseldorf", "gn:9"),
        ("DÜSSELDORF", "gn:9"),
        ("  Arequipa ", "gn:2"),
        ("gn:4", "gn:4"),
    ],
)
def test_place_resolves(small_atlas: Atlas, query: str, expected: str) -> None:
    assert small_atlas.place(query).id == expected


def test_country_keyword(small_atlas: Atlas) -> None:
    assert small_atlas.place("Orange", country="AU").id == "gn:5"
    assert small_atlas.place("Orange", country="France").id == "gn:4"
    with pytest.raises(PlaceNotFound):
        small_atlas.place("Orange", country="DE")
    with pytest.raises(ValueError, match="unknown country"):
        small_atlas.place("Orange", country="Atlantis")


def test_ambiguous_lists_candidates(small_atlas: Atlas) -> None:
    with pytest.raises(AmbiguousPlace) as info:
        small_atlas.place("Orange")
    assert isinstance(info.value, LookupError) and isinstance(info.value, TwinTownsError)
    assert {c.id for c in info.value.candidates} == {"gn:3", "gn:4", "gn:5"}  # type: ignore[attr-defined]
    assert "US-CA" in str(info.value) and "AU-NSW" in str(info.value)


def test_not_found_has_suggestions(small_atlas: Atlas) -> None:
    with pytest.raises(PlaceNotFound) as info:
        small_atlas.place("Arekipa")
    assert isinstance(info.value, LookupError)
    assert info.value.suggestions[0].startswith("Arequipa")


@pytest.mark.parametrize(
    ("bad", "exc"),
    [
        (None, TypeError),
        (42, TypeError),
        ("", ValueError),
        ("   ", ValueError),
        ("x" * 201, ValueError),
        ("Char\x00lotte", ValueError),
        ("a\nb", ValueError),
    ],
)
def test_bad_queries_are_rejected_clearly(small_atlas: Atlas, bad: object, exc: type) -> None:
    with pytest.raises(exc) as info:
        small_atlas.place(bad)  # type: ignore[arg-type]
    assert "query" in str(info.value)


def test_search_is_typo_tolerant(small_atlas: Atlas) -> None:
    assert small_atlas.search("Arekipa")[0].id == "gn:2"
    assert small_atlas.search("Dusseldorff")[0].id == "gn:9"
    assert [p.id for p in small_atlas.search("orange")][:3] == ["gn:3", "gn:5", "gn:4"]
    assert small_atlas.search("qqqqqq") == []
    assert len(small_atlas.search("orange", limit=2)) == 2
    with pytest.raises(ValueError, match="limit"):
        small_atlas.search("orange", limit=0)


# more than the profile's 100: cheap, and arbitrary text is a large space
@settings(max_examples=300)
@given(st.text(max_size=60))
def test_lookups_only_raise_documented_errors(small_atlas: Atlas, text: str) -> None:
    # any other exception (a bare ValueError, a KeyError, a TypeError…) escapes and fails
    try:
        small_atlas.place(text)
    except (PlaceNotFound, AmbiguousPlace, InvalidValueError) as error:
        assert str(error)
    try:
        small_atlas.search(text)
    except InvalidValueError as error:
        assert "search query" in str(error)


def test_every_place_found_by_id(small_atlas: Atlas) -> None:
    for place in small_atlas.places:
        assert small_atlas.place(place.id) == place


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=30))
def test_fold_of_ascii_text_is_casefold_without_punctuation(text: str) -> None:
    # fold() takes a short cut for plain ASCII words: it must agree with the general rule
    expected = " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())
    assert fold(text) == expected


@given(st.text(max_size=30))
def test_fold_is_idempotent(text: str) -> None:
    key = fold(text)
    assert fold(key) == key  # "Þ" and "þ" alike fold to "th"
    assert "  " not in key and key == key.strip()

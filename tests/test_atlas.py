"""Atlas queries on the small hand-built atlas."""

from __future__ import annotations

import pytest

from tests.conftest import make_place
from twintowns.atlas import Atlas
from twintowns.errors import PlaceNotFound
from twintowns.model import Partnership, PartnershipKind, Status


def test_partners_and_filters(small_atlas: Atlas) -> None:
    assert [p.name for p in small_atlas.partners("Charlotte")] == ["Arequipa", "Voronezh"]
    assert [p.name for p in small_atlas.partners("Charlotte", status="active")] == ["Arequipa"]
    assert [p.name for p in small_atlas.partners("Charlotte", status=Status.SUSPENDED)] == [
        "Voronezh"
    ]
    both = small_atlas.partners("Charlotte", status=["active", "suspended"])
    assert len(both) == 2
    assert small_atlas.partners("Kyiv", kind="sister") == []
    assert [p.name for p in small_atlas.partners("Kyiv", kind=PartnershipKind.PARTNER)] == [
        "Düsseldorf"
    ]
    assert small_atlas.partners("Lonelyville") == []
    with pytest.raises(ValueError, match="unknown status 'frozen'"):
        small_atlas.partners("Charlotte", status="frozen")
    with pytest.raises(TypeError, match="status filter"):
        small_atlas.partners("Charlotte", status=[3])  # type: ignore[list-item]


def test_partnership_lookup(small_atlas: Atlas) -> None:
    p = small_atlas.partnership("Voronezh", "Charlotte")
    assert p.status is Status.SUSPENDED and str(p.established) == "1991"
    assert small_atlas.get_partnership("Voronezh", "Charlotte") is p
    assert small_atlas.get_partnership("Arequipa", "Voronezh") is None
    assert small_atlas.get_partnership("Orange, CA", "Orange, FR") is not None


def test_every_partnership_in_both_places_lists(small_atlas: Atlas) -> None:
    for p in small_atlas.partnerships:
        assert p in small_atlas.partnerships_of(p.a)
        assert p in small_atlas.partnerships_of(p.b)
    assert sum(small_atlas.degree(pl) for pl in small_atlas.places) == 2 * len(
        small_atlas.partnerships
    )


def test_foreign_place_is_rejected(small_atlas: Atlas) -> None:
    stranger = make_place("gn:999", "Charlotte", "US")
    with pytest.raises(PlaceNotFound):
        small_atlas.partners(stranger)


def test_constructor_rejects_inconsistencies() -> None:
    a = make_place("gn:1", "A", "US")
    b = make_place("gn:2", "B", "FR")
    with pytest.raises(ValueError, match="duplicate place id"):
        Atlas([a, a])
    with pytest.raises(ValueError, match="duplicate partnership"):
        Atlas([a, b], [Partnership(a, b), Partnership(b, a)])
    with pytest.raises(ValueError, match="not in the atlas"):
        Atlas([a], [Partnership(a, b)])
    empty = Atlas([])
    assert empty.places == () and empty.partnerships == ()
    assert repr(empty) == "<Atlas: 0 places, 0 partnerships>"


def test_equality(small_atlas: Atlas) -> None:
    again = Atlas(reversed(small_atlas.places), reversed(small_atlas.partnerships))
    assert again == small_atlas
    assert Atlas(small_atlas.places) != small_atlas

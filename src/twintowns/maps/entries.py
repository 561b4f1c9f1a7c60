"""The partners a map shows, numbered, with their arcs and the texts about them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from twintowns.filters import KindFilter, StatusFilter
from twintowns.geography import distance
from twintowns.maps.projection import arc
from twintowns.model import Partnership, Place, Status, StatusBasis

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__: list[str] = []


@attrs.frozen
class Entry:
    """One partner on the map: its number (1, 2, … by name), the tie and the arc."""

    number: int
    partnership: Partnership
    partner: Place
    line: list[tuple[float, float]]
    """The great-circle arc as ``(lat, lon)`` points."""


def partner_entries(
    atlas: Atlas, home: Place, status: StatusFilter, kind: KindFilter
) -> list[Entry]:
    """``home``'s partners that pass the filters, numbered in the order of their names."""
    found = atlas.partnerships_of(home, status=status, kind=kind)
    rows = sorted(
        ((p, p.other(home)) for p in found),
        key=lambda row: (row[1].name.casefold(), row[1].country, row[1].id),
    )
    return [
        Entry(i, p, partner, arc(home, partner)) for i, (p, partner) in enumerate(rows, start=1)
    ]


def details(home: Place, p: Partnership) -> str:
    """One line about the tie: the tooltip of a partner's marker."""
    partner = p.other(home)
    parts = [f"{partner.label}: {p.kind.value}, {p.status.value}"]
    if p.established:
        parts.append(f"since {p.established}")
    if p.ended:
        parts.append(f"ended {p.ended}")
    parts.append(f"{distance(home, partner):,.0f} km")
    return " · ".join(parts)


def basis_text(partnerships: Sequence[Partnership], status: Status) -> str:
    """How many ties of ``status`` are listed and how many confirmed: ``"2 listed, 1 confirmed"``.

    *Listed*: a source lists the tie and none states its status; *confirmed*: a
    dated curated source states it (see :class:`~twintowns.StatusBasis`).
    """
    counts = Counter(p.status_basis for p in partnerships if p.status is status)
    return ", ".join(f"{counts[b]} {b.value}" for b in StatusBasis if counts.get(b))

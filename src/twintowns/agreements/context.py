"""What rules see: an agreement in its :class:`Context`, a dataset in an :class:`AtlasContext`.

The rule engine (:mod:`twintowns.agreements.rules`) runs a policy over any
subject; these two are the subjects of the built-in policies.  Both refer to
an :class:`~twintowns.Atlas` for type checking only: the agreements layer sits
above the atlas and never makes the atlas import it.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from twintowns.agreements.model import Agreement, Party
from twintowns.model import PartialDate, Place

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = ["AtlasContext", "Context"]


@attrs.frozen
class Context:
    """What an agreement rule sees: the agreement, its places, an atlas, today.

    ``places`` holds each party's :class:`~twintowns.Place`, or None when the
    party is a query that could not be resolved (no atlas, or not found);
    ``unresolved`` says why for each such party.  ``today`` is the date that
    "not in the future" is measured against (fixed for reproducible reports).
    """

    agreement: Agreement
    places: tuple[Place | None, Place | None]
    atlas: Atlas | None = None
    today: _dt.date = attrs.field(factory=_dt.date.today)
    unresolved: tuple[str | None, str | None] = (None, None)

    @property
    def parties(self) -> tuple[Party, Party]:
        return self.agreement.parties

    def sides(self) -> Iterator[tuple[int, Party, Place | None]]:
        """``(index, party, place or None)`` for both parties."""
        for i, party in enumerate(self.agreement.parties):
            yield i, party, self.places[i]

    def label(self, index: int) -> str:
        """A readable name for party ``index``."""
        place = self.places[index]
        return place.label if place is not None else self.agreement.parties[index].label


class AtlasContext:
    """What dataset rules see: the atlas, today, and indexes built once."""

    def __init__(self, atlas: Atlas, today: _dt.date | None = None) -> None:
        self.atlas = atlas
        self.today = today or _dt.date.today()
        self._today = PartialDate.from_date(self.today)

    @property
    def today_partial(self) -> PartialDate:
        return self._today

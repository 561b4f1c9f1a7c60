"""Exceptions raised by twintowns.  All derive from :class:`TwinTownsError`."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

__all__ = [
    "AmbiguousPlace",
    "DatasetError",
    "DatasetProblem",
    "PartnershipNotFound",
    "PlaceNotFound",
    "TwinTownsError",
    "UnknownPlaceId",
]


class TwinTownsError(Exception):
    """Base class of every error twintowns raises on purpose."""


class PlaceNotFound(TwinTownsError, LookupError):
    """No place matches the query.  ``.suggestions`` lists close names."""

    def __init__(self, query: str, suggestions: Sequence[str] = ()) -> None:
        self.query = query
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"no place matches {query!r}{hint}")


class UnknownPlaceId(PlaceNotFound, KeyError):
    """``atlas[place_id]`` with an id the atlas does not hold.

    A :class:`PlaceNotFound` that is also a ``KeyError``, as a mapping's
    ``[]`` raises; its message is the plain text, not the quoted key.
    """

    def __str__(self) -> str:
        return LookupError.__str__(self)


class PartnershipNotFound(TwinTownsError, LookupError):
    """Two places of the atlas have no partnership.  ``.places`` holds them (Places)."""

    def __init__(self, a: object, b: object) -> None:
        self.places: tuple[object, object] = (a, b)
        labels = [str(getattr(p, "label", p)) for p in self.places]
        super().__init__(f"no partnership between {labels[0]} and {labels[1]}")


class AmbiguousPlace(TwinTownsError, LookupError):
    """Several places match the query.  ``.candidates`` lists them (Places)."""

    def __init__(self, query: str, candidates: Sequence[object]) -> None:
        self.query = query
        self.candidates: tuple[object, ...] = tuple(candidates)
        labels = "; ".join(str(getattr(c, "label", c)) for c in self.candidates[:10])
        more = f" and {len(self.candidates) - 10} more" if len(self.candidates) > 10 else ""
        super().__init__(
            f"{query!r} is ambiguous: {labels}{more}. "
            "Qualify it ('Name, State' or 'Name, Country') or pass country=."
        )


@attrs.frozen
class DatasetProblem:
    """One problem found in a dataset file: where it is and what is wrong."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class DatasetError(TwinTownsError, ValueError):
    """A dataset could not be loaded.  ``.problems`` lists every problem found."""

    def __init__(self, problems: Sequence[DatasetProblem]) -> None:
        self.problems: tuple[DatasetProblem, ...] = tuple(problems)
        shown = "\n  ".join(str(p) for p in self.problems[:50])
        more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the dataset:\n  {shown}{more}")

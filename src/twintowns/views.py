"""Read-only views of an atlas's places and partnerships, built on access.

:attr:`twintowns.Atlas.places` and :attr:`twintowns.Atlas.partnerships` are
:class:`RecordView` objects: immutable sequences in the atlas's order that
build a :class:`~twintowns.Place` or :class:`~twintowns.Partnership` only
when it is asked for (an index, a slice, iteration), once; every later
access returns the very same object.  Asking how many there are, or passing
the partnerships to :func:`twintowns.geography.distances`, builds none
(the distances come from the atlas's columns, see :mod:`twintowns.columns`).

A view behaves like the tuple it stands for: it compares equal to that
tuple, hashes like it, concatenates with tuples, and pickles as one.

>>> import twintowns
>>> atlas = twintowns.load()
>>> places = atlas.places
>>> len(places) > 20_000, places[0] is places[0], places[-1].id > places[0].id
(True, True, True)
>>> places[:2] == (places[0], places[1])
True
>>> atlas.place("Charlotte") in places, "Charlotte" in places
(True, False)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, overload

from twintowns.errors import InvalidTypeError
from twintowns.model import Partnership, Place

if TYPE_CHECKING:
    from twintowns.columns import Columns
    from twintowns.records import Records

__all__ = ["PartnershipView", "PlaceView", "RecordView"]

_T = TypeVar("_T", Place, Partnership)


class RecordView(Sequence[_T], Generic[_T]):
    """Every place (or every partnership) of an atlas, in its order, built on access."""

    __slots__ = ("_count", "_every", "_one", "_records")

    #: what one item is called in ``repr``
    _noun: ClassVar[str] = "records"

    def __init__(
        self,
        records: Records,
        count: int,
        one: Callable[[int], _T],
        every: Callable[[], tuple[_T, ...]],
    ) -> None:
        self._records = records
        self._count = count
        self._one: Callable[[int], _T] = one
        self._every: Callable[[], tuple[_T, ...]] = every

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> _T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[_T, ...]: ...

    def __getitem__(self, index: int | slice) -> _T | tuple[_T, ...]:
        if isinstance(index, slice):
            one = self._one
            return tuple(one(i) for i in range(*index.indices(self._count)))
        try:
            i = index.__index__()
        except AttributeError:
            raise InvalidTypeError(
                f"{type(self).__name__} indices must be integers or slices, "
                f"not {type(index).__name__}"
            ) from None
        n = self._count
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"{type(self).__name__} index out of range: {index!r}")
        return self._one(i)

    def __iter__(self) -> Iterator[_T]:
        # iterating means every item: build them all at once (the fastest way)
        return iter(self._every())

    def __reversed__(self) -> Iterator[_T]:
        return reversed(self._every())

    def __contains__(self, item: object) -> bool:
        return item in self._every()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RecordView):
            if other._records is self._records and type(other) is type(self):
                return True
            return self._every() == other._every()
        if isinstance(other, tuple):
            return len(other) == self._count and self._every() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._every())

    def __add__(self, other: object) -> tuple[Any, ...]:
        if isinstance(other, RecordView):
            return self._every() + other._every()
        if isinstance(other, tuple):
            return self._every() + other
        return NotImplemented

    def __radd__(self, other: object) -> tuple[Any, ...]:
        if isinstance(other, tuple):
            return other + self._every()
        return NotImplemented

    def __reduce__(self) -> tuple[Any, ...]:
        # a view pickles as the tuple it stands for
        return (tuple, (self._every(),))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._count:,} {self._noun}>"


class PlaceView(RecordView[Place]):
    """Every place of an atlas, sorted by id, built on access.

    ``place in view`` looks the place's id up instead of scanning.
    """

    __slots__ = ()
    _noun = "places"

    def __init__(self, records: Records) -> None:
        super().__init__(records, len(records.index), records.place, records.all_places)

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, Place):
            return False
        i = self._records.index.get(item.id)
        return i is not None and self._records.place(i) == item


class PartnershipView(RecordView[Partnership]):
    """Every partnership of an atlas, sorted by its pair of ids, built on access."""

    __slots__ = ()
    _noun = "partnerships"

    def __init__(self, records: Records) -> None:
        super().__init__(
            records, records.partnership_count(), records.partnership, records.all_partnerships
        )

    def columns(self) -> Columns:
        """The atlas's columns, which hold these partnerships in this order."""
        return self._records.columns()

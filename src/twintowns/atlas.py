"""The :class:`Atlas`: a set of places and partnerships with indexes over them.

>>> import twintowns
>>> atlas = twintowns.load()
>>> charlotte = atlas.place("Charlotte")
>>> charlotte.subdivision
'US-NC'
>>> p = atlas.partnership("Charlotte", "Voronezh")
>>> p.status.value, str(p.established)
('suspended', '1991')

An Atlas is a container of places, keyed by id, like pycountry's databases:

>>> len(atlas) == len(atlas.places), "gn:4460243" in atlas, atlas["gn:4460243"].name
(True, True, 'Charlotte')
>>> next(iter(atlas)) == atlas.places[0]
True
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from twintowns import lazy
from twintowns.errors import (
    InvalidTypeError,
    InvalidValueError,
    PartnershipNotFound,
    PlaceNotFound,
    UnknownPlaceId,
)
from twintowns.filters import KindFilter, StatusFilter, kind_filter, status_filter
from twintowns.lookup import NameIndex
from twintowns.model import Partnership, Place, PlaceKind
from twintowns.records import BuiltRecords, Records
from twintowns.views import PartnershipView, PlaceView

if TYPE_CHECKING:
    from haversine import Unit

    from twintowns.agreements.validation import ValidationReport
    from twintowns.columns import Adjacency
    from twintowns.normalize import SortedTable
    from twintowns.spatial import SpatialIndex

__all__ = ["Atlas", "Point"]

#: A Place or a ``(latitude, longitude)`` pair in degrees.
Point = Place | tuple[float, float]


class Atlas:
    """Places and partnerships, indexed for lookups.

    Build one with :func:`twintowns.load` (the bundled data or your own files)
    or directly from objects.  Places are kept sorted by id and partnerships
    by their pair of ids.  Indexes for names, fuzzy search and geography are
    built on first use, once, thread-safely; so are the bundled data's
    records themselves (see :mod:`twintowns.records`).

    It is a container of its places, keyed by id: ``len(atlas)`` places,
    ``for place in atlas`` (sorted by id), ``"gn:4460243" in atlas`` (an id,
    or a Place of this atlas) and ``atlas["gn:4460243"]``, which raises
    :class:`~twintowns.errors.UnknownPlaceId` (a ``KeyError`` and a
    :class:`~twintowns.PlaceNotFound`) for an unknown id.  Lookups come in
    pairs, as in pycountry: :meth:`get` and :meth:`get_partnership` return
    None, :meth:`place` and :meth:`partnership` raise a ``LookupError``.

    Atlases pickle (the bundled one as a reference to the bundled data), so
    they can be sent to ``multiprocessing`` workers.
    """

    __slots__ = (
        "_adjacency",
        "_extra_names",
        "_lock",
        "_names",
        "_partnership_view",
        "_place_view",
        "_records",
        "_sorted",
        "_spatial",
        "_wikidata",
        "metadata",
    )

    def __init__(
        self,
        places: Iterable[Place],
        partnerships: Iterable[Partnership] = (),
        *,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        by_id: dict[str, Place] = {}
        for place in places:
            if not isinstance(place, Place):
                raise InvalidTypeError(f"expected a Place, not {place!r}")
            if place.id in by_id:
                raise InvalidValueError(f"duplicate place id: {place.id!r}")
            by_id[place.id] = place
        pairs: dict[tuple[str, str], Partnership] = {}
        for p in partnerships:
            if not isinstance(p, Partnership):
                raise InvalidTypeError(f"expected a Partnership, not {p!r}")
            for side in p.places:
                known = by_id.get(side.id)
                if known is not side and known != side:
                    raise InvalidValueError(
                        f"partnership {p.ids} refers to a place not in the atlas: {side.id!r}"
                    )
            if p.ids in pairs:
                raise InvalidValueError(f"duplicate partnership: {p.ids}")
            pairs[p.ids] = p
        self._init(
            BuiltRecords(
                tuple(sorted(by_id.values(), key=lambda pl: pl.id)),
                tuple(pairs[k] for k in sorted(pairs)),
            ),
            metadata,
        )

    def _init(self, records: Records, metadata: Mapping[str, Any] | None) -> None:
        self._records = records
        self._place_view = PlaceView(records)
        self._partnership_view = PartnershipView(records)
        self.metadata: dict[str, Any] = dict(metadata or {})
        self._lock = threading.RLock()
        self._adjacency: Adjacency | None = None
        #: each place's partnerships, sorted, by position (a list: a tenth of a dict's memory)
        self._sorted: list[tuple[Partnership, ...] | None] | None = None
        self._names: NameIndex | None = None
        #: opens the table of the names looked up only when no name or alias matches
        #: (the bundled ``othernames.bin``), or None
        self._extra_names: Callable[[], SortedTable] | None = None
        self._wikidata: dict[str, int] | None = None
        self._spatial: SpatialIndex | None = None

    @classmethod
    def _trusted(
        cls,
        places: tuple[Place, ...],
        partnerships: tuple[Partnership, ...],
        metadata: Mapping[str, Any] | None = None,
    ) -> Atlas:
        """An Atlas from places sorted by id and partnerships sorted by ids,
        already checked (unique, canonical, referring to these very places)."""
        return cls._from_records(BuiltRecords(places, partnerships), metadata)

    @classmethod
    def _from_records(cls, records: Records, metadata: Mapping[str, Any] | None = None) -> Atlas:
        """An Atlas over ``records`` (see :mod:`twintowns.records`)."""
        atlas = cls.__new__(cls)
        atlas._init(records, metadata)
        return atlas

    @property
    def places(self) -> PlaceView:
        """Every place, sorted by id: a read-only sequence that builds each
        :class:`~twintowns.Place` when it is first asked for (see :mod:`twintowns.views`)."""
        return self._place_view

    @property
    def partnerships(self) -> PartnershipView:
        """Every partnership, sorted by its pair of ids: a read-only sequence that builds
        each :class:`~twintowns.Partnership` when it is first asked for
        (see :mod:`twintowns.views`)."""
        return self._partnership_view

    def _adjacency_arrays(self) -> Adjacency:
        """The partnerships of each place (:class:`~twintowns.columns.Adjacency`): the
        one shipped in the bundled columns, or built once from the columns (numpy)."""
        adjacency = self._adjacency
        if adjacency is None:
            adjacency = lazy.attribute(self, "_adjacency", self._lock, self._build_adjacency)
        return adjacency

    def _build_adjacency(self) -> Adjacency:
        return self._records.columns().adjacency()

    def _positions_of(self, i: int) -> list[int]:
        """Positions of the partnerships of the place at position ``i``."""
        return self._adjacency_arrays().positions(i)

    def _degree_of_id(self, pid: str) -> int:
        """Number of partnerships of place ``pid`` (0 for an unknown id)."""
        i = self._records.index.get(pid)
        if i is None:
            return 0
        return self._adjacency_arrays().degree(i)

    def _partnerships_of_id(self, pid: str) -> tuple[Partnership, ...]:
        """Partnerships of place ``pid`` sorted by partner (name, id); kept once built."""
        i = self._records.index.get(pid)
        if i is None:
            return ()
        kept = self._sorted
        if kept is None:
            kept = lazy.attribute(self, "_sorted", self._lock, self._no_sorted)
        found = kept[i]
        if found is None:
            partnership = self._records.partnership
            ps = [partnership(j) for j in self._positions_of(i)]
            ps.sort(key=lambda p: (p.other(pid).name, p.other(pid).id))
            # a race builds the same tuple of the same objects twice: harmless
            found = kept[i] = tuple(ps)
        return found

    def _no_sorted(self) -> list[tuple[Partnership, ...] | None]:
        return [None] * len(self._records.index)

    # ---------------------------------------------------------------- basics

    def __repr__(self) -> str:
        records = self._records
        return f"<Atlas: {len(records.index)} places, {records.partnership_count()} partnerships>"

    def __eq__(self, other: object) -> bool:
        """Atlases are equal when they hold equal places and partnerships."""
        if not isinstance(other, Atlas):
            return NotImplemented
        return self.places == other.places and self.partnerships == other.partnerships

    __hash__ = None  # type: ignore[assignment]

    # ------------------------------------------------------ container protocol

    def __len__(self) -> int:
        """The number of places."""
        return len(self._records.index)

    def __iter__(self) -> Iterator[Place]:
        """The places, sorted by id."""
        return iter(self._records.all_places())

    def __contains__(self, item: object) -> bool:
        """True for the id of a place of this atlas, or a Place equal to one."""
        if isinstance(item, str):
            return item in self._records.index
        if isinstance(item, Place):
            return self.get(item.id) == item
        return False

    def __getitem__(self, place_id: str) -> Place:
        """The place with id ``place_id``; :class:`~twintowns.errors.UnknownPlaceId` if none.

        Ids only (``"gn:4460243"``): names go to :meth:`place`.
        """
        if not isinstance(place_id, str):
            raise InvalidTypeError(
                f"atlas[...] takes a place id (str), not {type(place_id).__name__}"
            )
        place = self.get(place_id)
        if place is None:
            raise UnknownPlaceId(place_id)
        return place

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle support (``multiprocessing`` pools, caches): an atlas pickles as its
        places, partnerships and metadata; indexes are rebuilt on use.  The bundled
        atlas pickles as a reference to the bundled data, so it unpickles as the
        receiving process's own :func:`twintowns.load()` (no data is copied)."""
        from twintowns import dataset

        if self is dataset._bundled:
            return (dataset.load, ())
        records = self._records
        return (Atlas._trusted, (records.all_places(), records.all_partnerships(), self.metadata))

    def _name_index(self) -> NameIndex:
        found = self._names
        if found is None:
            found = lazy.attribute(self, "_names", self._lock, self._build_name_index)
        return found

    def _build_name_index(self) -> NameIndex:
        records = self._records
        return NameIndex(
            records.names,
            records.place,
            self.get,
            wikidata=self._by_wikidata,
            other_names=self._extra_names,
            ties=lambda p: self._degree_of_id(p.id),
            exact=records.shipped_names,
        )

    def _by_wikidata(self, qid: str) -> Place | None:
        """The place carrying Wikidata id ``qid``, or None (index built on first use)."""
        index = self._wikidata
        if index is None:
            index = lazy.attribute(self, "_wikidata", self._lock, self._records.wikidata_index)
        i = index.get(qid)
        return None if i is None else self._records.place(i)

    def get(self, place_id: str) -> Place | None:
        """The place with id ``place_id``, or None."""
        if not isinstance(place_id, str):
            raise InvalidTypeError(
                f"a place id must be a str, not {type(place_id).__name__}: {place_id!r}"
            )
        i = self._records.index.get(place_id)
        return None if i is None else self._records.place(i)

    def resolve(self, place: Place | str) -> Place:
        """A Place of this atlas from a Place or a query (see :meth:`place`)."""
        if isinstance(place, Place):
            if self.get(place.id) != place:
                raise PlaceNotFound(place.id, [])
            return place
        return self.place(place)

    # ---------------------------------------------------------------- lookups

    def place(self, query: str, *, country: str | None = None) -> Place:
        """The one place ``query`` denotes.

        ``query`` is a name, a qualified name (``"Orange, California"``,
        ``"Orange, FR"``), an id or a Wikidata id (``"Q64"``).  Raises
        :class:`~twintowns.PlaceNotFound` (with ``.suggestions``) or
        :class:`~twintowns.AmbiguousPlace` (with ``.candidates``); see
        :mod:`twintowns.lookup` for the rules.
        """
        if isinstance(query, Place):
            return self.resolve(query)
        return self._name_index().resolve(query, country=country)

    def search(self, query: str, *, limit: int = 10) -> list[Place]:
        """Fuzzy, typo-tolerant name search, best match first."""
        return self._name_index().search(query, limit=limit)

    def partnerships_of(
        self, place: Place | str, *, status: StatusFilter = None, kind: KindFilter = None
    ) -> list[Partnership]:
        """Partnerships of ``place``, sorted by partner name; all statuses by default."""
        target = self.resolve(place)
        statuses, kinds = status_filter(status), kind_filter(kind)
        found = self._partnerships_of_id(target.id)
        if statuses is None and kinds is None:
            return list(found)
        return [
            p
            for p in found
            if (statuses is None or p.status in statuses) and (kinds is None or p.kind in kinds)
        ]

    def partners(
        self, place: Place | str, *, status: StatusFilter = None, kind: KindFilter = None
    ) -> list[Place]:
        """Partner places of ``place``, sorted by name; all statuses by default."""
        target = self.resolve(place)
        return [p.other(target) for p in self.partnerships_of(target, status=status, kind=kind)]

    def get_partnership(self, a: Place | str, b: Place | str) -> Partnership | None:
        """The partnership between ``a`` and ``b``, or None if they have none.

        ``a`` and ``b`` are Places or queries, resolved as :meth:`place` does
        (an unknown or ambiguous name raises).  :meth:`partnership` raises instead
        of returning None.
        """
        pa, pb = self.resolve(a), self.resolve(b)
        records = self._records
        i, k = records.index[pa.id], records.index[pb.id]
        if i == k:
            return None
        # pairs are canonical: the place first by id (and so by position) is ``a``
        low, high = (i, k) if i < k else (k, i)
        ends = records.columns().partnership.view("b")
        for j in self._positions_of(low):
            if ends[j] == high:
                return records.partnership(j)
        return None

    def partnership(self, a: Place | str, b: Place | str) -> Partnership:
        """The partnership between ``a`` and ``b``.

        Raises :class:`~twintowns.errors.PartnershipNotFound` (a ``LookupError``)
        when they have none, and what :meth:`place` raises for a name that is
        unknown or ambiguous; :meth:`get_partnership` returns None instead.
        """
        found = self.get_partnership(a, b)
        if found is None:
            raise PartnershipNotFound(self.resolve(a), self.resolve(b))
        return found

    def degree(self, place: Place | str) -> int:
        """Number of partnerships of ``place`` (any status)."""
        return self._degree_of_id(self.resolve(place).id)

    # ---------------------------------------------------------------- geography

    def _spatial_index(self) -> SpatialIndex:
        found = self._spatial
        if found is None:
            found = lazy.attribute(self, "_spatial", self._lock, self._build_spatial_index)
        return found

    def _build_spatial_index(self) -> SpatialIndex:
        from twintowns.spatial import SpatialIndex

        # over the coordinate columns: no Place is built until it is an answer
        return SpatialIndex._from_records(self._records)

    def nearest(
        self, point: Point, *, k: int = 1, kind: PlaceKind | str | None = None
    ) -> list[tuple[Place, float]]:
        """The ``k`` places nearest to ``point`` with their distance in km, nearest first."""
        return self._spatial_index().nearest(point, k=k, kind=kind)

    def within(self, point: Point, radius_km: float) -> list[tuple[Place, float]]:
        """Places within ``radius_km`` of ``point`` with their distance in km, nearest first."""
        return self._spatial_index().within(point, radius_km)

    def partner_distances(
        self, place: Place | str, *, unit: str | Unit = "km"
    ) -> list[tuple[Partnership, float]]:
        """Partnerships of ``place`` with the distance to each partner, nearest first."""
        from twintowns.geography import distance

        target = self.resolve(place)
        rows = [
            (p, distance(target, p.other(target), unit=unit))
            for p in self._partnerships_of_id(target.id)
        ]
        rows.sort(key=lambda row: (row[1], row[0].other(target).id))
        return rows

    # ---------------------------------------------------------------- validation

    def validate(self) -> ValidationReport:
        """Run the dataset-level integrity rules over every partnership.

        A shortcut to :func:`twintowns.agreements.validate_atlas`, imported when
        called: the atlas does not depend on the agreements layer above it."""
        from twintowns.agreements.validation import validate_atlas

        return validate_atlas(self)

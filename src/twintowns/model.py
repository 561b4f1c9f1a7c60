"""Domain objects: places, partnerships and the enums that describe them.

This module imports nothing else from twintowns: every other module depends on
it, never the other way round.  All classes are frozen, slotted ``attrs``
classes validated at construction.

>>> from twintowns.model import Place, Partnership
>>> a = Place(id="gn:1", name="Orange", country="US", subdivision="US-CA",
...           kind="city", latitude=33.79, longitude=-117.85,
...           timezone="America/Los_Angeles", continent="NA")
>>> b = Place(id="gn:2", name="Orange", country="FR", subdivision=None,
...           kind="city", latitude=44.14, longitude=4.81,
...           timezone="Europe/Paris", continent="EU")
>>> p = Partnership(a=b, b=a, established="1981")
>>> p.a.id, p.other(a).country, str(p.established), p.status.value
('gn:1', 'FR', '1981', 'active')
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import enum
import functools
import math
import re
import zoneinfo
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from twintowns.errors import InvalidTypeError, InvalidValueError

__all__ = [
    "LIST_SEPARATOR",
    "WIKIDATA_ID",
    "Continent",
    "DatePrecision",
    "PartialDate",
    "Partnership",
    "PartnershipKind",
    "Place",
    "PlaceKind",
    "Status",
    "StatusBasis",
]

#: Separator of list-valued fields (aliases, sources, urls) in the CSV schema;
#: it may not occur inside an item.
LIST_SEPARATOR = "|"

_MAX_TEXT = 500
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: A lone (unpaired) surrogate: no UTF-8 writer can encode it.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ID = re.compile(r"^[a-z][a-z0-9_-]*:[^\s|,\x00-\x1f\x7f-\x9f\ud800-\udfff]{1,200}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
#: A Wikidata item id: ``"Q64"``.
WIKIDATA_ID = re.compile(r"Q[1-9][0-9]{0,11}")
_SUBDIVISION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class _StrEnum(enum.StrEnum):
    """A string enum whose ``str()`` is its value."""

    def __str__(self) -> str:
        return str(self.value)


class PlaceKind(_StrEnum):
    """What kind of community a place is."""

    CITY = "city"
    """A city, town or village."""
    DISTRICT = "district"
    """A district, borough or quarter of a larger city."""
    COUNTY = "county"
    """A county, municipality or other second-level area."""
    REGION = "region"
    """A state, province, region or other first-level area."""
    COMMUNITY = "community"
    """Several adjoining settlements that act as one partner."""


class PartnershipKind(_StrEnum):
    """The formal kind of tie.  "Twin town" and "sister city" are the same thing."""

    SISTER = "sister"
    FRIENDSHIP = "friendship"
    PARTNER = "partner"
    """A partnership, cooperation or "friendship pact" weaker than a twinning."""


class Status(_StrEnum):
    """Where a partnership stands today."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    ENDED = "ended"
    PROPOSED = "proposed"
    """Declared intent, not (yet) a partnership."""


class StatusBasis(_StrEnum):
    """What a partnership's ``status`` rests on (see docs/data.md, "Status and as-of dates")."""

    LISTED = "listed"
    """A source lists the tie (as of :attr:`Partnership.as_of`) and none states its status:
    ``active`` then means "listed, no end known", not "confirmed active"."""
    CONFIRMED = "confirmed"
    """A curated fact states the status, from a page consulted on a known date."""


class Continent(_StrEnum):
    """Continents as two-letter codes (GeoNames' convention)."""

    AF = "AF"
    AN = "AN"
    AS = "AS"
    EU = "EU"
    NA = "NA"
    OC = "OC"
    SA = "SA"

    @property
    def label(self) -> str:
        """English name, e.g. ``"North America"``."""
        return _CONTINENT_NAMES[self.value]


_CONTINENT_NAMES = {
    "AF": "Africa",
    "AN": "Antarctica",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "OC": "Oceania",
    "SA": "South America",
}


class DatePrecision(_StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


# --------------------------------------------------------------------------
# validation helpers


def check_text(value: object, what: str, *, allow_empty: bool = False) -> str:
    """Return ``value`` if it is acceptable free text, else raise naming it."""
    if not isinstance(value, str):
        raise InvalidTypeError(f"{what} must be a str, not {type(value).__name__}: {value!r}")
    if not allow_empty and not value.strip():
        raise InvalidValueError(f"{what} must not be empty or blank: {value!r}")
    if value != value.strip():
        raise InvalidValueError(f"{what} has leading or trailing whitespace: {value!r}")
    if len(value) > _MAX_TEXT:
        raise InvalidValueError(f"{what} is longer than {_MAX_TEXT} characters: {value[:40]!r}…")
    if _CONTROL.search(value):
        raise InvalidValueError(f"{what} contains control characters: {value!r}")
    if _SURROGATE.search(value):
        raise InvalidValueError(
            f"{what} contains a lone surrogate (not valid Unicode text): {value!r}"
        )
    return value


_Validator = Callable[[Any, Any, Any], None]


def _text(what: str, *, allow_empty: bool = False) -> _Validator:
    def validator(_inst: object, _attr: object, value: object) -> None:
        check_text(value, what, allow_empty=allow_empty)

    return validator


def _to_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v for v in value.split(LIST_SEPARATOR) if v) if value else ()
    return tuple(value)


def _check_items(what: str) -> _Validator:
    def validator(_inst: object, _attr: object, value: tuple[str, ...]) -> None:
        for item in value:
            check_text(item, f"{what} item")
            if LIST_SEPARATOR in item:
                raise InvalidValueError(f"{what} item may not contain {LIST_SEPARATOR!r}: {item!r}")

    return validator


def check_coordinate(value: object, what: str, limit: float) -> float:
    """Return ``value`` as a float if it is a finite number in ``[-limit, limit]``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidTypeError(f"{what} must be a number, not {type(value).__name__}: {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an int beyond float's range
        raise InvalidValueError(
            f"{what} must be within [-{limit:g}, {limit:g}]: {value!r}"
        ) from None
    if not math.isfinite(number):
        raise InvalidValueError(f"{what} must be finite: {value!r}")
    if not -limit <= number <= limit:
        raise InvalidValueError(f"{what} must be within [-{limit:g}, {limit:g}]: {value!r}")
    return number


def _float(value: Any) -> float:
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise InvalidValueError(f"not a number: {value!r}") from None
    return value  # type: ignore[no-any-return]  # checked by the validator


@functools.lru_cache(maxsize=4096)
def valid_timezone(key: str) -> bool:
    """Is ``key`` an IANA time zone known to ``zoneinfo`` (with ``tzdata``)?"""
    try:
        zoneinfo.ZoneInfo(key)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


# --------------------------------------------------------------------------
# dates


@attrs.frozen(order=False)
class PartialDate:
    """A calendar date known to a year, a month or a day.

    >>> d = PartialDate.parse("1962-02")
    >>> d.precision.value, str(d), d.as_date()
    ('month', '1962-02', datetime.date(1962, 2, 1))
    >>> PartialDate.parse("1962") < PartialDate.parse("1962-02-05")
    True

    Equality is by value among PartialDates: a PartialDate never equals a
    ``datetime.date`` (compare ``PartialDate.from_date(day)`` or ``.as_date()``),
    and ordering it against anything but a PartialDate raises ``TypeError``.
    See :meth:`sort_key` for sorting with unknown dates.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __attrs_post_init__(self) -> None:
        for name in ("year", "month", "day"):
            v = getattr(self, name)
            if (v is not None or name == "year") and (
                isinstance(v, bool) or not isinstance(v, int)
            ):
                raise InvalidTypeError(f"{name} must be an int: {v!r}")
        if not 1 <= self.year <= 9999:
            raise InvalidValueError(f"year out of range: {self.year!r}")
        if self.month is None and self.day is not None:
            raise InvalidValueError(f"a day needs a month: {self!r}")
        if self.month is not None:
            _dt.date(self.year, self.month, self.day or 1)  # raises ValueError naming the bad part

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
        if not isinstance(text, str):
            raise InvalidTypeError(f"a date must be a str like '1962-02-05', not {text!r}")
        m = _PARTIAL_DATE.match(text)
        if not m:
            raise InvalidValueError(f"invalid date {text!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
        y, mo, d = m.groups()
        try:
            return cls(int(y), int(mo) if mo else None, int(d) if d else None)
        except ValueError as exc:
            raise InvalidValueError(f"invalid date {text!r}: {exc}") from None

    @classmethod
    def from_date(cls, value: _dt.date) -> PartialDate:
        """The day ``value`` (a ``datetime.date``; a ``datetime`` is refused)."""
        if isinstance(value, _dt.datetime):
            raise InvalidTypeError(f"expected a date, not a datetime: {value!r}")
        return cls(value.year, value.month, value.day)

    @classmethod
    def coerce(cls, value: PartialDate | _dt.date | str) -> PartialDate:
        """A PartialDate from a PartialDate, a ``datetime.date`` or ISO text.

        >>> PartialDate.coerce("1991"), PartialDate.coerce(_dt.date(2022, 3, 28))
        (PartialDate(year=1991, month=None, day=None), PartialDate(year=2022, month=3, day=28))
        """
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, str):
            return cls.parse(value)
        if isinstance(value, _dt.date):
            return cls.from_date(value)
        raise InvalidTypeError(f"a date must be a PartialDate, datetime.date or str, not {value!r}")

    @property
    def precision(self) -> DatePrecision:
        if self.day is not None:
            return DatePrecision.DAY
        if self.month is not None:
            return DatePrecision.MONTH
        return DatePrecision.YEAR

    def as_date(self) -> _dt.date:
        """The first day the partial date can denote."""
        return _dt.date(self.year, self.month or 1, self.day or 1)

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    @staticmethod
    def sort_key(value: PartialDate | None) -> tuple[int, int, int, int]:
        """A sort key for optional partial dates: by date, unknown (None) last.

        PartialDates are totally ordered among themselves (a year before its
        months, a month before its days), but ``None`` and ``datetime.date``
        do not compare with them (``TypeError``).  To sort partnerships by
        date established with the unknown ones last:

        >>> dates = [PartialDate.parse("1991"), None, PartialDate.parse("1962-02")]
        >>> [str(d) for d in sorted(dates, key=PartialDate.sort_key)]
        ['1962-02', '1991', 'None']

        (``sorted(partnerships, key=lambda p: PartialDate.sort_key(p.established))``.)
        """
        if value is None:
            return (1, 0, 0, 0)
        if not isinstance(value, PartialDate):
            raise InvalidTypeError(f"expected a PartialDate or None, not {value!r}")
        return (0, *value._key())

    def _other_key(self, other: object) -> tuple[int, int, int]:
        if isinstance(other, PartialDate):
            return other._key()
        raise InvalidTypeError(
            f"a PartialDate compares only with PartialDates, not {type(other).__name__}: "
            f"{other!r} (use PartialDate.coerce(value), or .as_date() to compare days)"
        )

    def __lt__(self, other: PartialDate) -> bool:
        return self._key() < self._other_key(other)

    def __le__(self, other: PartialDate) -> bool:
        return self._key() <= self._other_key(other)

    def __gt__(self, other: PartialDate) -> bool:
        return self._key() > self._other_key(other)

    def __ge__(self, other: PartialDate) -> bool:
        return self._key() >= self._other_key(other)

    def certainly_before(self, other: PartialDate) -> bool:
        """Is this date certainly earlier than ``other``, compared at their common precision?

        Unlike ``<`` (a year sorts before its months), a date is not certainly
        before another that it may contain:

        >>> PartialDate.parse("2020").certainly_before(PartialDate.parse("2020-05"))
        False
        >>> PartialDate.parse("2019-12").certainly_before(PartialDate.parse("2020"))
        True
        """
        mine, theirs = self._key(), self._other_key(other)
        n = 1  # the parts both dates know: the year, then the month, then the day
        while n < 3 and mine[n] and theirs[n]:
            n += 1
        return mine[:n] < theirs[:n]

    def __str__(self) -> str:
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
        if self.day is not None:
            out += f"-{self.day:02d}"
        return out


def _to_partial_date(value: Any) -> PartialDate | None:
    """The converter of date fields: "" (an empty CSV cell) and None mean unknown."""
    if value is None or value == "":
        return None
    if isinstance(value, PartialDate | str | _dt.date):
        return PartialDate.coerce(value)
    return value  # type: ignore[no-any-return]  # the validator names the field


def _optional_date(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, PartialDate):
        raise InvalidTypeError(
            f"{attribute.name} must be a PartialDate, date or str, not {value!r}"
        )


# --------------------------------------------------------------------------
# places


def _check_id(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, str):
        raise InvalidTypeError(f"place id must be a str, not {type(value).__name__}: {value!r}")
    if not _ID.match(value):
        raise InvalidValueError(
            f"invalid place id {value!r}: expected 'prefix:key' such as 'gn:4460243'"
        )


def _check_country(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, str) or not _COUNTRY.match(value):
        raise InvalidValueError(
            f"country must be an ISO 3166-1 alpha-2 code such as 'US': {value!r}"
        )


_E = TypeVar("_E", bound=enum.Enum)


def _enum(cls: type[_E], value: object) -> _E:
    """The model's one enum converter: a member of ``cls``, or its exact value."""
    if isinstance(value, cls):
        return value
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in cls)
        raise InvalidValueError(
            f"invalid {cls.__name__} {value!r}: expected one of {allowed}"
        ) from None


def _place_kind(value: Any) -> PlaceKind:
    return _enum(PlaceKind, value)


def _continent(value: Any) -> Continent:
    return _enum(Continent, value)


def _partnership_kind(value: Any) -> PartnershipKind:
    return _enum(PartnershipKind, value)


def _status(value: Any) -> Status:
    return _enum(Status, value)


def _status_basis(value: Any) -> StatusBasis:
    return _enum(StatusBasis, value)


def _optional_subdivision(value: Any) -> str | None:
    return None if value == "" else value


def _optional_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            raise InvalidValueError(f"population must be an integer: {value!r}") from None
    return value  # type: ignore[no-any-return]  # checked by the validator


def _check_subdivision(inst: object, _attr: object, sub: Any) -> None:
    if sub is None:
        return
    if not isinstance(sub, str) or not _SUBDIVISION.match(sub):
        raise InvalidValueError(f"subdivision must be an ISO 3166-2 code such as 'US-NC': {sub!r}")
    country = getattr(inst, "country", None)
    if not sub.startswith(f"{country}-") and country != "XK":
        raise InvalidValueError(f"subdivision {sub!r} is not in country {country!r}")


def _check_timezone(_inst: object, _attr: object, value: Any) -> None:
    if not isinstance(value, str) or not valid_timezone(value):
        raise InvalidValueError(f"unknown IANA time zone: {value!r}")


#: Largest population a place may have (above the world's: a bound, not a fact).
MAX_POPULATION = 10**10


def _check_population(_inst: object, _attr: object, pop: Any) -> None:
    if pop is not None and (isinstance(pop, bool) or not isinstance(pop, int) or pop < 0):
        raise InvalidValueError(f"population must be a non-negative int or None: {pop!r}")
    if pop is not None and pop > MAX_POPULATION:
        raise InvalidValueError(f"population must be at most {MAX_POPULATION:,}: {pop!r}")


def _optional_wikidata(value: Any) -> str | None:
    return None if value == "" else value


def _check_wikidata(_inst: object, _attr: object, value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not WIKIDATA_ID.fullmatch(value)):
        raise InvalidValueError(
            f"wikidata must be a Wikidata item id such as 'Q64', or None: {value!r}"
        )


@attrs.frozen(cache_hash=True)
class Place:
    """A community that can hold partnerships: a city, district, county or region.

    ``id`` is stable: ``gn:<geonameid>`` for GeoNames places, ``iso:<code>``
    for ISO 3166-2 subdivisions, ``tt:<key>`` for places of our own.
    ``wikidata`` is the place's Wikidata item (``"Q64"``), when the data
    build could match one with evidence, else None.
    """

    id: str = attrs.field(validator=_check_id)
    name: str = attrs.field(validator=_text("name"))
    country: str = attrs.field(validator=_check_country)
    subdivision: str | None = attrs.field(
        default=None, converter=_optional_subdivision, validator=_check_subdivision
    )
    kind: PlaceKind = attrs.field(default=PlaceKind.CITY, converter=_place_kind)
    latitude: float = attrs.field(
        default=0.0,
        converter=_float,
        validator=lambda _i, _a, v: check_coordinate(v, "latitude", 90),
    )
    longitude: float = attrs.field(
        default=0.0,
        converter=_float,
        validator=lambda _i, _a, v: check_coordinate(v, "longitude", 180),
    )
    timezone: str = attrs.field(default="UTC", validator=_check_timezone)
    population: int | None = attrs.field(
        default=None, converter=_optional_int, validator=_check_population
    )
    continent: Continent = attrs.field(default=Continent.EU, converter=_continent)
    aliases: tuple[str, ...] = attrs.field(
        default=(), converter=_to_tuple, validator=_check_items("alias")
    )
    ascii_name: str = attrs.field(default="", validator=_text("ascii_name", allow_empty=True))
    resolution: str = attrs.field(
        default="", validator=_text("resolution", allow_empty=True), eq=False
    )
    wikidata: str | None = attrs.field(
        default=None, converter=_optional_wikidata, validator=_check_wikidata
    )

    def __attrs_post_init__(self) -> None:
        # coordinates are validated numbers; store them as floats
        object.__setattr__(self, "latitude", float(self.latitude))
        object.__setattr__(self, "longitude", float(self.longitude))

    @property
    def label(self) -> str:
        """Human label: ``"Charlotte, US-NC, US"``."""
        parts = [self.name]
        if self.subdivision:
            parts.append(self.subdivision)
        parts.append(self.country)
        return ", ".join(parts)

    @property
    def coordinates(self) -> tuple[float, float]:
        """``(latitude, longitude)`` in degrees."""
        return (self.latitude, self.longitude)

    def __str__(self) -> str:
        return self.label


# --------------------------------------------------------------------------
# partnerships


def _to_frozenset(value: Any) -> frozenset[str]:
    return frozenset(_to_tuple(value))


class _Deferrable:
    """A slot for the record store of a partnership built with its ``claimed_by`` and
    ``sources`` left unset: ``store.deferred_lists(partnership)`` gives both on first
    read (those two lists held most of a record's memory and are seldom read)."""

    __slots__ = ("_deferred",)


_DEFERRED = ("claimed_by", "sources")


@attrs.frozen(cache_hash=True)
class Partnership(_Deferrable):
    """A tie between two places, stored in canonical order (``a.id < b.id``).

    ``claimed_by`` holds the ids of the places whose own list names the
    other; ``reciprocal`` is true when both do.  ``sources`` are references to
    the source rows behind the record; ``urls`` document curated facts.

    ``as_of`` is the newest date at which a source is known to list the tie
    (the snapshot date of a bulk source, or the day a curated fact's page was
    consulted), ``None`` when unknown; ``status_basis`` tells a status a source
    merely implies by listing the tie (:attr:`StatusBasis.LISTED`) from one a
    dated curated fact states (:attr:`StatusBasis.CONFIRMED`, which needs
    ``as_of``).
    """

    a: Place
    b: Place
    kind: PartnershipKind = attrs.field(default=PartnershipKind.SISTER, converter=_partnership_kind)
    status: Status = attrs.field(default=Status.ACTIVE, converter=_status)
    established: PartialDate | None = attrs.field(
        default=None, converter=_to_partial_date, validator=_optional_date
    )
    ended: PartialDate | None = attrs.field(
        default=None, converter=_to_partial_date, validator=_optional_date
    )
    note: str = attrs.field(default="", validator=_text("note", allow_empty=True))
    claimed_by: frozenset[str] = attrs.field(default=frozenset(), converter=_to_frozenset)
    sources: tuple[str, ...] = attrs.field(
        default=(), converter=_to_tuple, validator=_check_items("source")
    )
    urls: tuple[str, ...] = attrs.field(
        default=(), converter=_to_tuple, validator=_check_items("url")
    )
    as_of: PartialDate | None = attrs.field(
        default=None, converter=_to_partial_date, validator=_optional_date
    )
    status_basis: StatusBasis = attrs.field(default=StatusBasis.LISTED, converter=_status_basis)

    def __attrs_post_init__(self) -> None:
        if self.status_basis is StatusBasis.CONFIRMED and self.as_of is None:
            raise InvalidValueError(
                "a confirmed status needs as_of, the date of the source that confirms it"
            )
        for side in ("a", "b"):
            if not isinstance(getattr(self, side), Place):
                raise InvalidTypeError(f"{side} must be a Place, not {getattr(self, side)!r}")
        if self.a.id == self.b.id:
            raise InvalidValueError(f"a place cannot partner itself: {self.a.id!r}")
        if self.a.id > self.b.id:
            a, b = self.b, self.a
            object.__setattr__(self, "a", a)
            object.__setattr__(self, "b", b)
        stray = self.claimed_by - {self.a.id, self.b.id}
        if stray:
            raise InvalidValueError(
                f"claimed_by names places outside the partnership: {sorted(stray)!r}"
            )

    if not TYPE_CHECKING:  # a type checker knows every attribute: no catch-all for it

        def __getattr__(self, name: str) -> Any:
            """``claimed_by`` or ``sources`` of a record a store built with both unset:
            filled from the store (once), then read like any attribute."""
            if name in _DEFERRED:
                try:
                    store = object.__getattribute__(self, "_deferred")
                except AttributeError:  # another thread filled them meanwhile, or none
                    return object.__getattribute__(self, name)
                claimed_by, sources = store.deferred_lists(self)
                self._settle(claimed_by, sources)
                return claimed_by if name == "claimed_by" else sources
            message = f"{type(self).__name__!r} object has no attribute {name!r}"
            raise AttributeError(message, name=name, obj=self)

    def _settle(self, claimed_by: frozenset[str], sources: tuple[str, ...]) -> None:
        """Give a record built with its lists deferred both lists, and let its store go
        (values a store read from the record's own line: no conversion, no check)."""
        object.__setattr__(self, "claimed_by", claimed_by)
        object.__setattr__(self, "sources", sources)
        with contextlib.suppress(AttributeError):  # another thread let it go first
            object.__delattr__(self, "_deferred")

    @property
    def places(self) -> tuple[Place, Place]:
        return (self.a, self.b)

    @property
    def ids(self) -> tuple[str, str]:
        return (self.a.id, self.b.id)

    @property
    def confirmed(self) -> bool:
        """True when a dated curated source states the status (``status_basis``)."""
        return self.status_basis is StatusBasis.CONFIRMED

    @property
    def reciprocal(self) -> bool:
        """True when each side's own list names the other."""
        return len(self.claimed_by) == 2

    def involves(self, place: Place | str) -> bool:
        pid = place if isinstance(place, str) else place.id
        return pid in (self.a.id, self.b.id)

    def other(self, place: Place | str) -> Place:
        """The partner of ``place`` (a Place or an id).

        Raises ``ValueError`` if ``place`` is not part of this partnership.
        """
        pid = place if isinstance(place, str) else getattr(place, "id", None)
        if pid == self.a.id:
            return self.b
        if pid == self.b.id:
            return self.a
        raise InvalidValueError(
            f"{place!r} is not part of the partnership {self.a.id} – {self.b.id}"
        )

    def __str__(self) -> str:
        return f"{self.a.label} – {self.b.label} ({self.kind.value}, {self.status.value})"

    def __repr__(self) -> str:
        """Short: the two places (label and id), kind, status and dates; not every field.

        >>> a = Place(id="gn:1", name="Lyon", country="FR")
        >>> b = Place(id="gn:2", name="Turin", country="IT")
        >>> Partnership(a, b, established="1958")
        <Partnership Lyon, FR (gn:1) – Turin, IT (gn:2): sister, active, established 1958>
        >>> Partnership(a, b, status="ended", ended="2001-05")
        <Partnership Lyon, FR (gn:1) – Turin, IT (gn:2): sister, ended 2001-05>
        """
        status = self.status.value
        if self.ended is not None:
            status += f" {self.ended}"
        if self.established is not None:
            status += f", established {self.established}"
        return (
            f"<Partnership {self.a.label} ({self.a.id}) – {self.b.label} ({self.b.id}): "
            f"{self.kind.value}, {status}>"
        )

"""The agreement model: who signed what, when, with whose approval and money.

An :class:`Agreement` describes one formal agreement between two communities
(its *parties*).  It can be checked against a
:class:`~twintowns.agreements.rules.Policy` (see :mod:`twintowns.agreements.policies`)
with :func:`twintowns.validate`, read from a TOML or JSON file with
:meth:`Agreement.from_file` and written back losslessly with :meth:`Agreement.write`
(the file format: :mod:`twintowns.agreements.codec`).

>>> from decimal import Decimal
>>> from twintowns.agreements import Agreement, Party, Signatory, Donation
>>> deal = Agreement(
...     parties=[
...         Party("Charlotte, North Carolina",
...               signatories=[Signatory("Vi Lyles", "Mayor", highest_official=True)]),
...         Party("Arequipa, PE",
...               signatories=[Signatory("Víctor Hugo Rivera", "Alcalde", highest_official=True)]),
...     ],
...     kind="sister",
...     signed="2023-11-14",
...     donations=[Donation(Decimal("50000.00"), "usd", donor="Friends of Arequipa")],
... )
>>> deal.kind.value, str(deal.signed), deal.donations[0].currency
('sister', '2023-11-14', 'USD')
>>> Agreement.from_toml(deal.to_toml()) == deal
True

Every field is checked when an object is built, by attrs validators and
converters; a wrong type raises :class:`~twintowns.errors.InvalidTypeError`
and a wrong value :class:`~twintowns.errors.InvalidValueError`, each naming
the field.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import pycountry
from attrs import validators as v

from twintowns.errors import InvalidTypeError, InvalidValueError, TwinTownsError
from twintowns.model import PartialDate, PartnershipKind, Place, Status, check_text

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = [
    "Agreement",
    "Approval",
    "CitizenInvolvement",
    "Donation",
    "Money",
    "Party",
    "Proposal",
    "Signatory",
]

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")
_Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


# --------------------------------------------------------------------------
# converters and validators


def to_enum(cls: type[E], value: object, aliases: Mapping[str, str] | None = None) -> E:
    """``value`` as a member of ``cls``: a member, or its value in any case (or an alias).

    The one enum converter of the agreement model:

    >>> to_enum(PartnershipKind, " Twin ", {"twin": "sister"})
    <PartnershipKind.SISTER: 'sister'>
    """
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        key = value.strip().lower()
        key = (aliases or {}).get(key, key)
        try:
            return cls(key)
        except ValueError:
            pass
    allowed = ", ".join(str(m.value) for m in cls)
    raise InvalidValueError(f"invalid {cls.__name__} {value!r}: expected one of {allowed}")


def _checked(*checks: _Validator) -> _Validator:
    """attrs validators run in order (``and_``), their failures raised as twintowns
    errors naming the field: ``exclusive must be a bool, not 'yes'``."""
    check = v.and_(*checks)

    def run(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        try:
            check(inst, attribute, value)
        except TwinTownsError:
            raise
        except TypeError as exc:
            # attrs' instance_of: args are (message, attribute, expected type(s), value)
            if len(exc.args) != 4:  # pragma: no cover - every type check here is instance_of
                raise InvalidTypeError(f"{attribute.name}: {exc}") from None
            expected, got = exc.args[2], exc.args[3]
            types = expected if isinstance(expected, tuple) else (expected,)
            names = " or ".join(t.__name__ for t in types)
            raise InvalidTypeError(f"{attribute.name} must be a {names}, not {got!r}") from None

    return run


def _text(what: str, *, allow_empty: bool = False) -> _Validator:
    def validator(_inst: object, _attr: object, value: object) -> None:
        check_text(value, what, allow_empty=allow_empty)

    return validator


def _count(_inst: object, attribute: attrs.Attribute[Any], value: int) -> None:
    """After ``instance_of(int)``: not a bool, not negative."""
    if isinstance(value, bool):
        raise InvalidTypeError(f"{attribute.name} must be an int, not {value!r}")
    if value < 0:
        raise InvalidValueError(f"{attribute.name} must not be negative: {value!r}")


_BOOL = _checked(v.instance_of(bool))
_COUNT = _checked(v.instance_of(int), _count)


def _date(value: PartialDate | _dt.date | str | None) -> PartialDate | None:
    """Dates of agreements: None means not given; "" is an error (unlike in CSV cells)."""
    return None if value is None else PartialDate.coerce(value)


def _decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, bool):
        raise InvalidTypeError(f"an amount must be a Decimal, int or str, not {value!r}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except decimal.InvalidOperation:
            raise InvalidValueError(f"not a decimal number: {value!r}") from None
    elif isinstance(value, float):
        raise InvalidTypeError(
            "an amount must be exact: pass a str or Decimal such as '50000.00', "
            f"not the float {value!r}"
        )
    else:
        raise InvalidTypeError(f"an amount must be a Decimal, int or str, not {value!r}")
    if not number.is_finite():
        raise InvalidValueError(f"an amount must be finite: {value!r}")
    if number < 0:
        raise InvalidValueError(f"an amount must not be negative: {value!r}")
    if abs(number.adjusted()) > 30:
        raise InvalidValueError(f"an amount must be between 1e-30 and 1e30: {value!r}")
    return number


def _currency(value: str) -> str:
    if not isinstance(value, str):
        raise InvalidTypeError(f"a currency must be an ISO 4217 code such as 'USD', not {value!r}")
    code = value.strip().upper()
    if len(code) != 3 or not code.isascii() or pycountry.currencies.get(alpha_3=code) is None:
        raise InvalidValueError(f"unknown ISO 4217 currency code: {value!r}")
    return code


def _tuple(value: Iterable[T] | None, what: str) -> tuple[T, ...]:
    """A sequence (not a str or mapping) as a tuple; None as ``()``.  Its items are
    checked by the field's validator."""
    if value is None:
        return ()
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidTypeError(f"{what} must be a sequence, not {value!r}")
    return tuple(value)


_KIND_ALIASES = {"cooperation": "partner", "twin": "sister"}


def _kind(value: PartnershipKind | str) -> PartnershipKind:
    return to_enum(PartnershipKind, value, _KIND_ALIASES)


def _status(value: Status | str) -> Status:
    return to_enum(Status, value)


# --------------------------------------------------------------------------
# parts


@attrs.frozen
class Money:
    """An exact amount of money in an ISO 4217 currency.

    >>> Money("12000.50", "eur")
    Money(amount=Decimal('12000.50'), currency='EUR')
    """

    amount: Decimal = attrs.field(converter=_decimal)
    currency: str = attrs.field(converter=_currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


@attrs.frozen
class Donation:
    """A pledged donation: an exact ``amount`` in ``currency``, from ``donor``."""

    amount: Decimal = attrs.field(converter=_decimal)
    currency: str = attrs.field(converter=_currency)
    donor: str = attrs.field(default="", validator=_text("donor", allow_empty=True))

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)


@attrs.frozen
class Signatory:
    """Someone who signed for one party.

    ``highest_official`` says whether they are their community's highest
    official (the mayor, say); ``elected`` is false when that official is
    appointed because the community holds no elections.
    """

    name: str = attrs.field(validator=_text("signatory name"))
    office: str = attrs.field(validator=_text("signatory office"))
    highest_official: bool = attrs.field(default=False, validator=_BOOL)
    elected: bool = attrs.field(default=True, validator=_BOOL)


@attrs.frozen
class Approval:
    """A formal approval of the agreement by one party's council."""

    body: str = attrs.field(validator=_text("approval body"))
    date: PartialDate | None = attrs.field(default=None, converter=_date)
    resolution: str = attrs.field(
        default="", validator=_text("approval resolution", allow_empty=True)
    )


@attrs.frozen
class CitizenInvolvement:
    """The citizens behind the partnership: a committee and its volunteers."""

    committee: str = attrs.field(default="", validator=_text("committee", allow_empty=True))
    volunteers: int = attrs.field(default=0, validator=_COUNT)


def _supporters(value: Iterable[str] | None) -> tuple[str, ...]:
    return _tuple(value, "supporters")


@attrs.frozen
class Proposal:
    """A proposal to the council: a community-support list and a first-year budget."""

    supporters: tuple[str, ...] = attrs.field(
        default=(), converter=_supporters, validator=v.deep_iterable(_text("supporters item"))
    )
    budget: Money | None = attrs.field(
        default=None, validator=_checked(v.optional(v.instance_of(Money)))
    )


def _check_place(_inst: object, _attr: object, value: Any) -> None:
    if isinstance(value, Place):
        return
    if isinstance(value, str):
        check_text(value, "party place query")
        return
    raise InvalidTypeError(f"a party's place must be a Place or a query str, not {value!r}")


def _signatories(value: Iterable[Signatory] | None) -> tuple[Signatory, ...]:
    return _tuple(value, "signatories")


@attrs.frozen
class Party:
    """One side of an agreement: a place (a :class:`~twintowns.Place`, or a
    query such as ``"Charlotte, North Carolina"`` or ``"gn:4460243"`` that an
    Atlas resolves), its signatories and its council's approval."""

    place: Place | str = attrs.field(validator=_check_place)
    signatories: tuple[Signatory, ...] = attrs.field(
        default=(),
        converter=_signatories,
        validator=_checked(v.deep_iterable(v.instance_of(Signatory))),
    )
    approval: Approval | None = attrs.field(
        default=None, validator=_checked(v.optional(v.instance_of(Approval)))
    )

    @property
    def label(self) -> str:
        """The place's label, or the query as given."""
        return self.place.label if isinstance(self.place, Place) else self.place


def _parties(value: Iterable[Party | Place | str]) -> tuple[Party, Party]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidTypeError(f"parties must be a sequence of two parties, not {value!r}")
    out: list[Party] = []
    item: object
    for item in value:
        if isinstance(item, Party):
            out.append(item)
        elif isinstance(item, Place | str):
            out.append(Party(item))
        else:
            raise InvalidTypeError(f"a party must be a Party, Place or query str, not {item!r}")
    if len(out) != 2:
        raise InvalidValueError(f"an agreement has exactly two parties, not {len(out)}")
    return (out[0], out[1])


def _donations(value: Iterable[Donation] | None) -> tuple[Donation, ...]:
    return _tuple(value, "donations")


@attrs.frozen
class Agreement:
    """A formal agreement between two communities.  See the module docstring
    for the fields and :mod:`twintowns.agreements.codec` for the file format.

    ``parties[0]`` is the *home* community — the one whose procedure a policy
    such as :func:`twintowns.agreements.policies.charlotte` describes.
    """

    parties: tuple[Party, Party] = attrs.field(converter=_parties)
    kind: PartnershipKind = attrs.field(default=PartnershipKind.SISTER, converter=_kind)
    status: Status = attrs.field(default=Status.ACTIVE, converter=_status)
    signed: PartialDate | None = attrs.field(default=None, converter=_date)
    ended: PartialDate | None = attrs.field(default=None, converter=_date)
    title: str = attrs.field(default="", validator=_text("title", allow_empty=True))
    exclusive: bool = attrs.field(default=False, validator=_BOOL)
    citizen_involvement: CitizenInvolvement | None = attrs.field(
        default=None, validator=_checked(v.optional(v.instance_of(CitizenInvolvement)))
    )
    donations: tuple[Donation, ...] = attrs.field(
        default=(),
        converter=_donations,
        validator=_checked(v.deep_iterable(v.instance_of(Donation))),
    )
    proposal: Proposal | None = attrs.field(
        default=None, validator=_checked(v.optional(v.instance_of(Proposal)))
    )
    note: str = attrs.field(default="", validator=_text("note", allow_empty=True))

    # ------------------------------------------------------------------ helpers

    @property
    def home(self) -> Party:
        """The first party: the community whose procedure a policy describes."""
        return self.parties[0]

    @property
    def partner(self) -> Party:
        """The second party."""
        return self.parties[1]

    def resolve(self, atlas: Atlas) -> Agreement:
        """This agreement with every query-string place replaced by the Place
        ``atlas`` resolves it to (raises :class:`~twintowns.PlaceNotFound` or
        :class:`~twintowns.AmbiguousPlace`)."""
        parties = [
            p if isinstance(p.place, Place) else attrs.evolve(p, place=atlas.place(p.place))
            for p in self.parties
        ]
        return attrs.evolve(self, parties=parties)

    # ------------------------------------------------ files (twintowns.agreements.codec)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict in the file format (optional empty values omitted)."""
        from twintowns.agreements import document

        return document.to_dict(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The agreement as JSON text (see :mod:`twintowns.agreements.codec` for the format)."""
        from twintowns.agreements import codec

        return codec.to_json(self, indent=indent)

    def to_toml(self) -> str:
        """The agreement as TOML text (see :mod:`twintowns.agreements.codec` for the format)."""
        from twintowns.agreements import codec

        return codec.to_toml(self)

    def write(self, path: str | Path) -> Path:
        """Write the agreement to ``path`` as TOML (``.toml``) or JSON (``.json``)."""
        from twintowns.agreements import codec

        return codec.write(self, path)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Agreement:
        """Build an agreement from a mapping in the file format.

        Raises :class:`~twintowns.agreements.AgreementError` naming the offending field.
        """
        from twintowns.agreements import document

        return document.from_dict(data)

    @classmethod
    def from_toml(cls, text: str, *, file: str | None = None) -> Agreement:
        """Parse TOML text; errors name the field and its line and column."""
        from twintowns.agreements import codec

        return codec.from_toml(text, file=file)

    @classmethod
    def from_json(cls, text: str, *, file: str | None = None) -> Agreement:
        """Parse JSON text; errors name the field and its line and column."""
        from twintowns.agreements import codec

        return codec.from_json(text, file=file)

    @classmethod
    def from_file(cls, path: str | Path, *, format: str | None = None) -> Agreement:
        """Read an agreement from a ``.toml`` or ``.json`` file (or pass ``format=``).

        Every problem with the content raises
        :class:`~twintowns.agreements.AgreementError` naming the field and, where
        it can be found, the line and column.  A file that cannot be opened
        raises ``OSError`` as usual.
        """
        from twintowns.agreements import codec

        return codec.from_file(path, format=format)

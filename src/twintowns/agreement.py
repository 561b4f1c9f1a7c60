"""Partnership agreements: who signed what, when, with whose approval and money.

An :class:`Agreement` describes one formal agreement between two communities
(its *parties*).  It can be checked against a :class:`~twintowns.rules.Policy`
(see :mod:`twintowns.policies`) with :func:`twintowns.validate`, read from a TOML or JSON file with
:meth:`Agreement.from_file` and written back losslessly with
:meth:`Agreement.write`.

>>> from decimal import Decimal
>>> from twintowns.agreement import Agreement, Party, Signatory, Donation
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

File format
-----------

The same structure is written as TOML (``.toml``) or JSON (``.json``).  Keys
(``?`` marks optional ones; omitted optional keys take their default):

.. code-block:: toml

    title = "Sister City Agreement"   # ? free text, default ""
    kind = "sister"                    # ? sister | friendship | partner (alias "cooperation")
    status = "active"                  # ? active | suspended | ended | proposed
    signed = "2023-11-14"              # ? YYYY, YYYY-MM or YYYY-MM-DD (a TOML date works too)
    ended = "2030"                     # ? same forms
    exclusive = false                  # ? declared mutual exclusivity; default false
    note = ""                          # ? free text

    [[parties]]                        # exactly two; the first is the *home* community,
    place = "Charlotte, North Carolina"  # the one whose procedure a policy describes.
                                       # ``place`` is a query or place id resolved through an
                                       # Atlas, or a table with the Place's fields (see below)
    [parties.approval]                 # ? the council's approval of this party
    body = "Charlotte City Council"    #   who approved
    date = "2023-10-23"                # ? when
    resolution = "Resolution 2023-117" # ? identifier of the resolution; default ""

    [[parties.signatories]]            # ? zero or more
    name = "Vi Lyles"
    office = "Mayor"
    highest_official = true            # ? is this the community's highest official; default false
    elected = true                     # ? elected (true) or appointed where there are no
                                       #   elections (false); default true

    [[parties]]
    [parties.place]                    # a full Place instead of a query:
    id = "gn:3947322"                  # id, name, country are required; subdivision, kind,
    name = "Arequipa"                  # latitude, longitude, timezone, population,
    country = "PE"                     # continent, aliases (list), ascii_name, resolution
    latitude = -16.39889               # are optional, as in twintowns.Place
    longitude = -71.535
    timezone = "America/Lima"
    continent = "SA"

    [citizen_involvement]              # ?
    committee = "Charlotte-Arequipa Sister City Committee"  # ? default ""
    volunteers = 25                    # ? default 0

    [[donations]]                      # ? zero or more pledges
    amount = "50000.00"                # a decimal number *as a string* (exact); ints accepted
    currency = "USD"                   # ISO 4217 code
    donor = "Friends of Arequipa"      # ? default ""

    [proposal]                         # ? a proposal to the council (Redwood City's rules)
    supporters = ["Rotary Club", "Sequoia High School"]   # ? community-support list
    [proposal.budget]                  # ? first-year budget
    amount = "12000"
    currency = "USD"

JSON uses the same names and nesting (``"parties": [{"place": ..., "approval": {...},
"signatories": [...]}, ...]``); ``null`` is accepted for an omitted optional value.
Unknown keys are errors, so a misspelt key is never silently ignored.

Every problem in a file is raised as :class:`AgreementError`, naming the field
(``parties[1].signatories[0].highest_official``) and, where it can be found,
the line and column in the file.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import math
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pycountry

from twintowns.errors import InvalidTypeError, InvalidValueError, TwinTownsError
from twintowns.model import (
    PartialDate,
    PartnershipKind,
    Place,
    Status,
    check_text,
)
from twintowns.schema import PLACE_COLUMNS

if TYPE_CHECKING:
    from twintowns.atlas import Atlas

__all__ = [
    "Agreement",
    "AgreementError",
    "Approval",
    "CitizenInvolvement",
    "Donation",
    "Money",
    "Party",
    "Proposal",
    "Signatory",
]


class AgreementError(TwinTownsError, ValueError):
    """An agreement file or mapping is malformed.

    ``.field`` is the dotted path of the offending field (``"donations[0].amount"``,
    or ``None`` when the whole document is at fault), ``.file`` the file (or None),
    ``.line``/``.column`` the 1-based position in the file when known, and
    ``.reason`` the bare explanation.
    """

    def __init__(
        self,
        reason: str,
        *,
        field: str | None = None,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.reason = reason
        self.field = field
        self.file = file
        self.line = line
        self.column = column
        where = []
        if file is not None:
            where.append(file)
        if line is not None:
            where.append(f"line {line}" + (f", column {column}" if column is not None else ""))
        if field is not None:
            where.append(f"field {field!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {reason}" if prefix else reason)


# --------------------------------------------------------------------------
# converters and validators


def _enum_value(cls: type[Any], aliases: Mapping[str, str] | None = None) -> Any:
    def convert(value: object) -> object:
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

    return convert


def _date(value: PartialDate | _dt.date | str | None) -> PartialDate | None:
    """Dates of agreements: None means not given; "" is an error (unlike in CSV cells)."""
    return None if value is None else PartialDate.coerce(value)


def _text(what: str, *, allow_empty: bool = False) -> Any:
    def validator(_inst: object, _attr: object, value: object) -> None:
        check_text(value, what, allow_empty=allow_empty)

    return validator


def _bool(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidTypeError(f"{attribute.name} must be a bool, not {value!r}")


def _count(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidTypeError(f"{attribute.name} must be an int, not {value!r}")
    if value < 0:
        raise InvalidValueError(f"{attribute.name} must not be negative: {value!r}")


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


def _tuple_of(cls: type[Any], what: str) -> Any:
    def convert(value: object) -> tuple[Any, ...]:
        if value is None:
            return ()
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise InvalidTypeError(f"{what} must be a sequence of {cls.__name__}, not {value!r}")
        items = tuple(value)
        for item in items:
            if not isinstance(item, cls):
                raise InvalidTypeError(f"{what} must hold {cls.__name__} objects, not {item!r}")
        return items

    return convert


def _strings(what: str) -> Any:
    def convert(value: object) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise InvalidTypeError(f"{what} must be a sequence of str, not {value!r}")
        items = tuple(value)
        for item in items:
            check_text(item, f"{what} item")
        return items

    return convert


_KIND_ALIASES = {"cooperation": "partner", "twin": "sister"}
_to_kind = _enum_value(PartnershipKind, _KIND_ALIASES)
_to_status = _enum_value(Status)


def _kind(value: PartnershipKind | str) -> PartnershipKind:
    return _to_kind(value)  # type: ignore[no-any-return]


def _status(value: Status | str) -> Status:
    return _to_status(value)  # type: ignore[no-any-return]


def _optional(cls: type[Any], what: str) -> Any:
    def validator(_inst: object, _attr: object, value: object) -> None:
        if value is not None and not isinstance(value, cls):
            raise InvalidTypeError(f"{what} must be a {cls.__name__} or None, not {value!r}")

    return validator


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
    highest_official: bool = attrs.field(default=False, validator=_bool)
    elected: bool = attrs.field(default=True, validator=_bool)


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
    volunteers: int = attrs.field(default=0, validator=_count)


_to_supporters = _strings("supporters")


def _supporters(value: Iterable[str]) -> tuple[str, ...]:
    return _to_supporters(value)  # type: ignore[no-any-return]


@attrs.frozen
class Proposal:
    """A proposal to the council: a community-support list and a first-year budget."""

    supporters: tuple[str, ...] = attrs.field(default=(), converter=_supporters)
    budget: Money | None = attrs.field(default=None, validator=_optional(Money, "budget"))


def _check_place(_inst: object, _attr: object, value: Any) -> None:
    if isinstance(value, Place):
        return
    if isinstance(value, str):
        check_text(value, "party place query")
        return
    raise InvalidTypeError(f"a party's place must be a Place or a query str, not {value!r}")


_to_signatories = _tuple_of(Signatory, "signatories")


def _signatories(value: Iterable[Signatory]) -> tuple[Signatory, ...]:
    return _to_signatories(value)  # type: ignore[no-any-return]


@attrs.frozen
class Party:
    """One side of an agreement: a place (a :class:`~twintowns.Place`, or a
    query such as ``"Charlotte, North Carolina"`` or ``"gn:4460243"`` that an
    Atlas resolves), its signatories and its council's approval."""

    place: Place | str = attrs.field(validator=_check_place)
    signatories: tuple[Signatory, ...] = attrs.field(default=(), converter=_signatories)
    approval: Approval | None = attrs.field(default=None, validator=_optional(Approval, "approval"))

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


_to_donations = _tuple_of(Donation, "donations")


def _donations(value: Iterable[Donation]) -> tuple[Donation, ...]:
    return _to_donations(value)  # type: ignore[no-any-return]


@attrs.frozen
class Agreement:
    """A formal agreement between two communities.  See the module docstring
    for the fields and the file format.

    ``parties[0]`` is the *home* community — the one whose procedure a policy
    such as :func:`twintowns.policies.charlotte` describes.
    """

    parties: tuple[Party, Party] = attrs.field(converter=_parties)
    kind: PartnershipKind = attrs.field(default=PartnershipKind.SISTER, converter=_kind)
    status: Status = attrs.field(default=Status.ACTIVE, converter=_status)
    signed: PartialDate | None = attrs.field(default=None, converter=_date)
    ended: PartialDate | None = attrs.field(default=None, converter=_date)
    title: str = attrs.field(default="", validator=_text("title", allow_empty=True))
    exclusive: bool = attrs.field(default=False, validator=_bool)
    citizen_involvement: CitizenInvolvement | None = attrs.field(
        default=None, validator=_optional(CitizenInvolvement, "citizen_involvement")
    )
    donations: tuple[Donation, ...] = attrs.field(default=(), converter=_donations)
    proposal: Proposal | None = attrs.field(default=None, validator=_optional(Proposal, "proposal"))
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

    # ------------------------------------------------------------------ to data

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict in the file format (optional empty values omitted)."""
        out: dict[str, Any] = {}
        if self.title:
            out["title"] = self.title
        out["kind"] = self.kind.value
        out["status"] = self.status.value
        if self.signed is not None:
            out["signed"] = str(self.signed)
        if self.ended is not None:
            out["ended"] = str(self.ended)
        out["exclusive"] = self.exclusive
        if self.note:
            out["note"] = self.note
        out["parties"] = [_party_dict(p) for p in self.parties]
        if self.citizen_involvement is not None:
            ci = self.citizen_involvement
            out["citizen_involvement"] = {"committee": ci.committee, "volunteers": ci.volunteers}
        if self.donations:
            out["donations"] = [_donation_dict(d) for d in self.donations]
        if self.proposal is not None:
            prop: dict[str, Any] = {"supporters": list(self.proposal.supporters)}
            if self.proposal.budget is not None:
                prop["budget"] = _money_dict(self.proposal.budget)
            out["proposal"] = prop
        return out

    def to_json(self, *, indent: int | None = 2) -> str:
        """The agreement as JSON text (see the module docstring for the format)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False) + "\n"

    def to_toml(self) -> str:
        """The agreement as TOML text (see the module docstring for the format)."""
        return _write_toml(self.to_dict())

    def write(self, path: str | Path) -> Path:
        """Write the agreement to ``path`` as TOML (``.toml``) or JSON (``.json``)."""
        target = Path(path)
        fmt = _format_of(target, None)
        text = self.to_toml() if fmt == "toml" else self.to_json()
        target.write_text(text, encoding="utf-8")
        return target

    # ------------------------------------------------------------------ from data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Agreement:
        """Build an agreement from a mapping in the file format.

        Raises :class:`AgreementError` naming the offending field.
        """
        return _build(data)

    @classmethod
    def from_toml(cls, text: str, *, file: str | None = None) -> Agreement:
        """Parse TOML text; errors name the field and its line and column."""
        if not isinstance(text, str):
            raise InvalidTypeError(f"TOML text must be a str, not {type(text).__name__}: {text!r}")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line, column = _toml_error_position(str(exc))
            raise AgreementError(
                f"invalid TOML: {_strip_position(str(exc))}", file=file, line=line, column=column
            ) from None
        except (RecursionError, ValueError) as exc:
            raise AgreementError(f"invalid TOML: {_short(exc)}", file=file) from None
        try:
            return _build(data)
        except AgreementError as exc:
            line, column = _toml_locate(text, exc.field)
            raise AgreementError(
                exc.reason, field=exc.field, file=file, line=line, column=column
            ) from None

    @classmethod
    def from_json(cls, text: str, *, file: str | None = None) -> Agreement:
        """Parse JSON text; errors name the field and its line and column."""
        if not isinstance(text, str):
            raise InvalidTypeError(f"JSON text must be a str, not {type(text).__name__}: {text!r}")
        try:
            data = json.loads(text, parse_constant=_reject)
        except json.JSONDecodeError as exc:
            raise AgreementError(
                f"invalid JSON: {exc.msg}", file=file, line=exc.lineno, column=exc.colno
            ) from None
        except (RecursionError, ValueError) as exc:
            raise AgreementError(f"invalid JSON: {_short(exc)}", file=file) from None
        if not isinstance(data, dict):
            raise AgreementError("the document must be a JSON object", file=file, line=1, column=1)
        try:
            return _build(data)
        except AgreementError as exc:
            line, column = _json_locate(text, exc.field)
            raise AgreementError(
                exc.reason, field=exc.field, file=file, line=line, column=column
            ) from None

    @classmethod
    def from_file(cls, path: str | Path, *, format: str | None = None) -> Agreement:
        """Read an agreement from a ``.toml`` or ``.json`` file (or pass ``format=``).

        Every problem with the content raises :class:`AgreementError` naming
        the field and, where it can be found, the line and column.  A file that
        cannot be opened raises ``OSError`` as usual.
        """
        if not isinstance(path, str | os.PathLike):
            raise InvalidTypeError(
                f"path must be a str or Path, not {type(path).__name__}: {path!r}"
            )
        source = Path(path)
        try:
            fmt = _format_of(source, format)
        except ValueError as exc:
            raise AgreementError(str(exc), file=str(source)) from None
        raw = source.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise AgreementError(
                f"not UTF-8 text (byte {exc.start}): {exc.reason}", file=str(source)
            ) from None
        if text.startswith("\ufeff"):
            text = text[1:]
        if fmt == "toml":
            return cls.from_toml(text, file=str(source))
        return cls.from_json(text, file=str(source))


# --------------------------------------------------------------------------
# serialisation helpers


def _money_dict(m: Money) -> dict[str, Any]:
    return {"amount": str(m.amount), "currency": m.currency}


def _donation_dict(d: Donation) -> dict[str, Any]:
    out: dict[str, Any] = {"amount": str(d.amount), "currency": d.currency}
    if d.donor:
        out["donor"] = d.donor
    return out


# a place embedded in an agreement file has the bundled schema's place columns
_PLACE_FIELDS = PLACE_COLUMNS


def _place_dict(place: Place) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _PLACE_FIELDS:
        value = getattr(place, name)
        if value is None or (name in ("ascii_name", "resolution") and value == ""):
            continue
        if name == "aliases":
            if value:
                out[name] = list(value)
            continue
        out[name] = value.value if hasattr(value, "value") else value
    return out


def _party_dict(party: Party) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["place"] = party.place if isinstance(party.place, str) else _place_dict(party.place)
    if party.approval is not None:
        ap = party.approval
        approval: dict[str, Any] = {"body": ap.body}
        if ap.date is not None:
            approval["date"] = str(ap.date)
        if ap.resolution:
            approval["resolution"] = ap.resolution
        out["approval"] = approval
    if party.signatories:
        out["signatories"] = [
            {
                "name": s.name,
                "office": s.office,
                "highest_official": s.highest_official,
                "elected": s.elected,
            }
            for s in party.signatories
        ]
    return out


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt is not None and not isinstance(fmt, str):
        raise InvalidTypeError(f"format must be 'toml' or 'json', not {fmt!r}")
    value = (fmt or path.suffix.lstrip(".")).lower()
    if value not in ("toml", "json"):
        raise InvalidValueError(
            f"cannot tell the format of {str(path)!r}: use a .toml or .json suffix or pass format="
        )
    return value


# ---- TOML writing ----------------------------------------------------------

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _toml_string(value: str) -> str:
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_string(key)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidValueError(f"cannot write a non-finite number: {value!r}")
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise InvalidTypeError(f"cannot write {value!r} as a TOML value")


def _write_table(lines: list[str], header: str | None, table: Mapping[str, Any]) -> None:
    """Write scalars of ``table`` under ``header``, then its sub-tables."""
    scalars = [
        (k, v)
        for k, v in table.items()
        if not isinstance(v, dict) and not (isinstance(v, list) and v and isinstance(v[0], dict))
    ]
    if header is not None:
        if lines:
            lines.append("")
        lines.append(header)
    for key, value in scalars:
        lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    prefix = header.strip("[]") + "." if header is not None else ""
    for key, value in table.items():
        path = prefix + _toml_key(key)
        if isinstance(value, dict):
            _write_table(lines, f"[{path}]", value)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                _write_table(lines, f"[[{path}]]", item)


def _write_toml(data: Mapping[str, Any]) -> str:
    lines: list[str] = []
    _write_table(lines, None, data)
    return "\n".join(lines) + "\n"


# ---- reading ---------------------------------------------------------------


def _reject(text: str) -> float:
    raise InvalidValueError(f"{text} is not allowed in an agreement")


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 200 else text[:200] + "…"


class _Reader:
    """Checks a mapping against a set of allowed keys, naming fields on error."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise AgreementError(
                f"expected a table/object, not {_typename(data)}", field=path or None
            )
        self.data = data
        self.path = path
        self.used: set[str] = set()

    def field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, default: Any = None) -> Any:
        self.used.add(key)
        value = self.data.get(key, default)
        return default if value is None else value

    def require(self, key: str) -> Any:
        self.used.add(key)
        if self.data.get(key) is None:
            raise AgreementError(f"missing required key {key!r}", field=self.field(key))
        return self.data[key]

    def finish(self) -> None:
        extra = [k for k in self.data if k not in self.used]
        if extra:
            key = extra[0]
            raise AgreementError(
                f"unknown key {key!r} (allowed: {', '.join(sorted(self.used))})",
                field=self.field(str(key)),
            )


def _typename(value: object) -> str:
    return {
        dict: "a table",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a float",
    }.get(type(value), type(value).__name__)


def _convert(field: str, func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``func``, turning TypeError/ValueError into an AgreementError on ``field``."""
    try:
        return func(*args, **kwargs)
    except AgreementError:
        raise
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise AgreementError(_short(exc), field=field) from None


def _want(value: Any, kind: type | tuple[type, ...], field: str, what: str) -> Any:
    if isinstance(value, bool) and kind is not bool and bool not in _as_tuple(kind):
        raise AgreementError(f"expected {what}, not {_typename(value)} {value!r}", field=field)
    if not isinstance(value, kind):
        raise AgreementError(f"expected {what}, not {_typename(value)} {value!r}", field=field)
    return value


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _date_value(value: Any, field: str) -> Any:
    if value is None:
        return None
    if isinstance(value, _dt.datetime | _dt.time) or not isinstance(value, str | _dt.date):
        raise AgreementError(
            f"expected a date like '1962-02-05', not {_typename(value)} {value!r}", field=field
        )
    return _convert(field, _date, value)


def _amount_value(value: Any, field: str) -> Any:
    if isinstance(value, float):
        raise AgreementError(
            f'write amounts as strings to keep them exact (e.g. "{value}"), '
            f"not the float {value!r}",
            field=field,
        )
    _want(value, (str, int), field, "a decimal amount as a string")
    return _convert(field, _decimal, value)


def _list(value: Any, field: str) -> list[Any]:
    return list(_want(value, list, field, "an array"))


def _read_money(data: Any, path: str) -> Money:
    r = _Reader(data, path)
    amount = _amount_value(r.require("amount"), r.field("amount"))
    currency = _want(r.require("currency"), str, r.field("currency"), "a currency code string")
    currency = _convert(r.field("currency"), _currency, currency)
    r.finish()
    return Money(amount, currency)


#: Words in Place's error messages and the field they concern, most specific first.
_PLACE_ERROR_FIELDS = (
    ("place id", "id"),
    ("time zone", "timezone"),
    ("PlaceKind", "kind"),
    ("Continent", "continent"),
    ("subdivision", "subdivision"),
    ("ascii_name", "ascii_name"),
    ("resolution", "resolution"),
    ("alias", "aliases"),
    *((name, name) for name in ("latitude", "longitude", "population", "country", "name")),
)


def _read_place(data: Any, path: str) -> Place | str:
    if isinstance(data, str):
        _convert(path, check_text, data, "party place query")
        return data
    r = _Reader(data, path)
    kwargs: dict[str, Any] = {}
    for name in _PLACE_FIELDS:
        value = r.require(name) if name in ("id", "name", "country") else r.get(name)
        if value is None:
            continue
        f = r.field(name)
        if name in ("latitude", "longitude"):
            _want(value, (int, float), f, "a number")
        elif name == "population":
            _want(value, int, f, "an integer")
        elif name == "aliases":
            value = _list(value, f)
            for i, item in enumerate(value):
                _want(item, str, f"{f}[{i}]", "a string")
            value = tuple(value)
        else:
            _want(value, str, f, "a string")
        kwargs[name] = value
    r.finish()
    try:
        return Place(**kwargs)
    except (TypeError, ValueError) as exc:
        message = _short(exc)
        bad = next((f for word, f in _PLACE_ERROR_FIELDS if word in message), None)
        raise AgreementError(message, field=f"{path}.{bad}" if bad else path) from None


def _read_party(data: Any, path: str) -> Party:
    r = _Reader(data, path)
    place = _read_place(r.require("place"), r.field("place"))
    approval = None
    raw_approval = r.get("approval")
    if raw_approval is not None:
        a = _Reader(raw_approval, r.field("approval"))
        body = _want(a.require("body"), str, a.field("body"), "a string")
        _convert(a.field("body"), check_text, body, "approval body")
        date = _date_value(a.get("date"), a.field("date"))
        resolution = _want(a.get("resolution", ""), str, a.field("resolution"), "a string")
        _convert(a.field("resolution"), check_text, resolution, "resolution", allow_empty=True)
        a.finish()
        approval = Approval(body, date, resolution)
    signatories = []
    for i, raw in enumerate(_list(r.get("signatories", []), r.field("signatories"))):
        s = _Reader(raw, f"{r.field('signatories')}[{i}]")
        name = _want(s.require("name"), str, s.field("name"), "a string")
        _convert(s.field("name"), check_text, name, "signatory name")
        office = _want(s.require("office"), str, s.field("office"), "a string")
        _convert(s.field("office"), check_text, office, "signatory office")
        highest = _want(
            s.get("highest_official", False), bool, s.field("highest_official"), "true or false"
        )
        elected = _want(s.get("elected", True), bool, s.field("elected"), "true or false")
        s.finish()
        signatories.append(Signatory(name, office, highest, elected))
    r.finish()
    return Party(place, signatories=signatories, approval=approval)


def _read_text(r: _Reader, key: str, what: str) -> str:
    value = _want(r.get(key, ""), str, r.field(key), "a string")
    _convert(r.field(key), check_text, value, what, allow_empty=True)
    return str(value)


def _build(data: Any) -> Agreement:
    r = _Reader(data, "")
    kwargs: dict[str, Any] = {}
    kwargs["title"] = _read_text(r, "title", "title")
    kwargs["note"] = _read_text(r, "note", "note")
    for key, cls, aliases in (
        ("kind", PartnershipKind, _KIND_ALIASES),
        ("status", Status, None),
    ):
        raw = r.get(key)
        if raw is not None:
            _want(raw, str, key, "a string")
            kwargs[key] = _convert(key, _enum_value(cls, aliases), raw)
    kwargs["signed"] = _date_value(r.get("signed"), "signed")
    kwargs["ended"] = _date_value(r.get("ended"), "ended")
    kwargs["exclusive"] = _want(r.get("exclusive", False), bool, "exclusive", "true or false")
    raw_parties = _list(r.require("parties"), "parties")
    if len(raw_parties) != 2:
        raise AgreementError(
            f"an agreement has exactly two parties, not {len(raw_parties)}", field="parties"
        )
    kwargs["parties"] = [_read_party(p, f"parties[{i}]") for i, p in enumerate(raw_parties)]
    raw_ci = r.get("citizen_involvement")
    if raw_ci is not None:
        c = _Reader(raw_ci, "citizen_involvement")
        committee = _read_text(c, "committee", "committee")
        volunteers = _want(c.get("volunteers", 0), int, c.field("volunteers"), "an integer")
        if volunteers < 0:
            raise AgreementError(
                f"must not be negative: {volunteers!r}", field=c.field("volunteers")
            )
        c.finish()
        kwargs["citizen_involvement"] = CitizenInvolvement(committee, volunteers)
    donations = []
    for i, raw in enumerate(_list(r.get("donations", []), "donations")):
        d = _Reader(raw, f"donations[{i}]")
        amount = _amount_value(d.require("amount"), d.field("amount"))
        currency = _want(d.require("currency"), str, d.field("currency"), "a currency code")
        currency = _convert(d.field("currency"), _currency, currency)
        donor = _read_text(d, "donor", "donor")
        d.finish()
        donations.append(Donation(amount, currency, donor))
    kwargs["donations"] = donations
    raw_prop = r.get("proposal")
    if raw_prop is not None:
        p = _Reader(raw_prop, "proposal")
        supporters = _list(p.get("supporters", []), p.field("supporters"))
        for i, item in enumerate(supporters):
            f = f"{p.field('supporters')}[{i}]"
            _want(item, str, f, "a string")
            _convert(f, check_text, item, "supporter")
        raw_budget = p.get("budget")
        budget = None if raw_budget is None else _read_money(raw_budget, p.field("budget"))
        p.finish()
        kwargs["proposal"] = Proposal(tuple(supporters), budget)
    r.finish()
    agreement: Agreement = _convert("", Agreement, **kwargs)
    return agreement


# ---- positions ---------------------------------------------------------------

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_END = re.compile(r"\(at end of document\)")


def _toml_error_position(message: str) -> tuple[int | None, int | None]:
    m = _TOML_POSITION.search(message)
    if m:
        return int(m.group(1)), int(m.group(2))
    return None, None


def _strip_position(message: str) -> str:
    return _TOML_POSITION.sub("", message).strip()


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)


def _split_key(text: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", text)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def _toml_positions(text: str) -> dict[str, tuple[int, int]]:
    """Map field paths (``parties[1].signatories[0].name``) to (line, column).

    A line-based scan good for files written by hand or by :meth:`Agreement.to_toml`:
    table headers, arrays of tables and (dotted) keys at the start of a line.
    """
    positions: dict[str, tuple[int, int]] = {}
    counts: dict[str, int] = {}
    current = ""
    in_multiline = False
    # TOML lines end at LF (or CRLF) only: str.splitlines would also break at U+0085,
    # U+2028 and the like, which TOML allows in comments and strings
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if in_multiline:
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                in_multiline = False
            continue
        header = _HEADER.match(line)
        if header:
            parts = _split_key(header.group(2))
            path = ""
            for i, part in enumerate(parts):
                path = f"{path}.{part}" if path else part
                last = i == len(parts) - 1
                if last and header.group(1) == "[[":
                    counts[path] = counts.get(path, -1) + 1
                    path = f"{path}[{counts[path]}]"
                elif not last and path in counts:
                    path = f"{path}[{counts[path]}]"
            current = path
            positions.setdefault(current, (number, line.index("[") + 1))
            continue
        key = _KEY.match(line)
        if key:
            name = ".".join(_split_key(key.group(1)))
            path = f"{current}.{name}" if current else name
            positions.setdefault(path, (number, len(line) - len(line.lstrip()) + 1))
            rest = line[key.end() :]
            if rest.count('"""') % 2 == 1 or rest.count("'''") % 2 == 1:
                in_multiline = True
    return positions


def _locate(
    positions: Mapping[str, tuple[int, int]], field: str | None
) -> tuple[int | None, int | None]:
    if not field:
        return None, None
    path = field
    while path:
        if path in positions:
            return positions[path]
        # drop the last component: ".name" or "[3]"
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None, None


def _toml_locate(text: str, field: str | None) -> tuple[int | None, int | None]:
    try:
        return _locate(_toml_positions(text), field)
    except (ValueError, IndexError):  # pragma: no cover - the scan is best effort
        return None, None


def _json_positions(text: str) -> dict[str, tuple[int, int]]:
    """Map field paths to (line, column) of their key (or array item) in valid JSON text."""
    decoder = json.JSONDecoder()
    positions: dict[str, int] = {}
    ws = re.compile(r"[ \t\n\r]*")

    def skip(i: int) -> int:
        m = ws.match(text, i)
        return m.end() if m else i

    def value(i: int, path: str) -> int:
        i = skip(i)
        if text.startswith("{", i):
            i = skip(i + 1)
            if text.startswith("}", i):
                return i + 1
            while True:
                start = i
                key, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
                sub = f"{path}.{key}" if path else key
                positions.setdefault(sub, start)
                i = skip(i)
                i = value(i + 1, sub)  # skip ':'
                i = skip(i)
                if text.startswith(",", i):
                    i = skip(i + 1)
                    continue
                return i + 1  # '}'
        if text.startswith("[", i):
            i = skip(i + 1)
            if text.startswith("]", i):
                return i + 1
            index = 0
            while True:
                sub = f"{path}[{index}]"
                positions.setdefault(sub, i)
                i = skip(value(i, sub))
                index += 1
                if text.startswith(",", i):
                    i = skip(i + 1)
                    continue
                return i + 1  # ']'
        _obj, end = decoder.raw_decode(text, i)
        return int(end)

    value(0, "")
    out: dict[str, tuple[int, int]] = {}
    for path, offset in positions.items():
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        out[path] = (line, column)
    return out


def _json_locate(text: str, field: str | None) -> tuple[int | None, int | None]:
    try:
        return _locate(_json_positions(text), field)
    except (ValueError, IndexError, RecursionError):  # pragma: no cover - best effort
        return None, None

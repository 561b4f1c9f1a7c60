"""Agreements as plain data: the dict form of the file format, read and written.

:func:`to_dict` turns an :class:`~twintowns.agreements.Agreement` into the
JSON-compatible dict that :mod:`twintowns.agreements.codec` writes as TOML or
JSON; :func:`from_dict` builds one back, checking the document's structure
(tables, arrays, required and unknown keys) and, for every field, the model's
own attrs converter and validators, so that an :class:`AgreementError` names the
field that is wrong (``parties[1].signatories[0].highest_official``).

>>> deal = from_dict({"parties": [{"place": "Charlotte"}, {"place": "Arequipa"}], "kind": "twin"})
>>> deal.kind, to_dict(deal)["parties"]
(<PartnershipKind.SISTER: 'sister'>, [{'place': 'Charlotte'}, {'place': 'Arequipa'}])
>>> from_dict({"parties": [{"place": "Charlotte"}, {"place": "Arequipa"}], "exclusive": 1})
Traceback (most recent call last):
...
twintowns.agreements.document.AgreementError: field 'exclusive': exclusive must be a bool, not 1
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import attrs

from twintowns.agreements.model import (
    Agreement,
    Approval,
    CitizenInvolvement,
    Donation,
    Money,
    Party,
    Proposal,
    Signatory,
)
from twintowns.errors import TwinTownsError
from twintowns.model import Place
from twintowns.schema import PLACE_COLUMNS

__all__ = ["AgreementError", "error_text", "from_dict", "to_dict"]

T = TypeVar("T")


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
# writing


def to_dict(agreement: Agreement) -> dict[str, Any]:
    """A JSON-compatible dict in the file format (optional empty values omitted)."""
    out: dict[str, Any] = {}
    if agreement.title:
        out["title"] = agreement.title
    out["kind"] = agreement.kind.value
    out["status"] = agreement.status.value
    if agreement.signed is not None:
        out["signed"] = str(agreement.signed)
    if agreement.ended is not None:
        out["ended"] = str(agreement.ended)
    out["exclusive"] = agreement.exclusive
    if agreement.note:
        out["note"] = agreement.note
    out["parties"] = [_party_dict(p) for p in agreement.parties]
    if agreement.citizen_involvement is not None:
        ci = agreement.citizen_involvement
        out["citizen_involvement"] = {"committee": ci.committee, "volunteers": ci.volunteers}
    if agreement.donations:
        out["donations"] = [_donation_dict(d) for d in agreement.donations]
    if agreement.proposal is not None:
        prop: dict[str, Any] = {"supporters": list(agreement.proposal.supporters)}
        if agreement.proposal.budget is not None:
            prop["budget"] = _money_dict(agreement.proposal.budget)
        out["proposal"] = prop
    return out


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


# --------------------------------------------------------------------------
# reading


def from_dict(data: Mapping[str, Any]) -> Agreement:
    """Build an agreement from a mapping in the file format.

    Raises :class:`AgreementError` naming the offending field.
    """
    return _build(data)


def error_text(exc: BaseException) -> str:
    """The message of ``exc``, cut to 200 characters."""
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


def _want(value: Any, kind: type | tuple[type, ...], field: str, what: str) -> Any:
    """``value`` if it is a ``kind`` (never a bool unless ``kind`` is bool), else an
    AgreementError on ``field``: for what the file format asks beyond the model."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        raise AgreementError(f"expected {what}, not {_typename(value)} {value!r}", field=field)
    return value


def _check_fields(cls: Callable[..., object], path: str, **kwargs: Any) -> None:
    """Run the attrs converter and validators of ``cls`` over ``kwargs`` one field at a
    time, so that an error names its field (``path.name``) and its place in the file."""
    converted = types.SimpleNamespace()  # earlier fields, for validators that look at them
    for attribute in attrs.fields(cast(Any, cls)):
        if attribute.name not in kwargs:
            continue
        field = f"{path}.{attribute.name}" if path else attribute.name
        value = kwargs[attribute.name]
        try:
            if attribute.converter is not None:
                value = attribute.converter(value)
            setattr(converted, attribute.name, value)
            if attribute.validator is not None:
                attribute.validator(converted, attribute, value)
        except (TypeError, ValueError, ArithmeticError) as exc:
            if isinstance(value, tuple):  # name the item of a sequence that is wrong
                field = next(
                    (
                        f"{field}[{i}]"
                        for i, item in enumerate(value)
                        if not _valid(attribute, item)
                    ),
                    field,
                )
            raise AgreementError(error_text(exc), field=field) from None


def _valid(attribute: attrs.Attribute[Any], item: object) -> bool:
    """Does the field's validator accept a sequence holding only ``item``?"""
    try:
        if attribute.validator is not None:
            attribute.validator(None, attribute, (item,))
    except (TypeError, ValueError, ArithmeticError):
        return False
    return True


def _make(cls: Callable[..., T], path: str, **kwargs: Any) -> T:
    """``cls(**kwargs)``, its fields checked first by :func:`_check_fields`."""
    _check_fields(cls, path, **kwargs)
    try:
        return cls(**kwargs)
    except (TypeError, ValueError, ArithmeticError) as exc:  # pragma: no cover - checked above
        raise AgreementError(error_text(exc), field=path or None) from None


def _amount(value: Any, field: str) -> Any:
    if isinstance(value, float):
        raise AgreementError(
            f'write amounts as strings to keep them exact (e.g. "{value}"), '
            f"not the float {value!r}",
            field=field,
        )
    return value


def _list(value: Any, field: str) -> list[Any]:
    return list(_want(value, list, field, "an array"))


def _read_money(data: Any, path: str) -> Money:
    r = _Reader(data, path)
    amount = _amount(r.require("amount"), r.field("amount"))
    money = _make(Money, path, amount=amount, currency=r.require("currency"))
    r.finish()
    return money


#: Fields of an embedded place that a file must give as numbers: the Place model
#: also takes the text of a CSV cell ("12.5"), a file does not.
_PLACE_NUMBERS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "latitude": ((int, float), "a number"),
    "longitude": ((int, float), "a number"),
    "population": (int, "an integer"),
}


def _read_place(data: Any, path: str) -> Place | str:
    if isinstance(data, str):
        return data  # a query, checked by Party
    r = _Reader(data, path)
    kwargs: dict[str, Any] = {}
    for name in _PLACE_FIELDS:
        value = r.require(name) if name in ("id", "name", "country") else r.get(name)
        if value is None:
            continue
        if name in _PLACE_NUMBERS:
            kind, what = _PLACE_NUMBERS[name]
            _want(value, kind, r.field(name), what)
        elif name == "aliases":
            value = tuple(_list(value, r.field(name)))
        kwargs[name] = value
    r.finish()
    return _make(Place, path, **kwargs)


def _read_party(data: Any, path: str) -> Party:
    r = _Reader(data, path)
    place = _read_place(r.require("place"), r.field("place"))
    approval = None
    raw_approval = r.get("approval")
    if raw_approval is not None:
        a = _Reader(raw_approval, r.field("approval"))
        approval = _make(
            Approval,
            a.path,
            body=a.require("body"),
            date=a.get("date"),
            resolution=a.get("resolution", ""),
        )
        a.finish()
    signatories = []
    for i, raw in enumerate(_list(r.get("signatories", []), r.field("signatories"))):
        s = _Reader(raw, f"{r.field('signatories')}[{i}]")
        signatory = _make(
            Signatory,
            s.path,
            name=s.require("name"),
            office=s.require("office"),
            highest_official=s.get("highest_official", False),
            elected=s.get("elected", True),
        )
        s.finish()
        signatories.append(signatory)
    r.finish()
    return _make(Party, path, place=place, signatories=signatories, approval=approval)


def _build(data: Any) -> Agreement:
    r = _Reader(data, "")
    kwargs: dict[str, Any] = {}
    for key in ("title", "note"):
        kwargs[key] = r.get(key, "")
    for key in ("kind", "status", "signed", "ended"):
        if r.get(key) is not None:
            kwargs[key] = r.get(key)
    kwargs["exclusive"] = r.get("exclusive", False)
    _check_fields(Agreement, "", **kwargs)  # the document's own fields before its parties
    raw_parties = _list(r.require("parties"), "parties")
    if len(raw_parties) != 2:  # before reading them: the count is the first thing wrong
        raise AgreementError(
            f"an agreement has exactly two parties, not {len(raw_parties)}", field="parties"
        )
    kwargs["parties"] = [_read_party(p, f"parties[{i}]") for i, p in enumerate(raw_parties)]
    raw_ci = r.get("citizen_involvement")
    if raw_ci is not None:
        c = _Reader(raw_ci, "citizen_involvement")
        kwargs["citizen_involvement"] = _make(
            CitizenInvolvement,
            c.path,
            committee=c.get("committee", ""),
            volunteers=c.get("volunteers", 0),
        )
        c.finish()
    donations = []
    for i, raw in enumerate(_list(r.get("donations", []), "donations")):
        d = _Reader(raw, f"donations[{i}]")
        amount = _amount(d.require("amount"), d.field("amount"))
        donation = _make(
            Donation,
            d.path,
            amount=amount,
            currency=d.require("currency"),
            donor=d.get("donor", ""),
        )
        d.finish()
        donations.append(donation)
    kwargs["donations"] = donations
    raw_prop = r.get("proposal")
    if raw_prop is not None:
        p = _Reader(raw_prop, "proposal")
        supporters = _list(p.get("supporters", []), p.field("supporters"))
        raw_budget = p.get("budget")
        budget = None if raw_budget is None else _read_money(raw_budget, p.field("budget"))
        kwargs["proposal"] = _make(Proposal, p.path, supporters=supporters, budget=budget)
        p.finish()
    r.finish()
    return _make(Agreement, "", **kwargs)

"""Agreement files: TOML and JSON, read with positions and written losslessly.

:meth:`Agreement.from_file <twintowns.agreements.Agreement.from_file>` and
:meth:`Agreement.write <twintowns.agreements.Agreement.write>` call the
functions here; so do ``to_toml``/``from_toml``, ``to_json``/``from_json`` and
``to_dict``/``from_dict``.  Python's :mod:`tomllib` reads TOML; the writer is
our own (a small subset: tables, arrays of tables, strings, numbers, booleans),
so twintowns needs no TOML-writing dependency.

>>> from twintowns.agreements import Agreement
>>> deal = Agreement(["Charlotte, North Carolina", "Arequipa, PE"], signed="2023-11-14")
>>> print(to_toml(deal), end="")
kind = "sister"
status = "active"
signed = "2023-11-14"
exclusive = false
<BLANKLINE>
[[parties]]
place = "Charlotte, North Carolina"
<BLANKLINE>
[[parties]]
place = "Arequipa, PE"
>>> from_toml(to_toml(deal)) == deal
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

import json
import math
import os
import re
import tomllib
import types
from collections.abc import Callable, Mapping
from pathlib import Path
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
from twintowns.agreements.positions import (
    json_locate,
    strip_toml_position,
    toml_error_position,
    toml_locate,
)
from twintowns.errors import InvalidTypeError, InvalidValueError, TwinTownsError
from twintowns.model import Place
from twintowns.schema import PLACE_COLUMNS

__all__ = [
    "AgreementError",
    "from_dict",
    "from_file",
    "from_json",
    "from_toml",
    "to_dict",
    "to_json",
    "to_toml",
    "write",
]

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


def to_json(agreement: Agreement, *, indent: int | None = 2) -> str:
    """The agreement as JSON text."""
    return json.dumps(to_dict(agreement), indent=indent, ensure_ascii=False) + "\n"


def to_toml(agreement: Agreement) -> str:
    """The agreement as TOML text."""
    return _write_toml(to_dict(agreement))


def write(agreement: Agreement, path: str | Path) -> Path:
    """Write ``agreement`` to ``path`` as TOML (``.toml``) or JSON (``.json``)."""
    target = Path(path)
    fmt = _format_of(target, None)
    text = to_toml(agreement) if fmt == "toml" else to_json(agreement)
    target.write_text(text, encoding="utf-8")
    return target


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


# --------------------------------------------------------------------------
# reading


def from_dict(data: Mapping[str, Any]) -> Agreement:
    """Build an agreement from a mapping in the file format.

    Raises :class:`AgreementError` naming the offending field.
    """
    return _build(data)


def from_toml(text: str, *, file: str | None = None) -> Agreement:
    """Parse TOML text; errors name the field and its line and column."""
    if not isinstance(text, str):
        raise InvalidTypeError(f"TOML text must be a str, not {type(text).__name__}: {text!r}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = toml_error_position(str(exc))
        raise AgreementError(
            f"invalid TOML: {strip_toml_position(str(exc))}", file=file, line=line, column=column
        ) from None
    except (RecursionError, ValueError) as exc:
        raise AgreementError(f"invalid TOML: {_short(exc)}", file=file) from None
    try:
        return _build(data)
    except AgreementError as exc:
        line, column = toml_locate(text, exc.field)
        raise AgreementError(
            exc.reason, field=exc.field, file=file, line=line, column=column
        ) from None


def from_json(text: str, *, file: str | None = None) -> Agreement:
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
        line, column = json_locate(text, exc.field)
        raise AgreementError(
            exc.reason, field=exc.field, file=file, line=line, column=column
        ) from None


def from_file(path: str | Path, *, format: str | None = None) -> Agreement:
    """Read an agreement from a ``.toml`` or ``.json`` file (or pass ``format=``).

    Every problem with the content raises :class:`AgreementError` naming
    the field and, where it can be found, the line and column.  A file that
    cannot be opened raises ``OSError`` as usual.
    """
    if not isinstance(path, str | os.PathLike):
        raise InvalidTypeError(f"path must be a str or Path, not {type(path).__name__}: {path!r}")
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
        return from_toml(text, file=str(source))
    return from_json(text, file=str(source))


# ---- checking what is read ---------------------------------------------------


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
            raise AgreementError(_short(exc), field=field) from None


def _make(cls: Callable[..., T], path: str, **kwargs: Any) -> T:
    """``cls(**kwargs)``, its fields checked first by :func:`_check_fields`."""
    _check_fields(cls, path, **kwargs)
    try:
        return cls(**kwargs)
    except (TypeError, ValueError, ArithmeticError) as exc:  # pragma: no cover - checked above
        raise AgreementError(_short(exc), field=path or None) from None


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

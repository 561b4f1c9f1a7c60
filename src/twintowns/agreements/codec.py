"""Agreement files: TOML and JSON, read with positions and written losslessly.

:meth:`Agreement.from_file <twintowns.agreements.Agreement.from_file>` and
:meth:`Agreement.write <twintowns.agreements.Agreement.write>` call the
functions here; so do ``to_toml``/``from_toml`` and ``to_json``/``from_json``.
Both formats hold the dict form of :mod:`twintowns.agreements.document`, which
checks every field; this module adds the text: the line and column of a field
in an error (:mod:`twintowns.agreements.positions`).  Python's :mod:`tomllib`
reads TOML; the writer is our own (a small subset: tables, arrays of tables,
strings, numbers, booleans), so twintowns needs no TOML-writing dependency.

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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from twintowns.agreements.document import AgreementError, error_text, from_dict, to_dict
from twintowns.agreements.model import Agreement
from twintowns.agreements.positions import (
    json_locate,
    strip_toml_position,
    toml_error_position,
    toml_locate,
)
from twintowns.errors import InvalidTypeError, InvalidValueError

__all__ = [
    "from_file",
    "from_json",
    "from_toml",
    "to_json",
    "to_toml",
    "write",
]

# --------------------------------------------------------------------------
# writing


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
        raise AgreementError(f"invalid TOML: {error_text(exc)}", file=file) from None
    try:
        return from_dict(data)
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
        raise AgreementError(f"invalid JSON: {error_text(exc)}", file=file) from None
    if not isinstance(data, dict):
        raise AgreementError("the document must be a JSON object", file=file, line=1, column=1)
    try:
        return from_dict(data)
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


# ---- JSON ------------------------------------------------------------------


def _reject(text: str) -> float:
    raise InvalidValueError(f"{text} is not allowed in an agreement")

"""Where a field of an agreement file is: line and column for error messages.

:mod:`twintowns.agreements.codec` reads a document with :mod:`tomllib` or
:mod:`json`, which forget positions; when a field turns out to be wrong, these
scanners map its path (``parties[1].signatories[0].name``) back to the line and
column where the file spells it.

>>> toml_locate('[[parties]]\\nplace = "A"\\n[[parties]]\\nplace = 5\\n', "parties[1].place")
(4, 1)
>>> json_locate('{"parties": [\\n  {"place": "A"},\\n  {"place": 5}]}', "parties[1].place")
(3, 4)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

__all__ = [
    "json_locate",
    "json_positions",
    "strip_toml_position",
    "toml_error_position",
    "toml_locate",
    "toml_positions",
]

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_END = re.compile(r"\(at end of document\)")


def toml_error_position(message: str) -> tuple[int | None, int | None]:
    m = _TOML_POSITION.search(message)
    if m:
        return int(m.group(1)), int(m.group(2))
    return None, None


def strip_toml_position(message: str) -> str:
    return _TOML_POSITION.sub("", message).strip()


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)


def _split_key(text: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", text)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def toml_positions(text: str) -> dict[str, tuple[int, int]]:
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


def toml_locate(text: str, field: str | None) -> tuple[int | None, int | None]:
    try:
        return _locate(toml_positions(text), field)
    except (ValueError, IndexError):  # pragma: no cover - the scan is best effort
        return None, None


def json_positions(text: str) -> dict[str, tuple[int, int]]:  # noqa: C901 -- a small recursive-descent scanner; its nested helpers count toward the total
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
                key, i = decoder.raw_decode(text, i)  # the key: a JSON string
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


def json_locate(text: str, field: str | None) -> tuple[int | None, int | None]:
    try:
        return _locate(json_positions(text), field)
    except (ValueError, IndexError, RecursionError):  # pragma: no cover - best effort
        return None, None

"""Terminal output: Unicode-width-aware aligned tables, key/value blocks, JSON.

>>> print(table(["Name", "Pop"], [["東京", "1"], ["Zürich", "10"]], align="lr"))
Name    Pop
------  ---
東京      1
Zürich   10
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any, TextIO

__all__ = ["dump_json", "fit_width", "keyvalues", "table", "text_width", "truncate"]

_ELLIPSIS = "…"
_MIN_COLUMN = 4


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (wide East Asian characters count 2).

    >>> text_width("Zürich"), text_width("東京"), text_width("e\\u0301")
    (6, 4, 1)
    """
    if text.isascii():
        return len(text)
    return sum(_char_width(c) for c in text)


def truncate(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, ending with ``…`` when cut.

    >>> truncate("Wrocław", 5), truncate("東京都", 5), truncate("Kyiv", 5)
    ('Wroc…', '東京…', 'Kyiv')
    """
    if text_width(text) <= width:
        return text
    out, used = [], 0
    for char in text:
        w = _char_width(char)
        if used + w > width - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + _ELLIPSIS


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - text_width(text))
    return fill + text if right else text + fill


def fit_width(stream: TextIO | None = None) -> int | None:
    """Columns to fit output into: the terminal's width, or ``$COLUMNS``; None when piped."""
    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    if (isatty is not None and isatty()) or os.environ.get("COLUMNS", "").isdigit():
        return shutil.get_terminal_size().columns
    return None


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    align: str = "",
    max_width: int | None = None,
) -> str:
    """An aligned text table; ``align`` has one ``l``/``r`` per column (default ``l``).

    With ``max_width``, the widest text columns are shortened (``…``) until
    the table fits, down to a few columns each; right-aligned (number)
    columns are never cut.
    """
    aligns = align.ljust(len(headers), "l")
    widths = [text_width(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], text_width(cell))
    if max_width is not None:
        # shorten the widest text columns first to their header's width, then, if the
        # table still does not fit, to a few columns; numbers (right-aligned) never
        header_floor = [
            w if a == "r" else min(w, max(_MIN_COLUMN, text_width(h)))
            for w, h, a in zip(widths, headers, aligns, strict=False)
        ]
        small_floor = [
            w if a == "r" else min(w, _MIN_COLUMN) for w, a in zip(widths, aligns, strict=False)
        ]
        for floor in (header_floor, small_floor):
            while sum(widths) + 2 * (len(widths) - 1) > max_width:
                i = max(range(len(widths)), key=lambda j: widths[j] - floor[j])
                if widths[i] <= floor[i]:
                    break
                widths[i] -= 1
    lines = []
    for cells in [list(headers), ["-" * w for w in widths], *rows]:
        shown = [
            _pad(truncate(cell, w), w, a == "r")
            for cell, w, a in zip(cells, widths, aligns, strict=True)
        ]
        lines.append("  ".join(shown).rstrip())
    return "\n".join(lines)


def keyvalues(pairs: Sequence[tuple[str, str]], *, indent: str = "  ") -> str:
    """``key  value`` lines with the values aligned.

    >>> print(keyvalues([("id", "gn:1"), ("timezone", "UTC")]))
      id        gn:1
      timezone  UTC
    """
    width = max((text_width(k) for k, _ in pairs), default=0)
    return "\n".join(f"{indent}{_pad(k, width, False)}  {v}".rstrip() for k, v in pairs)


def dump_json(document: Any, stream: TextIO | None = None) -> None:
    """Write ``document`` as indented UTF-8 JSON and a newline."""
    out = sys.stdout if stream is None else stream
    text = json.dumps(document, ensure_ascii=False, indent=2)
    try:
        text.encode(getattr(out, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        # a lone surrogate (from undecodable input) or a narrow encoding: escape, so that
        # the output stays valid JSON in valid UTF-8 (ASCII)
        text = json.dumps(document, ensure_ascii=True, indent=2)
    out.write(text + "\n")

"""A Griffe extension: render twintowns' docstrings well with mkdocstrings.

The docstrings are written to be run as doctests and read in a terminal, so
they use ``>>>`` sessions and Sphinx cross-reference roles.  Markdown would
turn the sessions into nested block quotes and print the roles literally;
this extension rewrites each docstring before rendering:

* a ``>>>`` session (up to the next blank line) becomes a fenced ``pycon``
  block at the same indentation;
* ``:func:`~twintowns.atlas.Atlas```-style roles become inline code showing
  what the reader would type (``~`` keeps the last dotted component);
* a ``.. code-block:: toml`` directive and its indented block become a
  fenced block in that language;
* an RST simple table (columns under ``=====  =====`` borders) becomes a
  Markdown table, or a bulleted list when it has no header row;
* special methods other than ``__init__`` are left out of the reference.

Only the rendering changes: the text run as doctests is the source itself.
Loaded by ``mkdocs.yml`` (plugin ``mkdocstrings``, handler option ``extensions``).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

__all__ = ["DoctestBlocks", "rewrite"]

_CODE_BLOCK = re.compile(r"^(\s*)\.\. code(?:-block)?::\s*(\w*)\s*$")
_BORDER = re.compile(r"^\s*=+( +=+)+\s*$")
_DUNDER = re.compile(r"^__\w+__$")
_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|data|attr|exc|obj|const|type):`(~?)([^`]+)`")


def _role(match: re.Match[str]) -> str:
    tilde, target = match.groups()
    shown = target.rsplit(".", 1)[-1] if tilde else target
    return f"`{shown}`"


def rewrite(text: str) -> str:
    """Fence doctest sessions and turn Sphinx roles into inline code.

    ``"See :func:`~twintowns.load`."`` becomes ``"See `load`."``; a line
    starting with ``>>>`` opens a ``pycon`` fence that closes at the next
    blank line (tested in ``tests/test_docs_site.py``).
    """
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}```pycon")
            while i < len(lines) and lines[i].strip():
                out.append(lines[i])
                i += 1
            out.append(f"{indent}```")
            continue
        if _BORDER.match(line):
            i = _simple_table(lines, i, out)
            continue
        directive = _CODE_BLOCK.match(line)
        if directive:
            i = _code_block(lines, i + 1, directive.group(1), directive.group(2), out)
            continue
        out.append(_ROLE.sub(_role, line))
        i += 1
    return "\n".join(out)


def _code_block(lines: list[str], i: int, indent: str, language: str, out: list[str]) -> int:
    """Fence the block indented under a directive; return the index after it."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    body: list[str] = []
    while i < len(lines) and (not lines[i].strip() or lines[i].startswith(indent + " ")):
        body.append(lines[i])
        i += 1
    while body and not body[-1].strip():
        body.pop()
        i -= 1
    depth = min(len(b) - len(b.lstrip()) for b in body if b.strip()) if body else 0
    out.append(f"{indent}```{language}")
    out.extend(indent + b[depth:] if b.strip() else "" for b in body)
    out.append(f"{indent}```")
    return i


def _simple_table(lines: list[str], i: int, out: list[str]) -> int:
    """Convert the RST simple table starting at border line ``i``; return the index after it."""
    border = lines[i]
    spans = [(m.start(), m.end()) for m in re.finditer(r"=+", border)]
    borders = [i]
    j = i + 1
    while j < len(lines) and len(borders) < 3:
        if _BORDER.match(lines[j]):
            borders.append(j)
            if j + 1 >= len(lines) or not lines[j + 1].strip():
                break
        elif not lines[j].strip():
            break
        j += 1
    if len(borders) < 2:  # not a table after all
        out.append(border)
        return i + 1

    def cells(line: str) -> list[str]:
        edges = [start for start, _ in spans[1:]] + [len(line) + 1]
        row = [line[start:end].strip() for (start, _), end in zip(spans, edges, strict=True)]
        return [_ROLE.sub(_role, cell) for cell in row]

    rows: list[list[str]] = []
    for line in lines[borders[-2] + 1 : borders[-1]]:
        row = cells(line)
        if rows and not row[0]:  # continuation of the previous row
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], row, strict=True)]
        else:
            rows.append(row)
    indent = border[: len(border) - len(border.lstrip())]
    if len(borders) == 3:
        header = cells(lines[borders[0] + 1])
        out.append(indent + "| " + " | ".join(header) + " |")
        out.append(indent + "|" + " --- |" * len(header))
        out.extend(indent + "| " + " | ".join(row) + " |" for row in rows)
    else:
        out.extend(f"{indent}- {row[0]} — {' '.join(row[1:])}" for row in rows)
    return borders[-1] + 1


class DoctestBlocks(griffe.Extension):
    """Rewrite every docstring with :func:`rewrite` as Griffe loads it."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = rewrite(obj.docstring.value)
        # Special methods (``__eq__``, ``__len__``…) are not part of the reference:
        # the class's own docstring says what equality or iteration mean.
        # ``__init__`` stays, where a constructor has a docstring of its own.
        if _DUNDER.match(obj.name) and obj.name != "__init__":
            obj.public = False

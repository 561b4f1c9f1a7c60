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
  fenced block in that language.

Only the rendering changes: the text run as doctests is the source itself.
Loaded by ``mkdocs.yml`` (plugin ``mkdocstrings``, handler option ``extensions``).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

__all__ = ["DoctestBlocks", "rewrite"]

_CODE_BLOCK = re.compile(r"^(\s*)\.\. code(?:-block)?::\s*(\w*)\s*$")
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


class DoctestBlocks(griffe.Extension):
    """Rewrite every docstring with :func:`rewrite` as Griffe loads it."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = rewrite(obj.docstring.value)

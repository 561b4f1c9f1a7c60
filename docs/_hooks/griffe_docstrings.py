"""A Griffe extension: render twintowns' docstrings well with mkdocstrings.

The docstrings are written to be run as doctests and read in a terminal, so
they use ``>>>`` sessions and Sphinx cross-reference roles.  Markdown would
turn the sessions into nested block quotes and print the roles literally;
this extension rewrites each docstring before rendering:

* a ``>>>`` session (up to the next blank line) becomes a fenced ``pycon``
  block at the same indentation;
* ``:func:`~twintowns.atlas.Atlas```-style roles become links to the
  object's entry in the reference (mkdocs-autorefs), showing as inline code
  what the reader would type (``~`` keeps the last dotted component); a role
  whose object the reference does not show stays inline code;
* a ``.. code-block:: toml`` directive and its indented block become a
  fenced block in that language;
* an RST simple table (columns under ``=====  =====`` borders) becomes a
  Markdown table, or a bulleted list when it has no header row;
* special methods other than ``__init__`` are left out of the reference.

Only the rendering changes: the text run as doctests is the source itself.
Loaded by ``mkdocs.yml`` (plugin ``mkdocstrings``, handler option ``extensions``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from typing import Any

import griffe

__all__ = ["DoctestBlocks", "link_roles", "rewrite"]

_CODE_BLOCK = re.compile(r"^(\s*)\.\. code(?:-block)?::\s*(\w*)\s*$")
_BORDER = re.compile(r"^\s*=+( +=+)+\s*$")
_DUNDER = re.compile(r"^__\w+__$")
_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|data|attr|exc|obj|const|type):`(~?)([^`]+)`")


def _role(match: re.Match[str], resolve: Callable[[str], str | None] | None = None) -> str:
    tilde, target = match.groups()
    shown = target.rsplit(".", 1)[-1] if tilde else target
    identifier = resolve(target) if resolve is not None else None
    if identifier is None:
        return f"`{shown}`"
    # mkdocs-autorefs turns this into a link to the object's entry in the
    # reference; "optional": an object the reference does not show stays code.
    return (
        f'<autoref identifier="{html.escape(identifier)}" optional>'
        f"<code>{html.escape(shown)}</code></autoref>"
    )


def link_roles(text: str, resolve: Callable[[str], str | None]) -> str:
    """Turn the Sphinx roles of ``text`` into links to the reference, where ``resolve`` can.

    ``resolve`` maps a role's target (``Atlas.place``, ``twintowns.load``) to
    the full path of the object it names, or None: that role stays inline code.
    Doctest sessions (fenced ``pycon`` blocks) are left alone.
    """
    out: list[str] = []
    fenced = False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        out.append(line if fenced else _ROLE.sub(lambda m: _role(m, resolve), line))
    return "\n".join(out)


def rewrite(text: str, *, roles: bool = True) -> str:
    """Fence doctest sessions and turn Sphinx roles into inline code.

    ``"See :func:`~twintowns.load`."`` becomes ``"See `load`."``; a line
    starting with ``>>>`` opens a ``pycon`` fence that closes at the next
    blank line (tested in ``tests/test_docs_site.py``).  With ``roles=False``
    the roles stay for :func:`link_roles`, which the build runs once the whole
    package is loaded and names can be resolved.
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
        out.append(_ROLE.sub(_role, line) if roles else line)
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
            obj.docstring.value = rewrite(obj.docstring.value, roles=False)
        # Special methods (``__eq__``, ``__len__``…) are not part of the reference:
        # the class's own docstring says what equality or iteration mean.
        # ``__init__`` stays, where a constructor has a docstring of its own.
        if _DUNDER.match(obj.name) and obj.name != "__init__":
            obj.public = False

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Once the package is loaded, link its docstrings' roles (names resolve now)."""
        for obj in _objects(pkg):
            if obj.docstring is not None:
                obj.docstring.value = link_roles(obj.docstring.value, _resolver(pkg, obj))


def _objects(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, griffe.Object):
            yield from _objects(member)


def _resolver(pkg: griffe.Module, scope: griffe.Object) -> Callable[[str], str | None]:
    """Resolve a role's target as Python would see the name from ``scope``'s docstring."""

    def resolve(target: str) -> str | None:
        name = target.lstrip("~")
        first, _, rest = name.partition(".")
        if first == pkg.name:
            path = name
        else:
            try:
                path = scope.resolve(first) + (f".{rest}" if rest else "")
            except griffe.NameResolutionError:
                return None
        try:
            found = pkg.modules_collection[path]
        except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
            return None
        try:
            return str(found.final_target.path if found.is_alias else found.path)
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            return None

    return resolve

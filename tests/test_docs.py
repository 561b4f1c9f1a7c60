"""Every ``>>>`` example in README.md and docs/**/*.md is executed here.

Examples live in fenced code blocks marked ``pycon``; the blocks of one file
share their names (like one doctest session), so a page reads top to bottom.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
_BLOCK = re.compile(r"^```pycon[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def examples(path: Path) -> str:
    """The ``pycon`` blocks of ``path`` joined into one doctest session.

    Each block keeps its line numbers (the text between blocks becomes blank
    lines), so a failure names the line of the page.
    """
    source = path.read_text("utf-8")
    parts: list[str] = []
    line = 0
    for block in _BLOCK.finditer(source):
        start = source.count("\n", 0, block.start(1))
        parts.append("\n" * (start - line) + block.group(1) + "\n")
        line = start + block.group(1).count("\n") + 1
    return "".join(parts)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_in_docs(path: Path) -> None:
    text = examples(path)
    if ">>>" not in text:
        pytest.skip("no examples on this page")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {"__name__": "__docs__"}, str(path), str(path), 0)
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    failures: list[str] = []

    def report(out: str) -> None:
        failures.append(out)

    result = runner.run(test, out=report)
    assert result.failed == 0, "".join(failures)


def test_readme_has_examples() -> None:
    assert ">>>" in examples(ROOT / "README.md")

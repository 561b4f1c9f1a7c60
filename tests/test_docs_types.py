"""The README's and the documentation's examples pass ``mypy --strict``, as well as running.

tests/test_docs.py runs every ``pycon`` block; here the same blocks become one
Python module per page (the source lines of each ``>>>``/``...`` prompt, at the
line of the page they stand on) and ``mypy --strict`` checks them all in one run
with the project's configuration.  An example that type-checks is one a user can
paste into typed code: ``atlas.partnership(...)`` returns a ``Partnership``, not
an optional one.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_docs import FILES, ROOT

_BLOCK = re.compile(r"^```pycon[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_PROMPT = re.compile(r"^(\s*)(>>>|\.\.\.)( |$)")


def example_source(path: Path) -> str:
    """The code of ``path``'s ``pycon`` blocks as a module, each line where the page has it.

    Output lines and prose become blank lines, so mypy's line numbers are the page's.
    """
    text = path.read_text("utf-8")
    lines = [""] * (text.count("\n") + 1)
    for block in _BLOCK.finditer(text):
        first = text.count("\n", 0, block.start(1))
        indent: int | None = None
        for offset, line in enumerate(block.group(1).splitlines()):
            match = _PROMPT.match(line)
            if match is None:
                continue
            if indent is None:
                indent = len(match.group(1))
            lines[first + offset] = line[indent + 4 :] if len(line) > indent + 4 else ""
    return "\n".join(lines) + "\n"


def test_example_source_keeps_lines_and_drops_output(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Text\n\n```pycon\n>>> x = 1\n>>> if x:\n...     print(x)\n...\n1\n```\n", "utf-8"
    )
    assert example_source(page).splitlines()[3:7] == ["x = 1", "if x:", "    print(x)", ""]
    assert example_source(page).count("\n") == page.read_text("utf-8").count("\n") + 1


@pytest.mark.skipif(
    not (ROOT / "pyproject.toml").exists(), reason="needs the project's mypy configuration"
)
def test_examples_pass_mypy_strict(tmp_path: Path) -> None:
    modules: dict[str, Path] = {}
    for path in FILES:
        source = example_source(path)
        if not source.strip():
            continue
        slug = re.sub(r"\W+", "_", str(path.relative_to(ROOT)).removesuffix(".md")).lower()
        module = tmp_path / f"page_{slug}.py"
        module.write_text(source, "utf-8")
        modules[module.name] = path
    assert any(p.name == "README.md" for p in modules.values())
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache" / "docs-examples"),
            "--no-error-summary",
            "--hide-error-context",
            *sorted(str(tmp_path / name) for name in modules),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    # name each error by its page and line, not by the generated module
    report = result.stdout
    for name, path in modules.items():
        report = report.replace(str(tmp_path / name), str(path.relative_to(ROOT)))
        report = report.replace(name, str(path.relative_to(ROOT)))
    assert result.returncode == 0, report + result.stderr

"""The documentation site: complete API reference, docstring rendering, strict offline build.

The examples on the pages are run by ``tests/test_docs.py``; this file checks
the site around them.
"""

from __future__ import annotations

import importlib.util
import pkgutil
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

import twintowns

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"
_DIRECTIVE = re.compile(r"^::: ([\w.]+)\s*$", re.MULTILINE)


def _hook(name: str) -> Any:
    """The module docs/_hooks/``name``.py (the folder is not an importable package)."""
    spec = importlib.util.spec_from_file_location(name, DOCS / "_hooks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if importlib.util.find_spec("griffe") is not None and importlib.util.find_spec("mkdocs"):
    rewrite: Callable[[str], str] = _hook("griffe_docstrings").rewrite
    MAPS: dict[str, str] = _hook("maps").MAPS
else:  # pragma: no cover - without the docs extra
    pytest.skip("the docs extra is not installed", allow_module_level=True)


def public_modules() -> list[str]:
    """``twintowns.x`` for every module or subpackage whose name has no leading underscore."""
    return sorted(
        f"twintowns.{info.name}"
        for info in pkgutil.iter_modules(twintowns.__path__)
        if not info.name.startswith("_")
    )


def documented() -> dict[str, Path]:
    """Every ``::: target`` of the reference pages, with its page."""
    found: dict[str, Path] = {}
    for page in sorted(REFERENCE.glob("*.md")):
        for match in _DIRECTIVE.finditer(page.read_text("utf-8")):
            found[match.group(1)] = page
    return found


def test_every_public_module_has_a_reference_page() -> None:
    missing = [m for m in public_modules() if m not in documented()]
    assert not missing, (
        f"no API reference page for {missing}: add docs/reference/<name>.md holding "
        "'# `twintowns.<name>`' and '::: twintowns.<name>', and list it in mkdocs.yml's nav"
    )


def test_every_reference_target_exists() -> None:
    for target, page in documented().items():
        assert importlib.util.find_spec(target) is not None, f"{page.name}: no module {target}"


def test_reference_pages_are_in_the_nav() -> None:
    nav = (ROOT / "mkdocs.yml").read_text("utf-8")
    for page in REFERENCE.glob("*.md"):
        assert f"reference/{page.name}" in nav, f"{page} is not in mkdocs.yml's nav"


def mkdocs_config() -> dict[str, Any]:
    """mkdocs.yml as data; ``!ENV [NAME, "default"]`` is read as its default."""
    import yaml

    text = (ROOT / "mkdocs.yml").read_text("utf-8")
    text = re.sub(r'!ENV \[\w+, ("[^"]*")\]', r"\1", text)
    config = yaml.safe_load(text)
    assert isinstance(config, dict)
    return config


def test_site_url_is_set_from_the_environment_with_a_local_default() -> None:
    """sitemap.xml and 404.html need ``site_url``; its path is the sub-path the site is for."""
    text = (ROOT / "mkdocs.yml").read_text("utf-8")
    assert re.search(r"^site_url: !ENV \[TWINTOWNS_SITE_URL, ", text, re.MULTILINE)
    assert mkdocs_config()["site_url"] == "http://127.0.0.1:8000/twintowns/docs/"
    assert "TWINTOWNS_SITE_URL" in (DOCS / "development.md").read_text("utf-8")


def test_no_plugin_fetches_from_the_network() -> None:
    """Material's social cards and privacy plugin download at build time; web fonts at read time."""
    config = mkdocs_config()
    names = {next(iter(p)) if isinstance(p, dict) else p for p in config["plugins"]}
    assert names == {"search", "mkdocstrings"}
    assert config["theme"]["font"] is False
    assert "inventories" not in str(config["plugins"])


# ---------------------------------------------------------------- docstring rendering


REWRITES = {
    "a doctest session is fenced up to the blank line": (
        "Intro.\n\n>>> 1 + 1\n2\n>>> print('a')\na\n\nAfter.",
        "Intro.\n\n```pycon\n>>> 1 + 1\n2\n>>> print('a')\na\n```\n\nAfter.",
    ),
    "an indented session keeps its indentation": (
        "Item:\n\n    >>> x = 1\n    >>> x\n    1\n",
        "Item:\n\n    ```pycon\n    >>> x = 1\n    >>> x\n    1\n    ```",
    ),
    "Sphinx roles become code": (
        "See :func:`~twintowns.load`, :class:`twintowns.Atlas` and :meth:`Atlas.place`.",
        "See `load`, `twintowns.Atlas` and `Atlas.place`.",
    ),
    "roles inside a session are left alone": (
        ">>> s = ':func:`x`'\n",
        "```pycon\n>>> s = ':func:`x`'\n```",
    ),
    "a code-block directive is fenced in its language": (
        "Format:\n\n.. code-block:: toml\n\n    a = 1\n      b = 2\n\nEnd.",
        "Format:\n\n```toml\na = 1\n  b = 2\n```\n\nEnd.",
    ),
    "a simple table with a header becomes a Markdown table": (
        "Columns:\n\n=====  =========\nname   dtype\n=====  =========\n"
        "a      ``int``\nb      :class:`x.Y`\n       and more\n=====  =========\n\nEnd.",
        "Columns:\n\n| name | dtype |\n| --- | --- |\n"
        "| a | ``int`` |\n| b | `x.Y` and more |\n\nEnd.",
    ),
    "a simple table without a header becomes a list": (
        "==========  =====\n:func:`f`   does f\n==========  =====",
        "- `f` — does f",
    ),
    "plain Markdown is unchanged": (
        "Nothing to change: `code`, *emphasis* and a list:\n\n- one\n- two",
        "Nothing to change: `code`, *emphasis* and a list:\n\n- one\n- two",
    ),
}


@pytest.mark.parametrize("case", REWRITES)
def test_rewrite(case: str) -> None:
    text, expected = REWRITES[case]
    assert rewrite(text) == expected


# ---------------------------------------------------------------- the build


def test_the_site_builds_strictly_and_needs_no_network(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (site / "index.html").is_file()
    assert (site / "reference" / "atlas" / "index.html").is_file()
    html = "\n".join(p.read_text("utf-8") for p in site.rglob("*.html"))
    # Offline: no web fonts, no social cards, nothing fetched when the pages are read.
    assert "fonts.googleapis.com" not in html
    assert "fonts.gstatic.com" not in html
    # Docstrings are rendered, sessions as code, not as nested block quotes.
    atlas_page = (site / "reference" / "atlas" / "index.html").read_text("utf-8")
    assert "partner_distances" in atlas_page
    assert "<blockquote>" not in atlas_page
    assert ":class:" not in atlas_page
    # sitemap.xml lists every page under the site's address; 404.html loads its
    # styles and links its pages from the site's sub-path, not from the host's root.
    site_url = "http://127.0.0.1:8000/twintowns/docs/"
    listed = {
        loc.text
        for loc in ElementTree.parse(site / "sitemap.xml")
        .getroot()
        .iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    }
    pages = {
        site_url + page.parent.relative_to(site).as_posix() + "/"
        for page in site.rglob("index.html")
    }
    assert listed == {p.replace("/./", "/") for p in pages} and len(listed) > 30
    not_found = (site / "404.html").read_text("utf-8")
    rooted = re.findall(r'(?:href|src)="(/[^"]*)"', not_found)
    assert rooted and all(link.startswith("/twintowns/docs/") for link in rooted), rooted
    # The maps shown on the pages are drawn at build time by twintowns.maps.
    for uri in MAPS:
        root = ElementTree.parse(site / uri).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg", uri

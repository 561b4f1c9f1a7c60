"""MkDocs hook: draw the documentation's map images with twintowns.maps at build time.

The pages show maps (``img/charlotte.svg`` …) that are not committed: this
hook renders them with :func:`twintowns.maps.render_map` — the very call the
tutorial shows and the test suite runs — from the bundled data, and adds them
to the site as generated files.  A map therefore always matches the code and
the data of the build.  Loaded by ``mkdocs.yml`` (``hooks:``).
"""

from __future__ import annotations

import tempfile
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

__all__ = ["INTERACTIVE", "MAPS", "MAP_WIDTH", "on_files"]

#: Width of the pages' SVG maps: the text column is about 1,000 px wide from
#: 1280 px up, so they show at full size and their smallest text (labels,
#: legend, key: 11 px) stays 11 px on screen (tests/test_browser_docs.py).
MAP_WIDTH = 960

#: Image path in the site -> the place whose partnerships it shows.
MAPS: dict[str, str] = {
    "img/charlotte.svg": "Charlotte, North Carolina",
    "img/laredo.svg": "Laredo",
    "img/honolulu.svg": "Honolulu",
}

#: The offline interactive maps (twintowns.webmap) the maps guide links to.
INTERACTIVE: dict[str, str] = {
    "img/charlotte.html": "Charlotte, North Carolina",
    "img/honolulu.html": "Honolulu",
}


def on_files(files: Files, config: MkDocsConfig, **kwargs: Any) -> Files:
    """Render every map of :data:`MAPS` and :data:`INTERACTIVE`; add them to the site."""
    import twintowns
    from twintowns.maps import render_map

    atlas = twintowns.load()
    with tempfile.TemporaryDirectory() as folder:
        for uri, place in {**MAPS, **INTERACTIVE}.items():
            path = f"{folder}/{uri.replace('/', '_')}"
            render_map(atlas, place, path=path, width=MAP_WIDTH if uri in MAPS else 1200)
            with open(path, "rb") as image:
                files.append(File.generated(config, uri, content=image.read()))
    return files

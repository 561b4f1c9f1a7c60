"""The documentation site read in headless Chromium at 1280, 1600 and 1920 px (marker ``browser``).

The site is built strictly (as ``make docs``) into a temporary folder and
served on 127.0.0.1 under a sub-path (``/twintowns/docs/``), as a host other
than the site's root would.  Every page is opened once and read at each width:

* no code block whose lines are at most 100 characters needs horizontal
  scrolling (``docs/stylesheets/extra.css`` promises it);
* every image has loaded (the maps are drawn by the build's hook), and the
  maps are shown at a size where their smallest text is at least 11 px;
* no console error or warning, no failed request, no request leaving the machine;
* a screenshot of the top of the page at each width goes to ``build/browser/docs/``.

A missing page gets the site's ``404.html`` (as GitHub Pages answers): its
styles, scripts, images and links must load from the sub-path.  ``sitemap.xml``
must list every page, each served under the sub-path.

Internal links and anchors of every page are checked against the built files.
About 40 s in all (a minute on a loaded machine), the strict build included.
"""

from __future__ import annotations

import functools
import http.server
import posixpath
import re
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser_support import ARTIFACTS, ROOT, PageLog, launch

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Route

WIDTHS = (1280, 1600, 1920)
PREFIX = "/twintowns/docs/"
SHOTS = ARTIFACTS / "docs"

#: For each ``pre > code`` block: its longest line, and whether it scrolls.
CODE_BLOCKS = """() => Array.from(document.querySelectorAll('.md-typeset pre > code')).map(c => ({
  longest: Math.max(...c.textContent.replace(/\\n$/, '').split('\\n').map(l => l.length)),
  scrolls: c.scrollWidth > c.clientWidth + 1,
  start: c.textContent.slice(0, 60)}))"""
BROKEN_IMAGES = """() => Array.from(document.images)
  .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'))"""
#: Each SVG image with the share of its own width it is shown at.
SVG_SCALES = """() => Array.from(document.images).filter(i => i.src.endsWith('.svg'))
  .map(i => ({src: new URL(i.src).pathname, scale: i.clientWidth / i.naturalWidth}))"""
#: Smallest text a map may show, in CSS pixels as displayed.
MIN_TEXT_PX = 11.0


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("docs") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return target


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under :data:`PREFIX` only; anything else is a 404.

    A missing page under the prefix gets the site's ``404.html`` with status
    404, as GitHub Pages and most web servers answer.
    """

    def translate_path(self, path: str) -> str:
        path = urllib.parse.urlsplit(path).path
        if not path.startswith(PREFIX):
            return str(Path(self.directory) / "does-not-exist")
        return super().translate_path("/" + path[len(PREFIX) :])

    def do_GET(self) -> None:
        local = Path(self.translate_path(self.path))
        inside = urllib.parse.urlsplit(self.path).path.startswith(PREFIX)
        if inside and not (local.is_file() or (local / "index.html").is_file()):
            body = (Path(self.directory) / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    handler = functools.partial(_SubPathHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch()


def pages(site: Path) -> list[str]:
    """Every page of the site as a path relative to its root: ``""``, ``"maps/"``…"""
    found = [p.relative_to(site).parent.as_posix() + "/" for p in site.rglob("index.html")]
    return sorted("" if p == "./" else p for p in found)


@pytest.mark.browser
def test_every_page_at_every_width(browser: Browser, site: Path, base_url: str) -> None:  # noqa: C901 -- one walk over every page and width collecting every kind of failure
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    log = PageLog()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    problems: list[str] = []
    checked = maps = 0
    try:
        # only this site's own server answers; any other address is aborted and kept
        def route(route: Route) -> None:
            if route.request.url.startswith(base_url):
                route.continue_()
            else:
                log.blocked.append(route.request.url)
                route.abort()

        page.route("**/*", route)
        page.on("console", lambda m: log.console.append((m.type, m.text)))
        page.on("pageerror", lambda error: log.errors.append(str(error)))
        for path in pages(site):
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            page.goto(base_url + path, wait_until="load")
            broken = page.evaluate(BROKEN_IMAGES)
            if broken:
                problems.append(f"{path or '/'}: images not loaded: {broken}")
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for block in page.evaluate(CODE_BLOCKS):
                    checked += 1
                    if block["longest"] <= 100 and block["scrolls"]:
                        problems.append(
                            f"{path or '/'} at {width} px: code block scrolls "
                            f"({block['longest']} characters): {block['start']!r}"
                        )
                for image in page.evaluate(SVG_SCALES):
                    maps += 1
                    smallest = smallest_text(site / image["src"][len(PREFIX) :])
                    if smallest * image["scale"] < MIN_TEXT_PX - 0.01:
                        problems.append(
                            f"{path or '/'} at {width} px: {image['src']} shows text of "
                            f"{smallest * image['scale']:.1f} px (< {MIN_TEXT_PX:g})"
                        )
                name = (path.strip("/").replace("/", "-") or "index") + f"-{width}.png"
                page.screenshot(path=str(SHOTS / name))
            for kind, text in log.console:
                if kind in ("error", "warning"):
                    problems.append(f"{path or '/'}: console {kind}: {text}")
            problems.extend(f"{path or '/'}: {error}" for error in log.errors)
            log.console.clear()
            log.errors.clear()
    finally:
        context.close()
    assert problems == []
    assert failed == [] and log.blocked == []
    assert checked > 300  # the pages hold well over 100 code blocks, read at 3 widths
    assert maps >= 4 * len(WIDTHS)  # Charlotte's and Laredo's maps, on two pages


@pytest.mark.browser
def test_a_missing_page_gets_a_working_404_page(
    browser: Browser, site: Path, base_url: str
) -> None:
    """Under the sub-path, 404.html loads its styles, scripts and images and links real pages."""
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    log = PageLog()
    responses: list[tuple[int, str]] = []
    page.on("response", lambda response: responses.append((response.status, response.url)))
    page.on("requestfailed", lambda request: responses.append((0, request.url)))
    page.on("console", lambda m: log.console.append((m.type, m.text)))
    page.on("pageerror", lambda error: log.errors.append(str(error)))

    def route(route: Route) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            log.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    missing = base_url + "no/such/page/"
    try:
        answer = page.goto(missing, wait_until="load")
        assert answer is not None and answer.status == 404
        assert "404" in page.locator("article h1").inner_text()
        loaded = [(status, url) for status, url in responses if url != missing]
        assert loaded, "the 404 page loaded no style sheet or script"
        assert all(200 <= status < 400 for status, _ in loaded), loaded
        sheets = page.evaluate(
            "() => Array.from(document.styleSheets).filter(s => s.href).map(s => s.href)"
        )
        assert sheets and all(sheet.startswith(base_url) for sheet in sheets), sheets
        assert page.evaluate(BROKEN_IMAGES) == []
        links = page.evaluate("() => Array.from(document.querySelectorAll('a[href]'), a => a.href)")
        own = {urllib.parse.urldefrag(link).url for link in links if "127.0.0.1" in link}
        assert len(own) > 30 and all(link.startswith(base_url) for link in own), own
        for link in sorted(own):
            assert page.request.get(link).status == 200, link
        assert [m for m in log.console if m[0] == "error" and "404" not in m[1]] == []
        assert log.errors == [] and log.blocked == []
    finally:
        context.close()


def test_the_sitemap_lists_every_page_under_the_sub_path(site: Path, base_url: str) -> None:
    """sitemap.xml names every page at the site's address; each one is served under the sub-path."""
    import urllib.request
    from xml.etree import ElementTree

    with urllib.request.urlopen(base_url + "sitemap.xml") as answer:
        root = ElementTree.fromstring(answer.read())
    locations = [
        loc.text or "" for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    paths = {urllib.parse.urlsplit(loc).path for loc in locations}
    assert paths == {PREFIX + path for path in pages(site)}
    origin = base_url[: -len(PREFIX)]
    for path in sorted(paths):
        with urllib.request.urlopen(origin + path) as answer:
            assert answer.status == 200, path


def smallest_text(svg: Path) -> float:
    """The smallest ``font-size`` of the SVG's text (its own pixels)."""
    sizes = [float(size) for size in re.findall(r'font-size="([0-9.]+)"', svg.read_text("utf-8"))]
    assert sizes, svg
    return min(sizes)


class _Links(HTMLParser):
    """The ids and the ``href`` of every link of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if values.get("name") and tag == "a":
            self.ids.add(str(values["name"]))
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))


def test_internal_links_and_anchors_resolve(site: Path) -> None:
    """Every relative link of every page leads to a built file, and its #anchor exists."""
    parsed: dict[Path, _Links] = {}

    def links(path: Path) -> _Links:
        if path not in parsed:
            parser = _Links()
            parser.feed(path.read_text("utf-8"))
            parsed[path] = parser
        return parsed[path]

    broken: list[str] = []
    count = 0
    for page in sorted(site.rglob("index.html")):
        folder = page.parent.relative_to(site).as_posix()
        for href in links(page).hrefs:
            url = urllib.parse.urlsplit(href)
            if url.scheme or url.netloc or href.startswith(("mailto:", "/")):
                continue
            count += 1
            target_path = posixpath.normpath(posixpath.join(folder, url.path)) if url.path else ""
            target = site / target_path if url.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{folder}: {href} (no file)")
            elif url.fragment and target.suffix == ".html":
                anchor = urllib.parse.unquote(url.fragment)
                if anchor not in links(target).ids:
                    broken.append(f"{folder}: {href} (no anchor)")
    assert broken == []
    assert count > 1000


def test_reference_leaves_out_special_methods(site: Path) -> None:
    """``Atlas.__eq__`` and the like are not listed; a documented ``__init__`` is."""
    reference = "\n".join(p.read_text("utf-8") for p in (site / "reference").rglob("*.html"))
    listed = set(re.findall(r'id="(twintowns\.[\w.]*\.__\w+__)"', reference))
    assert listed == {"twintowns.lookup.NameIndex.__init__"}


def test_reference_roles_link_to_their_objects(site: Path) -> None:
    """Sphinx roles in docstrings (``:func:`~twintowns.load```) are links, not just code."""
    atlas = (site / "reference" / "atlas" / "index.html").read_text("utf-8")
    assert 'href="../dataset/#twintowns.dataset.load"><code>twintowns.load</code></a>' in atlas
    assert 'href="#twintowns.atlas.Atlas.place"><code>place</code></a>' in atlas
    reference = "\n".join(p.read_text("utf-8") for p in (site / "reference").rglob("*.html"))
    assert reference.count('class="autorefs autorefs-internal"') > 100
    assert "<autoref" not in reference  # every one was resolved or left as code

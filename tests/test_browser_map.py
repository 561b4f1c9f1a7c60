"""The offline HTML map opened in a real headless Chromium (marker ``browser``).

Each page is opened from a ``file://`` URL in a browser context with the
network switched off, and every request is routed through the test: the only
one allowed is the page's own file; anything else would be recorded and fail
the test.  About 3 s (10 s on a loaded machine), most of it starting
Chromium.  ``pytest -m browser`` runs the browser tests alone,
``pytest -m "not browser"`` leaves them out.
"""

from __future__ import annotations

import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser_support import ARTIFACTS, ROOT, PageLog, launch
from twintowns import Atlas
from twintowns.countries import country_name
from twintowns.geography import distance
from twintowns.maps import render_map

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FloatRect, Locator, Page, ViewportSize

#: The screenshot the docs show (docs/maps.md); `make screenshots` renews it.
DOCS_SCREENSHOT = ROOT / "docs" / "img" / "offline-map-charlotte.png"
VIEWPORT: ViewportSize = {"width": 1280, "height": 860}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch()


def open_map(browser: Browser, path: Path) -> tuple[Page, PageLog]:
    context = browser.new_context(viewport=VIEWPORT, offline=True, java_script_enabled=True)
    page = context.new_page()
    log = PageLog()
    url = path.resolve().as_uri()
    log.attach(page, {url})
    page.goto(url)
    page.wait_for_selector("#map-frame[data-ready=true]", timeout=10_000)
    return page, log


def centre(box: FloatRect | None) -> tuple[float, float]:
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def gap(a: Locator, b: Locator) -> float:
    """Distance on screen between two markers' centres."""
    (ax, ay), (bx, by) = centre(a.bounding_box()), centre(b.bounding_box())
    return float(((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.browser
def test_charlotte_renders_offline(browser: Browser, atlas: Atlas, tmp_path: Path) -> None:
    path = tmp_path / "charlotte.html"
    summary = render_map(atlas, "Charlotte, US-NC", path=path)
    page, log = open_map(browser, path)
    try:
        # one marker per partner on the world map (Charlotte has no inset)
        markers = page.locator("circle.marker.partner:not(.inset)")
        assert markers.count() == summary.partners == len(atlas.partners("Charlotte, US-NC"))
        assert page.locator("circle.marker.home").count() == 1
        assert page.locator("table.partners tbody tr").count() == summary.partners

        home = atlas.place("Charlotte, US-NC")
        tie = next(p for p in atlas.partnerships_of(home) if p.other(home).name == "Krefeld")
        krefeld = tie.other(home)
        marker = page.locator(f'circle.marker.partner[data-partner="{krefeld.id}"]')
        marker.hover()
        tooltip = page.locator("#tooltip")
        assert tooltip.is_visible()
        assert tooltip.inner_text().splitlines() == [
            "Krefeld",
            f"{country_name('DE')} (DE)",
            f"{tie.kind.value} · {tie.status.value} · since {tie.established}",
            f"{distance(home, krefeld):,.0f} km",
        ]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "offline-map-charlotte.png"
        page.screenshot(path=str(shot))
        assert png_size(shot) == (VIEWPORT["width"], VIEWPORT["height"])

        # a click shows the details, with the source URLs as links
        marker.click()
        details = page.locator("#details")
        assert details.locator("h2").inner_text().endswith("Krefeld")
        links = details.locator("a")
        assert [links.nth(i).get_attribute("href") for i in range(links.count())] == list(tie.urls)
        assert page.locator("tr.selected td").nth(1).inner_text() == "Krefeld"

        # zoom in with the wheel, pan by dragging, back with the reset button
        frame = page.locator("#map-frame")
        svg = page.locator("#map-frame > svg")
        full = svg.get_attribute("viewBox")
        box = svg.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
        page.mouse.wheel(0, -600)
        page.wait_for_function("Number(document.getElementById('map-frame').dataset.zoom) > 1.5")
        zoomed = svg.get_attribute("viewBox")
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + box["height"] / 3 + 40)
        page.mouse.up()
        assert svg.get_attribute("viewBox") not in (zoomed, full)
        page.locator("#zoom-reset").click()
        assert svg.get_attribute("viewBox") == full and frame.get_attribute("data-zoom") == "1.000"

        assert log.console_errors == []
        assert log.blocked == []
        assert log.requests == [path.resolve().as_uri()]
    finally:
        page.context.close()


@pytest.mark.browser
def test_honolulu_stays_readable(browser: Browser, atlas: Atlas, tmp_path: Path) -> None:
    path = tmp_path / "honolulu.html"
    summary = render_map(atlas, "Honolulu", path=path)
    page, log = open_map(browser, path)
    try:
        assert summary.partners == len(atlas.partners("Honolulu")) > 40
        # the East Asian cluster is drawn again in an inset, where every name fits
        assert summary.labels == "names" and summary.inset >= 25
        markers = page.locator("circle.marker.partner:not(.inset)")
        assert markers.count() == summary.partners
        # every partner has a visible label on the map or the inset and a row in the table
        assert (
            page.locator("text.label:not(.home):not(.inset)").count()
            + page.locator("text.label.inset").count()
            >= summary.partners
        )
        assert page.locator("table.partners tbody tr").count() == summary.partners
        page.screenshot(path=str(tmp_path / "honolulu.png"))
        # in the crowded East Asian cluster: zoom in on Tokyo with the wheel, hover it
        tokyo = atlas.place("Tokyo, JP")
        marker = page.locator(f'circle.marker.partner:not(.inset)[data-partner="{tokyo.id}"]')
        number = marker.get_attribute("data-number")
        seoul = page.locator(
            f'circle.marker.partner:not(.inset)[data-partner="{atlas.place("Seoul").id}"]'
        )
        apart = [gap(marker, seoul)]
        box = marker.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, -900)
        page.wait_for_function("Number(document.getElementById('map-frame').dataset.zoom) > 3")
        zoomed = marker.bounding_box()
        assert zoomed is not None and zoomed["width"] > box["width"]
        marker.hover()
        assert page.locator("#tooltip strong").inner_text() == "Tokyo"
        # zooming spreads the cluster: Tokyo and Seoul are 3+ times further apart on screen
        apart.append(gap(marker, seoul))
        assert apart[1] > 3 * apart[0] > 0
        row = page.locator(f'table.partners tbody tr[data-number="{number}"]')
        row.click()
        assert page.locator("#details h2").inner_text() == f"{number}. Tokyo"
        assert page.locator(f'circle.marker.selected[data-number="{number}"]').count() >= 1
        if ARTIFACTS.is_dir():
            shutil.copy(tmp_path / "honolulu.png", ARTIFACTS / "offline-map-honolulu.png")
        assert log.console_errors == [] and log.blocked == []
        assert log.requests == [path.resolve().as_uri()]
    finally:
        page.context.close()


def test_docs_screenshot_is_a_browser_screenshot() -> None:
    """docs/maps.md shows a screenshot taken by the test above (same viewport)."""
    assert png_size(DOCS_SCREENSHOT) == (VIEWPORT["width"], VIEWPORT["height"])
    page = (ROOT / "docs" / "maps.md").read_text("utf-8")
    assert "(img/offline-map-charlotte.png)" in page

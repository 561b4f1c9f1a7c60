"""Headless Chromium for the ``browser`` tests, driven by Playwright's Python package.

Playwright drives the machine's own Chromium (Debian's ``chromium``, which
``.ci/run`` installs when absent) through ``executable_path``: it downloads no
browser.  :func:`chromium_executable` finds the browser (``TWINTOWNS_CHROMIUM``
overrides); when it or Playwright is missing the tests are skipped, unless
``TWINTOWNS_REQUIRE_BROWSER=1`` (set by ``.ci/run``) turns the skip into a
failure.  Screenshots go to ``build/browser/`` (:data:`ARTIFACTS`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
#: Where browser tests keep their screenshots (CI artifacts; ignored by git).
ARTIFACTS = ROOT / "build" / "browser"

#: Flags this machine's Chromium needs: no sandbox as root, no GPU, and none of
#: the background connections to Google's services (refused here anyway).
CHROMIUM_ARGS = (
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
)


def chromium_executable() -> str | None:
    """The Chromium to drive: ``$TWINTOWNS_CHROMIUM``, else the first on ``PATH``."""
    override = os.environ.get("TWINTOWNS_CHROMIUM")
    if override:
        return override
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _unavailable(reason: str) -> None:
    if os.environ.get("TWINTOWNS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required (TWINTOWNS_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


def launch() -> Iterator[Browser]:
    """Yield a headless Chromium (for a session-scoped fixture); closes it afterwards."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
        raise  # unreachable: _unavailable raises
    executable = chromium_executable()
    if executable is None:
        _unavailable("no Chromium found (apt-get install chromium, or set TWINTOWNS_CHROMIUM)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()


class PageLog:
    """Everything a page asked of the network and said on its console."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []

    def attach(self, page: Any, allowed: set[str]) -> None:
        """Record ``page``'s requests, console messages and uncaught errors.

        Every request is routed through here: URLs in ``allowed`` (the page's
        own file) go ahead, every other one is aborted and kept in ``blocked``.
        """

        def route(route: Any) -> None:
            url = route.request.url
            if url in allowed:
                route.continue_()
            else:
                self.blocked.append(url)
                route.abort()

        page.route("**/*", route)
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: self.console.append((message.type, message.text)))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    @property
    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind in ("error", "warning")] + self.errors

"""Browser tests: Debian's Chromium driven by Playwright, every page scanned with axe-core.

`scripts/test` installs Chromium (`apt-get install chromium`); axe-core comes from
the npm packages it installs.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.fixtures.web import LiveServer, live_server, web_ctx

__all__ = ["live_server", "web_ctx"]  # the web tests' fixtures, shared

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: scripts/test installs Debian's chromium package")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    yield browser
    browser.close()


@dataclass
class Visit:
    """A browser tab on the live server, checking every page it reaches."""

    page: Page
    origin: str
    scan: bool = True
    requested: list[str] = field(default_factory=list)
    scanned: list[str] = field(default_factory=list)

    def goto(self, path: str) -> None:
        self.page.goto(self.origin + path)
        self.check()

    def check(self) -> None:
        """Scan the page now shown with axe-core (WCAG 2.2 A and AA): no violations."""
        self.page.wait_for_load_state("load")
        if not self.scan:  # axe-core needs JavaScript; these pages were scanned with it on
            return
        self.scanned.append(self.page.url)
        violations = self.page.evaluate(
            "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
            ".violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target)}))",
            WCAG_22_AA,
        )
        assert violations == [], f"{self.page.url}: {json.dumps(violations, indent=1)}"

    def submit(self, button: str = "Continue") -> None:
        self.page.get_by_role("button", name=button).click()
        self.check()

    def outside_origin(self) -> list[str]:
        """Every request the pages made to anywhere but the service itself."""
        own = urlsplit(self.origin).netloc
        return [url for url in self.requested if urlsplit(url).netloc not in {own, ""}]


@pytest.fixture
def visit(chromium: Browser, live_server: LiveServer) -> Iterator[Visit]:
    """A tab with JavaScript on."""
    context = chromium.new_context(locale="en-GB")
    # axe-core is added to each page by the test driver, not served by the service.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    tab = Visit(page, live_server.url)
    page.on("request", lambda request: tab.requested.append(request.url))
    yield tab
    context.close()


@pytest.fixture
def visit_without_javascript(chromium: Browser, live_server: LiveServer) -> Iterator[Visit]:
    """A tab with JavaScript off, as some people browse."""
    context = chromium.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    tab = Visit(page, live_server.url, scan=False)
    page.on("request", lambda request: tab.requested.append(request.url))
    yield tab
    context.close()

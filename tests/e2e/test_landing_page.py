"""The landing page at ``/`` in a real browser: it links the inbox, the coverage page,
the OpenAPI documents and every README section, and each link leads somewhere real."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from winsms_emulator import Emulator

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--headless=new"]
SCREENSHOTS = Path("/tmp")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None,
        reason="Playwright for Python is not installed (the system Chromium is used)",
    ),
]


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    emulator = Emulator()
    with emulator.serve() as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.mark.parametrize("width", [1280, 420])
def test_the_landing_page_links_everything_and_every_link_answers(
    browser: Any, served: str, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(served + "/")
    page.screenshot(path=str(SCREENSHOTS / f"winsms-landing-{width}.png"), full_page=True)
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert "/_emulator/ui/" in links
    assert "/_emulator/ui/coverage/" in links
    assert {
        "/_emulator/openapi.json",
        "/api/rest/v1/openapi.json",
        "/api/http/openapi.json",
    } <= set(links)
    readme = [link for link in links if link.startswith("/_emulator/readme#")]
    assert "/_emulator/readme#python-api" in readme
    assert "/_emulator/readme#control-plane" in readme
    for link in {link.split("#")[0] for link in links}:
        assert page.request.get(served + link).status == 200, link
    width_used = page.evaluate("document.documentElement.scrollWidth")
    assert width_used <= width, "the page scrolls sideways"
    page.close()


def test_a_readme_link_lands_on_its_section(browser: Any, served: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served + "/")
    page.click("text=Python API")
    assert page.url.endswith("/_emulator/readme#python-api")
    heading = page.locator("#python-api")
    assert heading.text_content() == "Python API"
    assert heading.is_visible()
    page.screenshot(path=str(SCREENSHOTS / "winsms-readme.png"))
    page.close()

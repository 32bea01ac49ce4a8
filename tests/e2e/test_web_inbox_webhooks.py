"""The web inbox's webhooks panel in a real browser (Debian's Chromium, Playwright): set
the URLs from the page, send a test notification, and watch the attempts arrive live,
a failed one with its retry time, then the retry once the clock moves.

Skips, saying why, where Chromium or Playwright for Python is missing (as
``test_web_inbox.py`` does; never ``playwright install``).
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_web_inbox import CHROMIUM, CHROMIUM_ARGS, LIVE_MS, watched_page

from winsms_emulator import Emulator

#: Where a person can look at the last run's screenshot.
SCREENSHOT_COPY = Path("/tmp/winsms-inbox-webhooks.png")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None,
        reason="Playwright for Python is not installed (never `playwright install`)",
    ),
]


@pytest.fixture
def page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1100})
        yield watched_page(context)
        browser.close()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emulator = Emulator()
    with emulator.serve():
        yield emulator
    emulator.gateway.close()
    emulator.raise_errors()


def test_the_webhooks_panel_sets_urls_sends_a_test_and_shows_every_attempt(
    emulator: Emulator, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    sink = f"{emulator.url}/_emulator/webhook-sink/inbox"
    failing = f"{emulator.url}/_emulator/webhook-sink/failing"
    emulator.add_fault("http_error", api="sink", path="/_emulator/webhook-sink/failing", times=1)
    page.goto(f"{emulator.url}/_emulator/ui/")
    expect(page.locator("[data-live=webhooks]")).to_contain_text("No webhook URL is set")

    # set the URLs from the page
    page.fill("#webhook-reply-url", sink)
    page.fill("#webhook-delivery-url", failing)
    page.get_by_role("button", name="Save webhooks").click()
    expect(page.locator("#flash")).to_contain_text("Webhooks of hpotter saved.")
    assert emulator.account("hpotter")["webhooks"]["delivery_url"] == failing
    expect(page.locator("#webhook-settings-shown")).to_contain_text(sink, timeout=LIVE_MS)

    # a bad URL is refused with the control plane's words
    page.fill("#webhook-reply-url", "ftp://example.com/x")
    page.get_by_role("button", name="Save webhooks").click()
    expect(page.locator("#flash")).to_contain_text("400: webhooks.reply_url must be an http")
    page.fill("#webhook-reply-url", sink)

    # a test reply is delivered; a test delivery report fails once, then is retried
    page.get_by_role("button", name="Send test reply").click()
    delivered = page.locator("tr[data-notification='1'][data-attempt='1']")
    expect(delivered).to_contain_text("HTTP 200", timeout=LIVE_MS)
    expect(delivered).to_contain_text("delivered")
    expect(delivered).to_contain_text("type=deliver")
    page.get_by_role("button", name="Send test delivery report").click()
    failed = page.locator("tr[data-notification='2'][data-attempt='1']")
    expect(failed).to_contain_text("HTTP 503", timeout=LIVE_MS)
    expect(failed).to_contain_text("retrying")
    expect(failed).to_contain_text("next at 2025-01-01 08:00:01")
    expect(page.locator("[data-live=webhooks] h2")).to_contain_text("1 pending")

    page.fill("#advance-seconds", "1")
    page.get_by_role("button", name="Advance clock").click()
    retried = page.locator("tr[data-notification='2'][data-attempt='2']")
    expect(retried).to_contain_text("HTTP 200", timeout=LIVE_MS)
    expect(page.locator("#webhook-attempt-count")).to_have_text("3")
    assert [r["answered"] for r in emulator.sink_requests("failing")] == [503, 200]

    shot = tmp_path / "inbox-webhooks.png"
    page.locator("[data-live=webhooks]").scroll_into_view_if_needed()
    page.screenshot(path=str(shot), full_page=True)
    shutil.copyfile(shot, SCREENSHOT_COPY)
    assert page.problems == []

"""The web inbox in a real browser: Debian's Chromium, driven headless by Playwright.

Never ``playwright install`` (it downloads browsers from the internet): the tests
use the system Chromium at /usr/bin/chromium and skip, saying why, only where
it or Playwright for Python is missing.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from winsms_emulator import Emulator, EmulatorConfig, create_app
from winsms_emulator.adapters import ui
from winsms_emulator.server import ServerThread

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--headless=new",
]
#: Where a person can look at the last run's screenshot.
SCREENSHOT_COPY = Path("/tmp/winsms-inbox.png")
#: "Within a second" with room for a slow CI machine.
LIVE_MS = 3000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run installs it)",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None,
        reason="Playwright for Python is not installed (pip install playwright; "
        "never `playwright install`: the system Chromium is used)",
    ),
]

#: Chromium logs every 4xx answer; the tests provoke these on purpose.
EXPECTED_REFUSAL = re.compile(r"Failed to load resource: .* status of (400|401|409)\b")

KEY = "hpotter-api-key"
SHOP = {
    "username": "shop",
    "password": "pw",
    "api_key": "shop-key",
    "credits": 25,
    "trial": True,
    "own_numbers": ["27825550199"],
    "short_codes": ["31337"],
}


def with_ui(app: Any) -> Any:
    """The app with the web inbox (once app.py registers it, this does nothing)."""
    if "ui" not in app.blueprints:
        ui.register(app)
    return app


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def watched_page(context: Any) -> Any:
    """A new page of ``context`` whose script errors and console errors (but the
    refusals a test provokes on purpose) collect in its ``problems``."""
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    opened.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" and not EXPECTED_REFUSAL.search(msg.text)
            else None
        ),
    )
    opened.problems = problems
    return opened


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    yield watched_page(context)
    context.close()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    from winsms_emulator.forms.accounts import default_accounts

    emulator = Emulator([*default_accounts(), SHOP], clock="manual")
    with_ui(emulator.app)
    emulator.add_dnc("27825550150")
    emulator.add_blacklist("27825550666")
    with emulator.serve():
        yield emulator
    emulator.raise_errors()


def send(emulator: Emulator, number: str, text: str, **extra: Any) -> dict[str, Any]:
    answer = requests.post(
        f"{emulator.rest_url}/sms/outgoing/send",
        headers={"Authorization": KEY},
        json={"message": text, "recipients": [{"mobileNumber": number}], **extra},
        timeout=5,
    )
    answer.raise_for_status()
    recipient: dict[str, Any] = answer.json()["recipients"][0]
    return recipient


def test_a_send_a_clock_move_and_a_reply_show_live_and_the_actions_work(
    emulator: Emulator, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{emulator.url}/_emulator/ui/")
    expect(page.locator("[data-live=account] h1")).to_contain_text("hpotter")
    expect(page.locator("[data-live=accounts]")).to_contain_text("shop")
    expect(page.locator("[data-account=shop] .flag-trial")).to_have_text("trial")
    expect(page.locator("#dnc-list")).to_contain_text("27825550150")
    expect(page.locator("#blacklist")).to_contain_text("27825550666")
    expect(page.locator("#clock")).to_have_text("2025-01-01 08:00:00")
    # a mark that a reload would wipe: every change below must arrive without one
    page.evaluate("window.notReloaded = true")

    hostile = 'Order 42 <img src=x onerror="window.pwned=1"> & <script>window.pwned=2</script>'
    sent = send(emulator, "27825550101", hostile)
    row = page.locator(f"tr[data-message-id='{sent['apiMessageId']}']")
    expect(row).to_be_visible(timeout=LIVE_MS)
    expect(row.locator(".message-text")).to_have_text(hostile)
    expect(row.locator("td.status .badge")).to_have_text("SENT")
    expect(row.locator("td.status")).to_contain_text("105")
    expect(row.locator(".timeline")).to_contain_text("dispatched")
    expect(row).to_contain_text("GSM")
    expect(page.locator("#balance")).to_have_text("999.00")
    assert row.locator("img, script").count() == 0
    assert page.evaluate("window.pwned") is None

    # advance the clock from the page: the delivery report arrives
    page.fill("#advance-seconds", "5")
    page.get_by_role("button", name="Advance clock").click()
    expect(row.locator("td.status .badge")).to_have_text("DELIVERED", timeout=LIVE_MS)
    expect(row.locator(".timeline")).to_contain_text("delivered")
    expect(page.locator("#clock")).to_have_text("2025-01-01 08:00:05", timeout=LIVE_MS)
    expect(page.locator("#flash")).to_contain_text("Clock advanced")

    # the control plane's refusal is shown as it says it
    page.fill("#advance-seconds", "-3")
    page.get_by_role("button", name="Advance clock").click()
    expect(page.locator("#flash")).to_contain_text("400: advance_seconds must be 0 or more")

    # a handset replies, injected from the page
    page.fill("#reply-from", "27825550101")
    page.fill("#reply-text", "Yes please <3")
    page.get_by_role("button", name="Inject reply").click()
    reply = page.locator("tr[data-reply-id='1']")
    expect(reply).to_contain_text("Yes please <3", timeout=LIVE_MS)
    expect(reply).to_contain_text("not returned")
    expect(page.locator("#flash")).to_contain_text("Reply #1 from 27825550101")

    # a number nobody texted cannot reply: the control plane says why
    page.fill("#reply-from", "27825550999")
    page.get_by_role("button", name="Inject reply").click()
    expect(page.locator("#flash")).to_contain_text("no account has sent a message to 27825550999")
    expect(page.locator("#flash")).to_have_class(re.compile(r"\bis-error\b"))

    # changes made elsewhere arrive too: a scheduled send, a STOP (its confirmation is a
    # free message), a clock move
    send(emulator, "27825550102", "Your appointment is tomorrow", scheduledTime="202501021000")
    emulator.inject_reply("27825550101", "STOP")
    emulator.advance_clock(1)
    expect(page.locator("#outbox-count")).to_have_text("3", timeout=LIVE_MS)
    expect(page.locator("[data-live=inbound] .opt-outs")).to_contain_text("27825550101")
    expect(page.locator("tr[data-reply-id='2']")).to_contain_text("opt-out")
    expect(page.locator("#clock")).to_have_text("2025-01-01 08:00:06", timeout=LIVE_MS)
    requests.post(  # the XML API returns each reply once
        f"{emulator.xml_url}/xmlgetreplies.asp",
        data="<WinSMS_Replies><User>hpotter</User><Password>w1Zard</Password></WinSMS_Replies>",
        timeout=5,
    ).raise_for_status()
    expect(reply.locator(".st-returned")).to_have_text("returned", timeout=LIVE_MS)

    assert page.evaluate("window.notReloaded") is True
    shot = tmp_path / "web-inbox.png"
    page.screenshot(path=str(shot), full_page=True)
    shutil.copyfile(shot, SCREENSHOT_COPY)

    # reset the account from the page (after saying yes to the browser's question)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reset hpotter").click()
    expect(page.locator("#outbox-count")).to_have_text("0", timeout=LIVE_MS)
    expect(page.locator("#replies-count")).to_have_text("0")
    expect(page.locator("#balance")).to_have_text("1,000.00")
    expect(page.locator("#flash")).to_contain_text("Account hpotter was reset")
    assert emulator.outbox("hpotter") == []
    assert page.evaluate("window.notReloaded") is True
    assert page.problems == []


def test_another_account_is_one_click_away(emulator: Emulator, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{emulator.url}/_emulator/ui/")
    page.locator("[data-live=accounts] a[data-account=shop]").click()
    expect(page.locator("[data-live=account] h1")).to_contain_text("shop")
    expect(page.locator("[data-live=account]")).to_contain_text("27825550199")
    expect(page.locator("[data-live=account] .flag-code")).to_have_text("#31337")
    emulator.inject_short_code_message("31337", "27825550123", "JOIN")
    expect(page.locator("[data-live=inbound] .short-codes")).to_contain_text(
        "JOIN", timeout=LIVE_MS
    )
    assert page.problems == []


def test_with_an_admin_token_the_page_asks_for_it_and_then_works(page: Any) -> None:
    from playwright.sync_api import expect

    app = with_ui(create_app(config=EmulatorConfig(admin_token="s3cret")))
    with ServerThread(app) as server:
        answer = page.goto(f"{server.url}/_emulator/ui/")
        assert answer.status == 401
        page.fill("#token", "wrong")
        page.get_by_role("button", name="Open the inbox").click()
        expect(page.locator(".flash")).to_contain_text("not this emulator's admin token")
        page.fill("#token", "s3cret")
        page.get_by_role("button", name="Open the inbox").click()
        expect(page.locator("[data-live=account] h1")).to_contain_text("hpotter")
        assert "token" not in page.url
        [cookie] = page.context.cookies()
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert cookie["value"] != "s3cret"
        # the page never holds the token, yet its calls work: the clock moves from the page,
        # a reply is injected, the account is reset, and the panels follow live
        assert "s3cret" not in page.content() and "data-token" not in page.content()
        page.fill("#advance-seconds", "60")
        page.get_by_role("button", name="Advance clock").click()
        expect(page.locator("#clock")).to_have_text("2025-01-01 08:01:00", timeout=LIVE_MS)
        expect(page.locator("#live-indicator")).to_have_text("live")
        requests.post(
            f"{server.url}/api/rest/v1/sms/outgoing/send",
            headers={"Authorization": KEY},
            json={"message": "hi", "recipients": [{"mobileNumber": "27825550101"}]},
            timeout=5,
        ).raise_for_status()
        expect(page.locator("#outbox-count")).to_have_text("1", timeout=LIVE_MS)
        page.fill("#reply-from", "27825550101")
        page.fill("#reply-text", "ok")
        page.get_by_role("button", name="Inject reply").click()
        expect(page.locator("tr[data-reply-id='1']")).to_contain_text("ok", timeout=LIVE_MS)
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Reset hpotter").click()
        expect(page.locator("#outbox-count")).to_have_text("0", timeout=LIVE_MS)
        assert page.problems == []


#: Where a person can look at the last run's screenshot of the coverage page.
COVERAGE_SCREENSHOT_COPY = Path("/tmp/winsms-coverage.png")


def test_the_coverage_page_names_what_was_never_exercised_and_its_mark_starts_afresh(
    emulator: Emulator, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    send(emulator, "27825550101", "Order 42 shipped")
    send(emulator, "123", "Order 43 shipped")
    page.goto(f"{emulator.url}/_emulator/ui/")
    page.get_by_role("link", name="Coverage").click()
    expect(page.locator("h1")).to_have_text("Contract coverage")
    expect(page.locator("#coverage-total")).to_contain_text(
        "6 of 21 documented outcomes of the operations called (28.6%)"
    )
    current = page.locator("section[data-section='REST current']")
    sent = current.locator("tr[data-operation='send']")
    expect(sent.locator(".cov-seen")).to_have_text(
        ["HTTP 200 ×2", "accepted ×1", "BADDEST ×1", "immediate ×1", "single-part ×1", "GSM ×1"]
    )
    expect(sent.locator(".cov-never").first).to_have_text("HTTP 400")
    expect(sent.locator(".cov-never", has_text="INSUFFICIENT CREDITS")).to_be_visible()
    expect(current.locator("tr[data-operation='transfer']")).to_contain_text("never called")
    # the shapes nobody used are folded away, and open on a click
    xml = page.locator("details[data-section='XML']")
    expect(xml).to_contain_text("not used")
    expect(xml.locator("tr[data-operation='send']")).not_to_be_visible()
    xml.locator("summary").click()
    expect(xml.locator("tr[data-operation='send']")).to_be_visible()
    shot = tmp_path / "coverage.png"
    page.screenshot(path=str(shot), full_page=True)
    shutil.copyfile(shot, COVERAGE_SCREENSHOT_COPY)

    # one account at a time
    page.locator("nav[aria-label=Account] a", has_text="shop").click()
    expect(page.locator("h1")).to_contain_text("of shop")
    expect(page.locator("#coverage-total")).to_contain_text("No request reached the WinSMS APIs")

    # the mark: the report starts afresh, a reset does not move it, the start keeps it all
    page.get_by_role("button", name="Set the mark now").click()
    expect(page.locator("#coverage-total")).to_contain_text("since the mark")
    page.locator("nav[aria-label=Account] a", has_text="every account").click()
    expect(page.locator("#coverage-total")).to_contain_text(
        "No request reached the WinSMS APIs since the mark"
    )
    emulator.reset()
    send(emulator, "27825550101", "Order 44 shipped")
    page.reload()
    expect(page.locator("#coverage-total")).to_contain_text("5 of 21 documented outcomes")
    expect(current.locator("tr[data-operation='send'] .cov-seen").first).to_have_text("HTTP 200 ×1")
    page.locator("nav[aria-label=Since] a", has_text="since the start").click()
    expect(
        page.locator(
            "section[data-section='REST current'] tr[data-operation='send'] .cov-seen"
        ).first
    ).to_have_text("HTTP 200 ×3")
    assert page.problems == []


# -- searching, filtering, paging, the views and the detail pages --------------------------------

#: Where a person can look at the last run's screenshots at a phone's width.
NARROW_SCREENSHOT_COPY = Path("/tmp/winsms-inbox-420.png")
NARROW_MESSAGE_SCREENSHOT_COPY = Path("/tmp/winsms-message-420.png")

BAD_XML = (
    "<WinSMS_Multi_Message><User>hpotter</User><Password>w1Zard</Password><Surplus/>"
    "<Messages><Message><MessageText>by xml</MessageText><Numbers><Number>27825550103</Number>"
    "</Numbers></Message></Messages></WinSMS_Multi_Message>"
)


def rows(page: Any, attribute: str) -> list[str]:
    found: list[str] = page.locator(f"[{attribute}]").evaluate_all(
        f"(els) => els.map((el) => el.getAttribute('{attribute}'))"
    )
    return found


def test_the_outbox_is_searched_filtered_and_paged_and_stays_live(
    emulator: Emulator, page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    from winsms_emulator.adapters import ui_views

    monkeypatch.setattr(ui_views, "MAX_ROWS", 2)
    ids = [send(emulator, "27825550101", f"Order {n}")["apiMessageId"] for n in range(3)]
    code = send(emulator, "27825550102", "Your code is 9911")["apiMessageId"]
    page.goto(f"{emulator.url}/_emulator/ui/")
    assert rows(page, "data-message-id") == [str(code), str(ids[2])]
    expect(page.locator("#pager-where")).to_have_text("1–2 of 4 messages · page 1 of 2")
    page.get_by_role("link", name="Older →").click()
    expect(page.locator("#pager-where")).to_have_text("3–4 of 4 messages · page 2 of 2")
    assert rows(page, "data-message-id") == [str(ids[1]), str(ids[0])]
    page.get_by_role("link", name="← Newer").click()
    expect(page.locator("#pager-where")).to_contain_text("page 1 of 2")

    # search by number, then by text; the address keeps the search
    page.fill("input[name=q]", "27825550102")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#pager-where")).to_have_text("1–1 of 1 messages found")
    assert rows(page, "data-message-id") == [str(code)]
    assert "q=27825550102" in page.url
    page.fill("input[name=q]", "order 1")
    page.get_by_role("button", name="Search").click()
    assert rows(page, "data-message-id") == [str(ids[1])]

    # a filtered view stays live: a new match shows, a message that does not match does not
    page.get_by_role("link", name="Clear").click()
    page.select_option("select[name=status]", "queued")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".view-rows")).to_contain_text("No message matches this search.")
    send(emulator, "27825550103", "now")
    later = send(emulator, "27825550101", "later", scheduledTime="202501021000")
    expect(page.locator(f"tr[data-message-id='{later['apiMessageId']}']")).to_be_visible(
        timeout=LIVE_MS
    )
    expect(page.locator("#outbox-count")).to_have_text("6")
    assert rows(page, "data-message-id") == [str(later["apiMessageId"])]
    page.select_option("select[name=api]", "xml")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".view-rows")).to_contain_text("No message matches this search.")
    assert page.problems == []


def test_refused_recipients_show_live_beside_the_outbox_and_lead_to_their_request(
    emulator: Emulator, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{emulator.url}/_emulator/ui/?account=hpotter")
    page.locator(".tabs a[data-view=refused]").click()
    expect(page.locator(".view-rows")).to_contain_text("No recipient was refused.")
    emulator.add_opt_out("hpotter", "27825550109")
    requests.post(
        f"{emulator.rest_url}/sms/outgoing/send",
        headers={"Authorization": KEY},
        json={
            "message": "Sale <today>",
            "recipients": [
                {"mobileNumber": "123"},
                {"mobileNumber": "27825550150"},  # on the DNC list
                {"mobileNumber": "27825550109"},
                {"mobileNumber": "27825550101"},
            ],
        },
        timeout=5,
    ).raise_for_status()
    expect(page.locator("#refused-count")).to_have_text("3", timeout=LIVE_MS)
    assert rows(page, "data-reason") == ["OPTEDOUT", "WASPADNC", "BADDEST"]
    expect(page.locator("tr[data-refused-number='123']")).to_contain_text("Sale <today>")
    page.select_option("select[name=reason]", "WASPADNC")
    page.get_by_role("button", name="Search").click()
    assert rows(page, "data-refused-number") == ["27825550150"]
    page.locator("tr[data-refused-number='27825550150'] a.request-link").click()
    expect(page.locator("h1")).to_contain_text("Request #")
    expect(page.locator("#refused")).to_contain_text("27825550109")
    expect(page.locator("#messages tr[data-message-id]")).to_have_count(1)
    assert page.problems == []


def test_a_message_page_shows_its_request_its_schema_violations_and_its_timeline(
    emulator: Emulator, page: Any
) -> None:
    from playwright.sync_api import expect

    requests.post(f"{emulator.xml_url}/xmlsendsmsmulti.asp", data=BAD_XML, timeout=5)
    emulator.advance_clock(5)
    page.goto(f"{emulator.url}/_emulator/ui/")
    page.locator(".tabs a[data-view=journal]").click()
    expect(page.locator("#violations-count")).to_contain_text("1")
    page.locator("input[name=violations]").check()
    page.get_by_role("button", name="Search").click()
    entry = page.locator("tr.has-violations")
    expect(entry).to_have_count(1)
    entry.locator("summary").click()
    expect(entry).to_contain_text("Surplus")
    page.locator(".tabs a[data-view=outbox]").click()
    page.locator("tr[data-message-id] a.message-link").first.click()
    expect(page.locator("h1")).to_contain_text("Message #1")
    expect(page.locator("#timeline")).to_contain_text("delivered")
    expect(page.locator("#request")).to_contain_text("POST /api/xmlsendsmsmulti.asp")
    expect(page.locator("#violation-count")).to_have_text("1")
    expect(page.locator("#request .violation-items")).to_contain_text("Surplus")
    page.get_by_role("link", name="← hpotter's outbox").click()
    expect(page.locator("[data-live=account] h1")).to_contain_text("hpotter")
    assert page.problems == []


def test_an_account_that_is_not_there_is_said_to_be_missing(emulator: Emulator, page: Any) -> None:
    from playwright.sync_api import expect

    answer = page.goto(f"{emulator.url}/_emulator/ui/?account=nobody")
    assert answer.status == 404
    expect(page.locator("#problem")).to_have_text("There is no account named 'nobody'.")
    expect(page.locator("[data-live=account]")).to_have_count(0)
    page.get_by_role("link", name="shop").click()
    expect(page.locator("[data-live=account] h1")).to_contain_text("shop")
    # the browser logs the page's own 404, and nothing else
    assert all("status of 404" in problem for problem in page.problems), page.problems


def test_at_420_pixels_wide_nothing_scrolls_sideways(
    emulator: Emulator, browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    send(emulator, "27825550101", "A long text that has to wrap on a narrow screen " * 3)
    send(emulator, "123", "refused")
    requests.post(f"{emulator.xml_url}/xmlsendsmsmulti.asp", data=BAD_XML, timeout=5)
    context = browser.new_context(viewport={"width": 420, "height": 900})
    narrow = context.new_page()
    try:
        for view in ("", "&view=refused", "&view=journal"):
            narrow.goto(f"{emulator.url}/_emulator/ui/?account=hpotter{view}")
            expect(narrow.locator("[data-live=rows]")).to_be_visible()
            width = narrow.evaluate("document.documentElement.scrollWidth")
            assert width <= 420, (view, width)
            if not view:
                shot = tmp_path / "inbox-420.png"
                narrow.screenshot(path=str(shot), full_page=True)
                shutil.copyfile(shot, NARROW_SCREENSHOT_COPY)
        narrow.goto(f"{emulator.url}/_emulator/ui/messages/2")
        expect(narrow.locator("#request")).to_be_visible()
        assert narrow.evaluate("document.documentElement.scrollWidth") <= 420
        shot = tmp_path / "message-420.png"
        narrow.screenshot(path=str(shot), full_page=True)
        shutil.copyfile(shot, NARROW_MESSAGE_SCREENSHOT_COPY)
    finally:
        context.close()

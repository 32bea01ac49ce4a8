"""Many clients at once over real HTTP: credits are never overspent, IDs never repeat.

Each test starts its own emulator on a free localhost port
(``Emulator().serve()``) and drives it from plain threads with ``requests``.
Every loop is bounded; nothing sleeps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
import requests
from lxml import etree
from lxml.builder import E

from winsms_emulator import Emulator

THREADS = 16
KEY = "racer-key"
ACCOUNT = {
    "username": "racer",
    "password": "pw",
    "api_key": KEY,
    "credits": 10,
    "rest_dialect": "current",
}


@pytest.fixture
def live(request: pytest.FixtureRequest) -> Iterator[tuple[Emulator, str]]:
    """A served emulator whose one account has 10 credits (or the ``credits`` param)."""
    credits = getattr(request, "param", 10)
    emulator = Emulator(accounts=[{**ACCOUNT, "credits": credits}])
    with emulator.serve() as url:
        yield emulator, url
    emulator.raise_errors()


def run_threads(count: int, work: Callable[[int], None]) -> None:
    """Run ``work(i)`` in ``count`` threads released together; re-raise the first error."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            work(index)
        except BaseException as exc:  # re-raised in the test's own thread below
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a client thread hung"
    if errors:
        raise errors[0]


def no_server_error(response: requests.Response) -> requests.Response:
    assert response.status_code < 500, (response.request.url, response.status_code, response.text)
    return response


def rest_send(session: requests.Session, url: str, number: str) -> dict[str, Any]:
    response = no_server_error(
        session.post(
            f"{url}/api/rest/v1/sms/outgoing/send",
            json={"message": "Hi", "recipients": [{"mobileNumber": number}]},
            headers={"Authorization": KEY},
            timeout=30,
        )
    )
    assert response.status_code == 200, response.text
    [recipient] = response.json()["recipients"]
    return dict(recipient)


def xml_send(session: requests.Session, url: str, number: str) -> dict[str, Any]:
    document = E.WinSMS_Multi_Message(
        E.User("racer"),
        E.Password("pw"),
        E.Messages(E.Message(E.MessageText("Hi"), E.Numbers(E.Number(number)))),
    )
    response = no_server_error(
        session.post(f"{url}/api/xmlsendsmsmulti.asp", data=etree.tostring(document), timeout=30)
    )
    assert response.status_code == 200, response.text
    code = etree.fromstring(response.content).findtext("SendResult/NumberID/ID") or ""
    accepted = code.isdigit()
    return {
        "accepted": accepted,
        "apiMessageId": int(code) if accepted else None,
        "acceptError": "" if accepted else code,
    }


@pytest.mark.parametrize("send", [rest_send, xml_send], ids=["rest", "xml"])
def test_16_concurrent_sends_with_credits_for_10_accept_exactly_10(
    live: tuple[Emulator, str], send: Callable[[requests.Session, str, str], dict[str, Any]]
) -> None:
    emulator, url = live
    results: list[dict[str, Any]] = []
    guard = threading.Lock()

    def work(index: int) -> None:
        with requests.Session() as session:
            result = send(session, url, f"2782555{index:04d}")
        with guard:
            results.append(result)

    run_threads(THREADS, work)
    accepted = [r for r in results if r["accepted"]]
    refused = [r for r in results if not r["accepted"]]
    assert len(accepted) == 10
    assert {r["acceptError"] for r in refused} == (
        {"INSUFFICIENT CREDITS"} if send is rest_send else {"NOCREDITS"}
    )
    ids = [r["apiMessageId"] for r in accepted]
    assert len(set(ids)) == 10
    assert Decimal(str(emulator.balance("racer"))) == Decimal(0)
    assert sorted(m["id"] for m in emulator.outbox("racer")) == sorted(ids)


# -- everything at once ---------------------------------------------------------------------------


@dataclass
class Epochs:
    """Resets started and finished; a request is in epoch k only if no reset was in
    flight at any moment between its start and its end."""

    started: int = 0
    finished: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> tuple[int, int]:
        with self.lock:
            return self.started, self.finished

    def epoch_of(self, before: tuple[int, int], after: tuple[int, int]) -> int | None:
        if before[0] == before[1] == after[0] == after[1]:
            return before[0]
        return None


ITERATIONS = 25


@pytest.mark.parametrize("live", [1_000_000], indirect=True)
def test_sends_status_clock_replies_and_resets_at_once(live: tuple[Emulator, str]) -> None:
    emulator, url = live
    epochs = Epochs()
    guard = threading.Lock()
    sent: dict[int, list[Any]] = {}  # epoch -> message IDs
    fetched: dict[int, list[Any]] = {}  # epoch -> the texts of the replies returned
    balances: list[float] = []

    def record(into: dict[int, list[Any]], epoch: int | None, values: list[Any]) -> None:
        if epoch is not None:
            with guard:
                into.setdefault(epoch, []).extend(values)

    def sender(session: requests.Session, index: int, i: int) -> None:
        before = epochs.snapshot()
        result = rest_send(session, url, f"278255{index:02d}{i:03d}")
        assert result["accepted"], result
        record(sent, epochs.epoch_of(before, epochs.snapshot()), [result["apiMessageId"]])

    def status_reader(session: requests.Session, index: int, i: int) -> None:
        response = no_server_error(
            session.post(
                f"{url}/api/rest/v1/sms/outgoing/status",
                json=list(range(1, 50)),
                headers={"Authorization": KEY},
                timeout=30,
            )
        )
        assert response.status_code == 200, response.text

    def clock_mover(session: requests.Session, index: int, i: int) -> None:
        response = no_server_error(
            session.post(f"{url}/_emulator/clock", json={"advance_seconds": 1}, timeout=30)
        )
        assert response.status_code == 200, response.text

    def replier(session: requests.Session, index: int, i: int) -> None:
        # a reply from a number the senders texted (409 when that send is not in this epoch)
        response = no_server_error(
            session.post(
                f"{url}/_emulator/replies",
                json={"from": f"27825500{i % 10:03d}", "message": f"Hello {index}-{i}"},
                timeout=30,
            )
        )
        assert response.status_code in (201, 409), response.text
        before = epochs.snapshot()
        # the XML API returns each reply once (REST's incoming is a listing)
        document = E.WinSMS_Replies(E.User("racer"), E.Password("pw"))
        response = no_server_error(
            session.post(f"{url}/api/xmlgetreplies.asp", data=etree.tostring(document), timeout=30)
        )
        assert response.status_code == 200, response.text
        texts = [m.text for m in etree.fromstring(response.content).iter("Message")]
        record(fetched, epochs.epoch_of(before, epochs.snapshot()), texts)

    def balance_watcher(session: requests.Session, index: int, i: int) -> None:
        response = no_server_error(
            session.get(
                f"{url}/api/rest/v1/credits/balance", headers={"Authorization": KEY}, timeout=30
            )
        )
        assert response.status_code == 200, response.text
        balance = response.json()["creditBalance"]
        assert balance >= 0, balance
        with guard:
            balances.append(balance)

    def resetter(session: requests.Session, index: int, i: int) -> None:
        if i % 5:
            return
        with epochs.lock:
            epochs.started += 1
        response = no_server_error(session.post(f"{url}/_emulator/reset", timeout=30))
        assert response.status_code == 200, response.text
        with epochs.lock:
            epochs.finished += 1

    roles = [sender, sender, sender, sender, status_reader, clock_mover, replier, replier]
    roles += [balance_watcher, resetter]

    def work(index: int) -> None:
        role = roles[index]
        with requests.Session() as session:
            for i in range(ITERATIONS):
                role(session, index, i)

    run_threads(len(roles), work)
    assert epochs.finished == ITERATIONS // 5
    assert sum(map(len, sent.values())) > 0 and sum(map(len, fetched.values())) > 0
    for epoch, ids in sent.items():
        assert len(ids) == len(set(ids)), f"a message ID repeated in reset epoch {epoch}"
    for epoch, ids in fetched.items():
        assert len(ids) == len(set(ids)), f"a reply was returned twice in reset epoch {epoch}"
    assert balances and min(balances) >= 0
    outbox = emulator.outbox("racer")
    spent = sum(Decimal(str(m["cost"])) for m in outbox)
    assert Decimal(str(emulator.balance("racer"))) == Decimal(1_000_000) - spent

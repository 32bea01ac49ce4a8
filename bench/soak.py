"""A soak: minutes of mixed traffic over every surface while chaos runs beside it.

    python -m bench.soak            # three minutes, 12 client threads
    python -m bench.soak --quick    # twenty seconds, 6 threads: a smoke run

A real ``winsms-emulator serve`` (real clock) gets, at once: XML sends, statuses,
deletes, replies and short-code fetches; REST v1 in both shapes (sends, sendmulti,
statuses, the queue, deletes, incoming, opt-outs, short codes, balances, transfers,
sub-accounts); handsets replying and texting a short code; and a chaos thread that
injects faults (HTTP errors, malformed answers, dropped connections, latency), resets
accounts, sets credits, and exports the state and imports it again.

At the end it checks what must hold and reports (it never fails):

- every account's ledger adds up to its balance;
- no message ID names two different messages, unless a state import rolled the ID
  counter back in between;
- nothing lost: every message a client was told was accepted is in the final state,
  unless its account was reset or a state import rolled it back afterwards; every reply
  the state says was returned reached a client;
- no 5xx but the injected ones.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "soak-results.json"

ACCOUNTS = [
    {"username": "seed1", "password": "pw1", "api_key": "seed1-key", "credits": 200000,
     "short_codes": ["41001"], "account_number": 30001},
    {"username": "cur1", "password": "pw2", "api_key": "cur1-key", "credits": 200000,
     "rest_dialect": "current", "account_number": 30002},
    {"username": "main1", "password": "pw3", "api_key": "main1-key", "credits": 200000,
     "rest_dialect": "current", "account_number": 30003},
    {"username": "sub1", "password": "pw4", "api_key": "sub1-key", "credits": 1000,
     "parent": "main1", "rest_dialect": "current", "account_number": 30004},
]  # fmt: skip
BY_NAME = {a["username"]: a for a in ACCOUNTS}


def now() -> float:
    return time.monotonic()


@dataclass
class Sent:
    """A message a client was told was accepted."""

    id: int
    account: str
    text: str
    start: float
    end: float


@dataclass
class Event:
    """Something the chaos thread did that may take messages away: a reset or an import."""

    kind: str  # "reset" or "import"
    account: str | None
    start: float  # for an import: when the imported state was exported
    end: float


@dataclass
class Record:
    """What the clients saw, shared by every thread (behind one lock)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: list[Sent] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    replies_sent: set[str] = field(default_factory=set)
    replies_received: Counter[str] = field(default_factory=Counter)
    recent: dict[str, deque[tuple[int, str]]] = field(
        default_factory=lambda: defaultdict(lambda: deque(maxlen=200))
    )
    statuses: Counter[str] = field(default_factory=Counter)
    injected: Counter[str] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    drops_armed: int = 0  # connections the chaos's drop_connection faults may cut
    refusals: Counter[str] = field(default_factory=Counter)  # 4xx by what was asked

    def accepted(self, message_id: int, account: str, number: str, text: str, start: float) -> None:
        with self.lock:
            self.sent.append(Sent(message_id, account, text, start, now()))
            self.recent[account].append((message_id, number))

    def pick(self, account: str) -> tuple[int, str] | None:
        with self.lock:
            found = self.recent[account]
            return random.choice(found) if found else None


class Client:
    """One thread's connection to the emulator, recording every answer."""

    def __init__(self, url: str, record: Record) -> None:
        self.url = url
        self.record = record
        self.session = requests.Session()

    def call(self, label: str, method: str, path: str, **kwargs: Any) -> requests.Response | None:
        started = now()
        try:
            answer = self.session.request(method, self.url + path, timeout=30, **kwargs)
        except requests.RequestException:
            with self.record.lock:
                self.record.statuses["connection error"] += 1
            self.session = requests.Session()  # the old one may hold a dead connection
            return None
        took = now() - started
        with self.record.lock:
            self.record.latencies[label].append(took)
            self.record.statuses[f"{answer.status_code // 100}xx"] += 1
            if 400 <= answer.status_code < 500:
                self.record.refusals[f"{label} {answer.status_code}"] += 1
            if answer.status_code >= 500:
                if b"Injected fault" in answer.content:
                    self.record.injected["HTTP error"] += 1
                else:
                    self.record.unexpected.append(
                        f"{method} {path} -> {answer.status_code}: {answer.text[:200]}"
                    )
        return answer


def _json(answer: requests.Response | None) -> Any:
    if answer is None or answer.status_code != 200:
        return None
    try:
        return answer.json()
    except ValueError:  # a malformed_body fault
        return None


def _xml(answer: requests.Response | None) -> Any:
    from lxml import etree

    if answer is None or answer.status_code != 200:
        return None
    try:
        return etree.fromstring(answer.content)
    except etree.XMLSyntaxError:
        return None


_texts = itertools.count()


def _number() -> str:
    return f"2782555{random.randint(0, 9999):04d}"


def _login(account: dict[str, Any]) -> str:
    return f"<User>{account['username']}</User><Password>{account['password']}</Password>"


# -- the traffic ---------------------------------------------------------------------------------


def xml_send(c: Client) -> None:
    account = random.choice(ACCOUNTS[:3])
    numbers = [_number() for _ in range(random.randint(1, 4))]
    text = f"x{next(_texts)}"
    later = random.random() < 0.2
    scheduled = (
        time.strftime("%Y%m%d%H%M", time.gmtime(time.time() + 2 * 3600 + 7200)) if later else ""
    )
    document = (
        f"<WinSMS_Multi_Message>{_login(account)}<Scheduled>{scheduled}</Scheduled><Messages>"
        f"<Message><MessageText>{text}</MessageText><Numbers>"
        + "".join(f"<Number>{n}</Number>" for n in numbers)
        + "</Numbers></Message></Messages></WinSMS_Multi_Message>"
    )
    started = now()
    root = _xml(c.call("xml send", "POST", "/api/xmlsendsmsmulti.asp", data=document))
    if root is None:
        return
    for item in root.iter("NumberID"):
        code = item.findtext("ID") or ""
        if code.isdigit():
            c.record.accepted(
                int(code), account["username"], item.findtext("Number") or "", text, started
            )


def xml_ids(c: Client, root_name: str, path: str, label: str) -> None:
    account = random.choice(ACCOUNTS[:3])
    picked = [c.record.pick(account["username"]) for _ in range(random.randint(1, 5))]
    ids = (
        "".join(f"<MessageID><ID>{p[0]}</ID><CLI>{p[1]}</CLI></MessageID>" for p in picked if p)
        or "<MessageID><ID>1</ID><CLI>x</CLI></MessageID>"
    )
    document = f"<{root_name}>{_login(account)}<MessageIDs>{ids}</MessageIDs></{root_name}>"
    c.call(label, "POST", path, data=document)


def xml_status(c: Client) -> None:
    xml_ids(c, "WinSMS_StatusRequest", "/api/xmlgetstatus.asp", "xml status")


def xml_delete(c: Client) -> None:
    xml_ids(c, "WinSMS_DeleteScheduled", "/api/xmldeletescheduled.asp", "xml delete")


def xml_replies(c: Client) -> None:
    account = random.choice(ACCOUNTS[:3])
    root = _xml(
        c.call(
            "xml replies",
            "POST",
            "/api/xmlgetreplies.asp",
            data=f"<WinSMS_Replies>{_login(account)}</WinSMS_Replies>",
        )
    )
    if root is not None:
        with c.record.lock:
            for reply in root.iter("Reply"):
                c.record.replies_received[reply.findtext("Message") or ""] += 1


def xml_short_codes(c: Client) -> None:
    account = BY_NAME["seed1"]
    document = f"<WinSMS_SCmessages>{_login(account)}</WinSMS_SCmessages>"
    c.call("xml short codes", "POST", "/api/xmlgetscmessages.asp", data=document)


def rest_send(c: Client) -> None:
    account = random.choice(ACCOUNTS)
    numbers = [_number() for _ in range(random.randint(1, 4))]
    text = f"r{next(_texts)}"
    key = {"Authorization": account["api_key"]}
    seed = random.random() < 0.5
    later = random.random() < 0.2
    when = time.strftime("%Y%m%d%H%M", time.gmtime(time.time() + 4 * 3600)) if later else None
    if seed:
        body: dict[str, Any] = {
            "message": text,
            "mobileNumbers": [{"mobileNumber": n} for n in numbers],
        }
        if when:
            body["scheduledTime"] = int(when)
    else:
        body = {"message": text, "recipients": [{"mobileNumber": n} for n in numbers]}
        if when:
            body["scheduledTime"] = when
    started = now()
    found = _json(
        c.call("rest send", "POST", "/api/rest/v1/sms/outgoing/send", json=body, headers=key)
    )
    if not found:
        return
    for item in found.get("messages", found.get("recipients", [])):
        message_id = item.get("serverMessageId") or item.get("apiMessageId")
        if item.get("accepted") and message_id:
            c.record.accepted(message_id, account["username"], item["mobileNumber"], text, started)


def rest_sendmulti(c: Client) -> None:
    account = random.choice(ACCOUNTS[1:])
    texts = [f"m{next(_texts)}" for _ in range(random.randint(1, 3))]
    body = {
        "messages": [{"message": t, "recipients": [{"mobileNumber": _number()}]} for t in texts]
    }
    started = now()
    found = _json(
        c.call(
            "rest sendmulti",
            "POST",
            "/api/rest/v1/sms/outgoing/sendmulti",
            json=body,
            headers={"Authorization": account["api_key"]},
        )
    )
    if not found:
        return
    for message in found["messages"]:
        for item in message["recipients"]:
            if item["accepted"]:
                c.record.accepted(
                    item["apiMessageId"],
                    account["username"],
                    item["mobileNumber"],
                    message["message"],
                    started,
                )


def rest_ids(c: Client, path: str, label: str) -> None:
    account = random.choice(ACCOUNTS)
    ids = [p[0] for p in (c.record.pick(account["username"]) for _ in range(5)) if p] or [1]
    c.call(label, "POST", path, json=ids, headers={"Authorization": account["api_key"]})


def rest_status(c: Client) -> None:
    rest_ids(c, "/api/rest/v1/sms/outgoing/status", "rest status")


def rest_delete(c: Client) -> None:
    rest_ids(c, "/api/rest/v1/sms/scheduled/delete", "rest delete")


def rest_get(
    path: str, label: str, accounts: list[dict[str, Any]] = ACCOUNTS
) -> Callable[[Client], None]:
    def call(c: Client) -> None:
        account = random.choice(accounts)
        found = _json(c.call(label, "GET", path, headers={"Authorization": account["api_key"]}))
        if found and "incoming" in path:
            with c.record.lock:
                for item in found.get("messages", found.get("incomingMessages", [])):
                    c.record.replies_received[item.get("messageText", "")] += 1

    return call


def rest_transfer(c: Client) -> None:
    forth = random.random() < 0.5
    body = {
        "sendingAccountNumber": 30003 if forth else 30004,
        "receivingAccountNumber": 30004 if forth else 30003,
        "transferQuantity": random.randint(1, 5),
    }
    c.call(
        "rest transfer",
        "POST",
        "/api/rest/v1/credits/transfer",
        json=body,
        headers={"Authorization": BY_NAME["main1"]["api_key"]},
    )


def handset_reply(c: Client) -> None:
    account = random.choice(ACCOUNTS[:3])
    picked = c.record.pick(account["username"])
    if picked is None:
        return
    text = random.choice(["Thanks ", "Yes ", "STOP ", "ok "]) + str(next(_texts))
    answer = c.call(
        "reply", "POST", "/_emulator/replies", json={"from": picked[1], "message": text}
    )
    if answer is not None and answer.status_code == 201:
        with c.record.lock:
            c.record.replies_sent.add(text)


def handset_short_code(c: Client) -> None:
    c.call(
        "short code",
        "POST",
        "/_emulator/short-codes/41001/messages",
        json={"from": _number(), "message": f"JOIN {next(_texts)}"},
    )


TRAFFIC: list[tuple[Callable[[Client], None], int]] = [
    (xml_send, 6),
    (xml_status, 4),
    (xml_delete, 1),
    (xml_replies, 2),
    (xml_short_codes, 1),
    (rest_send, 8),
    (rest_sendmulti, 2),
    (rest_status, 4),
    (rest_delete, 1),
    (rest_get("/api/rest/v1/sms/scheduled", "rest scheduled"), 1),
    (rest_get("/api/rest/v1/sms/incoming", "rest incoming"), 2),
    (rest_get("/api/rest/v1/sms/incoming/optout", "rest optouts", ACCOUNTS[1:]), 1),
    (rest_get("/api/rest/v1/shortcode/incoming", "rest short codes", ACCOUNTS[:1]), 1),
    (rest_get("/api/rest/v1/credits/balance", "rest balance"), 2),
    (rest_get("/api/rest/v1/subaccounts", "rest subaccounts", ACCOUNTS[2:3]), 1),
    (rest_transfer, 1),
    (handset_reply, 2),
    (handset_short_code, 1),
]


# -- the chaos --------------------------------------------------------------------------------


def chaos(c: Client, deadline: float, pause: float) -> None:
    faults = [
        {"kind": "http_error", "status": 503, "probability": 0.3},
        {"kind": "http_error", "status": 500, "times": 3},
        {"kind": "malformed_body", "probability": 0.3},
        {"kind": "drop_connection", "times": 2},
        {"kind": "latency", "seconds": 0.05, "probability": 0.5},
    ]
    while now() < deadline:
        action = random.choices(
            ["fault", "clear", "reset", "credits", "export", "import"], [3, 1, 1, 2, 2, 1]
        )[0]
        account = random.choice(ACCOUNTS)["username"]
        started = now()
        if action == "fault":
            fault = {**random.choice(faults), "match": {"account": account}}
            answer = c.call("chaos", "POST", "/_emulator/faults", json=fault)
            if (
                answer is not None
                and answer.status_code == 201
                and fault["kind"] == "drop_connection"
            ):
                with c.record.lock:
                    c.record.drops_armed += fault["times"]
        elif action == "clear":
            c.call("chaos", "DELETE", "/_emulator/faults")
        elif action == "reset":
            answer = c.call("chaos", "POST", f"/_emulator/accounts/{account}/reset")
            if answer is not None:
                with c.record.lock:
                    c.record.events.append(Event("reset", account, started, now()))
        elif action == "credits":
            amount = random.randint(50_000, 200_000)
            c.call("chaos", "PATCH", f"/_emulator/accounts/{account}", json={"credits": amount})
        else:
            document = _json(c.call("chaos", "GET", "/_emulator/state"))
            if action == "import" and document is not None:
                answer = c.call("chaos", "PUT", "/_emulator/state", json=document)
                if answer is not None:
                    with c.record.lock:
                        c.record.events.append(Event("import", None, started, now()))
        time.sleep(pause)  # the chaos paces itself; the clients never wait


# -- the run ----------------------------------------------------------------------------------


@contextmanager
def server(threads: int) -> Iterator[str]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as accounts:
        json.dump(ACCOUNTS, accounts)
    process = subprocess.Popen(
        [sys.executable, "-m", "winsms_emulator.cli", "serve", "--port", "0", "--clock", "real",
         "--accounts", accounts.name, "--threads", str(threads)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "WINSMS_EMULATOR_LOG_LEVEL": "warning"},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip().removeprefix("listening on ")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        os.unlink(accounts.name)


def client_loop(c: Client, deadline: float) -> None:
    actions, weights = zip(*TRAFFIC, strict=True)
    while now() < deadline:
        random.choices(actions, weights)[0](c)


def check(state: dict[str, Any], record: Record) -> dict[str, Any]:
    """What must hold at the end, counted."""
    ledger_mismatches = []
    for account in state["accounts"]:
        total = sum((Decimal(e["amount"]) for e in account["ledger"]), Decimal(0))
        if total != Decimal(account["credits"]):
            ledger_mismatches.append(
                f"{account['username']}: ledger {total} != {account['credits']}"
            )
    final = {m["id"]: m for m in state["messages"]}
    imports = [e for e in record.events if e.kind == "import"]
    resets = defaultdict(list)
    for event in record.events:
        if event.kind == "reset":
            resets[event.account].append(event)

    def rolled_back(sent: Sent) -> bool:
        return any(i.end > sent.start and i.start < sent.end for i in imports)

    def reset_away(sent: Sent) -> bool:
        return any(r.end > sent.start for r in resets[sent.account])

    lost, explained = [], Counter()
    for sent in record.sent:
        kept = final.get(sent.id)
        if kept is not None and kept["account"] == sent.account and kept["text"] == sent.text:
            continue
        if reset_away(sent):
            explained["reset"] += 1
        elif rolled_back(sent):
            explained["import"] += 1
        else:
            lost.append(f"message {sent.id} ({sent.account}, {sent.text!r})")
    by_id: dict[int, list[Sent]] = defaultdict(list)
    for sent in record.sent:
        by_id[sent.id].append(sent)
    duplicates = []
    for message_id, sents in by_id.items():
        for earlier, later in itertools.pairwise(sorted(sents, key=lambda s: s.start)):
            if not any(i.end > earlier.start and i.start < later.end for i in imports):
                duplicates.append(f"ID {message_id}: {earlier.text!r} and {later.text!r}")
    returned = {r["message"] for r in state["replies"] if r["returned"]}
    replies_lost = sorted(
        t for t in returned if t in record.replies_sent and not record.replies_received[t]
    )
    replies_twice = sorted(
        t
        for t, n in record.replies_received.items()
        if n > 1 and not imports and t in record.replies_sent
    )
    return {
        "accounts_checked": len(state["accounts"]),
        "ledger_mismatches": ledger_mismatches,
        "messages_accepted": len(record.sent),
        "messages_in_final_state": len(final),
        "messages_lost": lost[:20],
        "messages_lost_count": len(lost),
        "messages_gone_by_design": dict(explained),
        "duplicate_ids": duplicates[:20],
        "duplicate_id_count": len(duplicates),
        "replies_injected": len(record.replies_sent),
        "replies_returned_but_never_received": replies_lost[:20],
        "replies_received_twice_over_xml_or_rest": len(replies_twice),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--quick", action="store_true", help="twenty seconds, 6 threads")
    parser.add_argument("--seconds", type=float, help="how long the traffic runs")
    parser.add_argument("--threads", type=int, help="client threads")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    seconds = args.seconds or (20 if args.quick else 180)
    threads = args.threads or (6 if args.quick else 12)
    random.seed(args.seed)
    record = Record()
    with server(16) as url:
        started = now()
        deadline = started + seconds
        workers = [
            threading.Thread(target=client_loop, args=(Client(url, record), deadline))
            for _ in range(threads)
        ]
        workers.append(
            threading.Thread(
                target=chaos, args=(Client(url, record), deadline, 0.2 if args.quick else 0.5)
            )
        )
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = now() - started
        closing = Client(url, record)
        closing.call("end", "DELETE", "/_emulator/faults")
        state = closing.session.get(f"{url}/_emulator/state", timeout=60).json()
    checks = check(state, record)
    requests_made = sum(record.statuses.values())
    every = [t for ts in record.latencies.values() for t in ts]
    report = {
        "seconds": round(elapsed, 1),
        "client_threads": threads,
        "requests": requests_made,
        "requests_per_second": round(requests_made / elapsed, 1),
        "latency_ms": {
            "p50": round(statistics.median(every) * 1000, 2),
            "p99": round(sorted(every)[int(len(every) * 0.99)] * 1000, 2),
        },
        "answers": dict(sorted(record.statuses.items())),
        "refusals_4xx": dict(record.refusals.most_common()),
        "injected_5xx": dict(record.injected),
        "connection_errors": record.statuses.get("connection error", 0),
        "connections_drop_faults_may_cut": record.drops_armed,
        "unexpected_5xx": record.unexpected[:20],
        "unexpected_5xx_count": len(record.unexpected),
        "resets": sum(1 for e in record.events if e.kind == "reset"),
        "imports": sum(1 for e in record.events if e.kind == "import"),
        **checks,
        "quick": args.quick,
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the web inbox shows, read from the gateway in one consistent go: the account page
with one of its views (the outbox, the refused recipients, the request journal), searched,
filtered and paged, and the detail of one message or one request.

Everything here is plain data (the control plane's JSON forms); the templates lay it out.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from winsms_emulator.adapters.ui_webhooks import webhook_panel
from winsms_emulator.domain.refusals import REASONS
from winsms_emulator.domain.results import MessageRecord
from winsms_emulator.domain.webhooks import Attempt
from winsms_emulator.errors import DeliveryStatus, GatewayError, StatusCode
from winsms_emulator.forms.accounts import account_json
from winsms_emulator.forms.control import journal_json, message_json, reply_json, short_code_json
from winsms_emulator.forms.refusals import refusal_json
from winsms_emulator.forms.values import iso
from winsms_emulator.forms.webhooks import attempt_json
from winsms_emulator.services import Gateway

T = TypeVar("T")
Json = dict[str, Any]

#: A page of any view shows at most this many rows, newest first.
MAX_ROWS = 200
#: The views of an account, as the page's tabs name them.
VIEWS = {"outbox": "Outbox", "refused": "Refused", "journal": "Journal"}
#: The statuses the outbox filters by ("queued": waiting for its time, code -1).
STATUSES = ("queued", *(s.value for s in DeliveryStatus if s is not DeliveryStatus.SKIPPED))
#: The APIs a message or a request came by.
APIS = {"xml": "XML API", "rest": "REST v1", "http": "HTTP (GET) API", "service": "Python API"}
#: Every query parameter the account page takes.
PARAMETERS = frozenset({"account", "view", "q", "status", "api", "reason", "violations", "page"})
#: Taken and left alone: the admin token (the token check reads it, when there is one).
IGNORED = frozenset({"token"})


class Problem(Exception):
    """What the page cannot show, and the HTTP status that says so."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Query:
    """The account page's address: which account, which view, its search and filters."""

    account: str | None = None
    view: str = "outbox"
    q: str = ""
    status: str = ""
    api: str = ""
    reason: str = ""
    violations: bool = False
    page: int = 1

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.status or self.api or self.reason or self.violations)

    def address(self, **changes: Any) -> dict[str, str]:
        """The query string (as pairs) of this page with ``changes``; defaults left out."""
        values = {**self.__dict__, **changes}
        shown = {k: v for k, v in values.items() if v and (k, v) != ("view", "outbox")}
        if shown.get("page") == 1:
            del shown["page"]
        return {k: ("1" if v is True else str(v)) for k, v in shown.items()}


def _choice(args: Mapping[str, str], name: str, allowed: Iterable[str]) -> str:
    value = args.get(name, "")
    choices = list(allowed)
    if value and value not in choices:
        raise Problem(400, f"{name} must be one of {', '.join(choices)}; not {value!r}")
    return value


def read_query(args: Mapping[str, str]) -> Query:
    """The page's query string; 400 for a parameter or a value the page does not know."""
    unknown = sorted(set(args) - PARAMETERS - IGNORED)
    if unknown:
        raise Problem(
            400,
            f"unknown parameter(s) {', '.join(unknown)}; the inbox takes "
            + ", ".join(sorted(PARAMETERS)),
        )
    number = args.get("page", "1")
    if not (number.isascii() and number.isdigit() and 1 <= int(number) <= 1_000_000):
        raise Problem(400, f"page must be a whole number from 1; not {number!r}")
    return Query(
        account=args.get("account") or None,
        view=_choice(args, "view", VIEWS) or "outbox",
        q=args.get("q", "").strip(),
        status=_choice(args, "status", STATUSES),
        api=_choice(args, "api", APIS),
        reason=_choice(args, "reason", REASONS),
        violations=_choice(args, "violations", ("1",)) == "1",
        page=int(number),
    )


@dataclass(frozen=True)
class Paged:
    """One page of a view's rows (newest first) and where it stands among them."""

    rows: list[Json]
    total: int  # rows that match the search and filters
    page: int
    pages: int

    @property
    def first(self) -> int:
        return (self.page - 1) * MAX_ROWS + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def paged(items: Sequence[T], page: int, form: Callable[[T], Json]) -> Paged:
    """``items`` (oldest first) as the newest-first page ``page`` (the last page when past
    it, so a reset does not leave a page showing nothing)."""
    pages = max(1, -(-len(items) // MAX_ROWS))
    page = min(page, pages)
    end = len(items) - (page - 1) * MAX_ROWS
    chosen = items[max(0, end - MAX_ROWS) : end]
    return Paged([form(i) for i in reversed(chosen)], len(items), page, pages)


def status_of(record: MessageRecord) -> str:
    """The status the outbox filters by: ``queued`` while a message waits for its time."""
    return "queued" if record.state.code == StatusCode.IN_QUEUE else record.state.status.value


def _has(q: str, *texts: str | None) -> bool:
    folded = q.casefold()
    return any(t is not None and folded in t.casefold() for t in texts)


@dataclass(frozen=True)
class Inbox:
    """Everything the live panels show, from one consistent reading of the gateway."""

    query: Query
    accounts: list[Json]
    selected: Json | None
    counts: dict[str, int]  # each view's rows before the search, and the violations
    view: Paged
    replies: list[Json]  # newest first
    short_code_messages: list[Json]  # newest first
    dnc: list[str]
    blacklist: list[str]
    clock: Json
    recipients: list[str] = field(default_factory=list)  # numbers the account texted
    webhooks: Json = field(default_factory=dict)  # the webhooks panel (ui_webhooks.py)

    @property
    def version(self) -> str:
        """A fingerprint of what the panels show (the clock's reading is left out: the
        header shows it from ``state.json``, and a real clock would change it every poll)."""
        shown = {
            "query": self.query.address(),
            "accounts": self.accounts,
            "selected": self.selected["username"] if self.selected else None,
            "counts": self.counts,
            "rows": self.view.rows,
            "page": [self.view.total, self.view.page],
            "replies": self.replies,
            "short_code_messages": self.short_code_messages,
            "dnc": self.dnc,
            "blacklist": self.blacklist,
            "clock_mode": self.clock["mode"],
            "webhooks": self.webhooks,
        }
        text = json.dumps(shown, sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:20]


def read_inbox(g: Gateway, query: Query) -> Inbox:
    """The page for ``query``'s account (the first account when it names none; 404 when
    it names one there is not). Only the copying happens under the gateway's lock."""
    with g.core.lock:
        accounts = g.accounts.all()
        wanted = query.account or (accounts[0].username if accounts else None)
        selected = next((a for a in accounts if a.username == wanted), None)
        if wanted is not None and selected is None:
            raise Problem(404, f"There is no account named {wanted!r}.")
        name = selected.username if selected is not None else None
        outbox = g.accounts.outbox(name) if name else []
        refused = g.accounts.refused(name) if name else []
        replies = g.accounts.replies(name) if name else []
        short_codes = g.accounts.short_code_messages(name) if name else []
        dnc, blacklist, now = g.network.dnc(), g.network.blacklist(), g.now()
    journal = g.journal.entries(account=name) if name else []
    q, page = query.q, query.page
    if query.view == "refused":
        chosen = [
            r
            for r in refused
            if (not q or _has(q, r.number, r.text))
            and (not query.api or r.api == query.api)
            and (not query.reason or r.reason == query.reason)
        ]
        view = paged(chosen, page, refusal_json)
    elif query.view == "journal":
        found = [
            e
            for e in journal
            if (not q or _has(q, e.path, e.operation, e.outcome, e.detail, *e.violations))
            and (not query.api or e.api == query.api)
            and (not query.violations or bool(e.violation_count or e.violations))
        ]
        view = paged(found, page, journal_json)
    else:
        sent = [
            r
            for r in outbox
            if (not q or _has(q, r.message.number, r.message.text, r.message.client_message_id))
            and (not query.api or r.message.api == query.api)
            and (not query.status or status_of(r) == query.status)
        ]
        view = paged(sent, page, message_json)
    dialect = g.default_rest_dialect
    shown = [account_json(a, dialect) for a in accounts]
    return Inbox(
        query=dataclasses.replace(query, account=name),
        accounts=shown,
        selected=next((a for a in shown if a["username"] == name), None),
        counts={
            "outbox": len(outbox),
            "refused": len(refused),
            "journal": len(journal),
            "violations": sum(1 for e in journal if e.violation_count or e.violations),
        },
        view=view,
        replies=[reply_json(r) for r in reversed(replies)],
        short_code_messages=[short_code_json(m) for m in reversed(short_codes)],
        dnc=dnc,
        blacklist=blacklist,
        clock={"now": iso(now), "mode": g.clock.mode},
        recipients=sorted({r.message.number for r in outbox[-MAX_ROWS:]}),
        webhooks=webhook_panel(g, name),
    )


# -- one message, one request ------------------------------------------------------------------


@dataclass(frozen=True)
class MessageDetail:
    """One message with the request that sent it (its journal entry, while the journal
    holds it), the other messages and refused recipients of that request, and the replies
    that answered it. ``webhook_attempts`` lists the delivery-report notifications sent
    for it; ``None`` while the emulator records none (the page then leaves the section
    out)."""

    message: Json
    request: Json | None
    siblings: list[Json]
    refused: list[Json]
    replies: list[Json]
    clock: Json
    webhook_attempts: list[Json] | None = None


@dataclass(frozen=True)
class RequestDetail:
    """One journalled request with the messages it created and the recipients it had
    refused."""

    request: Json
    messages: list[Json]
    refused: list[Json]
    clock: Json


def _of_request(g: Gateway, account: str | None, request_id: int | None) -> tuple[Any, Any]:
    """The messages and refused recipients of request ``request_id`` (of ``account``)."""
    if account is None or request_id is None:
        return [], []
    try:
        outbox = g.accounts.outbox(account)
        refused = g.accounts.refused(account)
    except GatewayError:  # the account is gone
        return [], []
    return (
        [r for r in outbox if r.message.request_id == request_id],
        [r for r in refused if r.request_id == request_id],
    )


def read_message(g: Gateway, message_id: int) -> MessageDetail:
    try:
        record = g.accounts.message(message_id)
    except GatewayError:
        raise Problem(404, f"There is no message with ID {message_id}.") from None
    m = record.message
    entry = g.journal.entry(m.request_id) if m.request_id is not None else None
    messages, refused = _of_request(g, m.account, m.request_id)
    replies = [r for r in g.accounts.replies(m.account) if r.sent_message_id == m.id]
    return MessageDetail(
        message=message_json(record),
        request=journal_json(entry) if entry is not None else None,
        siblings=[message_json(r) for r in messages if r.message.id != m.id],
        refused=[refusal_json(r) for r in refused],
        replies=[reply_json(r) for r in replies],
        clock={"now": iso(g.now()), "mode": g.clock.mode},
        webhook_attempts=[
            attempt_json(a) for a in g.webhooks.attempts(m.account, "delivery") if _about(a, m.id)
        ],
    )


def _about(attempt: Attempt, message_id: int) -> bool:
    """Whether a delivery report's attempt reported on message ``message_id``."""
    return parse_qs(urlsplit(attempt.url).query).get("messageid") == [str(message_id)]


def read_request(g: Gateway, request_id: int) -> RequestDetail:
    entry = g.journal.entry(request_id)
    if entry is None:
        raise Problem(
            404, f"The request journal holds no request #{request_id} (any more, or yet)."
        )
    messages, refused = _of_request(g, entry.account, request_id)
    return RequestDetail(
        request=journal_json(entry),
        messages=[message_json(r) for r in messages],
        refused=[refusal_json(r) for r in refused],
        clock={"now": iso(g.now()), "mode": g.clock.mode},
    )

"""Three ways to drive the emulator, one interface, plain answers.

The stateful machine (``test_stateful_machine.py``) talks to the system under
test only through a :class:`Driver`:

* :class:`GatewayDriver`: the :class:`~winsms_emulator.service.Gateway` in
  process, no HTTP at all;
* :class:`XmlDriver`: the five ``.asp`` endpoints over HTTP, every answer
  checked against the emulator's own response XSD;
* :class:`RestDriver`: REST v1 over HTTP, in the ``seed`` or the ``current``
  shape;
* :class:`HttpGetDriver`: the HTTP (GET) API's ``batchmessage.asp`` and
  ``credits.asp``, with the XML API for what that API does not have.

The HTTP drivers arrange the world (accounts, clock, replies, credits, ...)
through the control plane, and run over a :class:`Transport`: Flask's test
client or a real socket (``requests``). Every answer of 500 or more fails the
test at once. Each driver turns what it reads into the plain values below, so
the machine compares like with like whatever the wire format.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import quote, quote_plus, urlencode

import requests
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from lxml.builder import E

from winsms_emulator.clock import ManualClock
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.sast import SAST, minute_stamp
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.errors import Conflict, DeliveryStatus, NotFound
from winsms_emulator.services import Gateway

#: Where every emulator the drivers start has its manual clock.
START = datetime(2025, 1, 1, 8, 0, tzinfo=SAST)

#: The send outcomes, normalised to the XML API's words without ``FAIL:``.
ACCEPTED = "ACCEPTED"
_REST_OUTCOMES = {"INSUFFICIENT CREDITS": "NOCREDITS"}


class ServerError(AssertionError):
    """The emulator answered 5xx."""


# -- plain values -------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSpec:
    """An account the machine creates."""

    username: str
    password: str
    api_key: str
    credits: Decimal
    price_per_part: Decimal
    trial: bool = False
    own_numbers: tuple[str, ...] = ()
    dnc_bypass: bool = False
    delivery_delay_seconds: int = 2
    short_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutMessage:
    text: str
    numbers: tuple[str, ...]


@dataclass(frozen=True)
class Batch:
    """One send request: its messages and one scheduled time (``None``: at once)."""

    messages: tuple[OutMessage, ...]
    scheduled: datetime | None = None


@dataclass(frozen=True)
class Sent:
    """What one recipient of a send got. ``None``: this API does not say."""

    number: str
    outcome: str
    message_id: int | None
    cost: Decimal | None = None
    balance_after: Decimal | None = None  # as the API reports it (one decimal place)


@dataclass(frozen=True)
class StatusView:
    message_id: int
    status: str
    code: int
    minute: str  # ccyymmddhhmm SAST of the status time


@dataclass(frozen=True)
class DeleteView:
    message_id: int
    result: str  # DELETED, NOTFOUND, SENT
    refund: Decimal | None = None


@dataclass(frozen=True)
class Inbound:
    """A reply or a short-code message as a fetch returns it."""

    number: str
    text: str
    minute: str
    sent_message_id: int | None = None  # replies only
    code: str | None = None  # short-code messages, where the API says


@dataclass(frozen=True)
class InjectedReply:
    account: str
    sent_message_id: int
    opt_out: bool


@dataclass(frozen=True)
class OutboxEntry:
    message_id: int
    number: str
    cost: Decimal
    deleted: bool
    status: str
    code: int
    events: tuple[str, ...]
    api: str


class Driver(Protocol):
    """The system under test, as the machine sees it."""

    name: str

    def reset(self) -> None: ...
    def now(self) -> datetime: ...
    def create_account(self, spec: AccountSpec) -> None: ...
    def send(self, username: str, batch: Batch) -> list[list[Sent]]: ...
    def status(self, username: str, ids: Sequence[int]) -> list[StatusView]: ...
    def delete(self, username: str, ids: Sequence[int]) -> list[DeleteView]: ...
    def fetch_replies(self, username: str) -> list[Inbound]: ...
    def fetch_sc(self, username: str) -> list[Inbound]: ...
    def inject_reply(self, number: str, text: str) -> InjectedReply | None: ...
    def inject_sc(self, code: str, number: str, text: str) -> bool: ...
    def advance(self, seconds: int) -> None: ...
    def set_locked(self, username: str, locked: bool) -> None: ...
    def set_credits(self, username: str, credits: Decimal) -> None: ...
    def balance(self, username: str) -> Decimal: ...
    def api_balance(self, username: str) -> Decimal | None: ...
    def outbox(self, username: str) -> list[OutboxEntry]: ...
    def add_to_list(self, kind: str, number: str, username: str) -> None: ...
    def remove_from_list(self, kind: str, number: str, username: str) -> bool: ...


def _normal_outcome(code: str) -> str:
    code = _REST_OUTCOMES.get(code, code)
    return code.removeprefix("FAIL:")


def _exact(value: float | int | str) -> Decimal:
    """A JSON number as the decimal it was written from (float repr round-trips)."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))


# -- (a) the Gateway in process -------------------------------------------------------------


class GatewayDriver:
    """The service layer itself: no HTTP, no control plane."""

    name = "gateway"

    def __init__(self) -> None:
        self.gateway = Gateway([], ManualClock(START))

    def reset(self) -> None:
        self.gateway.control.reset()

    def now(self) -> datetime:
        return self.gateway.now()

    def create_account(self, spec: AccountSpec) -> None:
        self.gateway.accounts.create(
            Account(
                spec.username,
                spec.password,
                spec.api_key,
                credits=spec.credits,
                price_per_part=spec.price_per_part,
                trial=spec.trial,
                own_numbers=spec.own_numbers,
                dnc_bypass=spec.dnc_bypass,
                delivery_delay_seconds=float(spec.delivery_delay_seconds),
                short_codes=spec.short_codes,
            )
        )

    def send(self, username: str, batch: Batch) -> list[list[Sent]]:
        outgoing = [
            OutgoingMessage(
                m.text, [Recipient(n) for n in m.numbers], scheduled_for=batch.scheduled
            )
            for m in batch.messages
        ]
        results = self.gateway.sms.send(username, outgoing, api="service")
        return [
            [
                Sent(
                    r.number,
                    ACCEPTED if r.accepted else _normal_outcome(r.outcome.xml_code),
                    r.message_id,
                    r.cost if r.accepted else None,
                )
                for r in result.recipients
            ]
            for result in results
        ]

    def status(self, username: str, ids: Sequence[int]) -> list[StatusView]:
        return [
            StatusView(
                r.message_id, r.state.status.value, int(r.state.code), minute_stamp(r.state.at)
            )
            for r in self.gateway.sms.status(username, list(ids))
        ]

    def delete(self, username: str, ids: Sequence[int]) -> list[DeleteView]:
        return [
            DeleteView(r.message_id, r.result.value, r.cost)
            for r in self.gateway.sms.delete_scheduled(username, list(ids))
        ]

    def fetch_replies(self, username: str) -> list[Inbound]:
        return [
            Inbound(r.number, r.message, minute_stamp(r.received_at), r.sent_message_id)
            for r in self.gateway.sms.take_replies(username)[0]
        ]

    def fetch_sc(self, username: str) -> list[Inbound]:
        return [
            Inbound(m.number, m.message, minute_stamp(m.received_at), code=m.code)
            for m in self.gateway.sms.take_short_code_messages(username)[0]
        ]

    def inject_reply(self, number: str, text: str) -> InjectedReply | None:
        try:
            reply = self.gateway.network.inject_reply(number, text)
        except Conflict:
            return None
        return InjectedReply(reply.account, reply.sent_message_id, reply.opt_out)

    def inject_sc(self, code: str, number: str, text: str) -> bool:
        try:
            self.gateway.network.inject_short_code_message(code, number, text)
        except NotFound:
            return False
        return True

    def advance(self, seconds: int) -> None:
        self.gateway.control.advance_clock(seconds)

    def set_locked(self, username: str, locked: bool) -> None:
        self.gateway.accounts.update(username, {"locked": locked})

    def set_credits(self, username: str, credits: Decimal) -> None:
        self.gateway.accounts.update(username, {"credits": credits})

    def balance(self, username: str) -> Decimal:
        return self.gateway.sms.balance(username)

    def api_balance(self, username: str) -> Decimal | None:
        return None

    def outbox(self, username: str) -> list[OutboxEntry]:
        return [
            OutboxEntry(
                r.message.id,
                r.message.number,
                r.message.cost,
                r.message.deleted_at is not None,
                r.state.status.value,
                int(r.state.code),
                tuple(e.event for e in r.timeline),
                r.message.api,
            )
            for r in self.gateway.accounts.outbox(username)
        ]

    def add_to_list(self, kind: str, number: str, username: str) -> None:
        """``kind``: ``dnc``, ``blacklist`` or ``opt-out`` (of ``username``)."""
        if kind == "dnc":
            self.gateway.network.add_dnc(number)
        elif kind == "blacklist":
            self.gateway.network.add_blacklist(number)
        else:
            self.gateway.accounts.add_opt_out(username, number)

    def remove_from_list(self, kind: str, number: str, username: str) -> bool:
        """Whether the number was there to take off."""
        try:
            if kind == "dnc":
                self.gateway.network.remove_dnc(number)
            elif kind == "blacklist":
                self.gateway.network.remove_blacklist(number)
            else:
                self.gateway.accounts.remove_opt_out(username, number)
        except NotFound:
            return False
        return True


# -- transports --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Transport(Protocol):
    app: Flask

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
    ) -> Answer: ...


def _checked(method: str, path: str, answer: Answer) -> Answer:
    if answer.status >= 500:
        raise ServerError(f"{method} {path} answered {answer.status}: {answer.body[:500]!r}")
    return answer


class FlaskTransport:
    """Flask's test client: the whole HTTP stack of the app, no socket."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client: FlaskClient = app.test_client()

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
    ) -> Answer:
        response = self.client.open(
            path,
            method=method,
            data=body,
            headers=dict(headers or {}),
            query_string=dict(query or {}),
        )
        answer = Answer(response.status_code, response.content_type or "", response.get_data())
        return _checked(method, path, answer)


class RequestsTransport:
    """A real socket to a server on localhost."""

    def __init__(self, app: Flask, base_url: str) -> None:
        self.app = app
        self.base_url = base_url
        self.session = requests.Session()

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
    ) -> Answer:
        response = self.session.request(
            method,
            self.base_url + path,
            data=body,
            headers=dict(headers or {}),
            params=dict(query or {}),
            timeout=30,
        )
        answer = Answer(
            response.status_code, response.headers.get("Content-Type", ""), response.content
        )
        return _checked(method, path, answer)


# -- the control plane, for both HTTP drivers ----------------------------------------------------

_JSON = {"Content-Type": "application/json"}


class ControlPlane:
    """``/_emulator/...`` over a transport."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def call(self, method: str, path: str, data: Any = None, *, expect: int | None = 200) -> Any:
        body = json.dumps(data).encode() if data is not None else None
        answer = self.transport.request(
            method, "/_emulator" + path, body=body, headers=_JSON if body else None
        )
        if expect is not None:
            assert answer.status == expect, (method, path, answer.status, answer.body)
        if not answer.body:
            return None
        return answer.json() if expect is not None else (answer.status, answer.json())

    def reset(self) -> None:
        self.call("POST", "/reset")

    def now(self) -> datetime:
        return datetime.fromisoformat(self.call("GET", "/clock")["now"])

    def create_account(self, spec: AccountSpec, rest_dialect: str | None = None) -> None:
        data: dict[str, Any] = {
            "username": spec.username,
            "password": spec.password,
            "api_key": spec.api_key,
            "credits": float(spec.credits),
            "price_per_part": float(spec.price_per_part),
            "trial": spec.trial,
            "own_numbers": list(spec.own_numbers),
            "dnc_bypass": spec.dnc_bypass,
            "delivery_delay_seconds": spec.delivery_delay_seconds,
            "short_codes": list(spec.short_codes),
        }
        if rest_dialect is not None:
            data["rest_dialect"] = rest_dialect
        self.call("POST", "/accounts", data, expect=201)

    def state(self) -> dict[str, Any]:
        found: dict[str, Any] = self.call("GET", "/state")
        return found

    def inject_reply(self, number: str, text: str) -> InjectedReply | None:
        status, data = self.call("POST", "/replies", {"from": number, "message": text}, expect=None)
        if status == 409:
            return None
        assert status == 201, (status, data)
        return InjectedReply(data["account"], data["sent_message_id"], data["opt_out"])

    def inject_sc(self, code: str, number: str, text: str) -> bool:
        status, data = self.call(
            "POST",
            f"/short-codes/{quote(code, safe='')}/messages",
            {"from": number, "message": text},
            expect=None,
        )
        if status == 404:
            return False
        assert status == 201, (status, data)
        return True

    def advance(self, seconds: int) -> None:
        self.call("POST", "/clock", {"advance_seconds": seconds})

    def patch(self, username: str, changes: dict[str, Any]) -> None:
        self.call("PATCH", f"/accounts/{username}", changes)

    def balance(self, username: str) -> Decimal:
        return _exact(self.call("GET", f"/accounts/{username}")["credits"])

    def outbox(self, username: str) -> list[OutboxEntry]:
        return [
            OutboxEntry(
                m["id"],
                m["number"],
                _exact(m["cost"]),
                m["deleted_at"] is not None,
                m["status"],
                m["status_code"],
                tuple(e["event"] for e in m["timeline"]),
                m["api"],
            )
            for m in self.call("GET", f"/accounts/{username}/messages")["messages"]
        ]

    @staticmethod
    def _list_path(kind: str, username: str) -> str:
        return {"dnc": "/dnc", "blacklist": "/blacklist"}.get(
            kind, f"/accounts/{username}/opt-outs"
        )

    def add_to_list(self, kind: str, number: str, username: str) -> None:
        self.call("POST", self._list_path(kind, username), {"number": number}, expect=201)

    def remove_from_list(self, kind: str, number: str, username: str) -> bool:
        path = f"/_emulator{self._list_path(kind, username)}/{number}"
        answer = self.transport.request("DELETE", path)
        assert answer.status in (204, 404), (path, answer.status, answer.body)
        return answer.status == 204


class _HttpDriver:
    """What the XML and REST drivers share: the control plane and the accounts' keys."""

    name = "http"

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.control = ControlPlane(transport)
        self.specs: dict[str, AccountSpec] = {}

    def _dialect(self) -> str | None:
        return None

    def reset(self) -> None:
        self.control.reset()
        self.specs.clear()

    def now(self) -> datetime:
        return self.control.now()

    def create_account(self, spec: AccountSpec) -> None:
        self.control.create_account(spec, self._dialect())
        self.specs[spec.username] = spec

    def inject_reply(self, number: str, text: str) -> InjectedReply | None:
        return self.control.inject_reply(number, text)

    def inject_sc(self, code: str, number: str, text: str) -> bool:
        return self.control.inject_sc(code, number, text)

    def advance(self, seconds: int) -> None:
        self.control.advance(seconds)

    def set_locked(self, username: str, locked: bool) -> None:
        self.control.patch(username, {"locked": locked})

    def set_credits(self, username: str, credits: Decimal) -> None:
        self.control.patch(username, {"credits": float(credits)})

    def balance(self, username: str) -> Decimal:
        return self.control.balance(username)

    def api_balance(self, username: str) -> Decimal | None:
        return None

    def outbox(self, username: str) -> list[OutboxEntry]:
        return self.control.outbox(username)

    def add_to_list(self, kind: str, number: str, username: str) -> None:
        self.control.add_to_list(kind, number, username)

    def remove_from_list(self, kind: str, number: str, username: str) -> bool:
        return self.control.remove_from_list(kind, number, username)


# -- (b) the XML API ------------------------------------------------------------------------------


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _minute_of_status_stamp(text: str) -> str:
    """``ccyy/mm/dd HH:mm:ss`` -> ``ccyymmddhhmm``."""
    moment = datetime.strptime(text, "%Y/%m/%d %H:%M:%S")
    return moment.strftime("%Y%m%d%H%M")


def xml_answer(app: Flask, endpoint: str, answer: Answer) -> etree._Element:
    """Parse an XML API answer and check it against the emulator's response schema."""
    assert answer.status == 200, (endpoint, answer.status, answer.body)
    root = etree.fromstring(answer.body, _xml_parser())
    violations = app.extensions["xml_schemas"].responses[endpoint].violations(root)
    assert not violations, (endpoint, violations, answer.body)
    return root


class XmlDriver(_HttpDriver):
    """The XML API: send, status, delete, replies and short-code messages."""

    name = "xml"

    def _post(self, endpoint: str, document: etree._Element) -> etree._Element:
        body = etree.tostring(document, xml_declaration=True, encoding="utf-8")
        answer = self.transport.request(
            "POST", f"/api/{endpoint}.asp", body=body, headers={"Content-Type": "text/xml"}
        )
        root = xml_answer(self.transport.app, endpoint, answer)
        error = root.find("Error")
        assert error is None, (endpoint, error.text, body)
        return root

    def _login(self, username: str) -> list[etree._Element]:
        spec = self.specs[username]
        return [E.User(spec.username), E.Password(spec.password)]

    def send(self, username: str, batch: Batch) -> list[list[Sent]]:
        head = self._login(username)
        if batch.scheduled is not None:
            head.append(E.Scheduled(minute_stamp(batch.scheduled)))
        messages = [
            E.Message(
                E.MessageText(quote_plus(m.text)),
                E.Numbers(*[E.Number(n) for n in m.numbers]),
            )
            for m in batch.messages
        ]
        root = self._post("xmlsendsmsmulti", E.WinSMS_Multi_Message(*head, E.Messages(*messages)))
        results = root.findall("SendResult")
        assert [int(r.findtext("MessageNumber") or "0") for r in results] == list(
            range(1, len(batch.messages) + 1)
        )
        out = []
        for result in results:
            row = []
            for number_id in result.findall("NumberID"):
                code = number_id.findtext("ID") or ""
                accepted = code.isdigit()
                row.append(
                    Sent(
                        number_id.findtext("Number") or "",
                        ACCEPTED if accepted else _normal_outcome(code),
                        int(code) if accepted else None,
                    )
                )
            out.append(row)
        return out

    def _ids_document(self, root: str, username: str, ids: Sequence[int]) -> etree._Element:
        items = [E.MessageID(E.ID(str(i))) for i in ids]
        return E(root, *self._login(username), E.MessageIDs(*items))

    def status(self, username: str, ids: Sequence[int]) -> list[StatusView]:
        root = self._post("xmlgetstatus", self._ids_document("WinSMS_StatusRequest", username, ids))
        return [
            StatusView(
                int(s.findtext("MessageID") or "0"),
                s.findtext("Status") or "",
                int(s.findtext("StatusCode") or "0"),
                _minute_of_status_stamp(s.findtext("StatusDateTime") or ""),
            )
            for s in root.findall("StatusID")
        ]

    def delete(self, username: str, ids: Sequence[int]) -> list[DeleteView]:
        document = self._ids_document("WinSMS_DeleteScheduled", username, ids)
        root = self._post("xmldeletescheduled", document)
        return [
            DeleteView(int(s.findtext("MessageID") or "0"), s.findtext("Status") or "")
            for s in root.findall("DeleteStatus")
        ]

    def fetch_replies(self, username: str) -> list[Inbound]:
        root = self._post("xmlgetreplies", E.WinSMS_Replies(*self._login(username)))
        return [
            Inbound(
                r.findtext("CLI") or "",
                r.findtext("Message") or "",
                r.findtext("DateReceived") or "",
                int(r.findtext("SentMessageID") or "0"),
            )
            for r in root.findall("Reply")
        ]

    def fetch_sc(self, username: str) -> list[Inbound]:
        root = self._post("xmlgetscmessages", E.WinSMS_SCmessages(*self._login(username)))
        return [
            Inbound(
                m.findtext("CLI") or "",
                m.findtext("Message") or "",
                m.findtext("DateReceived") or "",
                code=m.findtext("SC") or "",
            )
            for m in root.findall("SCmessage")
        ]


# -- (c) REST v1, either shape ------------------------------------------------------------------

REST = "/api/rest/v1"
_CURRENT_STATUS = {
    "": (DeliveryStatus.DELIVERED.value, 0),
    "SENT": (DeliveryStatus.SENT.value, 105),
    "INQUEUE": (DeliveryStatus.NOTFOUND.value, -1),
    "NOTFOUND": (DeliveryStatus.NOTFOUND.value, -2),
}
_SEED_STATUS = {0: "DELIVERED", 105: "SENT", -1: "NOTFOUND", -2: "NOTFOUND"}


class RestDriver(_HttpDriver):
    """REST v1; ``dialect`` is the accounts' ``rest_dialect`` and the send bodies' shape."""

    def __init__(self, transport: Transport, dialect: str) -> None:
        super().__init__(transport)
        assert dialect in ("seed", "current")
        self.dialect = dialect
        self.name = f"rest-{dialect}"

    def _dialect(self) -> str | None:
        return self.dialect

    def _call(
        self,
        method: str,
        path: str,
        username: str,
        data: Any = None,
        query: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        headers = {"Authorization": self.specs[username].api_key}
        body = None
        if data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        answer = self.transport.request(
            method, REST + path, body=body, headers=headers, query=query
        )
        assert answer.status == 200, (method, path, answer.status, answer.body)
        found: dict[str, Any] = answer.json()
        assert found["statusCode"] == 200 and found["version"] == "1.0", found
        return found

    def _current_message(self, message: OutMessage, batch: Batch) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message": message.text,
            "recipients": [
                {"mobileNumber": n, "clientMessageId": f"c{i}"}
                for i, n in enumerate(message.numbers)
            ],
            "maxSegments": 6,
        }
        if batch.scheduled is not None:
            body["scheduledTime"] = minute_stamp(batch.scheduled)
        return body

    def send(self, username: str, batch: Batch) -> list[list[Sent]]:
        if self.dialect == "seed":
            return [self._seed_send(username, m, batch) for m in batch.messages]
        if len(batch.messages) == 1:
            data = self._call(
                "POST",
                "/sms/outgoing/send",
                username,
                self._current_message(batch.messages[0], batch),
            )
            return [self._current_rows(data["recipients"])]
        body = {"messages": [self._current_message(m, batch) for m in batch.messages]}
        data = self._call("POST", "/sms/outgoing/sendmulti", username, body)
        return [self._current_rows(m["recipients"]) for m in data["messages"]]

    def _seed_send(self, username: str, message: OutMessage, batch: Batch) -> list[Sent]:
        body: dict[str, Any] = {
            "message": message.text,
            "mobileNumbers": [
                {"mobileNumber": n, "clientMessageId": f"c{i}"}
                for i, n in enumerate(message.numbers)
            ],
        }
        if batch.scheduled is not None:
            body["scheduledTime"] = int(minute_stamp(batch.scheduled))
        data = self._call("POST", "/sms/outgoing/send", username, body)
        assert data["authResult"] is True and data["validationResult"] is True, data
        rows = []
        for index, item in enumerate(data["messages"]):
            assert item["clientMessageId"] == f"c{index}", item
            accepted = item["accepted"]
            assert accepted == (item["serverMessageId"] > 0), item
            assert accepted == (item["acceptError"] == ""), item
            rows.append(
                Sent(
                    item["mobileNumber"],
                    ACCEPTED if accepted else _normal_outcome(item["acceptError"]),
                    item["serverMessageId"] if accepted else None,
                    _exact(item["creditCost"]) if accepted else None,
                )
            )
            if not accepted:
                assert item["creditCost"] == 0 and item["scheduledTime"] == 0, item
        return rows

    def _current_rows(self, recipients: list[dict[str, Any]]) -> list[Sent]:
        rows = []
        for index, item in enumerate(recipients):
            assert item["clientMessageId"] == f"c{index}", item
            accepted = item["accepted"]
            assert accepted == (item["apiMessageId"] is not None), item
            assert accepted == (item["acceptError"] == ""), item
            rows.append(
                Sent(
                    item["mobileNumber"],
                    ACCEPTED if accepted else _normal_outcome(item["acceptError"]),
                    item["apiMessageId"],
                    _exact(item["creditCost"]) if accepted else None,
                    _exact(item["newCreditBalance"]),
                )
            )
        return rows

    def status(self, username: str, ids: Sequence[int]) -> list[StatusView]:
        data = self._call("POST", "/sms/outgoing/status", username, list(ids))
        out = []
        if self.dialect == "current":
            for item in data["messageStatuses"]:
                status, code = _CURRENT_STATUS[item["statusErrorCode"]]
                assert item["statusDelivered"] == (status == "DELIVERED"), item
                out.append(StatusView(item["apiMessageId"], status, code, item["statusTime"]))
            return out
        for item in data["messages"]:
            code = item["statusErrorCode"]
            status = _SEED_STATUS.get(code, f"?{code}")
            assert item["statusDelivered"] == (status == "DELIVERED"), item
            out.append(StatusView(item["serverMessageId"], status, code, str(item["statusTime"])))
        return out

    def delete(self, username: str, ids: Sequence[int]) -> list[DeleteView]:
        if self.dialect == "current":
            data = self._call("POST", "/sms/scheduled/delete", username, list(ids))
            out = []
            for item in data["deletedMessageStatuses"]:
                result = "DELETED" if item["deleted"] else item["deleteError"]
                assert item["deleted"] == (item["deleteError"] == ""), item
                out.append(DeleteView(item["apiMessageId"], result, _exact(item["creditCost"])))
            return out
        body = {"messages": [{"serverMessageId": i} for i in ids]}
        data = self._call("POST", "/sms/scheduled/delete", username, body)
        seed_results = {102: "DELETED", -2: "NOTFOUND"}
        return [
            DeleteView(
                item["serverMessageId"],
                seed_results.get(item["statusErrorCode"], "SENT"),
                _exact(item["creditCost"]),
            )
            for item in data["messages"]
        ]

    def fetch_replies(self, username: str) -> list[Inbound]:
        data = self._call("GET", "/sms/incoming", username)
        if self.dialect == "current":
            assert data["resultsOffset"] == 0 and data["resultsLimit"] == 100, data
            return [
                Inbound(
                    m["mobileNumber"], m["messageText"], m["receiveTime"], m["outgoingApiMessageId"]
                )
                for m in data["incomingMessages"]
            ]
        return [
            Inbound(m["mobileNumber"], m["messageText"], str(m["statusTime"]), m["serverMessageId"])
            for m in data["messages"]
        ]

    def fetch_sc(self, username: str) -> list[Inbound]:
        data = self._call("GET", "/shortcode/incoming", username)
        return [
            Inbound(m["mobileNumber"], m["messageText"], m["receiveTime"])
            for m in data["shortcodeMessages"]
        ]

    def api_balance(self, username: str) -> Decimal | None:
        return _exact(self._call("GET", "/credits/balance", username)["creditBalance"])


# -- (d) both APIs at once --------------------------------------------------------------------


class MixedDriver(_HttpDriver):
    """The XML API and REST v1 (current shape) on one emulator, taking turns call by call:
    a message sent over one API is read, deleted and replied to over the other."""

    name = "mixed"

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self.xml = XmlDriver(transport)
        self.rest = RestDriver(transport, "current")
        self.xml.specs = self.rest.specs = self.specs
        self.turn = 0

    def _dialect(self) -> str | None:
        return "current"

    def _next(self) -> XmlDriver | RestDriver:
        self.turn += 1
        return self.xml if self.turn % 2 else self.rest

    def send(self, username: str, batch: Batch) -> list[list[Sent]]:
        return self._next().send(username, batch)

    def status(self, username: str, ids: Sequence[int]) -> list[StatusView]:
        return self._next().status(username, ids)

    def delete(self, username: str, ids: Sequence[int]) -> list[DeleteView]:
        return self._next().delete(username, ids)

    def fetch_replies(self, username: str) -> list[Inbound]:
        return self._next().fetch_replies(username)

    def fetch_sc(self, username: str) -> list[Inbound]:
        return self._next().fetch_sc(username)

    def api_balance(self, username: str) -> Decimal | None:
        return self.rest.api_balance(username)


# -- (e) the HTTP (GET) API ---------------------------------------------------------------------

#: The parameter names, in the case the driver sends them turn by turn (any case is one).
_HTTP_NAME_CASES = (str.lower, str.title, str.upper)


class HttpGetDriver(_HttpDriver):
    """The HTTP (GET) API: sends with ``batchmessage.asp``, one request per message of a
    batch (each with the batch's scheduled time), and reads the balance with
    ``credits.asp`` (rounded to the nearest integer). Requests take turns between a GET
    and a form POST and between parameter-name cases. That API has no status, delete,
    replies or short-code calls: those go over the XML API, so every message sent here
    is read, deleted and replied to over another API."""

    name = "http"

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self.xml = XmlDriver(transport)
        self.xml.specs = self.specs
        self.turn = 0

    def _call(self, asp: str, params: list[tuple[str, str]]) -> str:
        self.turn += 1
        case = _HTTP_NAME_CASES[self.turn % len(_HTTP_NAME_CASES)]
        named = {case(name): value for name, value in params}
        path = f"/api/{asp}"
        if self.turn % 2:
            answer = self.transport.request("GET", path, query=named)
        else:
            body = urlencode(named).encode()
            form = {"Content-Type": "application/x-www-form-urlencoded"}
            answer = self.transport.request("POST", path, body=body, headers=form)
        assert answer.status == 200, (asp, answer.status, answer.body)
        assert answer.content_type.startswith("text/plain"), answer.content_type
        text = answer.body.decode("utf-8")
        assert not text.endswith(("\n", "\r")), text
        return text

    def _login(self, username: str) -> list[tuple[str, str]]:
        spec = self.specs[username]
        return [("user", spec.username), ("password", spec.password)]

    def send(self, username: str, batch: Batch) -> list[list[Sent]]:
        out = []
        for message in batch.messages:
            params = [
                *self._login(username),
                ("message", message.text),
                ("numbers", ";".join(message.numbers) + ";"),  # the trailing ; of the VB sample
            ]
            if batch.scheduled is not None:
                params.append(("scheduled", minute_stamp(batch.scheduled)))
            answer = self._call("batchmessage.asp", params)
            assert answer.endswith(";"), answer  # no whole-request error is expected
            row = []
            for pair in answer[:-1].split(";"):
                number, _, code = pair.rpartition("=")
                accepted = code.isdigit()
                row.append(
                    Sent(
                        number,
                        ACCEPTED if accepted else _normal_outcome(code),
                        int(code) if accepted else None,
                    )
                )
            out.append(row)
        return out

    def status(self, username: str, ids: Sequence[int]) -> list[StatusView]:
        return self.xml.status(username, ids)

    def delete(self, username: str, ids: Sequence[int]) -> list[DeleteView]:
        return self.xml.delete(username, ids)

    def fetch_replies(self, username: str) -> list[Inbound]:
        return self.xml.fetch_replies(username)

    def fetch_sc(self, username: str) -> list[Inbound]:
        return self.xml.fetch_sc(username)

    def api_balance(self, username: str) -> Decimal | None:
        answer = self._call("credits.asp", self._login(username))
        name, _, value = answer.partition("=")
        assert name == "Credits" and value.isdigit(), answer
        return Decimal(value)

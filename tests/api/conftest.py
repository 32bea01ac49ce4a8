"""Shared fixtures for the XML API tests (``test_xml_*.py``).

Every answer a test receives from an XML endpoint goes through
:meth:`XmlApi.call`, which parses it and checks it against the emulator's own
response schema of that endpoint (``schemas/emulator/``): a test fails at
once if the emulator ever sends something its schema does not allow.

``xml_examples/`` holds the example documents of the published XML API guide,
copied byte for byte (``<endpoint>.request.xml``, ``.response.xml`` for the
"Valid Request Submitted" example and ``.error.xml`` for the "Invalid Request"
one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

from winsms_emulator import EmulatorConfig, Gateway, create_app

#: The guide's example account (the emulator's default account).
USER = "hpotter"
PASSWORD = "w1Zard"

SEND = "/api/xmlsendsmsmulti.asp"
STATUS = "/api/xmlgetstatus.asp"
DELETE = "/api/xmldeletescheduled.asp"
REPLIES = "/api/xmlgetreplies.asp"
SC_MESSAGES = "/api/xmlgetscmessages.asp"

#: A Scheduled value long past (the guide's own): the message goes at once.
PAST = "201811141025"


def endpoint_name(path: str) -> str:
    """``/API/XMLGetStatus.ASP`` -> ``xmlgetstatus`` (the key of the schema set)."""
    return path.rsplit("/", 1)[-1].lower().removesuffix(".asp")


def _response_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class XmlApi:
    """An emulator application and a test client for it, with XML API helpers."""

    app: Flask
    client: FlaskClient

    # -- talking to the XML endpoints ----------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str | None = None,
    ) -> etree._Element:
        """Send one request; check the HTTP status and the answer against the emulator schema."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers = {"Content-Type": content_type} if content_type is not None else {}
        response = self.client.open(path, method=method, data=data, headers=headers)
        text = response.get_data()
        assert response.status_code == status, (response.status_code, text)
        try:
            root = etree.fromstring(text, _response_parser())
        except etree.XMLSyntaxError as exc:
            pytest.fail(f"{method} {path} answered non-XML ({exc}): {text!r}")
        validator = self.app.extensions["xml_schemas"].responses[endpoint_name(path)]
        violations = validator.violations(root)
        if violations:
            pytest.fail(f"{method} {path} answered outside its schema {violations}: {text!r}")
        return root

    def post(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str | None = None,
    ) -> etree._Element:
        return self.call("POST", path, body, status=status, content_type=content_type)

    def error_of(self, path: str, body: bytes | str, *, status: int = 200) -> str:
        """Post ``body`` and return the one whole-request ``<Error>`` it gets."""
        root = self.post(path, body, status=status)
        assert [child.tag for child in root] == ["Error"], etree.tostring(root)
        return root[0].text or ""

    # -- documents -----------------------------------------------------------------------

    @staticmethod
    def send_doc(
        messages: Sequence[tuple[str | None, Sequence[str] | None]],
        *,
        user: str = USER,
        password: str = PASSWORD,
        scheduled: str | None = PAST,
    ) -> str:
        """A Send Batch document; a ``None`` text or number list leaves that element out."""
        parts = [f"<User>{_escape(user)}</User>", f"<Password>{_escape(password)}</Password>"]
        if scheduled is not None:
            parts.append(f"<Scheduled>{_escape(scheduled)}</Scheduled>")
        parts.append("<Messages>")
        for text, numbers in messages:
            parts.append("<Message>")
            if text is not None:
                parts.append(f"<MessageText>{_escape(text)}</MessageText>")
            if numbers is not None:
                parts.append(
                    "<Numbers>"
                    + "".join(f"<Number>{_escape(n)}</Number>" for n in numbers)
                    + "</Numbers>"
                )
            parts.append("</Message>")
        parts.append("</Messages>")
        return "<WinSMS_Multi_Message>" + "".join(parts) + "</WinSMS_Multi_Message>"

    @staticmethod
    def ids_doc(
        root: str,
        ids: Sequence[object],
        *,
        clis: Sequence[str | None] | None = None,
        user: str = USER,
        password: str = PASSWORD,
    ) -> str:
        """A status or delete document; each ID has CLI ``cli<ID>`` unless ``clis`` says."""
        items = []
        for index, message_id in enumerate(ids):
            cli = f"cli{message_id}" if clis is None else clis[index]
            cli_xml = "" if cli is None else f"<CLI>{_escape(cli)}</CLI>"
            items.append(f"<MessageID><ID>{message_id}</ID>{cli_xml}</MessageID>")
        return (
            f"<{root}><User>{_escape(user)}</User><Password>{_escape(password)}</Password>"
            f"<MessageIDs>{''.join(items)}</MessageIDs></{root}>"
        )

    @classmethod
    def status_doc(cls, ids: Sequence[object], **kwargs: Any) -> str:
        return cls.ids_doc("WinSMS_StatusRequest", ids, **kwargs)

    @classmethod
    def delete_doc(cls, ids: Sequence[object], **kwargs: Any) -> str:
        return cls.ids_doc("WinSMS_DeleteScheduled", ids, **kwargs)

    @staticmethod
    def login_doc(root: str, *, user: str = USER, password: str = PASSWORD) -> str:
        """A Get Replies or Get Short Code Messages document."""
        return (
            f"<{root}><User>{_escape(user)}</User><Password>{_escape(password)}</Password></{root}>"
        )

    # -- the operations, answered as plain values ------------------------------------------

    def send(
        self,
        messages: Sequence[tuple[str | None, Sequence[str] | None]],
        **kwargs: Any,
    ) -> list[list[tuple[str, str]]]:
        """Send a batch; per SendResult, the (Number, ID) pairs of its NumberIDs."""
        root = self.post(SEND, self.send_doc(messages, **kwargs))
        results = []
        for position, block in enumerate(root, start=1):
            assert block.tag == "SendResult"
            assert block.findtext("MessageNumber") == str(position)
            results.append(
                [
                    (item.findtext("Number") or "", item.findtext("ID") or "")
                    for item in block.findall("NumberID")
                ]
            )
        return results

    def send_one(self, text: str, *numbers: str, scheduled: str | None = PAST) -> list[str]:
        """Send one message; the IDs (or codes) its recipients got, in order."""
        [pairs] = self.send([(text, list(numbers))], scheduled=scheduled)
        assert [number for number, _ in pairs] == list(numbers)
        return [code for _, code in pairs]

    def status(
        self, ids: Sequence[object], *, user: str = USER, password: str = PASSWORD
    ) -> list[tuple[str, ...]]:
        """(MessageID, CLI, Status, StatusDateTime, StatusCode) per StatusID."""
        root = self.post(STATUS, self.status_doc(ids, user=user, password=password))
        return [tuple(item.findtext(name) or "" for name in _STATUS_FIELDS) for item in root]

    def delete(
        self, ids: Sequence[object], *, user: str = USER, password: str = PASSWORD
    ) -> list[tuple[str, str, str]]:
        """(MessageID, CLI, Status) per DeleteStatus."""
        root = self.post(DELETE, self.delete_doc(ids, user=user, password=password))
        return [
            (
                item.findtext("MessageID") or "",
                item.findtext("CLI") or "",
                item.findtext("Status") or "",
            )
            for item in root
        ]

    def replies(self, *, user: str = USER, password: str = PASSWORD) -> list[tuple[str, ...]]:
        """(CLI, DateReceived, Message, SentMessageID) per Reply."""
        root = self.post(REPLIES, self.login_doc("WinSMS_Replies", user=user, password=password))
        assert root.tag == "XMLGateway_Replies"
        return [tuple(child.text or "" for child in item) for item in root]

    def sc_messages(self, *, user: str = USER, password: str = PASSWORD) -> list[tuple[str, ...]]:
        """(SC, CLI, DateReceived, Message) per SCmessage."""
        root = self.post(
            SC_MESSAGES, self.login_doc("WinSMS_SCmessages", user=user, password=password)
        )
        assert root.tag == "XMLGateway_SCmessages"
        return [tuple(child.text or "" for child in item) for item in root]

    # -- the control plane ---------------------------------------------------------------

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call the control plane; it must succeed."""
        response = self.client.open(f"/_emulator{path}", method=method, json=body)
        assert 200 <= response.status_code < 300, (response.status_code, response.get_data())
        return response.get_json(silent=True)

    def patch_account(self, user: str = USER, **changes: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.control("PATCH", f"/accounts/{user}", changes)
        return result

    def add_account(self, username: str, password: str) -> None:
        self.control(
            "POST",
            "/accounts",
            {"username": username, "password": password, "api_key": f"{username}-key"},
        )

    def credits(self, user: str = USER) -> float:
        value: float = self.control("GET", f"/accounts/{user}")["credits"]
        return value

    def messages(self, user: str = USER) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.control("GET", f"/accounts/{user}/messages")["messages"]
        return found

    def journal(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.control("GET", "/requests")["requests"]
        return found

    def last_request(self) -> dict[str, Any]:
        return self.journal()[-1]

    def set_clock(self, iso: str) -> None:
        self.control("POST", "/clock", {"now": iso})

    def advance(self, seconds: float) -> None:
        self.control("POST", "/clock", {"advance_seconds": seconds})


_STATUS_FIELDS = ("MessageID", "CLI", "Status", "StatusDateTime", "StatusCode")

MakeXml = Callable[..., XmlApi]


@pytest.fixture
def make_xml() -> MakeXml:
    """Build an emulator (optionally around a given gateway or config) and its XML helper."""

    def build(gateway: Gateway | None = None, config: EmulatorConfig | None = None) -> XmlApi:
        app = create_app(gateway=gateway, config=config)
        return XmlApi(app, app.test_client())

    return build


@pytest.fixture
def xml(make_xml: MakeXml) -> XmlApi:
    """The default emulator: manual clock at 2025-01-01 08:00 SAST, hpotter with 1000.0 credits."""
    return make_xml()


@pytest.fixture
def strict_xml(make_xml: MakeXml) -> XmlApi:
    """The default emulator started with ``strict=True``."""
    return make_xml(config=EmulatorConfig(strict=True))

"""Every documented outcome of every operation, in every published shape, can be provoked,
and the coverage report sees it: after the requests below, nothing is left never exercised
and nothing was seen that no document lists.

This holds the universe (what the report counts as documented) to what the emulator really
answers, and the surfaces' fact readers to what their answers showed.
"""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from flask.testing import FlaskClient

from winsms_emulator import Emulator
from winsms_emulator.domain.optout import TRIGGERS
from winsms_emulator.errors import SCRIPTABLE_FINAL_STATES

KEY = "hpotter-api-key"
USER, PASSWORD = "hpotter", "w1Zard"
FUTURE = "202501021000"  # the clock stands at 2025-01-01 08:00
#: A reply for each Appendix D trigger (the whole message, or how it starts).
TRIGGER_TEXTS = {
    "Stop": "stop",
    "End": " END ",
    "Cancel": "Cancel",
    "Unsubscribe": "unsubscribe",
    "Quit": "QUIT",
    "Stop send": "Stop sending these",
    "Opt out": "opt out please",
    "Opt*out": "Opt-out",
}
FINAL_STATES = [(s.value, int(c)) for s, codes in SCRIPTABLE_FINAL_STATES.items() for c in codes]


def number(n: int) -> str:
    """A possible South African mobile number of its own."""
    return f"2782{n:07d}"


def world(rest_dialect: str = "seed") -> Emulator:
    """hpotter (with a sub-account), and accounts that are locked, on trial, broke, and
    the owner of a short code; a number opted out, one on the DNC list."""
    emulator = Emulator(rest_dialect=rest_dialect)
    for name, fields in {
        "locked": {"locked": True},
        "trial": {"trial": True, "own_numbers": [number(1)]},
        "broke": {"credits": 0},
        "owner": {"short_codes": ["42001"]},
        "sub": {"parent": USER},
    }.items():
        emulator.create_account(username=name, password="pw", api_key=f"{name}-key", **fields)
    emulator.add_opt_out(USER, number(3))
    emulator.add_dnc(number(4))
    return emulator


def never_exercised(emulator: Emulator, title: str) -> dict[str, list[str]]:
    """Per operation of one shape, what is still never exercised or was undocumented."""
    [section] = [s for s in emulator.coverage()["sections"] if s["title"] == title]
    left = {}
    for op in section["operations"]:
        missing = [o["fact"] for o in op["never"]] + [u["fact"] for u in op["undocumented"]]
        if missing:
            left[op["operation"]] = missing
    return left


def scripted(emulator: Emulator) -> list[str]:
    """A number for each final state a test can script (delivered after a second)."""
    numbers = [number(100 + i) for i in range(len(FINAL_STATES))]
    for n, (status, code) in zip(numbers, FINAL_STATES, strict=True):
        emulator.script_outcome(n, status, code, after_seconds=1)
    return numbers


#: A handset for each trigger: each opts out of hpotter with its own word.
TRIGGER_NUMBERS = [number(200 + i) for i in range(len(TRIGGER_TEXTS))]


def replies_with_every_trigger(emulator: Emulator) -> None:
    """Each trigger number replies with its trigger (hpotter texted them all first)."""
    for n, text in zip(TRIGGER_NUMBERS, TRIGGER_TEXTS.values(), strict=True):
        emulator.inject_reply(n, text)
    emulator.inject_reply(TRIGGER_NUMBERS[0], "thanks")


# -- XML --------------------------------------------------------------------------------------


class Xml:
    def __init__(self, emulator: Emulator) -> None:
        self.client: FlaskClient = emulator.client()

    def post(self, asp: str, document: str) -> str:
        answer = self.client.post(f"/api/{asp}", data=document.encode("utf-8"))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer.get_data(as_text=True)

    def send(
        self, text: str, *numbers: str, user: str = USER, password: str = PASSWORD, at: str = ""
    ) -> list[str]:
        listed = "".join(f"<Number>{n}</Number>" for n in numbers)
        body = self.post(
            "xmlsendsmsmulti.asp",
            f"<WinSMS_Multi_Message><User>{user}</User><Password>{password}</Password>"
            f"<Scheduled>{at}</Scheduled><Messages><Message>"
            f"<MessageText>{escape(text)}</MessageText><Numbers>{listed}</Numbers>"
            "</Message></Messages></WinSMS_Multi_Message>",
        )
        return [part.split("</ID>")[0] for part in body.split("<ID>")[1:]]

    def ids(self, asp: str, root: str, ids: list[int], password: str = PASSWORD) -> str:
        items = "".join(f"<MessageID><ID>{i}</ID></MessageID>" for i in ids)
        return self.post(
            asp,
            f"<{root}><User>{USER}</User><Password>{password}</Password>"
            f"<MessageIDs>{items}</MessageIDs></{root}>",
        )

    def status(self, ids: list[int], password: str = PASSWORD) -> str:
        return self.ids("xmlgetstatus.asp", "WinSMS_StatusRequest", ids, password)

    def delete(self, ids: list[int], password: str = PASSWORD) -> str:
        return self.ids("xmldeletescheduled.asp", "WinSMS_DeleteScheduled", ids, password)

    def fetch(self, asp: str, root: str, user: str = USER, password: str = PASSWORD) -> str:
        return self.post(
            asp, f"<{root}><User>{user}</User><Password>{password}</Password></{root}>"
        )

    def whole_errors(self, asp: str, document: str) -> None:
        """Not Valid XML Document and Invalid Username or Password."""
        assert "Not Valid XML Document" in self.post(asp, "<not-xml")
        assert "Invalid Username or Password" in self.post(asp, document)


def test_every_documented_xml_outcome_can_be_provoked_and_is_seen() -> None:
    emulator = world()
    xml = Xml(emulator)
    bad = f"<User>{USER}</User><Password>wrong</Password>"

    # send: each recipient code, both schedulings, both part counts, both encodings
    xml.whole_errors("xmlsendsmsmulti.asp", f"<WinSMS_Multi_Message>{bad}</WinSMS_Multi_Message>")
    assert "Invalid Date" in xml.post(
        "xmlsendsmsmulti.asp",
        f"<WinSMS_Multi_Message><User>{USER}</User><Password>{PASSWORD}</Password>"
        "<Scheduled>20251301</Scheduled><Messages><Message><MessageText>x</MessageText>"
        f"<Numbers><Number>{number(1)}</Number></Numbers></Message></Messages>"
        "</WinSMS_Multi_Message>",
    )
    codes = xml.send("hi", number(1), "", "123", number(3), number(4))
    assert codes[1:] == ["FAIL:NO NUMBER", "FAIL:BADDEST", "FAIL:OPTEDOUT", "FAIL:WASPADNC"]
    assert xml.send("", number(1)) == ["FAIL:NO MESSAGE"]
    assert xml.send("x" * 1000, number(1)) == ["FAIL:TOOLONG"]
    assert xml.send("x" * 200 + " ✓", number(1))[0].isdigit()
    assert xml.send("hi", number(2), user="trial", password="pw") == ["FAIL:TRIALNOT2SELF"]
    assert xml.send("hi", number(1), user="broke", password="pw") == ["NOCREDITS"]
    assert xml.send("hi", number(1), user="locked", password="pw") == ["ACCOUNTLOCKED"]
    [queued] = xml.send("later", number(1), at=FUTURE)

    # status: every status value and Appendix B code
    xml.whole_errors("xmlgetstatus.asp", f"<WinSMS_StatusRequest>{bad}</WinSMS_StatusRequest>")
    ids = [int(i) for i in xml.send("hi", *scripted(emulator))]
    xml.status(ids)  # sent, 105
    emulator.advance_clock(5)
    xml.status([*ids, int(queued), 99999])  # each final state; queued -1; unknown -2
    xml.status([ids[0]] * 1001)  # the 1001st is skipped, 108

    # delete: each Appendix C result
    xml.whole_errors(
        "xmldeletescheduled.asp", f"<WinSMS_DeleteScheduled>{bad}</WinSMS_DeleteScheduled>"
    )
    xml.delete([int(queued), 99999, ids[0]])

    # replies and short-code messages: items (with every trigger), then none
    xml.whole_errors("xmlgetreplies.asp", f"<WinSMS_Replies>{bad}</WinSMS_Replies>")
    xml.send("hi", *TRIGGER_NUMBERS)
    replies_with_every_trigger(emulator)
    for _ in range(2):
        xml.fetch("xmlgetreplies.asp", "WinSMS_Replies")
    xml.whole_errors("xmlgetscmessages.asp", f"<WinSMS_SCmessages>{bad}</WinSMS_SCmessages>")
    emulator.inject_short_code_message("42001", number(1), "JOIN")
    for _ in range(2):
        xml.fetch("xmlgetscmessages.asp", "WinSMS_SCmessages", "owner", "pw")

    assert never_exercised(emulator, "XML") == {}
    emulator.raise_errors()


# -- REST v1, both shapes -------------------------------------------------------------------

_NO_BODY: Any = object()


class Rest:
    def __init__(self, emulator: Emulator) -> None:
        self.client: FlaskClient = emulator.client()

    def call(
        self,
        method: str,
        path: str,
        body: Any = _NO_BODY,
        *,
        key: str = KEY,
        data: str | None = None,
        content_type: str = "application/json",
        status: int | None = 200,
    ) -> Any:
        if body is not _NO_BODY:
            data = json.dumps(body)
        answer = self.client.open(
            f"/api/rest/v1{path}",
            method=method,
            data=data,
            headers={"Authorization": key, "Content-Type": content_type},
        )
        if status is not None:
            assert answer.status_code == status, (path, answer.get_data(as_text=True))
        return answer.get_json(silent=True)

    def http_errors(self, method: str, path: str, *, body: bool, pages: bool, invalid: int) -> None:
        """401, 405, and for an operation with a body 400, 413, 415 and an invalid field;
        for one that pages, a bad limit."""
        self.call(method, path, [] if body else _NO_BODY, key="nobody", status=401)
        self.call("GET" if method == "POST" else "POST", path, status=405)
        if body:
            self.call(method, path, data="{", status=400)
            self.call(method, path, data="x" * 210_000, status=413)
            self.call(method, path, data="[1]", content_type="text/plain", status=415)
            self.call(method, path, {"wrong": True}, status=invalid)
        if pages:
            self.call(method, f"{path}?limit=0", status=invalid)


def rest_send_body(shape: str, text: str, *numbers: str, **extra: Any) -> dict[str, Any]:
    listed = "mobileNumbers" if shape == "seed" else "recipients"
    return {"message": text, listed: [{"mobileNumber": n} for n in numbers], **extra}


def provoke_send(rest: Rest, shape: str, send: Any) -> None:
    """Every acceptError REST has, both schedulings, part counts and encodings; ``send``
    sends one message (text, numbers, key, extra fields)."""
    longest = 161 if shape == "current" else 1000  # maxSegments is 1 unless given
    send("hi", [number(1), "123", number(3), number(4)], KEY, {})
    send("x" * longest, [number(1)], KEY, {})
    send("x" * 200 + " ✓", [number(1)], KEY, {"maxSegments": 6} if shape == "current" else {})
    send("hi", [number(2)], "trial-key", {})
    send("hi", [number(1)], "broke-key", {})
    send("hi", [number(1)], "locked-key", {})
    scheduled = FUTURE if shape == "current" else int(FUTURE)
    send("later", [number(1)], KEY, {"scheduledTime": scheduled})


def provoke_statuses(rest: Rest, emulator: Emulator, shape: str) -> None:
    answer = rest.call(
        "POST", "/sms/outgoing/send", rest_send_body(shape, "hi", *scripted(emulator))
    )
    items = answer["messages"] if shape == "seed" else answer["recipients"]
    ids = [i.get("serverMessageId") or i.get("apiMessageId") for i in items]
    rest.call("POST", "/sms/outgoing/status", ids)  # sent
    emulator.advance_clock(5)
    when = int(FUTURE) if shape == "seed" else FUTURE
    queued = rest.call(
        "POST", "/sms/outgoing/send", rest_send_body(shape, "later", number(1), scheduledTime=when)
    )
    [later] = queued["messages"] if shape == "seed" else queued["recipients"]
    later_id = later.get("serverMessageId") or later.get("apiMessageId")
    rest.call("POST", "/sms/outgoing/status", [*ids, later_id, 99999])
    if shape == "seed":
        rest.call("POST", "/sms/outgoing/status", [ids[0]] * 1001)  # 108
    # the queue, and deleting from it: deleted, not found, already sent
    rest.call("GET", "/sms/scheduled")
    rest.call("GET", "/sms/scheduled", key="owner-key")
    rest.call("POST", "/sms/scheduled/delete", [later_id, 99999, ids[0]])


def provoke_inbound(rest: Rest, emulator: Emulator, shape: str) -> None:
    rest.call("GET", "/sms/incoming", key="owner-key")  # empty
    rest.call("POST", "/sms/outgoing/send", rest_send_body(shape, "hi", *TRIGGER_NUMBERS))
    replies_with_every_trigger(emulator)
    rest.call("GET", "/sms/incoming")


def test_every_documented_rest_seed_outcome_can_be_provoked_and_is_seen() -> None:
    emulator = world("seed")
    rest = Rest(emulator)
    for path in ("/sms/outgoing/send", "/sms/outgoing/status", "/sms/scheduled/delete"):
        rest.http_errors("POST", path, body=True, pages=False, invalid=400)
    for path in ("/sms/scheduled", "/sms/incoming", "/credits/balance"):
        rest.http_errors("GET", path, body=False, pages=False, invalid=400)
    rest.call("GET", "/credits/balance")

    def send(text: str, numbers: list[str], key: str, extra: dict[str, Any]) -> None:
        rest.call(
            "POST", "/sms/outgoing/send", rest_send_body("seed", text, *numbers, **extra), key=key
        )

    provoke_send(rest, "seed", send)
    provoke_statuses(rest, emulator, "seed")
    provoke_inbound(rest, emulator, "seed")

    assert never_exercised(emulator, "REST seed") == {}
    emulator.raise_errors()


def test_every_documented_rest_current_outcome_can_be_provoked_and_is_seen() -> None:
    emulator = world("current")
    rest = Rest(emulator)
    for path in (
        "/sms/outgoing/send",
        "/sms/outgoing/sendmulti",
        "/sms/outgoing/status",
        "/sms/scheduled/delete",
        "/credits/transfer",
    ):
        rest.http_errors("POST", path, body=True, pages=False, invalid=422)
    for path in ("/sms/scheduled", "/sms/incoming", "/shortcode/incoming"):
        rest.http_errors("GET", path, body=False, pages=True, invalid=422)
    for path in ("/credits/balance", "/sms/incoming/optout", "/subaccounts"):
        rest.http_errors("GET", path, body=False, pages=False, invalid=422)
    rest.call("GET", "/credits/balance")

    def send(text: str, numbers: list[str], key: str, extra: dict[str, Any]) -> None:
        rest.call(
            "POST",
            "/sms/outgoing/send",
            rest_send_body("current", text, *numbers, **extra),
            key=key,
        )

    def send_multi(text: str, numbers: list[str], key: str, extra: dict[str, Any]) -> None:
        body = {"messages": [rest_send_body("current", text, *numbers, **extra)]}
        rest.call("POST", "/sms/outgoing/sendmulti", body, key=key)

    provoke_send(rest, "current", send)
    provoke_send(rest, "current", send_multi)
    provoke_statuses(rest, emulator, "current")
    provoke_inbound(rest, emulator, "current")

    # opt-outs: none yet for the owner; by reply (every trigger) and by hand for hpotter
    rest.call("GET", "/sms/incoming/optout", key="owner-key")
    rest.call("GET", "/sms/incoming/optout")
    # short-code messages: none, then one
    rest.call("GET", "/shortcode/incoming", key="owner-key")
    emulator.inject_short_code_message("42001", number(1), "JOIN")
    rest.call("GET", "/shortcode/incoming", key="owner-key")
    # credits: moved, and refused for want of them; sub-accounts: some, none
    main, sub = (emulator.account(n)["account_number"] for n in (USER, "sub"))
    transfer = {"sendingAccountNumber": main, "receivingAccountNumber": sub}
    assert rest.call("POST", "/credits/transfer", {**transfer, "transferQuantity": 1})[
        "transferSuccessful"
    ]
    assert not rest.call("POST", "/credits/transfer", {**transfer, "transferQuantity": 99999})[
        "transferSuccessful"
    ]
    rest.call("GET", "/subaccounts")
    rest.call("GET", "/subaccounts", key="owner-key")

    assert never_exercised(emulator, "REST current") == {}
    emulator.raise_errors()


def test_every_appendix_d_trigger_has_a_reply_here() -> None:
    assert set(TRIGGER_TEXTS) == set(TRIGGERS)


# -- the HTTP (GET) API -------------------------------------------------------------------------


def test_every_documented_http_api_outcome_can_be_provoked_and_is_seen() -> None:
    emulator = world()
    client = emulator.client()

    def get(asp: str, status: int = 200, **params: str) -> str:
        answer = client.get(
            f"/api/{asp}", query_string={"user": USER, "password": PASSWORD, **params}
        )
        assert answer.status_code == status, answer.get_data(as_text=True)
        return answer.get_data(as_text=True)

    for asp in ("auth.asp", "credits.asp", "batchmessage.asp"):
        assert client.delete(f"/api/{asp}").status_code == 405
        assert client.get(f"/api/{asp}?user={'x' * 9_000_000}").status_code in (413, 414)
        get(asp, password="wrong")
    assert get("auth.asp") == "Login=OK"
    assert get("auth.asp", user="locked", password="pw") == "Login=ACCOUNTLOCKED"
    assert get("credits.asp").startswith("Credits=")

    def send(text: str, *numbers: str, user: str = USER, **extra: str) -> str:
        password = PASSWORD if user == USER else "pw"
        listed = ";".join(numbers)
        return get(
            "batchmessage.asp", user=user, password=password, message=text, numbers=listed, **extra
        )

    assert send("hi", number(1), "123", number(3), number(4)).endswith(
        "123=FAIL:BADDEST;27820000003=FAIL:OPTEDOUT;27820000004=FAIL:WASPADNC;"
    )
    assert send("hi") == "Error=FAIL:NO NUMBER"
    assert send("", number(1)) == f"{number(1)}=FAIL:NO MESSAGE;"
    assert send("x" * 1000, number(1)) == f"{number(1)}=FAIL:TOOLONG;"
    send("x" * 200 + " ✓", number(1))
    send("later", number(1), scheduled=FUTURE)
    assert send("hi", number(2), user="trial").endswith("FAIL:TRIALNOT2SELF;")
    assert send("hi", number(1), user="broke").endswith("NOCREDITS;")
    assert send("hi", number(1), user="locked").endswith("ACCOUNTLOCKED;")
    assert send("hi", number(1), scheduled="20251301") == "Error=Invalid Date"
    assert send("hi", *[number(500 + i) for i in range(1001)]) == "Error=Too Many Numbers"

    assert never_exercised(emulator, "HTTP") == {}
    emulator.raise_errors()

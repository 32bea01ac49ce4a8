"""Plain example tests for the bugs the property tests found, one test per bug.

Each test names the rule it checks (``shared/spec/behaviour.md`` or README),
what the emulator did instead, and which property test found it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from fuzz_support import parse_xml
from lxml import etree
from lxml.builder import E

from winsms_emulator import Emulator
from winsms_emulator.clock import ManualClock
from winsms_emulator.domain.accounts import Account
from winsms_emulator.domain.sast import SAST
from winsms_emulator.domain.sending import OutgoingMessage, Recipient
from winsms_emulator.services import Gateway

START = datetime(2025, 1, 1, 8, 0, tzinfo=SAST)
NUMBER = "27825550101"


def test_reply_goes_to_the_message_dispatched_last_not_the_highest_id() -> None:
    """Rule: "An inbound reply from number N goes to the account that most recently sent
    to N; its SentMessageID is that message's ID."

    Account ``early`` schedules a text to N for 08:01; account ``late`` then texts N at
    once (08:00), so its message has the higher ID. At 08:01 ``early``'s message is the
    one N received last, so N's reply is ``early``'s. The emulator routed it by the
    highest ID to ``late``. (Found by the stateful machine, XML driver.)
    """
    gateway = Gateway(
        [Account("early", "pw", "early-key"), Account("late", "pw", "late-key")],
        ManualClock(START),
    )
    [scheduled] = gateway.sms.send(
        "early",
        [
            OutgoingMessage(
                "Reminder", [Recipient(NUMBER)], scheduled_for=START + timedelta(minutes=1)
            )
        ],
    )
    [immediate] = gateway.sms.send("late", [OutgoingMessage("Hello", [Recipient(NUMBER)])])
    scheduled_id = scheduled.recipients[0].message_id
    assert scheduled_id is not None
    assert immediate.recipients[0].message_id == scheduled_id + 1

    gateway.control.advance_clock(60)  # 08:01: the scheduled message goes out now
    reply = gateway.network.inject_reply(NUMBER, "Thanks")

    assert (reply.account, reply.sent_message_id) == ("early", scheduled_id)


#: More digits than Python turns into an int by default (4300).
HUGE_ID = "9" * 5000


@pytest.mark.parametrize(
    ("endpoint", "root", "response_root"),
    [
        ("xmlgetstatus", "WinSMS_StatusRequest", "XMLGatewayStatus_Response"),
        ("xmldeletescheduled", "WinSMS_DeleteScheduled", "XMLGatewayDeleteScheduled_Response"),
    ],
)
def test_an_id_of_5000_digits_gets_a_documented_answer_not_a_500(
    endpoint: str, root: str, response_root: str
) -> None:
    """Rule: every XML request gets the endpoint's documented response (an unknown ID is
    NOTFOUND/-2; a malformed document is ``Not Valid XML Document``), never a 500.

    An ``<ID>`` of 5000 digits is all digits, so it passed the emulator's own check, and
    then ``int()`` refused it (Python's 4300-digit limit): the request was answered 500.
    (Found by test_fuzz_xml.py.)
    """
    emulator = Emulator()
    document = E(
        root,
        E.User("hpotter"),
        E.Password("w1Zard"),
        E.MessageIDs(E.MessageID(E.ID(HUGE_ID), E.CLI(""))),
    )
    answer = emulator.client().post(f"/api/{endpoint}.asp", data=etree.tostring(document))
    emulator.errors.clear()

    assert answer.status_code == 200, answer.status_code
    found = parse_xml(answer.get_data())
    assert found.tag == response_root
    assert not emulator.app.extensions["xml_schemas"].responses[endpoint].violations(found)
    if found.find("Error") is not None:
        assert found.findtext("Error") == "Not Valid XML Document"
    else:
        assert found.findtext("*/Status") == "NOTFOUND"


@pytest.mark.parametrize(
    ("dialect", "path", "body", "status"),
    [
        ("current", "send", {"message": "Hi", "recipients": [{"mobileNumber": " "}]}, 422),
        ("current", "send", {"message": "Hi", "recipients": [{"mobileNumber": "\u0085"}]}, 422),
        (
            "current",
            "sendmulti",
            {"messages": [{"message": "Hi", "recipients": [{"mobileNumber": "\t"}]}]},
            422,
        ),
        ("seed", "send", {"message": "Hi", "mobileNumbers": [{"mobileNumber": " "}]}, 400),
    ],
)
def test_rest_send_to_a_blank_mobile_number_is_an_invalid_field(
    dialect: str, path: str, body: dict[str, object], status: int
) -> None:
    """Rule (README, REST v1): "A blank ``message`` or ``mobileNumber`` is an invalid field
    rather than a per-recipient code" (422 in the current shape, 400 in the seed shape);
    and ``acceptError`` only takes the documented values.

    A ``mobileNumber`` of white space passed the OpenAPI ``minLength: 1``, was stripped by
    the gateway and answered 200 with ``acceptError: "NO NUMBER"``, a value outside the
    document's enum. (Found by test_schemathesis.py and test_fuzz_rest.py.)
    """
    emulator = Emulator(
        accounts=[{"username": "u", "password": "p", "api_key": "k", "rest_dialect": dialect}]
    )
    client = emulator.client()
    before = client.get("/_emulator/state").get_json()

    answer = client.post(
        f"/api/rest/v1/sms/outgoing/{path}", json=body, headers={"Authorization": "k"}
    )

    assert answer.status_code == status, answer.get_json()
    assert "'recipients' array" in answer.get_json()["errorMessage"] or (
        "'mobileNumbers' array" in answer.get_json()["errorMessage"]
    )
    assert "mobileNumber" in answer.headers["X-Emulator-Detail"]
    assert client.get("/_emulator/state").get_json() == before
    assert Decimal(str(emulator.balance("u"))) == Decimal(1000)

"""Injected faults as a real HTTP client sees them, against ``Emulator().serve()``.

One live server for the module (on a free localhost port); every test starts
from a reset, which also clears the faults.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from lxml import etree

from winsms_emulator import Emulator

USER = "hpotter"
PASSWORD = "w1Zard"
KEY = "hpotter-api-key"
N1 = "27825550101"
N2 = "27835550505"
SEND = "/api/xmlsendsmsmulti.asp"
STATUS = "/api/xmlgetstatus.asp"
TIMEOUT = 10


class Live:
    """The served emulator and a ``requests`` session for it."""

    def __init__(self, emulator: Emulator, url: str) -> None:
        self.emulator = emulator
        self.url = url
        self.session = requests.Session()

    # -- the control plane -----------------------------------------------------------------

    def control(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        response = self.session.request(
            method, f"{self.url}/_emulator{path}", json=body, timeout=TIMEOUT
        )
        assert response.status_code == status, (response.status_code, response.text)
        return response.json() if response.content else None

    def add_fault(self, **fault: Any) -> dict[str, Any]:
        found: dict[str, Any] = self.control("POST", "/faults", fault, status=201)
        return found

    def faults(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.control("GET", "/faults")["faults"]
        return found

    def hits(self) -> list[int]:
        return [f["hits"] for f in self.faults()]

    # -- the WinSMS APIs -------------------------------------------------------------------

    def rest(self, method: str, path: str, body: Any = None, key: str = KEY) -> requests.Response:
        return self.session.request(
            method,
            f"{self.url}/api/rest/v1{path}",
            json=body,
            headers={"Authorization": key},
            timeout=TIMEOUT,
        )

    def rest_send(self, text: str = "hi", number: str = N1, key: str = KEY) -> requests.Response:
        body = {"message": text, "mobileNumbers": [{"mobileNumber": number}]}
        return self.rest("POST", "/sms/outgoing/send", body, key=key)

    def balance(self, key: str = KEY) -> requests.Response:
        return self.rest("GET", "/credits/balance", key=key)

    def xml(self, path: str, document: str) -> requests.Response:
        return self.session.post(f"{self.url}{path}", data=document.encode(), timeout=TIMEOUT)

    def xml_send(
        self, text: str = "hi", number: str = N1, user: str = USER, password: str = PASSWORD
    ) -> requests.Response:
        document = (
            f"<WinSMS_Multi_Message><User>{user}</User><Password>{password}</Password>"
            "<Scheduled>201811141025</Scheduled><Messages><Message>"
            f"<MessageText>{text}</MessageText><Numbers><Number>{number}</Number></Numbers>"
            "</Message></Messages></WinSMS_Multi_Message>"
        )
        return self.xml(SEND, document)

    def xml_status(self, user: str = USER, password: str = PASSWORD) -> requests.Response:
        document = (
            f"<WinSMS_StatusRequest><User>{user}</User><Password>{password}</Password>"
            "<MessageIDs><MessageID><ID>1</ID><CLI>c</CLI></MessageID></MessageIDs>"
            "</WinSMS_StatusRequest>"
        )
        return self.xml(STATUS, document)


@pytest.fixture(scope="module")
def served() -> Iterator[Live]:
    emulator = Emulator(
        [
            {"username": USER, "password": PASSWORD, "api_key": KEY},
            {"username": "shop", "password": "pw", "api_key": "shop-key"},
        ]
    )
    with emulator.serve() as url:
        yield Live(emulator, url)


@pytest.fixture
def live(served: Live) -> Iterator[Live]:
    served.control("POST", "/reset", {})
    served.emulator.errors.clear()
    yield served
    served.emulator.raise_errors()


def _xml_id(response: requests.Response) -> str | None:
    root = etree.fromstring(response.content)
    found: str | None = root.findtext("SendResult/NumberID/ID")
    return found


# -- each kind -------------------------------------------------------------------------------


def test_latency_delays_a_request_that_then_succeeds(live: Live) -> None:
    live.add_fault(kind="latency", seconds=0.2, api="rest", operation="send")
    response = live.rest_send()
    assert response.status_code == 200
    assert response.json()["messages"][0]["accepted"] is True
    assert live.hits() == [1]
    assert [m["id"] for m in live.emulator.outbox(USER)] == [1]


@pytest.mark.parametrize("status", [503, 429])
def test_an_http_error_answers_rest_with_error_details(live: Live, status: int) -> None:
    fault = live.add_fault(kind="http_error", status=status, api="rest")
    response = live.balance()
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"timeStamp", "version", "statusCode", "errorMessage"}
    assert (body["statusCode"], body["version"]) == (status, "1.0")
    assert body["errorMessage"] == f"Injected fault {fault['id']}: HTTP {status}"


@pytest.mark.parametrize("status", [503, 429])
def test_an_http_error_answers_xml_in_plain_text(live: Live, status: int) -> None:
    fault = live.add_fault(kind="http_error", status=status, api="xml")
    response = live.xml_send()
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text == f"Injected fault {fault['id']}: HTTP {status}"


def test_a_dropped_connection_is_a_connection_error_for_rest(live: Live) -> None:
    live.add_fault(kind="drop_connection", api="rest")
    with pytest.raises(requests.ConnectionError):
        live.balance()
    assert live.hits() == [1]


def test_a_dropped_connection_is_a_connection_error_for_xml(live: Live) -> None:
    live.add_fault(kind="drop_connection", api="xml")
    with pytest.raises(requests.ConnectionError):
        live.xml_send()
    assert live.hits() == [1]


def test_a_malformed_rest_body_is_200_and_not_json(live: Live) -> None:
    live.add_fault(kind="malformed_body", api="rest")
    response = live.rest_send()
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


def test_a_malformed_xml_body_is_200_and_not_xml(live: Live) -> None:
    live.add_fault(kind="malformed_body", api="xml")
    response = live.xml_send()
    assert response.status_code == 200
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(response.content)


# -- how often ---------------------------------------------------------------------------------


def test_a_fault_with_times_fires_that_often_then_stops(live: Live) -> None:
    live.add_fault(kind="http_error", status=503, api="rest", times=2)
    assert [live.balance().status_code for _ in range(4)] == [503, 503, 200, 200]
    [fault] = live.faults()
    assert (fault["hits"], fault["times"]) == (2, 0)


def test_a_fault_without_times_or_probability_fires_every_time(live: Live) -> None:
    live.add_fault(kind="http_error", status=429, api="rest")
    assert {live.balance().status_code for _ in range(5)} == {429}
    assert live.hits() == [5]


def _pattern(live: Live, seed: int) -> str:
    live.control("POST", "/reset", {"seed": seed})
    live.add_fault(kind="http_error", status=503, api="rest", probability=0.5)
    return "".join("x" if live.balance().status_code == 503 else "." for _ in range(20))


def test_a_probabilistic_fault_repeats_its_pattern_after_a_reset_with_the_same_seed(
    live: Live,
) -> None:
    first = _pattern(live, seed=7)
    assert "x" in first and "." in first
    assert live.hits() == [first.count("x")]
    assert _pattern(live, seed=7) == first
    assert _pattern(live, seed=99) != first


# -- what a fault matches ------------------------------------------------------------------------


def test_a_fault_for_one_api_leaves_the_other_alone(live: Live) -> None:
    live.add_fault(kind="http_error", status=503, api="xml")
    assert live.balance().status_code == 200
    assert live.rest_send().status_code == 200
    assert live.xml_send().status_code == 503
    assert live.hits() == [1]


def test_a_fault_for_one_path_leaves_other_paths_alone(live: Live) -> None:
    live.add_fault(kind="http_error", status=503, path="/api/rest/v1/credits/balance")
    assert live.rest_send().status_code == 200
    assert live.balance().status_code == 503


def test_a_path_matches_in_any_case_as_the_xml_api_does(live: Live) -> None:
    live.add_fault(kind="http_error", status=503, path="/api/xmlsendsmsmulti.asp")
    response = live.xml(
        "/API/XMLSendSMSMulti.asp",
        "<WinSMS_Multi_Message><User>hpotter</User><Password>w1Zard</Password>"
        "<Messages/></WinSMS_Multi_Message>",
    )
    assert response.status_code == 503


def test_a_fault_for_one_operation_leaves_other_operations_alone(live: Live) -> None:
    live.add_fault(kind="http_error", status=503, api="xml", operation="status")
    assert live.xml_send().status_code == 200
    assert live.xml_status().status_code == 503
    live.add_fault(kind="http_error", status=429, api="rest", operation="send")
    assert live.balance().status_code == 200
    assert live.rest_send().status_code == 429
    assert live.hits() == [1, 1]


def test_a_rest_fault_for_one_account_is_matched_by_api_key(live: Live) -> None:
    live.add_fault(kind="http_error", status=503, api="rest", account="shop")
    assert live.balance(key=KEY).status_code == 200
    assert live.rest_send(key=KEY).status_code == 200
    assert live.balance(key="shop-key").status_code == 503
    assert live.rest_send(key="shop-key").status_code == 503
    assert live.hits() == [2]


def test_an_xml_fault_for_one_account_is_matched_by_user(live: Live) -> None:
    live.add_fault(kind="http_error", status=503, api="xml", account="shop")
    assert live.xml_send(user=USER, password=PASSWORD).status_code == 200
    assert live.xml_send(user="shop", password="pw").status_code == 503
    assert live.xml_status(user="shop", password="pw").status_code == 503
    assert live.hits() == [2]


def test_the_first_matching_fault_answers(live: Live) -> None:
    live.add_fault(kind="http_error", status=429, api="rest", times=1)
    live.add_fault(kind="http_error", status=503, api="rest")
    assert [live.balance().status_code for _ in range(3)] == [429, 503, 503]
    assert live.hits() == [1, 2]


def test_faults_do_not_touch_the_control_plane(live: Live) -> None:
    live.add_fault(kind="drop_connection")
    assert live.control("GET", "/health")["status"] == "ok"
    assert live.control("GET", "/accounts/hpotter")["credits"] == 1000.0
    assert live.hits() == [0]


# -- a faulted request changes nothing -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["http_error", "malformed_body", "drop_connection"])
@pytest.mark.parametrize("api", ["rest", "xml"])
def test_a_faulted_send_stores_no_message_and_takes_no_credits(
    live: Live, kind: str, api: str
) -> None:
    live.add_fault(kind=kind, api=api, operation="send", times=1)
    try:
        live.rest_send() if api == "rest" else live.xml_send()
    except requests.RequestException:  # how a dropped connection shows is tested above
        assert kind == "drop_connection"
    assert live.control("GET", f"/accounts/{USER}/messages") == {"messages": []}
    assert live.control("GET", f"/accounts/{USER}")["credits"] == 1000.0
    # the next send is the first: no ID was used up
    if api == "rest":
        assert live.rest_send().json()["messages"][0]["serverMessageId"] == 1
    else:
        assert _xml_id(live.xml_send()) == "1"


# -- listing and clearing faults -------------------------------------------------------------------


def test_faults_are_listed_and_cleared_over_http(live: Live) -> None:
    first = live.add_fault(kind="http_error", status=429, api="rest")
    second = live.add_fault(kind="latency", seconds=0.5, api="xml", account="shop")
    assert live.faults() == [first, second]
    assert second["match"] == {"api": "xml", "path": None, "operation": None, "account": "shop"}
    assert live.control("DELETE", "/faults", status=204) is None
    assert live.faults() == []
    assert live.balance().status_code == 200


def test_a_bad_fault_is_refused_over_http(live: Live) -> None:
    body = live.control("POST", "/faults", {"kind": "http_error", "status": 200}, status=400)
    assert set(body) == {"error"}
    assert live.faults() == []

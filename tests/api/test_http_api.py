"""The HTTP (GET) API: ``auth.asp``, ``credits.asp`` and ``batchmessage.asp``.

Every answer is checked against the pattern ``schemas/http-api.openapi.json`` gives
its operation, and is ``text/plain`` with no line break at the end.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from winsms_emulator import Emulator, EmulatorConfig, create_app
from winsms_emulator.errors import HttpRequestError, SendOutcome
from winsms_emulator.resources import schemas_dir

USER, PASSWORD = "hpotter", "w1Zard"
N1, N2, N3 = "27825550101", "27835550505", "27845550909"
DOC = json.loads((schemas_dir() / "http-api.openapi.json").read_text("utf-8"))
PATHS = {"auth": "/api/auth.asp", "balance": "/api/credits.asp", "send": "/api/batchmessage.asp"}


def documented(path: str, answer: str) -> bool:
    """Whether ``answer`` matches the pattern the document gives ``path``'s 200."""
    schema = DOC["paths"][path]["get"]["responses"]["200"]["content"]["text/plain"]["schema"]
    return re.fullmatch(schema["pattern"], answer) is not None


class Http:
    """An emulator and a client speaking the HTTP API to it."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.client: FlaskClient = emulator.client()

    def get(self, path: str, query: str = "", **params: str) -> str:
        url = (
            path + "?" + (query or "&".join(f"{k}={quote(v, safe=';')}" for k, v in params.items()))
        )
        return self.answer(self.client.get(url), path)

    def post(self, path: str, form: dict[str, str], query: str = "") -> str:
        return self.answer(self.client.post(path + "?" + query, data=form), path)

    @staticmethod
    def answer(response: Any, path: str) -> str:
        assert response.status_code == 200, (response.status_code, response.data)
        assert response.mimetype == "text/plain"
        text: str = response.get_data(as_text=True)
        assert not text.endswith(("\n", "\r")), text
        documented_path = "/" + path.rstrip("/").rsplit("/", 1)[-1].lower()
        assert documented(documented_path, text), text
        return text

    def send(self, numbers: str, message: str = "Hi", **extra: str) -> str:
        return self.get(
            PATHS["send"], user=USER, password=PASSWORD, message=message, numbers=numbers, **extra
        )

    def last(self) -> dict[str, Any]:
        return self.emulator.journal()[-1]


@pytest.fixture
def http() -> Http:
    return Http(Emulator())


@pytest.fixture
def strict_http() -> Http:
    return Http(Emulator(strict=True))


# -- auth.asp ---------------------------------------------------------------------------------


def test_auth_answers_login_ok_for_good_credentials(http: Http) -> None:
    assert http.get(PATHS["auth"], user=USER, password=PASSWORD) == "Login=OK"


def test_auth_answers_login_fail_for_a_wrong_password_or_an_unknown_user(http: Http) -> None:
    assert http.get(PATHS["auth"], user=USER, password="nope") == "Login=FAIL"
    assert http.get(PATHS["auth"], user="nobody", password=PASSWORD) == "Login=FAIL"
    assert http.get(PATHS["auth"]) == "Login=FAIL"


def test_auth_answers_accountlocked_for_a_locked_account(http: Http) -> None:
    http.emulator.update_account(USER, locked=True)
    assert http.get(PATHS["auth"], user=USER, password=PASSWORD) == "Login=ACCOUNTLOCKED"


# -- credits.asp ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("credits", "shown"), [(1000, "1000"), (5021.5, "5022"), (5021.4, "5021"), (0.5, "1"), (0, "0")]
)
def test_credits_answers_the_balance_rounded_to_the_nearest_integer(
    http: Http, credits: float, shown: str
) -> None:
    http.emulator.update_account(USER, credits=credits)
    assert http.get(PATHS["balance"], user=USER, password=PASSWORD) == f"Credits={shown}"


def test_credits_answers_fail_for_bad_credentials(http: Http) -> None:
    assert http.get(PATHS["balance"], user=USER, password="nope") == "Credits=FAIL"


def test_credits_answers_a_locked_accounts_balance_as_the_xml_api_serves_it(http: Http) -> None:
    http.emulator.update_account(USER, locked=True, credits=12)
    assert http.get(PATHS["balance"], user=USER, password=PASSWORD) == "Credits=12"


# -- batchmessage.asp ---------------------------------------------------------------------------


def test_a_send_answers_number_equals_id_per_recipient_and_takes_the_credits(http: Http) -> None:
    answer = http.send(f"{N1};{N2}")

    sent = http.emulator.outbox(USER)
    assert answer == f"{N1}={sent[0]['id']};{N2}={sent[1]['id']};"
    assert [(m["number"], m["message"], m["api"]) for m in sent] == [
        (N1, "Hi", "http"),
        (N2, "Hi", "http"),
    ]
    assert http.emulator.balance(USER) == 998.0


def test_the_trailing_semicolon_and_blank_items_name_nobody(http: Http) -> None:
    answer = http.send(f"{N1};; ;{N2};")
    assert [pair.split("=")[0] for pair in answer.split(";")[:-1]] == [N1, N2]


@pytest.mark.parametrize(
    ("arrange", "numbers", "outcome"),
    [
        (lambda e: e.update_account(USER, locked=True), N1, SendOutcome.ACCOUNT_LOCKED),
        (lambda e: None, "0825550101", SendOutcome.BAD_DEST),
        (lambda e: e.add_blacklist(N1), N1, SendOutcome.BAD_DEST),
        (lambda e: e.update_account(USER, trial=True), N1, SendOutcome.TRIAL_NOT_TO_SELF),
        (lambda e: e.add_opt_out(USER, N1), N1, SendOutcome.OPTED_OUT),
        (lambda e: e.add_dnc(N1), N1, SendOutcome.WASPA_DNC),
        (lambda e: e.update_account(USER, credits=0), N1, SendOutcome.NO_CREDITS),
    ],
    ids=lambda v: v.name if isinstance(v, SendOutcome) else None,
)
def test_a_refused_recipient_gets_the_xml_apis_code(
    http: Http, arrange: Any, numbers: str, outcome: SendOutcome
) -> None:
    arrange(http.emulator)
    assert http.send(numbers) == f"{numbers}={outcome.xml_code};"
    assert http.emulator.outbox(USER) == []


def test_a_blank_message_and_a_too_long_one_are_refused_per_recipient(http: Http) -> None:
    assert http.send(N1, message="   ") == f"{N1}={SendOutcome.NO_MESSAGE.xml_code};"
    assert http.send(N1, message="a" * 919) == f"{N1}={SendOutcome.TOO_LONG.xml_code};"


def test_a_batch_runs_out_of_credits_part_way(http: Http) -> None:
    http.emulator.update_account(USER, credits=1)
    answer = http.send(f"{N1};{N2}")
    [sent] = http.emulator.outbox(USER)
    assert answer == f"{N1}={sent['id']};{N2}=NOCREDITS;"


def test_a_scheduled_send_is_queued_and_can_be_deleted_over_the_xml_api(http: Http) -> None:
    answer = http.send(N1, scheduled="202501011000")  # the manual clock starts at 08:00 SAST
    message_id = int(answer.split("=")[1].rstrip(";"))
    [queued] = http.emulator.outbox(USER)
    assert (queued["status"], queued["status_code"]) == ("NOTFOUND", -1)
    assert queued["scheduled_for"] == "2025-01-01T10:00:00+02:00"
    document = (
        f"<WinSMS_DeleteScheduled><User>{USER}</User><Password>{PASSWORD}</Password>"
        f"<MessageIDs><MessageID><ID>{message_id}</ID></MessageID></MessageIDs>"
        "</WinSMS_DeleteScheduled>"
    )
    deleted = http.client.post("/api/xmldeletescheduled.asp", data=document)
    assert b"<Status>DELETED</Status>" in deleted.data
    assert http.emulator.balance(USER) == 1000.0


def test_a_sent_message_is_delivered_as_time_passes(http: Http) -> None:
    http.send(N1)
    http.emulator.advance_clock(2)
    assert http.emulator.outbox(USER)[0]["status"] == "DELIVERED"


@pytest.mark.parametrize(
    "scheduled", ["2025", "202502300000", "abcdefghijkl", "２０２５０１０１１０００"]
)
def test_a_scheduled_time_that_is_no_real_ccyymmddhhmm_is_invalid_date(
    http: Http, scheduled: str
) -> None:
    assert http.send(N1, scheduled=scheduled) == "Error=Invalid Date"
    assert http.emulator.outbox(USER) == []


def test_a_blank_or_past_scheduled_time_sends_at_once(http: Http) -> None:
    http.send(N1, scheduled=" ")
    http.send(N2, scheduled="201811141025")
    assert [m["status"] for m in http.emulator.outbox(USER)] == ["SENT", "SENT"]


def test_a_bad_login_to_batchmessage_is_login_fail(http: Http) -> None:
    answer = http.get(PATHS["send"], user=USER, password="x", message="Hi", numbers=N1)
    assert answer == "Login=FAIL"
    assert http.emulator.outbox(USER) == []


def test_no_number_at_all_is_one_error_pair_with_the_send_rules_code(http: Http) -> None:
    assert http.send("") == "Error=FAIL:NO NUMBER"
    assert http.send(";;") == "Error=FAIL:NO NUMBER"
    assert http.get(PATHS["send"], user=USER, password=PASSWORD) == "Error=FAIL:NO MESSAGE"
    http.emulator.update_account(USER, locked=True)
    assert http.send("") == "Error=ACCOUNTLOCKED"


def test_more_than_1000_numbers_is_refused_whole(http: Http) -> None:
    numbers = ";".join(["27825550101"] * 1001)
    answer = http.post(PATHS["send"], {"user": USER, "password": PASSWORD, "message": "Hi"}, "")
    assert answer == "Error=FAIL:NO NUMBER"
    form = {"user": USER, "password": PASSWORD, "message": "Hi", "numbers": numbers}
    assert http.post(PATHS["send"], form) == HttpRequestError.TOO_MANY_NUMBERS.answer
    assert http.emulator.outbox(USER) == []
    assert "1001 recipients" in http.last()["detail"]


def test_the_message_is_url_decoded_once(http: Http) -> None:
    http.get(
        PATHS["send"], query=f"user={USER}&password={PASSWORD}&message=a+b%0Ac%2520&numbers={N1}"
    )
    assert http.emulator.outbox(USER)[0]["message"] == "a b\nc%20"


def test_a_message_in_utf8_or_in_windows_1252_reads_the_same(http: Http) -> None:
    base = f"user={USER}&password={PASSWORD}&numbers={N1}&message="
    http.get(PATHS["send"], query=base + "%C3%A9t%C3%A9%20%E2%82%AC")  # UTF-8, as PHP sends
    http.get(PATHS["send"], query=base + "%E9t%E9%20%80")  # ANSI, as the VB sample sends
    assert [m["message"] for m in http.emulator.outbox(USER)] == ["été €", "été €"]
    assert http.last()["violations"] == [
        "parameter 'message' is not UTF-8; it was read as Windows-1252"
    ]


def test_an_encoded_lone_surrogate_is_read_as_windows_1252_not_kept(http: Http) -> None:
    base = f"user={USER}&password={PASSWORD}&numbers={N1}&message="
    http.get(PATHS["send"], query=base + "%ED%A0%80")
    [sent] = http.emulator.outbox(USER)
    assert sent["message"] == "í\xa0€"
    assert http.client.get("/_emulator/ui/").status_code == 200


# -- how clients send ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/batchmessage.asp",
        "/API/BatchMessage.ASP",
        "/batchmessage.asp",
        "/api/batchmessage.asp/",
    ],
)
def test_paths_match_in_any_case_with_or_without_api(http: Http, path: str) -> None:
    answer = http.get(path, query=f"USER={USER}&Password={PASSWORD}&MeSsAgE=Hi&Numbers={N1}")
    assert answer.startswith(f"{N1}=")


def test_a_post_with_a_form_body_is_treated_like_a_get(http: Http) -> None:
    answer = http.post(
        PATHS["send"], {"User": USER, "Password": PASSWORD, "Message": "Hi", "Numbers": N1}
    )
    assert answer.startswith(f"{N1}=")
    assert http.last()["method"] == "POST"


def test_a_posts_query_string_parameters_are_read_before_its_body(http: Http) -> None:
    answer = http.post(PATHS["balance"], {"password": PASSWORD}, query=f"user={USER}")
    assert answer == "Credits=1000"


def test_a_gets_body_is_ignored(http: Http) -> None:
    response = http.client.get(PATHS["auth"], data=f"user={USER}&password={PASSWORD}")
    assert response.get_data(as_text=True) == "Login=FAIL"


def test_another_method_is_405_in_plain_text(http: Http) -> None:
    response = http.client.put(PATHS["send"])
    assert (response.status_code, response.mimetype) == (405, "text/plain")
    assert response.get_data(as_text=True) == "Error=Method Not Allowed"
    assert http.last()["operation"] == "send"


def test_a_body_or_query_over_the_limit_is_413_or_414_in_plain_text_and_sends_nothing() -> None:
    client = create_app(config=EmulatorConfig(max_body_bytes=1000)).test_client()
    form = {"user": USER, "password": PASSWORD, "message": "a" * 2000, "numbers": N1}
    response = client.post(PATHS["send"], data=form)
    assert (response.status_code, response.mimetype) == (413, "text/plain")
    assert response.get_data(as_text=True) == "Error=Request Too Large"
    long_query = f"user={USER}&password={PASSWORD}&numbers={N1}&message=" + "a" * 2000
    response = client.get(PATHS["send"] + "?" + long_query)
    assert (response.status_code, response.get_data(as_text=True)) == (
        414,
        "Error=Request Too Large",
    )
    assert client.get(f"/_emulator/accounts/{USER}/messages").get_json()["messages"] == []


# -- the journal, strict, faults, the inbox ---------------------------------------------------


def test_the_journal_records_the_parameters_with_the_password_masked(http: Http) -> None:
    http.get(
        PATHS["send"], query=f"User={USER}&Password={PASSWORD}&Deliver=No&Message=Hi&Numbers={N1};"
    )
    entry = http.last()
    assert (entry["api"], entry["operation"], entry["account"], entry["outcome"]) == (
        "http",
        "send",
        USER,
        "ok",
    )
    assert entry["parameters"] == {
        "User": USER,
        "Password": "***",
        "Deliver": "No",
        "Message": "Hi",
        "Numbers": f"{N1};",
    }
    assert entry["violations"] == ["unknown parameter 'Deliver'"]
    assert PASSWORD not in json.dumps(http.emulator.journal())


def test_the_access_log_masks_the_password(http: Http, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="winsms_emulator.access"):
        http.get(PATHS["auth"], query=f"user={USER}&PASSWORD={PASSWORD}&x=1")
    assert "PASSWORD=***&x=1" in caplog.text
    assert PASSWORD not in caplog.text


def test_a_repeated_parameter_uses_its_first_value_and_is_a_violation(http: Http) -> None:
    assert (
        http.get(PATHS["auth"], query=f"user={USER}&password={PASSWORD}&Password=x") == "Login=OK"
    )
    assert http.last()["violations"] == ["parameter 'password' given 2 times; the first is used"]


def test_a_missing_required_parameter_is_a_violation(http: Http) -> None:
    http.get(PATHS["send"], user=USER, password=PASSWORD, numbers=N1)
    assert http.last()["violations"] == ["required parameter 'message' is missing"]


def test_strict_refuses_an_unknown_parameter_and_sends_nothing(strict_http: Http) -> None:
    answer = strict_http.send(N1, Deliver="No")
    assert answer == "Error=Invalid Parameters"
    assert strict_http.emulator.outbox(USER) == []
    assert strict_http.last()["detail"] == "unknown parameter 'Deliver'"
    assert strict_http.send(N1).startswith(f"{N1}=")
    assert strict_http.get(PATHS["auth"], user=USER, password=PASSWORD, pwd="x") == (
        "Error=Invalid Parameters"
    )


@pytest.mark.parametrize("operation", ["auth", "balance", "send"])
def test_a_fault_for_an_http_operation_answers_instead_of_it(http: Http, operation: str) -> None:
    fault = http.emulator.add_fault("http_error", status=503, api="http", operation=operation)
    response = http.client.get(PATHS[operation] + f"?user={USER}&password={PASSWORD}&numbers={N1}")
    assert (response.status_code, response.mimetype) == (503, "text/plain")
    entry = http.last()
    assert (entry["operation"], entry["outcome"]) == (operation, f"fault {fault['id']}: http_error")
    assert entry["parameters"]["password"] == "***"
    assert http.emulator.outbox(USER) == []
    other = next(p for name, p in PATHS.items() if name != operation)
    assert http.client.get(other + f"?user={USER}&password={PASSWORD}").status_code == 200


def test_a_fault_for_one_account_is_matched_by_the_user_parameter(http: Http) -> None:
    http.emulator.create_account(username="other", password="pw", api_key="other-key")
    http.emulator.add_fault("malformed_body", api="http", account="other")
    assert http.get(PATHS["auth"], user=USER, password=PASSWORD) == "Login=OK"
    response = http.client.get(PATHS["auth"] + "?User=other&password=pw")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "Login=")


def test_the_inbox_shows_an_http_message_as_sent_via_the_http_api(http: Http) -> None:
    http.send(N1)
    page = http.client.get("/_emulator/ui/").get_data(as_text=True)
    assert "via HTTP (GET) API" in page


def test_the_journal_can_be_filtered_to_the_http_api(http: Http) -> None:
    http.get(PATHS["auth"], user=USER, password=PASSWORD)
    http.client.get("/api/rest/v1/credits/balance", headers={"Authorization": "hpotter-api-key"})
    assert [e["api"] for e in http.emulator.journal(api="http")] == ["http"]


# -- the OpenAPI document -----------------------------------------------------------------------


def test_the_document_is_served_and_is_valid_openapi_3_1(http: Http) -> None:
    response = http.client.get("/api/http/openapi.json")
    assert (response.status_code, response.mimetype) == (200, "application/json")
    assert response.get_json() == DOC
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(DOC)

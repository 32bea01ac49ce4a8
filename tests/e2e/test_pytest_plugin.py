"""The pytest plugin as a user meets it: a test project of their own, no configuration."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

pytestmark = pytest.mark.skipif(
    not any(e.value == "winsms_emulator.pytest_plugin" for e in entry_points(group="pytest11")),
    reason="the package is not installed, so its pytest11 entry point is not registered",
)

USER_TESTS = """
import requests

SEND = {"message": "Your code is 1234", "mobileNumbers": [{"mobileNumber": "27825550101"}]}


def _send(emulator, key="hpotter-api-key"):
    answer = requests.post(
        f"{emulator.rest_url}/sms/outgoing/send", headers={"Authorization": key}, json=SEND
    )
    return answer.json()["messages"][0]


def test_first(winsms_emulator):
    assert _send(winsms_emulator)["serverMessageId"] == 1
    assert winsms_emulator.balance("hpotter") == 999.0


def test_second_starts_from_a_reset(winsms_emulator):
    assert winsms_emulator.outbox("hpotter") == []
    assert _send(winsms_emulator)["serverMessageId"] == 1
    assert winsms_emulator.balance("hpotter") == 999.0


def test_the_clock_is_manual(winsms_emulator):
    _send(winsms_emulator)
    assert winsms_emulator.outbox("hpotter")[0]["status"] == "SENT"
    winsms_emulator.advance_clock(2)
    assert winsms_emulator.outbox("hpotter")[0]["status"] == "DELIVERED"


def test_xml_url_speaks_the_xml_api(winsms_emulator):
    body = "<WinSMS_Replies><User>hpotter</User><Password>w1Zard</Password></WinSMS_Replies>"
    answer = requests.post(f"{winsms_emulator.xml_url}/xmlgetreplies.asp", data=body)
    assert "<XMLGateway_Replies/>" in answer.text


def test_a_fresh_account_of_its_own(winsms_account, winsms_emulator):
    message = _send(winsms_emulator, key=winsms_account["api_key"])
    assert message["accepted"] is True
    assert winsms_emulator.outbox("hpotter") == []
"""


def test_a_user_project_needs_no_configuration_and_tests_are_isolated(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


def test_the_plugin_works_under_xdist_with_one_server_per_worker(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-q", "-p", "xdist", "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


def test_config_fixtures_and_the_marker_change_how_the_emulator_starts(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        """
import pytest

@pytest.fixture(scope="session")
def winsms_emulator_accounts():
    return [{"username": "shop", "password": "pw", "api_key": "shop-key", "credits": 5}]

@pytest.fixture(scope="session")
def winsms_emulator_rest_dialect():
    return "current"
"""
    )
    pytester.makepyfile(
        test_config="""
import pytest
import requests

def _send(emulator):
    return requests.post(
        f"{emulator.rest_url}/sms/outgoing/send",
        headers={"Authorization": "shop-key"},
        json={"message": "hi", "recipients": [{"mobileNumber": "27825550101"}]},
    ).json()

def test_accounts_and_dialect_come_from_the_conftest(winsms_emulator):
    assert winsms_emulator.account("shop")["credits"] == 5.0
    balance = requests.get(
        f"{winsms_emulator.rest_url}/credits/balance", headers={"Authorization": "shop-key"}
    ).json()
    assert "authResult" not in balance  # the current shape

@pytest.mark.winsms_emulator(locked=True)
def test_the_marker_changes_the_first_account_for_one_test(winsms_emulator):
    assert _send(winsms_emulator)["recipients"][0]["acceptError"] == "ACCOUNTLOCKED"

def test_and_only_for_that_test(winsms_emulator):
    assert _send(winsms_emulator)["recipients"][0]["accepted"] is True
"""
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_an_error_inside_the_emulator_is_raised_in_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_boom="""
import requests

def test_boom(winsms_emulator, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the gateway broke")
    monkeypatch.setattr(winsms_emulator.gateway.sms, "balance", broken)
    answer = requests.get(
        f"{winsms_emulator.rest_url}/credits/balance",
        headers={"Authorization": "hpotter-api-key"},
    )
    assert answer.status_code == 500
"""
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*RuntimeError: the gateway broke*"])


def test_a_positional_marker_argument_is_refused_saying_how_to_write_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_marker="""
import pytest

@pytest.mark.winsms_emulator({"credits": 0})
def test_no_credits(winsms_emulator):
    assert winsms_emulator.balance("hpotter") == 0
"""
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.winsms_emulator takes the account's fields as keyword arguments, "
            "e.g. @pytest.mark.winsms_emulator(credits=0, trial=True), not positional ones "
            "({'credits': 0})*"
        ]
    )


def test_a_directory_that_overrides_the_configuration_gets_its_own_emulator(
    pytester: pytest.Pytester,
) -> None:
    """pytest keeps one value of a session fixture per session, even where a conftest
    overrides what it depends on: the tests of a directory that asks for the current REST
    shape get it although another directory's tests started the default emulator first."""
    pytester.makepyfile(
        test_a_default="""
def test_seed(winsms_emulator):
    assert winsms_emulator.gateway.default_rest_dialect == "seed"
"""
    )
    current = pytester.mkpydir("test_b_current")
    (current / "conftest.py").write_text(
        "import pytest\n\n"
        "@pytest.fixture(scope='session')\n"
        "def winsms_emulator_rest_dialect():\n"
        "    return 'current'\n"
    )
    (current / "test_current.py").write_text(
        "def test_current(winsms_emulator):\n"
        "    assert winsms_emulator.gateway.default_rest_dialect == 'current'\n"
        "\n"
        "def test_the_session_fixture_agrees(winsms_emulator_session, winsms_emulator):\n"
        "    assert winsms_emulator_session is winsms_emulator\n"
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)

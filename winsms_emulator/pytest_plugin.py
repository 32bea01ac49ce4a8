"""The pytest plugin: a live WinSMS emulator for every test, started once per session.

Installing the package registers it (``pytest11`` entry point). A test asks
for :func:`winsms_emulator` and gets an :class:`~winsms_emulator.Emulator`
serving on a free port, reset to its start state, with a manual clock::

    def test_welcome_sms_is_sent(winsms_emulator):
        my_client = SmsClient(base_url=winsms_emulator.rest_url, api_key="hpotter-api-key")
        my_client.send("27825550101", "Welcome!")
        assert winsms_emulator.outbox("hpotter")[0]["message"] == "Welcome!"

Override the config fixtures (``winsms_emulator_accounts``,
``winsms_emulator_rest_dialect``, ``winsms_emulator_strict``) in a
``conftest.py`` to change how the session's emulator starts, or mark one test
with ``@pytest.mark.winsms_emulator(credits=..., locked=..., ...)`` to change
the default account for that test only.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from winsms_emulator.emulator import Emulator

MARKER = "winsms_emulator"
_account_numbers = itertools.count(1)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**fields): change the emulator's first account for this test "
        "(e.g. credits=0, locked=True, trial=True, own_numbers=[...])",
    )


@pytest.fixture(scope="session")
def winsms_emulator_accounts() -> list[dict[str, Any]] | None:
    """The accounts the session's emulator starts with (``None``: the default hpotter)."""
    return None


@pytest.fixture(scope="session")
def winsms_emulator_rest_dialect() -> str:
    """REST v1 shape for accounts that choose none: ``seed`` (default) or ``current``."""
    return "seed"


@pytest.fixture(scope="session")
def winsms_emulator_strict() -> bool:
    """Whether XML requests that break the published schemas (and HTTP API requests with
    parameters its page does not name) are refused."""
    return False


@pytest.fixture(scope="session")
def winsms_emulator_session(
    winsms_emulator_accounts: list[dict[str, Any]] | None,
    winsms_emulator_rest_dialect: str,
    winsms_emulator_strict: bool,
) -> Iterator[Emulator]:
    """The session's emulator, serving on a free port (one per pytest-xdist worker)."""
    emulator = Emulator(
        winsms_emulator_accounts,
        clock="manual",
        strict=winsms_emulator_strict,
        rest_dialect=winsms_emulator_rest_dialect,
    )
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def winsms_emulator(
    winsms_emulator_session: Emulator, request: pytest.FixtureRequest
) -> Iterator[Emulator]:
    """A live emulator reset to its start state for this test.

    It has ``url``, ``rest_url`` and ``xml_url``, and every method of
    :class:`~winsms_emulator.Emulator`. An exception raised inside the
    emulator while serving this test is raised again in the test.
    """
    emulator = winsms_emulator_session
    emulator.reset()
    emulator.errors.clear()
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None and marker.kwargs:
        first = emulator.gateway.accounts.all()[0].username
        emulator.update_account(first, **marker.kwargs)
    yield emulator
    emulator.raise_errors()


@pytest.fixture
def winsms_account(winsms_emulator: Emulator) -> dict[str, Any]:
    """A fresh account of its own for this test (1000.0 credits), as a dict with its API key."""
    n = next(_account_numbers)
    return winsms_emulator.create_account(
        username=f"test-account-{n}", password=f"pw-{n}", api_key=f"test-key-{n}"
    )

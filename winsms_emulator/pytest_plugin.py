"""The pytest plugin: a live emulator per test session, reset before every test.

Registered through the package's ``pytest11`` entry point, so installing the
package is enough. See :func:`winsms_emulator` for what a test gets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from winsms_emulator.accounts_json import default_accounts
from winsms_emulator.app import EmulatorConfig, create_app
from winsms_emulator.clock import ManualClock
from winsms_emulator.server import ServerThread
from winsms_emulator.service import Gateway


@dataclass(frozen=True)
class RunningEmulator:
    """A live emulator: its URLs and its gateway."""

    url: str
    gateway: Gateway

    @property
    def rest_url(self) -> str:
        return f"{self.url}/api/rest/v1"

    @property
    def xml_url(self) -> str:
        return f"{self.url}/api"


@pytest.fixture(scope="session")
def winsms_emulator_session() -> Iterator[RunningEmulator]:
    """One emulator server for the whole session (manual clock, default account)."""
    gateway = Gateway(default_accounts(), ManualClock())
    server = ServerThread(create_app(gateway, EmulatorConfig(clock="manual"))).start()
    try:
        yield RunningEmulator(server.url, gateway)
    finally:
        server.stop()


@pytest.fixture
def winsms_emulator(winsms_emulator_session: RunningEmulator) -> RunningEmulator:
    """A live emulator, reset to its start state for this test."""
    winsms_emulator_session.gateway.reset()
    return winsms_emulator_session

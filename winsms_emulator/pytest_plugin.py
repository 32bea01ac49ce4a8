"""The pytest plugin: a live WinSMS emulator for every test, started once per session.

Installing the package registers it (``pytest11`` entry point). A test asks
for :func:`winsms_emulator` and gets an :class:`~winsms_emulator.Emulator`
serving on a free port, reset to its start state, with a manual clock::

    def test_welcome_sms_is_sent(winsms_emulator):
        my_client = SmsClient(base_url=winsms_emulator.rest_url, api_key="hpotter-api-key")
        my_client.send("27825550101", "Welcome!")
        assert winsms_emulator.outbox("hpotter")[0]["message"] == "Welcome!"

:func:`winsms_webhook_sink` gives a test a webhook receiver of its own, inside the
emulator: point an account's webhooks at its ``url`` and read what arrived.

Override the config fixtures (``winsms_emulator_accounts``,
``winsms_emulator_rest_dialect``, ``winsms_emulator_strict``) in a
``conftest.py`` to change how the session's emulator starts, or mark one test
with ``@pytest.mark.winsms_emulator(credits=..., locked=..., ...)`` to change
the default account for that test only.

``--winsms-coverage`` (or ``winsms_coverage = true`` in the pytest settings) prints,
at the end of the session, which documented WinSMS operations and outcomes the
session's requests to the emulator never exercised; ``--winsms-coverage-json=PATH``
writes the whole report, and ``--winsms-coverage-fail-under=PERCENT`` fails the run
below that coverage. Under pytest-xdist each worker's emulator counts its own requests
and the controller reports them together.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from winsms_emulator.clock import ManualClock
from winsms_emulator.coverage import Report, combined, report, summary
from winsms_emulator.emulator import Emulator
from winsms_emulator.forms.coverage import report_json, tally_from_json, tally_json
from winsms_emulator.registry import SURFACES
from winsms_emulator.tally import Tally

MARKER = "winsms_emulator"
_account_numbers = itertools.count(1)
_sink_numbers = itertools.count(1)

#: The session's emulators (one; none when no test asked for it) and the tallies each
#: pytest-xdist worker handed the controller.
_EMULATORS = pytest.StashKey[list[Emulator]]()
_WORKER_TALLIES = pytest.StashKey[list[Any]]()
_RESULT = pytest.StashKey["CoverageResult"]()
#: Where a worker puts its tallies for the controller.
WORKER_OUTPUT = "winsms_coverage_tallies"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("winsms-emulator", "WinSMS emulator")
    group.addoption(
        "--winsms-coverage",
        action="store_true",
        default=None,
        help="print which documented WinSMS operations and outcomes the tests never "
        "exercised (setting: winsms_coverage)",
    )
    group.addoption(
        "--winsms-coverage-json",
        metavar="PATH",
        default=None,
        help="write the coverage report as JSON to PATH (setting: winsms_coverage_json)",
    )
    group.addoption(
        "--winsms-coverage-fail-under",
        metavar="PERCENT",
        default=None,
        help="fail the run when less than PERCENT of the documented outcomes of the APIs "
        "the tests used were exercised (setting: winsms_coverage_fail_under)",
    )
    parser.addini("winsms_coverage", "report WinSMS contract coverage", type="bool")
    parser.addini("winsms_coverage_json", "write the WinSMS coverage report to this file")
    parser.addini("winsms_coverage_fail_under", "fail below this WinSMS coverage (percent)")


@dataclass(frozen=True)
class CoverageSettings:
    """What the options and settings ask of the coverage report (an option wins over
    its setting); any of them turns the report on."""

    enabled: bool
    json_path: Path | None
    fail_under: float | None


def coverage_settings(config: pytest.Config) -> CoverageSettings:
    path = config.getoption("winsms_coverage_json") or config.getini("winsms_coverage_json")
    raw = config.getoption("winsms_coverage_fail_under")
    raw = raw if raw is not None else config.getini("winsms_coverage_fail_under")
    fail_under = None
    if raw not in (None, ""):
        try:
            fail_under = float(raw)
        except ValueError:
            fail_under = -1.0
        if not 0 <= fail_under <= 100:
            raise pytest.UsageError(
                f"--winsms-coverage-fail-under takes a percentage from 0 to 100, not {raw!r}"
            )
    flag = config.getoption("winsms_coverage")
    flag = flag if flag is not None else config.getini("winsms_coverage")
    return CoverageSettings(
        bool(flag or path or fail_under is not None),
        Path(path) if path else None,
        fail_under,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**fields): change the emulator's first account for this test "
        "(e.g. credits=0, locked=True, trial=True, own_numbers=[...])",
    )
    coverage_settings(config)  # a bad threshold stops the run before any test
    config.stash[_EMULATORS] = []
    config.stash[_WORKER_TALLIES] = []


@dataclass(frozen=True)
class CoverageResult:
    """The session's report and, when it is below the threshold, why the run failed."""

    report: Report
    written: Path | None
    failure: str | None


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session: pytest.Session) -> Any:
    """After the tests: a worker hands its tallies over; the controller (or a run without
    workers) builds the report, writes it and checks the threshold."""
    outcome = yield
    config = session.config
    settings = coverage_settings(config)
    if not settings.enabled:
        return outcome
    tallies = [e.gateway.coverage.tally("start") for e in config.stash[_EMULATORS]]
    output = getattr(config, "workeroutput", None)
    if output is not None:  # a pytest-xdist worker: the controller reports
        output[WORKER_OUTPUT] = [tally_json(t) for t in tallies]
        return outcome
    tallies += [tally_from_json(t) for t in config.stash[_WORKER_TALLIES]]
    total = combined(tallies) or Tally(ManualClock().now())
    found = report(SURFACES, total, "start")
    if settings.json_path is not None:
        settings.json_path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(report_json(found), indent=2, ensure_ascii=False)
        settings.json_path.write_text(text + "\n", encoding="utf-8")
    failure = None
    if settings.fail_under is not None and (found.percent or 0.0) < settings.fail_under:
        failure = (
            f"WinSMS contract coverage {found.percent or 0.0}% is below the required "
            f"{settings.fail_under:g}%"
        )
        session.testsfailed += 1
    config.stash[_RESULT] = CoverageResult(found, settings.json_path, failure)
    return outcome


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """A pytest-xdist worker finished: keep the tallies it handed over."""
    output = getattr(node, "workeroutput", None) or {}
    node.config.stash[_WORKER_TALLIES].extend(output.get(WORKER_OUTPUT, []))


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    result = config.stash.get(_RESULT, None)
    if result is None:
        return
    terminalreporter.write_sep("-", "winsms-emulator coverage")
    for line in summary(result.report):
        terminalreporter.write_line(line)
    if result.written is not None:
        terminalreporter.write_line(f"coverage report written to {result.written}")
    if result.failure is not None:
        terminalreporter.write_line(f"FAIL {result.failure}", red=True, bold=True)


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


class EmulatorPool:
    """The session's emulators, one per start configuration, each started when first
    asked for and serving until the session ends.

    pytest keeps one value of a session fixture for the whole session, even where a
    ``conftest.py`` overrides a configuration fixture it depends on; asking the pool
    from a test-scoped fixture gives each test the emulator its own configuration
    names, whichever directory's tests ran first.
    """

    def __init__(self, config: pytest.Config) -> None:
        self._config = config
        self._emulators: dict[str, Emulator] = {}

    def get(
        self, accounts: list[dict[str, Any]] | None, rest_dialect: str, strict: bool
    ) -> Emulator:
        key = json.dumps([accounts, rest_dialect, strict], sort_keys=True, default=str)
        found = self._emulators.get(key)
        if found is None:
            found = Emulator(accounts, clock="manual", strict=strict, rest_dialect=rest_dialect)
            self._config.stash[_EMULATORS].append(found)  # its counts outlive the server
            found.start()
            self._emulators[key] = found
        return found

    def stop(self) -> None:
        for emulator in self._emulators.values():
            emulator.stop()


@pytest.fixture(scope="session")
def winsms_emulator_pool(pytestconfig: pytest.Config) -> Iterator[EmulatorPool]:
    """The session's emulators, by start configuration (one per pytest-xdist worker each)."""
    pool = EmulatorPool(pytestconfig)
    try:
        yield pool
    finally:
        pool.stop()


@pytest.fixture(scope="session")
def winsms_emulator_session(
    winsms_emulator_pool: EmulatorPool,
    winsms_emulator_accounts: list[dict[str, Any]] | None,
    winsms_emulator_rest_dialect: str,
    winsms_emulator_strict: bool,
) -> Emulator:
    """The session's emulator, serving on a free port (one per pytest-xdist worker)."""
    return winsms_emulator_pool.get(
        winsms_emulator_accounts, winsms_emulator_rest_dialect, winsms_emulator_strict
    )


@pytest.fixture
def winsms_emulator(
    winsms_emulator_pool: EmulatorPool,
    winsms_emulator_accounts: list[dict[str, Any]] | None,
    winsms_emulator_rest_dialect: str,
    winsms_emulator_strict: bool,
    request: pytest.FixtureRequest,
) -> Iterator[Emulator]:
    """A live emulator reset to its start state for this test.

    It has ``url``, ``rest_url`` and ``xml_url``, and every method of
    :class:`~winsms_emulator.Emulator`. An exception raised inside the
    emulator while serving this test is raised again in the test.
    """
    emulator = winsms_emulator_pool.get(
        winsms_emulator_accounts, winsms_emulator_rest_dialect, winsms_emulator_strict
    )
    emulator.reset()
    emulator.errors.clear()
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None and marker.args:
        given = ", ".join(repr(a) for a in marker.args)
        pytest.fail(
            f"@pytest.mark.{MARKER} takes the account's fields as keyword arguments, "
            f"e.g. @pytest.mark.{MARKER}(credits=0, trial=True), not positional ones "
            f"({given}); to pass a dict, unpack it: @pytest.mark.{MARKER}(**{{...}})",
            pytrace=False,
        )
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


class WebhookSink:
    """A webhook receiver of the test's own, inside the emulator
    (``/_emulator/webhook-sink/<name>``): point an account's webhooks at :attr:`url`."""

    def __init__(self, emulator: Emulator, name: str) -> None:
        self.emulator = emulator
        self.name = name

    @property
    def url(self) -> str:
        return self.emulator.sink_url(self.name)

    def requests(self) -> list[dict[str, Any]]:
        """What arrived so far, oldest first (method, path, query, headers, body, time)."""
        return self.emulator.sink_requests(self.name)

    def wait(self, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """What arrived, once ``count`` requests have (see
        :meth:`~winsms_emulator.Emulator.wait_for_sink`)."""
        return self.emulator.wait_for_sink(self.name, count, timeout)

    def queries(self) -> list[dict[str, str]]:
        """Each request's query parameters: a notification's fields."""
        return [r["query"] for r in self.requests()]


@pytest.fixture
def winsms_webhook_sink(winsms_emulator: Emulator) -> WebhookSink:
    """A fresh built-in webhook receiver for this test, with ``url``, ``requests()`` and
    ``wait(count)``."""
    return WebhookSink(winsms_emulator, f"test-sink-{next(_sink_numbers)}")

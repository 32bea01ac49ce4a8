"""What a test suite feels: the same tests through the ``winsms_emulator`` fixture and
against a bare canned stub, each run by pytest in a fresh process."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from bench.report import Row, row

FIXTURE_TESTS = textwrap.dedent(
    """
    import pytest, requests

    @pytest.mark.parametrize("n", range({count}))
    def test_send(winsms_emulator, n):
        answer = requests.post(
            winsms_emulator.rest_url + "/sms/outgoing/send",
            headers={{"Authorization": "hpotter-api-key"}},
            json={{"message": "hi", "recipients": [{{"mobileNumber": "27825550101"}}]}},
        )
        assert answer.json()["recipients"][0]["accepted"]
    """
)

STUB_TESTS = textwrap.dedent(
    """
    import json, threading
    import pytest, requests
    from werkzeug.serving import make_server

    ANSWER = json.dumps({{"recipients": [{{"accepted": True}}]}}).encode()

    class Stub:
        # a bare pytest-httpserver-style stub: one canned answer, cleared per test
        def __init__(self):
            self.requests = []
            def app(environ, start_response):
                self.requests.append(environ["PATH_INFO"])
                start_response("200 OK", [("Content-Type", "application/json")])
                return [ANSWER]
            self.server = make_server("127.0.0.1", 0, app, threaded=True)
            threading.Thread(target=self.server.serve_forever, daemon=True).start()
            self.url = f"http://127.0.0.1:{{self.server.server_port}}"

    @pytest.fixture(scope="session")
    def stub_session():
        stub = Stub()
        yield stub
        stub.server.shutdown()

    @pytest.fixture
    def stub(stub_session):
        stub_session.requests.clear()
        return stub_session

    @pytest.mark.parametrize("n", range({count}))
    def test_send(stub, n):
        answer = requests.post(stub.url + "/sms/outgoing/send",
                               json={{"message": "hi", "recipients": []}})
        assert answer.json()["recipients"][0]["accepted"]
    """
)


def pytest_plugin(count: int, repeats: int) -> Row:
    """A test run through the package's fixture vs the same tests against a bare
    pytest-httpserver-style stub (one canned answer, cleared per test)."""

    def run(source: str, plugin: bool) -> float:
        with tempfile.TemporaryDirectory() as folder:
            Path(folder, "test_bench.py").write_text(source.format(count=count))
            command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
            if not plugin:  # a project without the emulator at all
                command += ["-p", "no:winsms_emulator"]
            command.append(folder)
            started = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, cwd=folder)
            took = time.perf_counter() - started
            if result.returncode != 0 or f"{count} passed" not in result.stdout:
                raise RuntimeError(result.stdout[-2000:] + result.stderr[-2000:])
            return took

    emulator = statistics.median(run(FIXTURE_TESTS, True) for _ in range(repeats))
    stub = statistics.median(run(STUB_TESTS, False) for _ in range(repeats))
    return row(
        f"{count} tests through the winsms_emulator fixture",
        emulator,
        "s",
        stub,
        f"{count} tests against a bare canned stub",
        "<= 1.5x the stub run",
        emulator <= 1.5 * stub,
    )

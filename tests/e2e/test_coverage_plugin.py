"""``--winsms-coverage`` as a user meets it: the sample client's test suite
(``tests/sample_client``: a small client of three operations and the tests its authors
wrote first) run in a project of its own, with and without pytest-xdist."""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not any(e.value == "winsms_emulator.pytest_plugin" for e in entry_points(group="pytest11")),
    reason="the package is not installed, so its pytest11 entry point is not registered",
)

SAMPLE = Path(__file__).resolve().parents[1] / "sample_client"
SECTION = "winsms-emulator coverage"

#: Exactly what the sample suite never provoked, worked out by hand from its six tests:
#: it sends (accepted, BADDEST, INSUFFICIENT CREDITS: a GSM text, at once, in one part),
#: asks the status (SENT, then delivered; an unknown ID: NOTFOUND), reads the balance and
#: meets a 401 there. Every answer is 200 but that one.
EXPECTED = [
    "WinSMS contract coverage: 13 of 37 documented outcomes of the operations called (35.1%); "
    "13 of 122 of every operation of the APIs used (10.7%)",
    "REST current: 3 of 11 operations called, 13 of 37 of their outcomes exercised",
    "  never called: sendmulti, scheduled, delete_scheduled, incoming, optouts, "
    "shortcode_incoming, transfer, subaccounts",
    "  send never provoked: HTTP 400, HTTP 401, HTTP 405, HTTP 413, HTTP 415, HTTP 422, "
    "ACCOUNTLOCKED, TOOLONG, TRIALNOT2SELF, OPTEDOUT, WASPADNC, scheduled, multi-part, UCS2",
    "  status never provoked: HTTP 400, HTTP 401, HTTP 405, HTTP 413, HTTP 415, HTTP 422, "
    "status SENDINGFAILED, status INQUEUE, status FAILED",
    "  balance never provoked: HTTP 405",
    "not used: XML, REST seed, HTTP",
]


@pytest.fixture
def sample(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project holding the sample client and its tests."""
    for path in sorted(SAMPLE.glob("*.py")):
        (pytester.path / path.name).write_text(path.read_text("utf-8"), "utf-8")
    return pytester


def summary_of(result: pytest.RunResult) -> list[str]:
    """The lines of the coverage section, up to pytest's own last line."""
    lines = result.outlines
    [start] = [i for i, line in enumerate(lines) if SECTION in line]
    return [line for line in lines[start + 1 :] if not line.startswith("=")]


def test_the_sample_suite_is_told_exactly_what_it_never_provoked(sample: pytest.Pytester) -> None:
    result = sample.runpytest_subprocess("-p", "no:cacheprovider", "--winsms-coverage")
    result.assert_outcomes(passed=6)
    assert summary_of(result) == EXPECTED
    assert result.ret == 0


def test_the_readme_shows_what_the_sample_suite_is_told() -> None:
    readme = (SAMPLE.parents[1] / "README.md").read_text("utf-8")
    shown = readme.split(f" {SECTION} ", 1)[1].split("```", 1)[0]
    assert shown.splitlines()[1:] == EXPECTED


def test_under_xdist_the_workers_counts_are_added_up(sample: pytest.Pytester) -> None:
    result = sample.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "xdist", "-n", "2", "--winsms-coverage"
    )
    result.assert_outcomes(passed=6)
    assert summary_of(result)[: len(EXPECTED)] == EXPECTED


def test_the_report_is_written_as_json_and_a_threshold_can_fail_the_run(
    sample: pytest.Pytester,
) -> None:
    result = sample.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--winsms-coverage-json=reports/winsms.json",
        "--winsms-coverage-fail-under=50",
    )
    result.assert_outcomes(passed=6)  # every test passed, yet the run fails
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    lines = summary_of(result)
    assert lines[: len(EXPECTED)] == EXPECTED  # the option alone turns the report on
    assert "coverage report written to reports/winsms.json" in lines
    assert "FAIL WinSMS contract coverage 35.1% is below the required 50%" in lines
    report = json.loads((sample.path / "reports" / "winsms.json").read_text("utf-8"))
    assert (report["scope"], report["percent"], report["percent_all"]) == ("start", 35.1, 10.7)
    [current] = [s for s in report["sections"] if s["used"]]
    send = next(o for o in current["operations"] if o["operation"] == "send")
    assert [o["label"] for o in send["exercised"]] == [
        "HTTP 200",
        "accepted",
        "BADDEST",
        "INSUFFICIENT CREDITS",
        "immediate",
        "single-part",
        "GSM",
    ]
    assert send["requests"] == 4


def test_the_pytest_settings_turn_the_report_on_and_set_a_threshold_it_meets(
    sample: pytest.Pytester,
) -> None:
    sample.makepyprojecttoml(
        """
[tool.pytest.ini_options]
winsms_coverage = true
winsms_coverage_json = "coverage/winsms.json"
winsms_coverage_fail_under = 35
"""
    )
    result = sample.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)
    assert result.ret == pytest.ExitCode.OK
    assert summary_of(result)[: len(EXPECTED)] == EXPECTED
    assert (sample.path / "coverage" / "winsms.json").is_file()


def test_without_the_option_or_setting_nothing_is_reported(sample: pytest.Pytester) -> None:
    result = sample.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)
    assert not any(SECTION in line for line in result.outlines)


def test_a_session_that_never_used_the_emulator_says_so(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_nothing_to_do_with_sms():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--winsms-coverage")
    result.assert_outcomes(passed=1)
    assert summary_of(result)[0] == "WinSMS contract coverage: no request reached the WinSMS APIs"


@pytest.mark.parametrize("threshold", ["abc", "101"])
def test_a_threshold_that_is_no_percentage_stops_the_run_before_any_test(
    pytester: pytest.Pytester, threshold: str
) -> None:
    pytester.makepyfile(test_plain="def test_never_run():\n    raise AssertionError\n")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", f"--winsms-coverage-fail-under={threshold}"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--winsms-coverage-fail-under takes a percentage from 0 to 100*"])

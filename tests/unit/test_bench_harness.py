"""The benchmark harness reads its tools right and states its targets where they apply.

Nothing here measures anything: these are the harness's own rules, so that a
figure in the README's speed table means what its row says.
"""

from __future__ import annotations

import pytest

from bench.load import read_wrk_report
from bench.report import row, skipped, table
from bench.scale import _rows

WRK_REPORT = """Running 1s test @ http://127.0.0.1:47119/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.61ms    3.07ms  27.88ms   93.50%
    Req/Sec     2.31k   838.14     3.01k    72.73%
  Latency Distribution
     50%  616.00us
     75%    1.28ms
     90%    3.42ms
     99%{p99}
  2525 requests in 1.10s, 0.96MB read
{extra}Requests/sec:   2294.55
Transfer/sec:      0.87MB
"""


@pytest.mark.parametrize(
    ("p99", "milliseconds"),
    [("   17.80ms", 17.8), ("  900.00us", 0.9), ("    1.20s", 1200.0)],
)
def test_wrk_report_gives_the_rate_and_the_p99_in_milliseconds(
    p99: str, milliseconds: float
) -> None:
    load = read_wrk_report(WRK_REPORT.format(p99=p99, extra=""), "http://x/")
    assert load.rate == 2294.55
    assert load.p99_ms == pytest.approx(milliseconds)
    assert load.errors == ""


def test_wrk_report_keeps_the_socket_errors() -> None:
    extra = "  Socket errors: connect 0, read 3, write 0, timeout 1\n"
    load = read_wrk_report(WRK_REPORT.format(p99="   17.80ms", extra=extra), "http://x/")
    assert load.errors == "connect 0, read 3, write 0, timeout 1"


def test_a_run_with_failed_answers_is_not_a_figure() -> None:
    extra = "  Non-2xx or 3xx responses: 12\n"
    with pytest.raises(RuntimeError, match="12 failed answers"):
        read_wrk_report(WRK_REPORT.format(p99="   17.80ms", extra=extra), "http://x/")


def test_a_report_without_a_latency_distribution_is_refused() -> None:
    with pytest.raises(RuntimeError, match="cannot read"):
        read_wrk_report("Requests/sec:   2294.55\n", "http://x/")


def test_the_table_shows_p99s_and_says_why_a_peer_was_skipped() -> None:
    rows = [
        row("vs Prism", 900.0, "req/s", 300.0, "Prism", "above Prism", True, p99_ms=12.5),
        skipped("vs WireMock, one stub", "java is not installed"),
    ]
    lines = table(rows).splitlines()
    assert lines[2] == (
        "| vs Prism | 900/s, p99 12.50 ms | 300/s (Prism) | 3.00x | above Prism | yes |"
    )
    assert lines[3] == "| vs WireMock, one stub | skipped: java is not installed | | |  | |"


def _probe(stored: int, scheduled_ms: float) -> dict[str, object]:
    timings = {
        "send_median": 0.001,
        "send_max": 0.030,
        "status": 0.010,
        "scheduled": scheduled_ms / 1000,
        "account_reset": 0.002,
        "reset": 0.500,
        "pause": 0.070,
    }
    return {
        "stored_messages": stored,
        "sends": 2000,
        "fill_seconds": 1.0,
        "bytes_per_message": 800.0,
        "bare_bytes_per_message": 380.0,
        "resident_bytes_per_message": 900.0,
        "bare_resident_bytes_per_message": 400.0,
        "stored": timings,
        "empty": {**timings, "scheduled": 0.001, "reset": 0.001, "pause": 0.001},
    }


def _judged(rows: list[dict[str, object]], words: str) -> tuple[object, object]:
    [found] = [r for r in rows if str(r["name"]).startswith(words)]
    return found["target"], found["met"]


def test_the_scale_targets_apply_at_a_million_stored_messages() -> None:
    rows = _rows(_probe(1_000_000, 1.5))
    assert _judged(rows, "REST send, median") == ("", None)
    assert _judged(rows, "REST send, slowest") == ("<= 50 ms", True)
    assert _judged(rows, "per-account reset") == ("<= 20 ms", True)
    assert _judged(rows, "full reset") == ("<= 20 ms", False)
    assert _judged(rows, "REST scheduled listing")[1] is True  # 1.5x the empty store
    assert _judged(rows, "bytes per stored message") == ("<= 400 B", False)
    assert _judged(rows, "longest garbage-collection pause") == ("<= 50 ms", False)


def test_smaller_stores_are_measured_but_not_judged() -> None:
    assert all(r["met"] is None and r["target"] == "" for r in _rows(_probe(100_000, 90.0)))

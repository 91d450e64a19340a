"""`make bench` reads wrk's output and judges the targets correctly (bench/run.py)."""

import pytest

from bench.run import WrkResult, duration_ms, parse_wrk, percentile, render_table, server_durations, targets

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:40123
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.20ms    2.76ms  15.40ms   65.93%
    Req/Sec   480.35     42.29   560.00     65.00%
  Latency Distribution
     50%  812.00us
     75%    6.36ms
     90%    7.97ms
     99%     1.02s
  9150 requests in 10.00s, 2.37MB read
  Socket errors: connect 0, read 3, write 0, timeout 1
  Non-2xx or 3xx responses: 958
Requests/sec:    915.03
Transfer/sec:      1.18MB
"""


@pytest.mark.parametrize(
    ("text", "expected"), [("812.00us", 0.812), ("4.31ms", 4.31), ("1.02s", 1020.0), ("1.50m", 90_000.0)]
)
def test_wrk_durations_in_milliseconds(text, expected):
    assert duration_ms(text) == pytest.approx(expected)


def test_parse_wrk_reads_rate_percentiles_and_errors():
    parsed = parse_wrk(WRK_OUTPUT)

    assert parsed["requests"] == 9150
    assert parsed["requests_per_second"] == 915.03
    assert parsed["p50_ms"] == pytest.approx(0.812)
    assert parsed["p99_ms"] == pytest.approx(1020.0)
    assert parsed["error_detail"] == {"non_2xx_3xx": 958, "socket_read": 3, "socket_timeout": 1}
    assert parsed["errors"] == 962


def test_parse_wrk_refuses_output_without_latency_distribution():
    with pytest.raises(ValueError, match="--latency"):
        parse_wrk("Running 10s test\nRequests/sec: 10.0\n")


def result(page, rate, p99=5.0, errors=0):
    return WrkResult(
        page=page,
        paths=1,
        requests=int(rate * 10),
        requests_per_second=rate,
        p50_ms=1.0,
        p99_ms=p99,
        errors=errors,
        error_detail={"non_2xx_3xx": errors} if errors else {},
    )


def test_targets_compare_pages_with_the_trivial_view():
    results = {
        "trivial": result("trivial", 1000.0),
        "category": result("category", 600.0),
        "product": result("product", 450.0),
        "search": result("search", 300.0, p99=99.9),
    }

    checks = {check["target"]: (check["passed"], check["measured"]) for check in targets(results)}

    assert checks == {
        "category throughput >= 0.5 x trivial": (True, "0.60 x"),
        "product throughput >= 0.5 x trivial": (False, "0.45 x"),
        "search p99 < 100 ms": (True, "99.9 ms"),
    }
    table = render_table(results, targets(results))
    assert "FAIL  product throughput >= 0.5 x trivial" in table
    assert "0.60" in table


def test_pages_answering_errors_fail_the_bench():
    results = {"trivial": result("trivial", 1000.0), "search": result("search", 5000.0, p99=2.0, errors=7)}

    failed = [check["target"] for check in targets(results) if not check["passed"]]

    assert failed == ["search: no errors"]


def test_server_durations_come_from_the_request_log_lines():
    log = "\n".join(
        [
            '{"time": "t", "level": "INFO", "logger": "allegra.request", "message": "request", "duration_ms": 12.5}',
            "[2026-01-01 10:00:00 +0000] [12] [INFO] Booting worker with pid: 12",
            '{"message": "request", "duration_ms": 3}',
            '{"message": "demo catalogue seeded", "duration_ms": 900}',
            '{"message": "request", "duration_ms": "broken"',
        ]
    )

    assert server_durations(log) == [12.5, 3.0]
    assert percentile([], 0.5) is None
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile([float(n) for n in range(1, 101)], 0.99) == 100.0


def test_the_events_scenario_is_judged_by_events_accepted_per_second():
    fast = result("events", 250.0)
    fast.events_per_request, fast.events_per_second, fast.events_stored = 10, 2500.0, fast.requests * 10
    slow = result("events", 150.0)
    slow.events_per_request, slow.events_per_second, slow.events_stored = 10, 1500.0, 10

    assert [(c["target"], c["passed"]) for c in targets({"events": fast})] == [("events accepted >= 2000/s", True)]
    checks = {c["target"]: (c["passed"], c["measured"]) for c in targets({"events": slow})}
    assert checks["events accepted >= 2000/s"] == (False, "1500/s")
    # Answered 204 but not stored would be a lie: the rows the database gained are counted too.
    assert checks["events: every accepted event stored"] == (False, "10 of 15000")
    assert "events accepted: 2500/s" in render_table({"events": fast}, targets({"events": fast}))


def test_the_bench_batches_are_valid_event_batches():
    from allegra.analytics.services import validate_batch
    from bench.run import EVENT_SCENARIOS, event_batch

    for size in EVENT_SCENARIOS.values():
        batch = event_batch(["olive-ring", "gold-chain"], size)
        assert len(validate_batch(batch)) == size

"""`make bench`'s checkout scenario sums up its orders and judges the oversell check correctly (bench/checkout.py).

Pure logic only: the scenario itself runs on PostgreSQL under `make bench`, never in the test suite.
"""

import argparse

import pytest

from bench import checkout
from bench.checkout import (
    CheckoutBenchError,
    admin_url,
    checks,
    connection_budget,
    oversell_problems,
    percentile,
    redacted,
    render_table,
    seconds,
    summarise,
)


def oversell_facts(**changes):
    facts = {
        "buyers": 200,
        "units": 10,
        "connections": 86,
        "max_connections": 100,
        "placed": 10,
        "sold_out": 190,
        "errors": 0,
        "error_detail": {},
        "stock_after": 0,
        "orders": 10,
        "order_lines": 10,
        "pieces_ordered": 10,
        "orders_without_lines": 0,
        "payments": 10,
        "carts_kept": 190,
        "p50_ms": 300.0,
        "p99_ms": 900.0,
        "max_ms": 950.0,
    }
    facts.update(changes)
    facts["problems"] = oversell_problems(facts)
    return facts


def orders_summary(**changes):
    summary = {
        "buyers": 16,
        "processes": 16,
        "duration_s": 10.0,
        "warmup_s": 2.0,
        "lines_per_order": 2.0,
        "ran_out_of_carts": 0,
        "stock_consumed": 900,
        "pieces_ordered": 900,
        "orders_in_database": 450,
        "payments": 450,
        "orders": 400,
        "orders_per_second": 40.0,
        "p50_ms": 350.0,
        "p99_ms": 700.0,
        "max_ms": 780.0,
        "errors": 0,
        "error_detail": {},
    }
    summary.update(changes)
    return summary


@pytest.mark.parametrize(
    ("text", "expected"), [("10s", 10.0), ("10", 10.0), ("1.5s", 1.5), ("500ms", 0.5), ("2m", 120.0), (3, 3.0)]
)
def test_durations_in_seconds(text, expected):
    assert seconds(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "ten", "10h", "-1s"])
def test_a_bad_duration_is_refused(text):
    with pytest.raises(ValueError, match="not a duration"):
        seconds(text)


def test_summary_counts_only_placed_orders_over_the_whole_span():
    samples = [(0.0, 0.1, "ok"), (0.0, 0.3, "ok"), (0.5, 0.7, "ok"), (1.0, 2.0, "ok"), (1.5, 1.6, "IntegrityError")]

    summary = summarise(samples)

    assert summary["orders"] == 4
    assert summary["span_s"] == pytest.approx(2.0)
    assert summary["orders_per_second"] == pytest.approx(2.0)
    assert summary["p50_ms"] == pytest.approx(300.0)  # nearest rank: the upper of the middle two
    assert summary["p99_ms"] == pytest.approx(1000.0)
    assert summary["max_ms"] == pytest.approx(1000.0)
    assert (summary["errors"], summary["error_detail"]) == (1, {"IntegrityError": 1})


def test_summary_of_nothing():
    assert summarise([]) == {
        "orders": 0,
        "orders_per_second": 0.0,
        "p50_ms": None,
        "p99_ms": None,
        "errors": 0,
        "error_detail": {},
    }


def test_percentile_is_the_nearest_rank_like_run_py():
    from bench.run import percentile as run_percentile

    values = [float(value) for value in range(1, 101)]
    for fraction in (0.5, 0.9, 0.99):
        assert percentile(values, fraction) == run_percentile(values, fraction)
    assert percentile([], 0.5) is None


@pytest.mark.parametrize(
    ("max_connections", "in_use", "expected"),
    [(500, 5, 200), (100, 1, 86), (100, 40, 47), (20, 10, 0)],
)
def test_connection_budget(max_connections, in_use, expected):
    assert (
        connection_budget(wanted=200, max_connections=max_connections, reserved=3, in_use=in_use, headroom=10)
        == expected
    )


def test_a_clean_oversell_check_passes():
    facts = oversell_facts()

    assert facts["problems"] == []
    assert checks({"oversell": facts}) == [
        {
            "target": "oversell: 200 buyers, 10 units",
            "measured": "10 placed, 190 sold out, stock 0",
            "passed": True,
        }
    ]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"placed": 11, "sold_out": 189, "stock_after": 0}, "orders placed: 11 (expected 10)"),
        ({"stock_after": 1}, "stock left: 1 (expected 0)"),
        ({"orders_without_lines": 1}, "orders without lines: 1 (expected 0)"),
        ({"order_lines": 9}, "order lines of the piece: 9 (expected 10)"),
        ({"errors": 2, "sold_out": 188}, "other errors: 2 (expected 0)"),
        ({"payments": 9}, "payments started: 9 (expected 10)"),
        ({"carts_kept": 200}, "refused buyers' carts still holding the piece: 200 (expected 190)"),
    ],
)
def test_each_oversell_problem_fails_the_check(changes, problem):
    facts = oversell_facts(**changes)

    assert problem in facts["problems"]
    [check] = checks({"oversell": facts})
    assert check["passed"] is False
    assert problem in check["measured"]


def test_orders_pass_only_without_errors_and_with_enough_carts():
    assert checks({"orders": orders_summary()})[0]["passed"] is True
    failed = checks({"orders": orders_summary(errors=3, error_detail={"payment_not_started": 3})})[0]
    assert failed["passed"] is False and "payment_not_started" in failed["measured"]
    ran_out = checks({"orders": orders_summary(ran_out_of_carts=2)})[0]
    assert ran_out["passed"] is False and "2 buyers ran out of carts" in ran_out["measured"]
    assert checks({"orders": orders_summary(orders=0, orders_per_second=0.0)})[0]["passed"] is False
    unbalanced = checks({"orders": orders_summary(stock_consumed=901)})[0]
    assert unbalanced["passed"] is False and "stock taken 901 for 900 pieces ordered" in unbalanced["measured"]
    unpaid = checks({"orders": orders_summary(payments=449)})[0]
    assert unpaid["passed"] is False and "449 payments for 450 orders" in unpaid["measured"]
    assert checks(None) == []


def test_table_shows_rates_the_level_and_the_shared_connections():
    outcome = {
        "database": {"server_version": "15.20"},
        "catalogue": {"products": 300},
        "machine": {"cpus": 2, "load_before": [1.0, 1.0, 1.0], "load_after": [2.5, 1.0, 1.0]},
        "orders": orders_summary(),
        "oversell": oversell_facts(),
    }

    table = render_table(outcome)

    assert "PostgreSQL 15.20" in table and "service level" in table and "not measured" in table
    assert "2 CPUs; load average 1.0 before the timed run, 2.5 after" in table
    orders_row = next(line for line in table.splitlines() if line.startswith("orders "))
    assert orders_row.split() == ["orders", "16", "400", "40.0", "350.0", "700.0", "780.0", "0"]
    assert "200 buyers shared 86 connections" in table
    assert "-> PASS" in table and "FAIL" not in table

    outcome["oversell"] = oversell_facts(connections=200, max_connections=300, stock_after=1)
    table = render_table(outcome)
    assert "shared" not in table
    assert "-> FAIL" in table and "FAIL  oversell" in table


def test_only_a_bench_database_is_ever_dropped():
    assert admin_url("postgres://postgres@127.0.0.1:5432/allegra_bench") == (
        "postgres://postgres@127.0.0.1:5432/postgres",
        "allegra_bench",
    )
    for url in (
        "postgres://postgres@127.0.0.1:5432/test",
        "postgres://postgres@127.0.0.1:5432/allegra",
        'postgres://postgres@127.0.0.1:5432/bench"; DROP',
        "sqlite:///var/bench/db.sqlite3",
    ):
        with pytest.raises(CheckoutBenchError):
            admin_url(url)


def test_the_results_file_never_holds_a_password():
    assert redacted("postgres://bench:s3cret@db.local:5432/allegra_bench?sslmode=require") == (
        "postgres://bench@db.local:5432/allegra_bench"
    )
    assert redacted("postgres://postgres@127.0.0.1/allegra_bench") == "postgres://postgres@127.0.0.1/allegra_bench"


def parse(argv):
    parser = argparse.ArgumentParser()
    checkout.add_arguments(parser)
    args = parser.parse_args(argv)
    checkout.validate(args, parser)
    return args


def test_options_and_their_defaults():
    args = parse([])
    assert (args.checkout_only, args.skip_checkout) == (False, False)
    assert (args.checkout_buyers, args.oversell_buyers, args.oversell_units) == (16, 200, 10)
    assert (args.checkout_duration_s, args.checkout_warmup_s) == (10.0, 2.0)

    args = parse(["--checkout-only", "--checkout-duration", "3s", "--oversell-units", "5"])
    assert args.checkout_only and args.checkout_duration_s == 3.0 and args.oversell_units == 5


@pytest.mark.parametrize(
    "argv",
    [
        ["--checkout-only", "--skip-checkout"],
        ["--checkout-duration", "0s"],
        ["--checkout-duration", "soon"],
        ["--oversell-units", "300"],
    ],
)
def test_bad_options_are_refused(argv, capsys):
    with pytest.raises(SystemExit):
        parse(argv)


def test_run_py_takes_the_checkout_options():
    from bench.run import parse_args

    args = parse_args(["--skip-checkout", "--pages", "home"])
    assert args.skip_checkout and args.pages == ["trivial", "home"]
    assert parse_args(["--checkout-only"]).checkout_only


def test_without_postgresql_the_scenario_is_skipped_locally_and_fails_under_ci(monkeypatch, tmp_path, capsys):
    args = parse(["--checkout-database-url", "postgres://postgres@127.0.0.1:1/allegra_bench"])  # nothing listens

    monkeypatch.delenv("CI", raising=False)
    assert checkout.run(args, {}, tmp_path) is None
    assert "Checkout scenario skipped: it needs PostgreSQL" in capsys.readouterr().out

    monkeypatch.setenv("CI", "true")
    with pytest.raises(CheckoutBenchError, match="needs PostgreSQL"):
        checkout.run(args, {}, tmp_path)


def test_a_database_it_must_not_drop_is_refused_before_anything_runs(tmp_path):
    args = parse(["--checkout-database-url", "postgres://postgres@127.0.0.1:5432/test"])

    with pytest.raises(CheckoutBenchError, match="must be lower-case"):
        checkout.run(args, {}, tmp_path)
    assert list(tmp_path.iterdir()) == []

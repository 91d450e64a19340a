"""`make bench`, checkout scenario: orders placed per second and the oversell check, on PostgreSQL.

Measured at the service level: `allegra.checkout.services.place_order(...)` with everything it does in one call
(the locked cart and variants, stock, the order and its lines, fraud screening, the emptied cart) and the start of
the order's payment at the bundled test PSP, which runs in the same process (PAYMENTS_PSP_BASE_URL unset, see
allegra/payments/client.py). Not over HTTP: the checkout pages are not part of it.

1. A database of its own (`allegra_bench` by default), dropped and created again each run, migrated and seeded
   with a warm catalogue (seed_demo, 300 products; its pictures are kept in var/bench/checkout and reused). Every
   variant gets plenty of stock; ready carts of 1 to 3 pieces are written directly, in bulk (filling carts is not
   what is measured), and the buyers take the next one from a shared counter.
2. Orders: 16 buyers, each a separate process with its own database connection (like 16 sync web workers: no
   shared GIL, so two cores are really used), place orders in a loop for a fixed time after an untimed warm-up,
   all started together. Orders per second, p50 and p99 per order, errors (must be 0), and the books must
   balance afterwards (stock taken = pieces on order lines, one payment per order).
3. Oversell: 200 buyers, each with one piece of the same variant in the cart, for its last 10 units. Buyers are
   served by threads that open their connection before a barrier releases them all at once; one thread per
   buyer when PostgreSQL's max_connections leaves room, else as many as it leaves (each then serves its share of
   buyers one after the other) and the table says so. PASS: exactly 10 orders, stock 0, the 190 others told
   SoldOut, every order with its one line and its payment, no order without lines, the refused buyers' carts
   untouched.

`bench/run.py` runs it (see `add_arguments`); the Django side runs in a child process, `python -m bench.checkout`,
so run.py itself never sets Django up. This module imports only the standard library at the top.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/allegra_bench"
DEFAULT_PRODUCTS = 300
DEFAULT_BUYERS = 16
DEFAULT_DURATION = "10s"
DEFAULT_WARMUP = "2s"
DEFAULT_OVERSELL_BUYERS = 200
DEFAULT_OVERSELL_UNITS = 10
# Connections left free for everyone else on the server (teammates' test runs, psql) during the oversell check.
DEFAULT_HEADROOM = 10
# Ready carts per CPU and second of the run: several times what a core manages (about 15 ms of work per order), so
# the buyers never run out; if they do, that is reported as a failure, not a quietly shorter run.
CARTS_PER_CPU_SECOND = 150
STOCK = 1_000_000
LEVEL = "service level: place_order + payment start at the in-process test PSP; checkout pages not measured"


class CheckoutBenchError(Exception):
    """The checkout scenario could not run; the message says why and what to do."""


# --- pure logic (tests/test_bench_checkout.py) -------------------------------------------------------------


def seconds(text: str | float) -> float:
    """'10s', '10', '1.5s', '2m' or '500ms' as seconds (the same spelling as wrk's durations)."""
    if isinstance(text, int | float):
        value = float(text)
    else:
        match = re.fullmatch(r"\s*([\d.]+)\s*(ms|s|m)?\s*", text)
        if not match:
            raise ValueError(f"not a duration: {text!r} (e.g. 10s)")
        value = float(match.group(1)) * {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}[match.group(2)]
    if value < 0:
        raise ValueError(f"not a duration: {text!r}")
    return value


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest rank, the same formula as bench/run.py's (this module must not import run.py)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


def summarise(samples: list[tuple[float, float, str]]) -> dict:
    """Orders per second, latency percentiles and errors from (started, finished, outcome) per order, times in
    seconds on one clock. Only "ok" counts as an order; the rate is over the span from the first start to the
    last finish, so a slow last order is not cut off."""
    if not samples:
        return {"orders": 0, "orders_per_second": 0.0, "p50_ms": None, "p99_ms": None, "errors": 0, "error_detail": {}}
    latencies = [(finished - started) * 1000 for started, finished, outcome in samples if outcome == "ok"]
    span = max(finished for _s, finished, _o in samples) - min(started for started, _f, _o in samples)
    errors = Counter(outcome for _s, _f, outcome in samples if outcome != "ok")
    return {
        "orders": len(latencies),
        "orders_per_second": len(latencies) / span if span > 0 else 0.0,
        "span_s": span,
        "p50_ms": percentile(latencies, 0.5),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies) if latencies else None,
        "errors": sum(errors.values()),
        "error_detail": dict(sorted(errors.items())),
    }


def connection_budget(*, wanted: int, max_connections: int, reserved: int, in_use: int, headroom: int) -> int:
    """How many connections the oversell check may open: one per buyer when the server leaves room, else what is
    left after the superuser reserve, the connections already open and the headroom for everyone else."""
    return max(0, min(wanted, max_connections - reserved - in_use - headroom))


def oversell_problems(facts: dict) -> list[str]:
    """Everything that is wrong after the oversell check; empty means PASS."""
    buyers, units = facts["buyers"], facts["units"]
    expected = {
        "placed": units,
        "sold_out": buyers - units,
        "errors": 0,
        "stock_after": 0,
        "orders": units,
        "order_lines": units,
        "pieces_ordered": units,
        "orders_without_lines": 0,
        "payments": units,
        "carts_kept": buyers - units,
    }
    words = {
        "placed": "orders placed",
        "sold_out": "buyers told sold out",
        "errors": "other errors",
        "stock_after": "stock left",
        "orders": "orders of the piece in the database",
        "order_lines": "order lines of the piece",
        "pieces_ordered": "pieces ordered",
        "orders_without_lines": "orders without lines",
        "payments": "payments started",
        "carts_kept": "refused buyers' carts still holding the piece",
    }
    return [
        f"{words[name]}: {facts.get(name)} (expected {value})"
        for name, value in expected.items()
        if facts.get(name) != value
    ]


def checks(outcome: dict | None) -> list[dict]:
    """The checkout's targets in bench/run.py's format: no errors while placing orders, and no oversell."""
    if not outcome:
        return []
    found = []
    orders = outcome.get("orders")
    if orders is not None:
        measured = f"{orders['errors']} errors" + (f" {orders['error_detail']}" if orders["errors"] else "")
        if orders.get("ran_out_of_carts"):
            measured += f", {orders['ran_out_of_carts']} buyers ran out of carts"
        balanced = orders.get("stock_consumed") == orders.get("pieces_ordered") and orders.get(
            "payments"
        ) == orders.get("orders_in_database")
        if not balanced:
            measured += (
                f", stock taken {orders.get('stock_consumed')} for {orders.get('pieces_ordered')} pieces ordered, "
                f"{orders.get('payments')} payments for {orders.get('orders_in_database')} orders"
            )
        found.append(
            {
                "target": f"checkout: {orders['buyers']} buyers, no errors",
                "measured": measured,
                "passed": orders["errors"] == 0
                and not orders.get("ran_out_of_carts")
                and orders["orders"] > 0
                and balanced,
            }
        )
    oversell = outcome.get("oversell")
    if oversell is not None:
        problems = oversell["problems"]
        found.append(
            {
                "target": f"oversell: {oversell['buyers']} buyers, {oversell['units']} units",
                "measured": "; ".join(problems)
                if problems
                else f"{oversell['placed']} placed, {oversell['sold_out']} sold out, stock {oversell['stock_after']}",
                "passed": not problems,
            }
        )
    return found


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def render_table(outcome: dict) -> str:
    """The checkout's lines of the bench table."""
    database = outcome.get("database", {})
    lines = [
        f"Checkout on PostgreSQL {database.get('server_version', '?')} "
        f"({outcome.get('catalogue', {}).get('products', '?')} products; {LEVEL})",
        f"{'scenario':<10} {'buyers':>6} {'orders':>7} {'orders/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
        f" {'errors':>7}",
        "-" * 70,
    ]
    machine = outcome.get("machine")
    if machine:
        lines.insert(
            1,
            f"{machine['cpus']} CPUs; load average {machine['load_before'][0]:.1f} before the timed run, "
            f"{machine['load_after'][0]:.1f} after (other work on the machine slows every figure)",
        )
    orders = outcome.get("orders")
    if orders is not None:
        lines.append(
            f"{'orders':<10} {orders['buyers']:>6} {orders['orders']:>7} {orders['orders_per_second']:>9.1f} "
            f"{_ms(orders['p50_ms']):>8} {_ms(orders['p99_ms']):>8} {_ms(orders.get('max_ms')):>8} "
            f"{orders['errors']:>7}"
        )
        lines.append(
            f"           {orders['buyers']} processes, {orders['duration_s']:g} s timed after {orders['warmup_s']:g} s "
            f"warm-up, {orders['lines_per_order']:.1f} pieces per order"
        )
    oversell = outcome.get("oversell")
    if oversell is not None:
        shared = (
            ""
            if oversell["connections"] >= oversell["buyers"]
            else f" (max_connections {oversell['max_connections']}: {oversell['buyers']} buyers shared "
            f"{oversell['connections']} connections)"
        )
        lines.append(
            f"{'oversell':<10} {oversell['buyers']:>6} {oversell['placed']:>7} {'':>9} "
            f"{_ms(oversell['p50_ms']):>8} {_ms(oversell['p99_ms']):>8} {_ms(oversell.get('max_ms')):>8} "
            f"{oversell['errors']:>7}"
        )
        lines.append(
            f"           {oversell['units']} units, {oversell['connections']} connections{shared}: "
            f"{oversell['placed']} placed, {oversell['sold_out']} sold out, stock {oversell['stock_after']}, "
            f"{oversell['order_lines']} order lines, {oversell['orders_without_lines']} orders without lines -> "
            f"{'PASS' if not oversell['problems'] else 'FAIL'}"
        )
    lines += ["", "Checkout targets:"]
    for check in checks(outcome):
        lines.append(f"  {'PASS' if check['passed'] else 'FAIL'}  {check['target']:<38} measured {check['measured']}")
    return "\n".join(lines)


def admin_url(database_url: str) -> tuple[str, str]:
    """(URL of the server's `postgres` database, the bench database's name). Only a database whose name says
    "bench" is ever dropped: a mistyped URL must not empty the test or a real database."""
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise CheckoutBenchError(f"the checkout bench needs a PostgreSQL URL, not {parts.scheme or database_url!r}")
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name or "") or "bench" not in name:
        raise CheckoutBenchError(
            f"the checkout bench drops and recreates its database, so its name must be lower-case letters, digits "
            f"and _ and contain 'bench' (e.g. allegra_bench), not {name!r}"
        )
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, "")), name


def redacted(database_url: str) -> str:
    """The URL without a password, for the results file."""
    parts = urlsplit(database_url)
    netloc = parts.netloc
    if "@" in netloc:
        credentials, host = netloc.rsplit("@", 1)
        netloc = credentials.split(":", 1)[0] + "@" + host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


# --- run.py's side: options, and the child process ---------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("checkout (PostgreSQL)")
    only = group.add_mutually_exclusive_group()
    only.add_argument("--checkout-only", action="store_true", help="run only the checkout scenario (no wrk)")
    only.add_argument("--skip-checkout", action="store_true", help="leave the checkout scenario out")
    group.add_argument(
        "--checkout-database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"dropped and recreated each run; its name must contain 'bench' (default $BENCH_DATABASE_URL or "
        f"{DEFAULT_DATABASE_URL})",
    )
    group.add_argument("--checkout-products", type=int, default=DEFAULT_PRODUCTS, help="catalogue size (300)")
    group.add_argument("--checkout-buyers", type=int, default=DEFAULT_BUYERS, help="buyer processes (16)")
    group.add_argument("--checkout-duration", default=DEFAULT_DURATION, help="timed run (10s)")
    group.add_argument("--checkout-warmup", default=DEFAULT_WARMUP, help="untimed run before it (2s)")
    group.add_argument("--oversell-buyers", type=int, default=DEFAULT_OVERSELL_BUYERS, help="buyers (200)")
    group.add_argument("--oversell-units", type=int, default=DEFAULT_OVERSELL_UNITS, help="units left (10)")
    group.add_argument(
        "--checkout-headroom",
        type=int,
        default=DEFAULT_HEADROOM,
        help="PostgreSQL connections left free for others during the oversell check (10)",
    )


def validate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    try:
        args.checkout_duration_s = seconds(args.checkout_duration)
        args.checkout_warmup_s = seconds(args.checkout_warmup)
    except ValueError as error:
        parser.error(str(error))
    if args.checkout_duration_s <= 0:
        parser.error("--checkout-duration must be more than 0")
    if args.checkout_buyers < 1 or args.checkout_products < 1:
        parser.error("--checkout-buyers and --checkout-products must be at least 1")
    if not 1 <= args.oversell_units <= args.oversell_buyers:
        parser.error("--oversell-units must be 1 to --oversell-buyers")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _reachable(database_url: str) -> bool:
    parts = urlsplit(database_url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=2):
            return True
    except OSError:
        return False


def run(args: argparse.Namespace, env: dict[str, str], var_dir: Path) -> dict | None:
    """Runs the scenario in a child process (Django set up there, on PostgreSQL) and returns its figures; None
    when PostgreSQL is not there on a developer's machine (under CI that is an error)."""
    admin_url(args.checkout_database_url)  # refuses a database it must not drop, before anything happens
    if not _reachable(args.checkout_database_url):
        message = f"nothing answers at {redacted(args.checkout_database_url)}"
        if _in_ci():
            raise CheckoutBenchError(f"the checkout scenario needs PostgreSQL: {message}")
        print(f"Checkout scenario skipped: it needs PostgreSQL, and {message} (--skip-checkout hides this).")
        return None
    var_dir.mkdir(parents=True, exist_ok=True)
    child_env = {
        **env,
        "DATABASE_URL": args.checkout_database_url,
        "ALLEGRA_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        # Production checks every PSP secret; the shop's copy and the bundled provider's must agree.
        **_psp_keys(),
    }
    with tempfile.TemporaryDirectory(prefix="allegra-bench-checkout-") as workdir:
        output = Path(workdir) / "checkout.json"
        command = [
            sys.executable,
            "-m",
            "bench.checkout",
            "--output",
            str(output),
            "--products",
            str(args.checkout_products),
            "--buyers",
            str(args.checkout_buyers),
            "--duration",
            str(args.checkout_duration_s),
            "--warmup",
            str(args.checkout_warmup_s),
            "--oversell-buyers",
            str(args.oversell_buyers),
            "--oversell-units",
            str(args.oversell_units),
            "--headroom",
            str(args.checkout_headroom),
        ]
        completed = subprocess.run(command, cwd=ROOT, env=child_env, check=False, timeout=1800)
        if completed.returncode or not output.exists():
            raise CheckoutBenchError(f"the checkout scenario failed (exit status {completed.returncode}); see above")
        return json.loads(output.read_text(encoding="utf-8"))


def _psp_keys() -> dict[str, str]:
    api_key, webhook_secret = f"sk_test_{uuid.uuid4().hex}", f"whsec_{uuid.uuid4().hex}"
    return {
        "PSP_API_KEY": api_key,
        "PAYMENTS_PSP_API_KEY": api_key,
        "PSP_WEBHOOK_SECRET": webhook_secret,
        "PAYMENTS_PSP_WEBHOOK_SECRET": webhook_secret,
        "PSP_FINGERPRINT_KEY": uuid.uuid4().hex,
        "PAYMENTS_PSP_BASE_URL": "",
    }


# --- the child: Django on the bench database ---------------------------------------------------------------

ADDRESS = {
    "recipient_name": "Ελένη Παπαδοπούλου",
    "street": "Ερμού",
    "number": "12",
    "city": "Αθήνα",
    "postcode": "10563",
    "country": "GR",
}


def _recreate_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    url, name = admin_url(database_url)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _place(cart_id: int, email: str) -> str:
    """One order through the service, as the checkout view would place it; its outcome in one word."""
    from allegra.cart.models import Cart
    from allegra.checkout.services import SoldOut, place_order
    from allegra.orders.services import AddressInput, ContactInput

    address = AddressInput(**ADDRESS)
    try:
        placed = place_order(
            cart=Cart(pk=cart_id),
            contact=ContactInput(email=email, phone="+30 210 1234567"),
            shipping_address=address,
            billing_address=address,
            shipping_method="courier",
            user=None,
            language="el",
            idempotency_key=uuid.uuid4().hex,
            marketing_opt_out=None,
        )
    except SoldOut:
        return "sold_out"
    except Exception as error:  # noqa: BLE001 - every failure is counted by kind and shown, never hidden
        print(f"checkout bench: {type(error).__name__}: {error}", file=sys.stderr)
        traceback.print_exc(limit=3)
        return type(error).__name__
    if placed.held:
        return "held_for_review"
    if placed.payment is None:
        return "payment_not_started"
    return "ok"


def _buyer(index: int, cart_ids: list[int], taken, warmup: float, duration: float, barrier, results) -> None:
    """One buyer process: warm up untimed, then place orders until the time is up, each timed alone."""
    import django

    django.setup()
    from django.db import connection

    def next_cart() -> int | None:
        with taken.get_lock():
            position = taken.value
            taken.value += 1
        return cart_ids[position] if position < len(cart_ids) else None

    samples: list[tuple[float, float, str]] = []
    order = 0
    try:
        connection.ensure_connection()
        barrier.wait(timeout=300)  # everyone connected
        deadline = time.monotonic() + warmup
        ran_out = False
        while time.monotonic() < deadline:
            cart_id = next_cart()
            if cart_id is None:
                ran_out = True
                break
            order += 1
            _place(cart_id, f"buyer{index}.{order}@example.com")
        barrier.wait(timeout=300)  # everyone warm: the timed run starts together
        deadline = time.monotonic() + duration
        while not ran_out and time.monotonic() < deadline:
            cart_id = next_cart()
            if cart_id is None:
                ran_out = True
                break
            order += 1
            # A fresh address per order: the fraud rules' email velocity would hold a buyer's fourth order.
            email = f"buyer{index}.{order}@example.com"
            started = time.monotonic()
            outcome = _place(cart_id, email)
            samples.append((started, time.monotonic(), outcome))
    except Exception as error:  # noqa: BLE001 - reported to the parent, which fails the run
        results.put({"index": index, "samples": samples, "ran_out": False, "crashed": repr(error)})
        return
    finally:
        connection.close()
    results.put({"index": index, "samples": samples, "ran_out": ran_out, "crashed": None})


def _ready_carts(variant_ids: list[int], count: int, rng: random.Random) -> list[int]:
    from allegra.cart.models import Cart, CartLine

    run_id = uuid.uuid4().hex[:8]
    carts = Cart.objects.bulk_create(
        [Cart(session_key=f"bench-{run_id}-{number}") for number in range(count)], batch_size=2000
    )
    lines = [
        CartLine(cart=cart, variant_id=variant_id, quantity=1)
        for cart in carts
        for variant_id in rng.sample(variant_ids, rng.randint(1, 3))
    ]
    CartLine.objects.bulk_create(lines, batch_size=5000)
    return [cart.pk for cart in carts]


def _orders_scenario(options: argparse.Namespace, rng: random.Random, oversell_variant) -> dict:
    import multiprocessing

    from django.db.models import Sum

    from allegra.catalog.models import Variant
    from allegra.orders.models import Order, OrderLine
    from allegra.payments.models import Payment

    # Not the oversell check's piece: its orders must be only the oversell check's.
    variant_ids = list(
        Variant.objects.filter(product__is_active=True).exclude(pk=oversell_variant.pk).values_list("pk", flat=True)
    )
    Variant.objects.filter(pk__in=variant_ids).update(stock=STOCK)
    count = max(options.buyers * 50, int((options.duration + options.warmup) * CARTS_PER_CPU_SECOND * os.cpu_count()))
    print(f"  {count} ready carts over {len(variant_ids)} variants...", flush=True)
    cart_ids = _ready_carts(variant_ids, count, rng)

    from django.db import connections

    connections.close_all()  # nothing shared with the buyer processes
    context = multiprocessing.get_context("spawn")  # a clean interpreter each, like separate web workers
    barrier = context.Barrier(options.buyers + 1)
    taken = context.Value("q", 0)  # the next ready cart, for whichever buyer is free first
    results = context.Queue()
    buyers = [
        context.Process(
            target=_buyer,
            args=(
                index,
                cart_ids,
                taken,
                options.warmup,
                options.duration,
                barrier,
                results,
            ),
        )
        for index in range(options.buyers)
    ]
    for process in buyers:
        process.start()
    print(
        f"  {options.buyers} buyer processes: {options.warmup:g} s warm-up, then {options.duration:g} s timed...",
        flush=True,
    )
    reports = []
    try:
        barrier.wait(timeout=300)
        barrier.wait(timeout=300)
        for _ in buyers:
            reports.append(results.get(timeout=options.warmup + options.duration + 300))
    except Exception as error:  # noqa: BLE001 - a broken barrier or a silent buyer: stop them all, say why
        for process in buyers:
            if process.is_alive():
                process.terminate()
        raise CheckoutBenchError(f"the buyer processes did not finish: {error!r}") from None
    finally:
        for process in buyers:
            process.join(timeout=60)
    crashed = [report["crashed"] for report in reports if report["crashed"]]
    if crashed:
        raise CheckoutBenchError(f"buyer processes failed: {crashed}")
    samples = [tuple(sample) for report in reports for sample in report["samples"]]
    summary = summarise(samples)
    # The books must balance after the warm-up and the timed run: every piece that left the stock is on an order
    # line, and every order has its payment.
    left = Variant.objects.filter(pk__in=variant_ids).aggregate(total=Sum("stock"))["total"] or 0
    return {
        "buyers": options.buyers,
        "processes": options.buyers,
        "duration_s": options.duration,
        "warmup_s": options.warmup,
        "variants": len(variant_ids),
        "ready_carts": count,
        "ran_out_of_carts": sum(1 for report in reports if report["ran_out"]),
        # The warm-up's orders and the timed ones (the database is new): the mean size of the carts.
        "lines_per_order": OrderLine.objects.count() / max(1, Order.objects.count()),
        "stock_consumed": len(variant_ids) * STOCK - left,
        "pieces_ordered": OrderLine.objects.aggregate(total=Sum("quantity"))["total"] or 0,
        "orders_in_database": Order.objects.count(),
        "payments": Payment.objects.count(),
        **summary,
    }


def _server_facts() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
        cursor.execute("SHOW max_connections")
        max_connections = int(cursor.fetchone()[0])
        cursor.execute("SHOW superuser_reserved_connections")
        reserved = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
        in_use = int(cursor.fetchone()[0])
    return {"server_version": version, "max_connections": max_connections, "reserved": reserved, "in_use": in_use}


def _oversell_scenario(options: argparse.Namespace, variant) -> dict:
    from allegra.cart.models import Cart, CartLine
    from allegra.cart.services import add_to_cart
    from allegra.catalog.models import Variant
    from allegra.orders.models import Order, OrderLine
    from allegra.payments.models import Payment

    # Every buyer put one in the cart while there were enough; then it came down to the last units.
    Variant.objects.filter(pk=variant.pk).update(stock=options.oversell_buyers)
    variant.refresh_from_db()
    carts = []
    for number in range(options.oversell_buyers):
        cart = Cart.objects.create(session_key=f"oversell-{uuid.uuid4().hex[:8]}-{number}")
        add_to_cart(cart=cart, variant=variant, quantity=1)
        carts.append(cart.pk)
    Variant.objects.filter(pk=variant.pk).update(stock=options.oversell_units)

    server = _server_facts()
    budget = connection_budget(
        wanted=options.oversell_buyers,
        max_connections=server["max_connections"],
        reserved=server["reserved"],
        in_use=server["in_use"],
        headroom=options.headroom,
    )
    if budget < 2:
        raise CheckoutBenchError(f"PostgreSQL leaves no connections for the oversell check ({server})")
    waiting = deque(enumerate(carts))
    outcomes: list[tuple[float, float, str]] = []
    connected: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(budget + 1)

    def serve() -> None:
        from django.db import connection

        try:
            connection.ensure_connection()  # opened before the start, not in the race
            ok = True
        except Exception as error:  # noqa: BLE001 - the server refused one more: this thread serves nobody
            print(f"checkout bench: a connection was refused: {error}", file=sys.stderr)
            ok = False
        with lock:
            connected.append(ok)
        try:
            barrier.wait(timeout=120)
            while ok:
                with lock:
                    if not waiting:
                        break
                    number, cart_id = waiting.popleft()
                started = time.monotonic()
                outcome = _place(cart_id, f"oversell{number}@example.com")
                with lock:
                    outcomes.append((started, time.monotonic(), outcome))
        finally:
            connection.close()

    threads = [threading.Thread(target=serve) for _ in range(budget)]
    print(
        f"  oversell: {options.oversell_buyers} buyers for {options.oversell_units} units over {budget} connections "
        f"(max_connections {server['max_connections']}, {server['in_use']} in use)...",
        flush=True,
    )
    for thread in threads:
        thread.start()
    barrier.wait(timeout=120)
    started = time.monotonic()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    counts = Counter(outcome for _s, _f, outcome in outcomes)
    numbers = list(Order.objects.filter(lines__variant=variant).values_list("number", flat=True).distinct())
    lines = OrderLine.objects.filter(variant=variant)
    latencies = [(finished - begun) * 1000 for begun, finished, _o in outcomes]
    facts = {
        "buyers": options.oversell_buyers,
        "units": options.oversell_units,
        "connections": sum(connected),
        "max_connections": server["max_connections"],
        "connections_in_use_before": server["in_use"],
        "placed": counts.get("ok", 0),
        "sold_out": counts.get("sold_out", 0),
        "errors": sum(count for outcome, count in counts.items() if outcome not in ("ok", "sold_out")),
        "error_detail": {o: c for o, c in counts.items() if o not in ("ok", "sold_out")},
        "stock_after": Variant.objects.get(pk=variant.pk).stock,
        "orders": len(numbers),
        "order_lines": lines.count(),
        "pieces_ordered": sum(lines.values_list("quantity", flat=True)),
        "orders_without_lines": Order.objects.filter(lines__isnull=True).count(),
        "payments": Payment.objects.filter(payable__in=numbers).count(),
        "carts_kept": CartLine.objects.filter(cart_id__in=carts, variant=variant).count(),
        "seconds": elapsed,
        "p50_ms": percentile(latencies, 0.5),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies) if latencies else None,
    }
    facts["problems"] = oversell_problems(facts)
    return facts


def child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.checkout", description="see bench/checkout.py")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--products", type=int, default=DEFAULT_PRODUCTS)
    parser.add_argument("--buyers", type=int, default=DEFAULT_BUYERS)
    parser.add_argument("--duration", type=seconds, default=seconds(DEFAULT_DURATION))
    parser.add_argument("--warmup", type=seconds, default=seconds(DEFAULT_WARMUP))
    parser.add_argument("--oversell-buyers", type=int, default=DEFAULT_OVERSELL_BUYERS)
    parser.add_argument("--oversell-units", type=int, default=DEFAULT_OVERSELL_UNITS)
    parser.add_argument("--headroom", type=int, default=DEFAULT_HEADROOM)
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    try:
        _, name = admin_url(database_url)
        print(f"Checkout: recreating the PostgreSQL database {name}, migrating...", flush=True)
        _recreate_database(database_url)

        import django

        django.setup()
        from django.core.management import call_command

        from allegra.catalog.models import Product, Variant

        call_command("migrate", interactive=False, verbosity=0)
        print(f"  seeding {options.products} products...", flush=True)
        call_command("seed_demo", products=options.products, verbosity=0)
        catalogue = {
            "products": Product.objects.visible().count(),
            "variants": Variant.objects.filter(product__is_active=True).count(),
        }
        server = _server_facts()
        rng = random.Random(options.seed)
        oversell_variant = Variant.objects.filter(product__is_active=True).order_by("pk").first()
        load_before = os.getloadavg()
        orders = _orders_scenario(options, rng, oversell_variant)
        load_after = os.getloadavg()
        print(f"  {orders['orders']} orders, {orders['orders_per_second']:.1f}/s", flush=True)
        oversell = _oversell_scenario(options, oversell_variant)
    except CheckoutBenchError as error:
        print(f"checkout bench: {error}", file=sys.stderr)
        return 2
    outcome = {
        "level": LEVEL,
        "database": {
            "url": redacted(database_url),
            "server_version": server["server_version"],
            "max_connections": server["max_connections"],
        },
        "catalogue": catalogue,
        # The machine's load average (1, 5, 15 min) around the timed run: anything else running (a test suite)
        # takes cores from the buyers and the database, and the figures should be read with it.
        "machine": {"cpus": os.cpu_count(), "load_before": load_before, "load_after": load_after},
        "orders": orders,
        "oversell": oversell,
    }
    options.output.write_text(json.dumps(outcome, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))

#!/usr/bin/env python3
"""`make bench`: the shop served the production way, measured next to a trivial Django view.

1. A separate SQLite database in var/bench/ (ALLEGRA_VAR_DIR), migrated and seeded with 10,000 products
   (reused when it already holds them), static files collected.
2. gunicorn with 2 workers, DEBUG off, a SECRET_KEY made for this run, WhiteNoise for static files, on a
   free loopback port. It serves `bench.trivial_wsgi`: the shop itself plus `/bench/trivial`.
3. wrk at concurrency 16 against home, category, product and search pages (rotating through many paths
   and queries, Greek and Greeklish) and the trivial view; requests per second, p50 and p99.
4. The analytics beacon: POST /a/events with a consent cookie allowing performance cookies, batches of 10
   events ("events") and single events ("event"), as 5,000 rotating visitors; events accepted per second
   (checked against the rows actually stored).
5. The checkout on PostgreSQL (bench/checkout.py): orders per second with 16 concurrent buyers and the
   oversell check at 200 buyers for 10 units; `--checkout-only` runs only this, `--skip-checkout` leaves it out.
5b. Retention (bench/retention.py, R2): 1,000,000 expired analytics events purged by the retention job, on
   SQLite and on PostgreSQL, target under 60 s each; `--retention-only` runs only this, `--skip-retention`
   leaves it out.
6. A table with each page's throughput as a fraction of the trivial view's, the targets with PASS/FAIL,
   and the figures as JSON in bench/results/.

Everything stays on loopback; gunicorn is stopped at the end, whatever happens. The exit status is 1 when a
target is missed or a page answered with errors.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

if __package__ in (None, ""):  # run as `bench/run.py`: the folder above makes `bench.checkout` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import checkout  # after the path it needs
from bench import retention as retention_bench

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"
LUA_SCRIPT = BENCH_DIR / "paths.lua"
EVENTS_LUA_SCRIPT = BENCH_DIR / "events.lua"

# What shoppers type: Greek with and without accents, Greeklish, English, a typo, two-word queries.
SEARCH_QUERIES = [
    ("el", "δαχτυλίδι"),
    ("el", "δαχτυλιδι"),
    ("el", "daxtylidi"),
    ("el", "dachtylidi"),
    ("el", "kolie"),
    ("el", "χρυσό κολιέ"),
    ("el", "σκουλαρίκια"),
    ("el", "βραχιόλι ασήμι"),
    ("el", "diamanti"),
    ("el", "μονόπετρο"),
    ("en", "ring"),
    ("en", "gold necklace"),
    ("en", "neklace"),
    ("en", "sapphire earrings"),
    ("en", "silver bracelet"),
    ("en", "pearl"),
]

PAGES = ("trivial", "home", "category", "product", "search", "events", "event")

# The analytics beacon's scenarios: events per request.
EVENT_SCENARIOS = {"events": 10, "event": 1}
# The target of the consent/analytics issue: events accepted per second on 2 cores, batched.
MIN_EVENTS_PER_SECOND = 2000.0

# The targets of the storefront issue.
MIN_THROUGHPUT_RATIO = {"category": 0.5, "product": 0.5}
SEARCH_P99_LIMIT_MS = 100.0


class BenchError(Exception):
    """The benchmark could not run; the message says why and what to do."""


@dataclass
class WrkResult:
    page: str
    paths: int
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int = 0  # non-2xx/3xx responses plus socket errors
    error_detail: dict = field(default_factory=dict)
    # Time spent inside Django per request (from the shop's own request log), without queueing and HTTP.
    server_p50_ms: float | None = None
    server_p99_ms: float | None = None
    # Event scenarios: events sent per request, accepted per second, and rows the database gained.
    events_per_request: int = 0
    events_per_second: float | None = None
    events_stored: int | None = None


# --- wrk output ----------------------------------------------------------------------------------------

_DURATION_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def duration_ms(text: str) -> float:
    """wrk's durations ('812.00us', '4.31ms', '1.02s', '1.00m') in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _DURATION_UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> dict:
    """Requests, requests/s, p50, p99 and error counts from `wrk --latency` output."""
    requests = re.search(r"^\s*(\d+) requests in ", output, re.MULTILINE)
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    p50 = re.search(r"^\s*50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s*99%\s+(\S+)", output, re.MULTILINE)
    if not (requests and rate and p50 and p99):
        raise ValueError("unexpected wrk output (was --latency given?):\n" + output)
    detail = {}
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        detail["non_2xx_3xx"] = int(non_2xx.group(1))
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if sockets:
        for name, value in zip(("connect", "read", "write", "timeout"), sockets.groups(), strict=True):
            if int(value):
                detail[f"socket_{name}"] = int(value)
    return {
        "requests": int(requests.group(1)),
        "requests_per_second": float(rate.group(1)),
        "p50_ms": duration_ms(p50.group(1)),
        "p99_ms": duration_ms(p99.group(1)),
        "errors": sum(detail.values()),
        "error_detail": detail,
    }


# --- verdict -------------------------------------------------------------------------------------------


def targets(results: dict[str, WrkResult]) -> list[dict]:
    """Each target of the issue with the measured value and PASS/FAIL."""
    checks = []
    trivial = results.get("trivial")
    for page, minimum in MIN_THROUGHPUT_RATIO.items():
        if page in results and trivial and trivial.requests_per_second:
            ratio = results[page].requests_per_second / trivial.requests_per_second
            checks.append(
                {
                    "target": f"{page} throughput >= {minimum:g} x trivial",
                    "measured": f"{ratio:.2f} x",
                    "passed": ratio >= minimum,
                }
            )
    if "search" in results:
        p99 = results["search"].p99_ms
        checks.append(
            {
                "target": f"search p99 < {SEARCH_P99_LIMIT_MS:g} ms",
                "measured": f"{p99:.1f} ms",
                "passed": p99 < SEARCH_P99_LIMIT_MS,
            }
        )
    if "events" in results and results["events"].events_per_second is not None:
        rate = results["events"].events_per_second
        checks.append(
            {
                "target": f"events accepted >= {MIN_EVENTS_PER_SECOND:g}/s",
                "measured": f"{rate:.0f}/s",
                "passed": rate >= MIN_EVENTS_PER_SECOND,
            }
        )
    for result in results.values():
        if result.events_per_second is not None and result.events_stored is not None:
            expected = result.requests * result.events_per_request
            if result.events_stored < expected:
                checks.append(
                    {
                        "target": f"{result.page}: every accepted event stored",
                        "measured": f"{result.events_stored} of {expected}",
                        "passed": False,
                    }
                )
        if result.errors:
            checks.append(
                {"target": f"{result.page}: no errors", "measured": str(result.error_detail), "passed": False}
            )
    return checks


def render_table(results: dict[str, WrkResult], checks: list[dict]) -> str:
    trivial = results.get("trivial")
    lines = [
        f"{'page':<10} {'paths':>5} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'x trivial':>10}"
        f" {'in Django p50/p99 ms':>21}",
        "-" * 87,
    ]
    for page in PAGES:
        if page not in results:
            continue
        result = results[page]
        ratio = (
            f"{result.requests_per_second / trivial.requests_per_second:.2f}"
            if trivial and trivial.requests_per_second
            else "-"
        )
        in_django = (
            f"{result.server_p50_ms:.1f} / {result.server_p99_ms:.1f}" if result.server_p50_ms is not None else "-"
        )
        lines.append(
            f"{page:<10} {result.paths:>5} {result.requests:>9} {result.requests_per_second:>9.1f} "
            f"{result.p50_ms:>8.1f} {result.p99_ms:>8.1f} {ratio:>10} {in_django:>21}"
        )
    for page in EVENT_SCENARIOS:
        if page in results and results[page].events_per_second is not None:
            result = results[page]
            lines.append(
                f"{page:<10} events accepted: {result.events_per_second:.0f}/s "
                f"({result.events_per_request} per request; "
                f"{result.events_stored} stored in the timed run and its warm-up)"
            )
    lines += ["", "Targets:"]
    for check in checks:
        lines.append(f"  {'PASS' if check['passed'] else 'FAIL'}  {check['target']:<38} measured {check['measured']}")
    return "\n".join(lines)


# --- the shop, prepared and served -----------------------------------------------------------------------


def bench_keys(var_dir: Path) -> dict[str, str]:
    """Encryption keys of the bench database: made once and kept beside it, since the database is reused."""
    path = var_dir / "encryption-keys.env"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"FIELD_ENCRYPTION_KEYS=bench1:{secrets.token_urlsafe(32)}\nBLIND_INDEX_KEY={secrets.token_urlsafe(32)}\n"
        )
        path.chmod(0o600)
    return dict(line.split("=", 1) for line in path.read_text().split())


def bench_env(var_dir: Path) -> dict[str, str]:
    """Production settings for the run: DEBUG off, a fresh secret, the bench's own SQLite database and keys."""
    # Production defaults for whatever the caller's shell may have set for development.
    overridden = {"DATABASE_URL", "DEBUG", "REDIS_URL", "LOG_PLAIN", "LOG_LEVEL", "SEARCH_LOG_ENABLED"}
    env = {key: value for key, value in os.environ.items() if key not in overridden}
    env.update(
        ALLEGRA_VAR_DIR=str(var_dir),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=str(ROOT),
        PYTHONDONTWRITEBYTECODE="1",
        **bench_keys(var_dir),
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout)


def django_json(env: dict[str, str], code: str) -> object:
    """Runs a snippet inside the bench's Django and returns what it printed as JSON."""
    script = "import json, django\ndjango.setup()\n" + textwrap.dedent(code)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode:
        raise BenchError(f"could not read the bench database:\n{result.stderr}")
    return json.loads(result.stdout)


def prepare_shop(env: dict[str, str], products: int) -> int:
    print("Migrating the bench database...", flush=True)
    manage(env, "migrate", "--no-input", "-v", "0")
    count = django_json(
        env, "from allegra.catalog.models import Product\nprint(json.dumps(Product.objects.visible().count()))"
    )
    if count >= products:
        print(f"Reusing the seeded catalogue ({count} products); rebuilding its search index...", flush=True)
        # The catalogue outlives code changes; the index must be built by the code being measured.
        django_json(env, "from allegra.catalog.search import index_products\nprint(json.dumps(index_products()))")
    else:
        print(f"Seeding {products} products (once; later runs reuse them)...", flush=True)
        started = time.monotonic()
        manage(env, "seed_demo", "--products", str(products), timeout=3600)
        print(f"  seeded in {time.monotonic() - started:.0f} s", flush=True)
        count = django_json(
            env, "from allegra.catalog.models import Product\nprint(json.dumps(Product.objects.visible().count()))"
        )
    print("Collecting static files...", flush=True)
    manage(env, "collectstatic", "--no-input", "-v", "0")
    return count


def pick_paths(env: dict[str, str], *, sample: int = 100) -> dict[str, list[str]]:
    """The paths each scenario rotates through: real slugs from the bench catalogue, both languages."""
    picked = django_json(
        env,
        f"""
        from allegra.catalog.models import Category, Product
        categories = list(Category.objects.filter(products__is_active=True).distinct().values_list("slug", flat=True))
        slugs = list(Product.objects.visible().order_by("pk").values_list("slug", flat=True))
        step = max(len(slugs) // {sample}, 1)
        print(json.dumps({{"categories": categories, "products": slugs[::step][:{sample}]}}))
        """,
    )
    if not picked["categories"] or not picked["products"]:
        raise BenchError("the bench catalogue is empty; delete var/bench/ and run again")
    return {
        "trivial": ["/bench/trivial"],
        "home": ["/el/", "/en/"],
        "category": [f"/{lang}/c/{slug}/" for slug in picked["categories"] for lang in ("el", "en")],
        "product": [f"/{('el', 'en')[index % 2]}/p/{slug}/" for index, slug in enumerate(picked["products"])],
        "search": [f"/{lang}/search/?q={quote(query)}" for lang, query in SEARCH_QUERIES],
        "events": ["/a/events"],
        "event": ["/a/events"],
        "_products": picked["products"],
    }


def event_batch(products: list[str], size: int) -> dict:
    """A realistic batch as analytics.js sends it: page views, a search, clicks, with time zone and language."""
    events = []
    for index in range(size):
        slug = products[index % len(products)]
        kind = ("page_view", "product_click", "search", "search_click", "page_view")[index % 5]
        event = {"kind": kind, "path": f"/el/p/{slug}/", "tz": "Europe/Athens", "language": "el-GR"}
        if kind == "page_view":
            event.update(product=slug, referrer="https://www.google.com/")
        elif kind == "product_click":
            event.update(path="/el/c/rings/", product=slug, position=index + 1)
        else:
            event.update(path="/el/search/", query="χρυσό δαχτυλίδι", results=42)
            if kind == "search_click":
                event.update(product=slug, position=index + 1)
        events.append(event)
    return {"events": events}


def consent_cookie(env: dict[str, str]) -> str:
    """A consent cookie allowing performance cookies, signed with the served shop's secret."""
    return django_json(
        env,
        """
        import uuid
        from django.conf import settings
        from allegra.consent.state import ConsentState
        state = ConsentState(consent_id=uuid.uuid4(), decided=True, performance=True,
                             policy_version=settings.PRIVACY_POLICY_VERSION)
        print(json.dumps(state.to_cookie()))
        """,
    )


def stored_events(env: dict[str, str]) -> int:
    return django_json(env, "from allegra.analytics.models import Event\nprint(json.dumps(Event.objects.count()))")


def check_events(base_url: str, cookie: str, body: bytes) -> None:
    """The beacon answers 204 to the bench's batch before it is timed (a fast 400 would look fine too)."""
    request = urllib.request.Request(
        base_url + "/a/events",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Cookie": f"allegra_consent={cookie}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # loopback only
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 204:
        raise BenchError(f"POST /a/events answered {status}, not 204")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int, log_path: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn) if gunicorn.exists() else "gunicorn",
        "bench.trivial_wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--chdir",
        str(ROOT),
        "--timeout",
        "30",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
    ]
    log = log_path.open("ab")
    # Its own process group, so stopping it never touches anything else.
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_until_ready(base_url: str, process: subprocess.Popen, log_path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with status {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:  # loopback only
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /healthz within {timeout:.0f} s; see {log_path}")


def check_paths(base_url: str, paths: dict[str, list[str]]) -> None:
    """Every path answers 200 before we time anything: a fast 404 would make a fine-looking number."""
    broken = []
    for page, page_paths in paths.items():
        if page in EVENT_SCENARIOS:
            continue
        for path in page_paths:
            try:
                with urllib.request.urlopen(base_url + path, timeout=30) as response:  # loopback only
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            if status != 200:
                broken.append(f"{page}: {path} answered {status}")
    if broken:
        raise BenchError("some pages do not answer 200:\n  " + "\n  ".join(broken))


def wrk_command(
    base_url: str, paths_file: Path, args: argparse.Namespace, duration: str, script_args: list[str] | None = None
) -> list[str]:
    """wrk on the pages of `paths_file`, or, given `script_args`, on the events endpoint."""
    script, extra = (LUA_SCRIPT, [str(paths_file)]) if script_args is None else (EVENTS_LUA_SCRIPT, script_args)
    return [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration}",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        base_url,
        "--",
        *extra,
    ]


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


def server_durations(log_text: str) -> list[float]:
    """`duration_ms` of every request line the shop logged (one JSON object per line in production)."""
    durations = []
    for line in log_text.splitlines():
        if '"duration_ms"' not in line:
            continue
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("message") == "request" and isinstance(event.get("duration_ms"), int | float):
            durations.append(float(event["duration_ms"]))
    return durations


def run_wrk(
    base_url: str,
    page: str,
    paths: list[str],
    args: argparse.Namespace,
    workdir: Path,
    log_path: Path,
    script_args: list[str] | None = None,
) -> WrkResult:
    paths_file = workdir / f"{page}.paths"
    paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    if args.warmup:
        # Untimed: fills the workers' caches and connection pools the way a running shop has them.
        subprocess.run(
            wrk_command(base_url, paths_file, args, args.warmup, script_args),
            capture_output=True,
            check=True,
            timeout=600,
        )
    log_offset = log_path.stat().st_size
    completed = subprocess.run(
        wrk_command(base_url, paths_file, args, args.duration, script_args),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    with log_path.open("rb") as log:
        log.seek(log_offset)
        durations = server_durations(log.read().decode("utf-8", "replace"))
    return WrkResult(
        page=page,
        paths=len(paths),
        server_p50_ms=percentile(durations, 0.5),
        server_p99_ms=percentile(durations, 0.99),
        **parse_wrk(completed.stdout),
    )


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    raise BenchError("the load generator wrk is missing: install it with `sudo apt-get install wrk` (Debian/Ubuntu)")


def git_commit() -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="bench/run.py")
    parser.add_argument("--products", type=int, default=10_000, help="catalogue size (default 10000)")
    parser.add_argument("--duration", default="10s", help="wrk duration per page (default 10s)")
    parser.add_argument("--warmup", default="2s", help="untimed wrk run before each page; '' for none (default 2s)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"comma-separated subset of {','.join(PAGES)}")
    parser.add_argument("--var-dir", type=Path, default=ROOT / "var" / "bench", help="bench database and static")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the served shop, to compare configurations (e.g. --env SEARCH_LOG_ENABLED=0); repeatable",
    )
    checkout.add_arguments(parser)
    retention_bench.add_arguments(parser)
    args = parser.parse_args(argv)
    checkout.validate(args, parser)
    args.pages = [page.strip() for page in args.pages.split(",") if page.strip()]
    unknown = set(args.pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    for item in args.env:
        name, equals, _value = item.partition("=")
        if not equals or not name.isidentifier():
            parser.error(f"--env takes NAME=VALUE, not {item!r}")
    if "trivial" not in args.pages:
        args.pages.insert(0, "trivial")  # every ratio needs it
    return args


def run_pages(args: argparse.Namespace) -> tuple[int, dict[str, WrkResult]]:
    """Steps 1 to 4: the SQLite shop served by gunicorn, each page measured with wrk."""
    ensure_wrk()
    env = bench_env(args.var_dir)
    env.update(item.split("=", 1) for item in args.env)
    products = prepare_shop(env, args.products)
    picked = pick_paths(env)
    paths = {page: page_paths for page, page_paths in picked.items() if page in args.pages}
    cookie = consent_cookie(env) if set(EVENT_SCENARIOS) & set(args.pages) else ""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = args.var_dir / "gunicorn.log"
    print(f"Starting gunicorn ({args.workers} workers, DEBUG off) on {base_url} ...", flush=True)
    server = start_gunicorn(env, port, args.workers, log_path)
    results: dict[str, WrkResult] = {}
    try:
        wait_until_ready(base_url, server, log_path)
        check_paths(base_url, paths)
        with tempfile.TemporaryDirectory(prefix="allegra-bench-") as workdir:
            for page in args.pages:
                print(f"  wrk {page}: -t{args.threads} -c{args.connections} -d{args.duration} ...", flush=True)
                if page not in EVENT_SCENARIOS:
                    results[page] = run_wrk(base_url, page, paths[page], args, Path(workdir), log_path)
                    continue
                size = EVENT_SCENARIOS[page]
                body = json.dumps(event_batch(picked["_products"], size), ensure_ascii=False).encode()
                check_events(base_url, cookie, body)
                (Path(workdir) / "consent").write_text(cookie)
                (Path(workdir) / f"{page}.json").write_bytes(body)
                before = stored_events(env)
                result = run_wrk(
                    base_url,
                    page,
                    paths[page],
                    args,
                    Path(workdir),
                    log_path,
                    script_args=[str(Path(workdir) / "consent"), str(Path(workdir) / f"{page}.json")],
                )
                result.events_per_request = size
                # Only answered 2xx counts: a refused or failed request accepted no event.
                accepted = 1 - result.errors / result.requests if result.requests else 0
                result.events_per_second = result.requests_per_second * size * accepted
                result.events_stored = stored_events(env) - before
                results[page] = result
    finally:
        stop(server)
    return products, results


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    products, results, checkout_outcome, retention_outcome = None, {}, None, None
    try:
        args.var_dir.mkdir(parents=True, exist_ok=True)
        if not (args.checkout_only or args.retention_only):
            products, results = run_pages(args)
        if not (args.skip_checkout or args.retention_only):
            env = bench_env(args.var_dir)
            env.update(item.split("=", 1) for item in args.env)
            checkout_outcome = checkout.run(args, env, args.var_dir / "checkout")
        if not (args.skip_retention or args.checkout_only):
            env = bench_env(args.var_dir)
            env.update(item.split("=", 1) for item in args.env)
            retention_outcome = retention_bench.run(args, env, args.var_dir / "retention")
    except (
        BenchError,
        checkout.CheckoutBenchError,
        retention_bench.RetentionBenchError,
        subprocess.CalledProcessError,
        subprocess.TimeoutExpired,
    ) as error:
        print(f"make bench: {error}", file=sys.stderr)
        return 2

    checks = targets(results)
    if results:
        print()
        print(
            f"Allegra bench: {products} products, gunicorn {args.workers} workers, wrk -c{args.connections}"
            + (f", with {' '.join(args.env)}" if args.env else "")
        )
        print(render_table(results, checks))
    if checkout_outcome:
        print()
        print(checkout.render_table(checkout_outcome))
        checks += checkout.checks(checkout_outcome)
    if retention_outcome:
        print()
        print(retention_bench.render_table(retention_outcome))
        checks += retention_bench.checks(retention_outcome)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC)
    output = RESULTS_DIR / f"bench-{stamp:%Y%m%dT%H%M%SZ}.json"
    output.write_text(
        json.dumps(
            {
                "measured_at": stamp.isoformat(timespec="seconds"),
                "commit": git_commit(),
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
                "setup": {
                    "products": products,
                    "environment": args.env,
                    "database": "sqlite (WAL)",
                    "gunicorn_workers": args.workers,
                    "wrk": {
                        "threads": args.threads,
                        "connections": args.connections,
                        "duration": args.duration,
                        "warmup": args.warmup,
                    },
                },
                "results": {page: asdict(result) for page, result in results.items()},
                # PostgreSQL, service level (bench/checkout.py); null when left out or PostgreSQL was not there.
                "checkout": checkout_outcome,
                # R2: the retention job on 1,000,000 expired analytics events (bench/retention.py).
                "retention": retention_outcome,
                "targets": checks,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nResults written to {output.relative_to(ROOT)}")
    return 0 if all(check["passed"] for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The retention scenario of `make bench` (R2): 1,000,000 expired analytics events, then the retention job.

run.py calls `run(args, env, var_dir)`; it starts one child process per database (`python -m bench.retention`),
on the bench's own SQLite file and on a PostgreSQL database of its own (its name must contain "bench"; it is
dropped and recreated, like bench/checkout.py's). The child migrates, inserts the events in bulk (COPY on
PostgreSQL, one executemany transaction on SQLite), spread over 30 days that ended 14 months ago, and times
`enforce_retention --only raw_analytics`'s job: the days' aggregates computed, then every raw event deleted
(by ranges of ids, allegra.privacy.retention.delete_in_chunks). Target: the job in under 60 s on each.

`--retention-only` runs only this; `--skip-retention` leaves it out; `--retention-events N` changes the count.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from bench import checkout

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVENTS = 1_000_000
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/allegra_retention_bench"
TARGET_SECONDS = 60.0
DAYS = 30


class RetentionBenchError(Exception):
    """The scenario could not run; the message says why."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--retention-only", action="store_true", help="run only the retention scenario")
    parser.add_argument("--skip-retention", action="store_true", help="leave the retention scenario out")
    parser.add_argument("--retention-events", type=int, default=DEFAULT_EVENTS, help="expired events (1,000,000)")
    parser.add_argument(
        "--retention-database-url",
        default=os.environ.get("BENCH_RETENTION_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"PostgreSQL database dropped and recreated; its name must contain bench ({DEFAULT_DATABASE_URL})",
    )


def run(args: argparse.Namespace, env: dict[str, str], var_dir: Path) -> dict:
    """{"sqlite": figures, "postgresql": figures or None when PostgreSQL is not there (an error under CI)}."""
    var_dir.mkdir(parents=True, exist_ok=True)
    outcome = {"events": args.retention_events, "target_seconds": TARGET_SECONDS}
    sqlite_file = var_dir / "retention.sqlite3"
    sqlite_file.unlink(missing_ok=True)
    outcome["sqlite"] = _child(args, {**env, "DATABASE_URL": f"sqlite:///{sqlite_file}"}, "sqlite")
    database_url = args.retention_database_url
    checkout.admin_url(database_url)  # refuses a database it must not drop
    if checkout._reachable(database_url):
        outcome["postgresql"] = _child(args, {**env, "DATABASE_URL": database_url}, "postgresql")
    elif checkout._in_ci():
        raise RetentionBenchError(f"the retention scenario needs PostgreSQL at {checkout.redacted(database_url)}")
    else:
        print(f"Retention on PostgreSQL skipped: nothing answers at {checkout.redacted(database_url)}.")
        outcome["postgresql"] = None
    return outcome


def _child(args, env: dict[str, str], label: str) -> dict:
    env = {**env, "LOG_LEVEL": "WARNING", **checkout._psp_keys()}
    with tempfile.TemporaryDirectory(prefix="allegra-bench-retention-") as workdir:
        output = Path(workdir) / "retention.json"
        command = [
            sys.executable,
            "-m",
            "bench.retention",
            "--output",
            str(output),
            "--events",
            str(args.retention_events),
        ]
        completed = subprocess.run(command, cwd=ROOT, env=env, check=False, timeout=1800)
        if completed.returncode or not output.exists():
            raise RetentionBenchError(f"the retention scenario on {label} failed (exit {completed.returncode})")
        return json.loads(output.read_text(encoding="utf-8"))


def checks(outcome: dict | None) -> list[dict]:
    found = []
    for name in ("sqlite", "postgresql"):
        figures = (outcome or {}).get(name)
        if not figures:
            continue
        found.append(
            {
                "target": f"retention: {outcome['events']:,} events purged < {TARGET_SECONDS:.0f}s ({name})",
                "measured": f"{figures['purge_seconds']:.1f}s, {figures['deleted']:,} deleted",
                "passed": figures["purge_seconds"] < TARGET_SECONDS
                and figures["deleted"] == outcome["events"]
                and figures["left"] == 0,
            }
        )
    return found


def render_table(outcome: dict) -> str:
    lines = [f"Retention (R2): {outcome['events']:,} expired analytics events"]
    lines.append(f"  {'database':<12}{'insert s':>10}{'purge s':>10}{'deleted':>12}{'days aggregated':>17}")
    for name in ("sqlite", "postgresql"):
        figures = outcome.get(name)
        if figures:
            lines.append(
                f"  {name:<12}{figures['insert_seconds']:>10.1f}{figures['purge_seconds']:>10.1f}"
                f"{figures['deleted']:>12,}{figures['days_aggregated']:>17}"
            )
        else:
            lines.append(f"  {name:<12}{'skipped':>10}")
    return "\n".join(lines)


# --- the child ---------------------------------------------------------------------------------------------------

COLUMNS = (
    "kind", "visitor", "occurred_at", "path", "language", "search_query", "device_type", "browser", "os",
    "country", "referrer_domain",
)  # fmt: skip


def _rows(count: int, now, connection):
    """`count` page views over DAYS days that ended 14 months before `now`, as database values."""
    from allegra.analytics.models import Event

    rng = random.Random(2026)
    visitor_field, time_field = Event._meta.get_field("visitor"), Event._meta.get_field("occurred_at")
    visitors = [visitor_field.get_db_prep_value(uuid.UUID(int=rng.getrandbits(128)), connection) for _ in range(5000)]
    start = now - timedelta(days=14 * 31 + DAYS)
    # One timestamp a second: 30 days hold 2.6 million distinct seconds.
    times = [
        time_field.get_db_prep_value(start + timedelta(seconds=i * DAYS * 86400 // count), connection)
        for i in range(count)
    ]
    paths = ["/", "/el/", "/en/", "/el/c/rings/", "/el/p/ring-1/"]
    for i in range(count):
        yield (
            "page_view", visitors[i % len(visitors)], times[i], paths[i % len(paths)], "el", "", "mobile",
            "Firefox", "Android", "GR", "",
        )  # fmt: skip


def _insert(count: int, now) -> None:
    from django.db import connection, transaction

    from allegra.analytics.models import Event

    table = Event._meta.db_table
    rows = _rows(count, now, connection)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(COLUMNS))
            sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({placeholders})"
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")


def child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.retention", description="see bench/retention.py")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS)
    options = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    vendor = "postgresql" if database_url.startswith(("postgres", "pgsql")) else "sqlite"
    if vendor == "postgresql":
        _, name = checkout.admin_url(database_url)
        print(f"Retention: recreating the PostgreSQL database {name}, migrating...", flush=True)
        checkout._recreate_database(database_url)
    else:
        print("Retention: migrating a fresh SQLite database...", flush=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from allegra.analytics.models import Event
    from allegra.privacy import retention
    from allegra.privacy.registry import Retention

    call_command("migrate", interactive=False, verbosity=0)
    now = timezone.now()
    print(f"  inserting {options.events:,} expired events...", flush=True)
    started = time.monotonic()
    _insert(options.events, now)
    insert_seconds = time.monotonic() - started
    inserted = Event.objects.count()
    print(f"  {inserted:,} inserted in {insert_seconds:.1f}s; running the retention job...", flush=True)
    started = time.monotonic()
    run = retention.run(only=Retention.RAW_ANALYTICS, now=now, trigger="bench")
    purge_seconds = time.monotonic() - started
    job = run.report["jobs"][0]
    if job["error"]:
        print(f"retention bench: the job failed ({job['error']})", file=sys.stderr)
        return 2
    figures = {
        "database": vendor,
        "inserted": inserted,
        "insert_seconds": round(insert_seconds, 2),
        "purge_seconds": round(purge_seconds, 2),
        "job_seconds": job["seconds"],
        "deleted": job["counts"].get("analytics.Event", 0),
        "days_aggregated": job["counts"].get("aggregated days", 0),
        "left": Event.objects.count(),
    }
    print(f"  purged {figures['deleted']:,} in {purge_seconds:.1f}s", flush=True)
    options.output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))

"""`manage.py run_schedule`: enqueues the periodic jobs of allegra.core.schedule when they are due."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from allegra.core import schedule


def _jobs_help() -> str:
    return "; ".join(f"{job.name} every {job.interval} ({job.description})" for job in schedule.JOBS)


class Command(BaseCommand):
    help = (
        "Enqueues the shop's periodic jobs when they are due; `manage.py db_worker` runs them. Loops every "
        "--interval seconds (30) until stopped, or checks once with --once (for cron: `*/5 * * * * manage.py "
        "run_schedule --once`). Several schedulers may run at once: each due job is enqueued exactly once. "
        f"Jobs: {_jobs_help()}."
    )
    # A job whose task is missing is reported below and skipped; it must not stop the scheduler of the others.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue the due jobs once and exit.")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="Seconds between checks when looping (default 30)."
        )

    def handle(self, *args, once: bool, interval: float, **options):
        if interval <= 0:
            raise CommandError("--interval must be a positive number of seconds.")
        known = schedule.problems()
        for problem in known:
            self.stderr.write(f"Scheduled job skipped: {problem}")
        stopping = []
        if not once:
            signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        try:
            while True:
                report = schedule.run_due()
                for name in report.enqueued:
                    self.stdout.write(f"Enqueued {name}")
                for failure in report.failed:
                    if failure not in known:
                        self.stderr.write(f"Not enqueued: {failure}")
                if once:
                    return
                # A long-running process: drop a broken or too old database connection between ticks.
                close_old_connections()
                slept = 0.0
                while slept < interval and not stopping:
                    time.sleep(min(1.0, interval - slept))
                    slept += 1.0
                if stopping:
                    return
        except KeyboardInterrupt:
            return

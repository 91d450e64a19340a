"""`manage.py enforce_retention [--dry-run] [--only RULE]`: runs the retention jobs (R2) and prints what each
removed, per category. Every run is recorded as a RetentionRun, visible to the Privacy officer in the admin."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from allegra.privacy import retention
from allegra.privacy.registry import Retention

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Enforces the retention table (R2): runs every registered retention job, skipping records under an "
        "active legal hold, prints a report per category and records the run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be removed; change nothing (the run is recorded)."
        )
        parser.add_argument(
            "--only", metavar="RULE", help=f"Run only the jobs of one rule: {', '.join(r.value for r in Retention)}."
        )

    def handle(self, *args, **options):
        only = options.get("only")
        if only:
            try:
                only = Retention(only)
            except ValueError:
                raise CommandError(
                    f"Unknown retention rule {only!r}; one of: {', '.join(r.value for r in Retention)}."
                ) from None
            if not retention.jobs(only=only):
                raise CommandError(f"No retention job enforces {only.value!r}.")
        dry_run = options["dry_run"]
        run = retention.run(dry_run=dry_run, only=only, progress=self._progress, trigger="command")
        self._report(run, dry_run=dry_run)
        if run.report["errors"]:
            raise CommandError(f"Retention jobs failed: {', '.join(run.report['errors'])} (see the log).")

    def _progress(self, done: int, total: int, job) -> None:
        """A text progress bar (stderr when it is a terminal, else one line per job)."""
        filled = int(BAR_WIDTH * done / total) if total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        label = job.name if job is not None else "done"
        self.stderr.write(f"[{bar}] {done}/{total} {label}", ending="\n")

    def _report(self, run, *, dry_run: bool) -> None:
        verb = "would remove" if dry_run else "removed"
        title = f"Retention run #{run.pk}" + (" (dry run: nothing changed)" if dry_run else "")
        self.stdout.write(self.style.MIGRATE_HEADING(title))
        for job in run.report["jobs"]:
            status = f"FAILED ({job['error']})" if job["error"] else f"{job['seconds']:.2f}s"
            self.stdout.write(f"{job['job']} [{', '.join(job['rules'])}] {status}")
            for category, count in job["counts"].items():
                self.stdout.write(f"  {category}: {verb} {count}")
            for category, count in job["held"].items():
                self.stdout.write(f"  {category}: kept by a legal hold {count}")
        totals = run.report["totals"]
        self.stdout.write(f"Total {verb}: {sum(totals.values())}")
        for rule, reason in run.report["not_enforced"].items():
            self.stdout.write(f"  not enforced by a job: {rule}: {reason}")

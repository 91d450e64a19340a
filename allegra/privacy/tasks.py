"""Background work of the privacy centre, enqueued by the scheduler (allegra/core/schedule.py)."""

from django_tasks import task


@task()
def enforce_retention() -> dict:
    """Daily (R2): runs every registered retention job, each skipping what a legal hold keeps, and records the
    run (`RetentionRun`). Returns the run's totals per category."""
    from allegra.privacy import retention

    run = retention.run(dry_run=False, trigger="schedule")
    return {"run": run.pk, "totals": run.report["totals"], "errors": run.report["errors"]}

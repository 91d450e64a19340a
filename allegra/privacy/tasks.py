"""Background work of the privacy centre, enqueued by the scheduler (allegra/core/schedule.py)."""

from django_tasks import task


@task()
def enforce_retention() -> dict:
    """Daily (R2): runs every registered retention job, each skipping what a legal hold keeps, and records the
    run (`RetentionRun`). Returns the run's totals per category."""
    from allegra.privacy import retention

    run = retention.run(dry_run=False, trigger="schedule")
    return {"run": run.pk, "totals": run.report["totals"], "errors": run.report["errors"]}


@task()
def remind_privacy_officers() -> dict:
    """Daily (R4): emails the Privacy officers the requests overdue and due soon, once a day, only when any are."""
    from allegra.privacy import staff_desk

    digest = staff_desk.send_digest()
    if digest is None:
        return {"sent": False}
    return {"sent": True, "overdue": digest.overdue, "due_soon": digest.due_soon, "recipients": digest.recipients}

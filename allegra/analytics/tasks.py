"""Background work of the analytics app, run by the task worker and enqueued by the scheduler
(`allegra.core.schedule`)."""

from __future__ import annotations

from django_tasks import task

from allegra.analytics.aggregation import roll_up


@task()
def roll_up_analytics() -> dict:
    """Hourly: refreshes today's and yesterday's daily aggregates (and any day missed while the scheduler was
    down), then deletes raw events and searches past their 13 months (R2). Safe to run any number of times:
    each day is replaced whole, and only completely aggregated days lose their raw rows."""
    return roll_up().as_dict()

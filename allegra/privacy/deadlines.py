"""When a data-subject request is due (POLICY-SPEC, "Deadlines"): the earliest deadline that applies.

- GDPR Art. 12(3): one calendar month from receipt, extendable by two further months with a reasoned notice
  sent within the first month.
- CCPA regulations §7021: 45 calendar days (+45 with notice); acknowledge within 10 business days.
- Opt-outs of marketing or sharing: act within 15 business days.

Calendar months follow the calendar: 31 January + 1 month is the last day of February. Business days are
Monday to Friday (the Greek public holidays are not counted out: the deadline errs early, never late). The clock
stops while the identity is unverified: the days of the pause move every date forward.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

GDPR_MONTHS = 1
GDPR_EXTENSION_MONTHS = 2
CCPA_DAYS = 45
CCPA_EXTENSION_DAYS = 45
ACKNOWLEDGE_BUSINESS_DAYS = 10
OPT_OUT_BUSINESS_DAYS = 15


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day `months` later; a day the month does not have falls back to its last day."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def add_business_days(moment: datetime.datetime, days: int) -> datetime.datetime:
    """`days` working days (Monday to Friday) after `moment`, at the same time of day."""
    current = moment
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


@dataclass(frozen=True)
class Deadlines:
    acknowledge_by: datetime.datetime
    due: datetime.datetime
    extended_due: datetime.datetime
    rule: str  # which deadline is the earliest: "gdpr", "ccpa" or "opt_out"


def deadlines_for(*, kind: str, received_at: datetime.datetime, paused_days: int = 0) -> Deadlines:
    """The earliest deadlines that apply to a request of `kind` received at `received_at`."""
    start = received_at + datetime.timedelta(days=paused_days)
    candidates = {
        "gdpr": (add_months(start, GDPR_MONTHS), add_months(start, GDPR_MONTHS + GDPR_EXTENSION_MONTHS)),
        "ccpa": (
            start + datetime.timedelta(days=CCPA_DAYS),
            start + datetime.timedelta(days=CCPA_DAYS + CCPA_EXTENSION_DAYS),
        ),
    }
    if kind == "opt_out":
        opt_out = add_business_days(start, OPT_OUT_BUSINESS_DAYS)
        candidates["opt_out"] = (opt_out, opt_out)  # an opt-out is not extended
    rule = min(candidates, key=lambda name: candidates[name][0])
    return Deadlines(
        acknowledge_by=add_business_days(start, ACKNOWLEDGE_BUSINESS_DAYS),
        due=candidates[rule][0],
        extended_due=min(extended for _due, extended in candidates.values()),
        rule=rule,
    )


def extension_allowed(*, kind: str, received_at: datetime.datetime, now: datetime.datetime, paused_days: int = 0):
    """An extension must be notified within the first period, and an opt-out is never extended."""
    if kind == "opt_out":
        return False
    return now <= deadlines_for(kind=kind, received_at=received_at, paused_days=paused_days).due

"""The public figures on data-subject requests (R5) and privacy complaints (Q2), per calendar year, in the shape
of CCPA regulations §7102: for each kind of request, how many were received, complied with in whole or in part,
and denied (by reason), and the median number of days to respond. Computed from the requests themselves.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from allegra.privacy.models.requests import SubjectRequest

Kind = SubjectRequest.Kind
Reason = SubjectRequest.DenialReason


@dataclass(frozen=True)
class KindFigures:
    kind: str
    label: str
    received: int = 0
    complied_whole: int = 0
    complied_part: int = 0
    denied: dict[str, int] = field(default_factory=dict)
    median_days: float | None = None

    @property
    def denied_total(self) -> int:
        return sum(self.denied.values())


def years_with_requests() -> list[int]:
    """The calendar years in which requests were received, newest first."""
    years = SubjectRequest.objects.annotate(year=ExtractYear("received_at")).values_list("year", flat=True)
    return sorted(set(years.order_by()), reverse=True)


def figures_for(year: int) -> list[KindFigures]:
    """One row per kind of request received in `year` (every kind, zeros included). Two queries."""
    in_year = SubjectRequest.objects.filter(received_at__year=year).order_by()
    counts = {
        row["kind"]: row
        for row in in_year.values("kind").annotate(
            received=Count("pk"),
            whole=Count("pk", filter=Q(state=SubjectRequest.State.COMPLETED, outcome=SubjectRequest.Outcome.WHOLE)),
            part=Count("pk", filter=Q(state=SubjectRequest.State.COMPLETED, outcome=SubjectRequest.Outcome.PART)),
            **{
                f"denied_{reason}": Count("pk", filter=Q(state=SubjectRequest.State.DENIED, denial_reason=reason))
                for reason in Reason.values
            },
        )
    }
    days: dict[str, list[float]] = {}
    for kind, received_at, closed_at in in_year.filter(closed_at__isnull=False).values_list(
        "kind", "received_at", "closed_at"
    ):
        days.setdefault(kind, []).append((closed_at - received_at).total_seconds() / 86400)
    rows = []
    for kind, label in Kind.choices:
        row = counts.get(kind, {})
        durations = days.get(kind)
        rows.append(
            KindFigures(
                kind=kind,
                label=str(label),
                received=row.get("received", 0),
                complied_whole=row.get("whole", 0),
                complied_part=row.get("part", 0),
                denied={reason: row.get(f"denied_{reason}", 0) for reason in Reason.values},
                median_days=round(statistics.median(durations), 1) if durations else None,
            )
        )
    return rows


CSV_HEADER = [
    "year",
    "request",
    "received",
    "complied_in_whole",
    "complied_in_part",
    *[f"denied_{reason}" for reason in Reason.values],
    "median_days_to_respond",
]


def csv_rows(year: int) -> list[list]:
    return [
        [
            year,
            row.kind,
            row.received,
            row.complied_whole,
            row.complied_part,
            *[row.denied[reason] for reason in Reason.values],
            "" if row.median_days is None else row.median_days,
        ]
        for row in figures_for(year)
    ]

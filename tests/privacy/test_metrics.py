"""R5 and Q2: the public figures per year and kind, computed from requests with known outcomes."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allegra.privacy.models import SubjectRequest

pytestmark = [pytest.mark.django_db]
FIGURES = "/en/privacy/requests/figures/"


def made(kind: str, *, received: str, days: float | None = None, outcome: str = "", denial: str = "") -> None:
    received_at = datetime.datetime.fromisoformat(received + "T09:00:00+00:00")
    closed_at = received_at + datetime.timedelta(days=days) if days is not None else None
    state = "denied" if denial else "completed" if outcome else "in_progress"
    SubjectRequest.objects.create(
        kind=kind,
        channel="webform",
        email="someone@example.com",
        email_index="x",
        received_at=received_at,
        due_at=received_at + datetime.timedelta(days=30),
        closed_at=closed_at,
        state=state,
        outcome=outcome,
        denial_reason=denial,
    )


@pytest.fixture
def known_outcomes(db):
    made("access", received="2025-03-01", days=4, outcome="whole")
    made("access", received="2025-05-01", days=10, outcome="whole")
    made("access", received="2025-06-01", days=30, outcome="part")
    made("access", received="2025-07-01", days=2, denial="unverifiable")
    made("erase", received="2025-02-01", days=20, outcome="part")
    made("erase", received="2025-12-30")  # still open: counted as received, no days yet
    made("complaint", received="2025-04-01", days=12, denial="other")
    made("access", received="2026-01-05", days=1, outcome="whole")  # another year


@pytest.mark.policy("R5")
@pytest.mark.policy("Q2")
def test_the_table_counts_each_kind_by_outcome_and_the_median_days(client, known_outcomes):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(FIGURES + "?year=2025")
    assert page.status_code == 200
    assert len(queries) <= 5, [q["sql"] for q in queries]  # years, counts, durations, categories of the header
    rows = {row.kind: row for row in page.context["rows"]}
    access = rows["access"]
    assert (access.received, access.complied_whole, access.complied_part, access.denied["unverifiable"]) == (4, 2, 1, 1)
    assert access.median_days == 7.0  # 2, 4, 10, 30
    assert (rows["erase"].received, rows["erase"].complied_part, rows["erase"].median_days) == (2, 1, 20.0)
    assert (rows["complaint"].received, rows["complaint"].denied["other"]) == (1, 1)
    assert rows["restrict"].received == 0 and rows["restrict"].median_days is None
    assert "Median days to respond" in page.content.decode()


def test_the_newest_year_is_shown_first_and_the_csv_downloads(client, known_outcomes):
    page = client.get(FIGURES)
    assert page.context["year"] == 2026 and page.context["years"] == [2026, 2025]
    response = client.get(FIGURES + "2025.csv")
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0][:3] == ["year", "request", "received"]
    access = next(row for row in table if row[1] == "access")
    assert access[2:5] == ["4", "2", "1"] and access[-1] == "7.0"


def test_a_year_without_requests_is_not_found_and_an_empty_shop_says_so(client, db):
    assert client.get(FIGURES + "1999.csv").status_code == 404
    assert "No requests have been received yet." in client.get(FIGURES).content.decode()

"""R2 for the privacy centre's own records: requests go 24 months after they close (unless held), copies of
data 7 days after they were ready."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from allegra.privacy import retention
from allegra.privacy.models import SubjectRequest

pytestmark = [pytest.mark.django_db, pytest.mark.policy("R2")]


def closed_request(months_ago: int) -> SubjectRequest:
    closed = timezone.now() - datetime.timedelta(days=31 * months_ago)
    return SubjectRequest.objects.create(
        kind="access",
        channel="webform",
        email="a@example.com",
        email_index="x",
        state="completed",
        outcome="whole",
        received_at=closed,
        due_at=closed,
        closed_at=closed,
    )


def test_requests_closed_more_than_24_months_ago_go_and_a_dry_run_only_counts():
    old, recent = closed_request(25), closed_request(23)
    open_request = SubjectRequest.objects.create(
        kind="erase", channel="webform", email="b@example.com", email_index="y", due_at=timezone.now()
    )
    [dry] = retention.run(dry_run=True, only="subject_requests").results
    assert dry.counts == {"privacy.SubjectRequest": 1} and SubjectRequest.objects.count() == 3
    [done] = retention.run(dry_run=False, only="subject_requests").results
    assert done.counts == {"privacy.SubjectRequest": 1}
    assert set(SubjectRequest.objects.values_list("pk", flat=True)) == {recent.pk, open_request.pk}
    assert not SubjectRequest.objects.filter(pk=old.pk).exists()

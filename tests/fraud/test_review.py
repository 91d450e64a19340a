"""U4: staff approve or cancel held orders with a reason, audited; the review hooks; bad reviews change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from allegra.core.audit import verify_chain
from allegra.core.models import AuditEntry
from allegra.fraud.hooks import review_hooks
from allegra.fraud.models import FraudAssessment
from allegra.fraud.services import ReviewError, assess, review

pytestmark = [pytest.mark.django_db, pytest.mark.policy("U4")]


@pytest.fixture
def held(facts):
    result = assess(facts=facts(shipping_country="DE", first_order=True, total=Decimal("3000"), email="x@yopmail.com"))
    assert result.held
    return result.record


@pytest.fixture
def reviewer(make_staff):
    return make_staff("eleni@allegra.example", "Store manager")


@pytest.fixture
def hook_calls():
    calls = []

    def hook(*, order_reference, decision):
        calls.append((order_reference, decision))

    review_hooks.register(hook)
    yield calls
    review_hooks.unregister(hook)


def test_approving_a_held_order_records_the_review_and_an_audit_entry(held, reviewer, hook_calls):
    review(assessment=held, decision="approve", reason="  Customer confirmed by phone  ", actor=reviewer)
    held.refresh_from_db()
    assert held.review_decision == "approve"
    assert held.review_reason == "Customer confirmed by phone"
    assert held.reviewed_by == f"eleni@allegra.example ({reviewer.public_id})"
    assert held.reviewed_at is not None
    assert not held.is_pending_review
    entry = AuditEntry.objects.get()
    assert entry.actor == reviewer and entry.action == "change"
    assert entry.subject == f"order:{held.order_reference}"
    assert entry.fields == ["fraud_review"]
    assert entry.reason == "approve: Customer confirmed by phone"
    assert verify_chain().intact
    assert hook_calls == [(held.order_reference, "approve")]


def test_cancelling_runs_the_hooks_with_cancel(held, reviewer, hook_calls):
    review(assessment=held, decision="cancel", reason="Card reported stolen", actor=reviewer)
    assert FraudAssessment.objects.get().review_decision == "cancel"
    assert hook_calls == [(held.order_reference, "cancel")]


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_review_without_reason_is_refused_and_changes_nothing(held, reviewer, hook_calls, reason, english):
    with pytest.raises(ReviewError, match="reason"):
        review(assessment=held, decision="approve", reason=reason, actor=reviewer)
    held.refresh_from_db()
    assert held.is_pending_review and held.review_reason == ""
    assert AuditEntry.objects.count() == 0 and hook_calls == []


def test_an_unknown_decision_is_refused(held, reviewer):
    with pytest.raises(ReviewError):
        review(assessment=held, decision="delete", reason="why not", actor=reviewer)
    assert FraudAssessment.objects.get().is_pending_review


def test_a_clear_order_cannot_be_reviewed(facts, reviewer, hook_calls, english):
    clear = assess(facts=facts()).record
    with pytest.raises(ReviewError, match="not waiting for a fraud review"):
        review(assessment=clear, decision="cancel", reason="looks odd", actor=reviewer)
    clear.refresh_from_db()
    assert clear.review_decision == "" and AuditEntry.objects.count() == 0 and hook_calls == []


def test_a_reviewed_order_cannot_be_reviewed_again(held, reviewer):
    review(assessment=held, decision="approve", reason="ok", actor=reviewer)
    stale = FraudAssessment.objects.get()
    with pytest.raises(ReviewError):
        review(assessment=stale, decision="cancel", reason="changed my mind", actor=reviewer)
    stale.refresh_from_db()
    assert stale.review_decision == "approve" and AuditEntry.objects.count() == 1


def test_a_failing_hook_rolls_the_whole_review_back(held, reviewer):
    def broken(*, order_reference, decision):
        raise RuntimeError("orders unavailable")

    review_hooks.register(broken)
    try:
        with pytest.raises(RuntimeError):
            review(assessment=held, decision="approve", reason="ok", actor=reviewer)
    finally:
        review_hooks.unregister(broken)
    assert FraudAssessment.objects.get().is_pending_review
    assert AuditEntry.objects.count() == 0


def test_a_too_long_reason_is_refused(held, reviewer, english):
    with pytest.raises(ReviewError, match="too long"):
        review(assessment=held, decision="approve", reason="x" * 501, actor=reviewer)
    assert FraudAssessment.objects.get().is_pending_review

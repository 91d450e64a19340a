"""U4: no raw email, card token or IP in any stored row; 2-year purge, scheduled daily; the data map."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from allegra.core.schedule import JOBS, resolve
from allegra.fraud.models import FraudAssessment, FraudSignal
from allegra.fraud.services import RETENTION, assess, purge_expired, record_decline
from allegra.fraud.tasks import purge_fraud_records
from allegra.privacy import retention
from allegra.privacy.registry import Erasure, LegalBasis, Retention, personal_data_map
from allegra.privacy.tasks import enforce_retention

pytestmark = [pytest.mark.django_db, pytest.mark.policy("U4")]

EMAIL = "Maria.Papadopoulou@example.gr"
IP = "203.0.113.57"
CARD = "tok_fp_4242abcd"


def all_stored_text() -> str:
    """Every column of every row of both fraud tables, as the database returns them."""
    rows = []
    with connection.cursor() as cursor:
        for model in (FraudSignal, FraudAssessment):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # table names come from the models
            rows += cursor.fetchall()
    return repr(rows).lower()


def test_no_raw_email_card_or_ip_is_stored(facts):
    assess(facts=facts(email=EMAIL, ip_address=IP, card_fingerprint=CARD, shipping_country="DE"))
    record_decline(email=EMAIL, card_fingerprint=CARD, ip=IP)
    stored = all_stored_text()
    assert FraudSignal.objects.count() == 6
    for raw in (EMAIL.lower(), "papadopoulou", "example.gr", IP, "203.0.113", CARD.lower()):
        assert raw not in stored
    assert all(len(value) == 64 for value in FraudSignal.objects.values_list("value_hash", flat=True))


def test_the_hashes_are_keyed_per_kind_and_the_ip_is_truncated_first(facts, settings):
    from allegra.core.encryption import blind_index

    assess(facts=facts(email=EMAIL, ip_address=IP, card_fingerprint=CARD))
    signals = dict(FraudSignal.objects.values_list("kind", "value_hash"))
    assert signals["email"] == blind_index(EMAIL, purpose="fraud.email")
    assert signals["ip"] == blind_index("203.0.113.0", purpose="fraud.ip")
    assert signals["card"] == blind_index(CARD, purpose="fraud.card")
    # Keyed: not a plain digest anyone could recompute from a guess.
    import hashlib

    assert signals["email"] != hashlib.sha256(EMAIL.lower().encode()).hexdigest()


def test_signals_and_assessments_are_deleted_after_two_years(facts, placed_at):
    old = placed_at - RETENTION - timedelta(seconds=1)
    kept = placed_at - RETENTION + timedelta(days=1)
    assess(facts=facts(placed_at=old))
    record_decline(email=EMAIL, card_fingerprint=None, ip=None, at=old)
    assess(facts=facts(placed_at=kept))
    assert purge_expired(now=placed_at) == 3 + 1 + 1
    assert FraudAssessment.objects.get().created_at == kept
    assert FraudSignal.objects.count() == 3
    assert purge_expired(now=placed_at) == 0


def test_the_purge_is_a_retention_job_run_daily(facts, placed_at):
    # R2: the fraud purge is the registered retention job of FRAUD_SIGNALS, run by the daily retention job.
    job = next(job for job in JOBS if job.name == "retention")
    assert job.interval == timedelta(days=1)
    assert resolve(job) is enforce_retention
    assert [job.name for job in retention.jobs(only=Retention.FRAUD_SIGNALS)] == ["fraud-records"]
    assess(facts=facts(placed_at=placed_at - timedelta(days=800)))
    assert purge_fraud_records.call() == 4
    assert timedelta(days=730) < RETENTION


def test_the_data_map_declares_signals_and_assessments():
    signal = personal_data_map.models["fraud.FraudSignal"]
    assessment = personal_data_map.models["fraud.FraudAssessment"]
    for entry in (signal, assessment):
        assert entry.subject_path is None
        for field in entry.fields:
            assert field.retention == Retention.FRAUD_SIGNALS
            assert field.legal_basis == LegalBasis.LEGITIMATE_INTERESTS
            assert field.erasure == Erasure.DELETE
            assert field.clause == "C1"
    assert [field.field for field in signal.fields] == ["value_hash"]
    assert Retention.FRAUD_SIGNALS.rule.years == 2


def test_the_personal_data_check_has_nothing_to_say_about_fraud():
    from django.apps import apps

    from allegra.privacy.checks import find_problems

    found = find_problems(personal_data_map, apps.get_models())
    assert [problem.msg for problem in found if "fraud" in str(problem.obj).lower()] == []


def test_hits_name_no_email_domain(facts):
    assess(facts=facts(email="someone@mailinator.com", first_order=True, total=Decimal("5000")))
    assert "mailinator" not in all_stored_text()

"""The payments app in the personal-data map: card details as C4 data kept under the order-records rule, and the
payment provider in the register of processors (S1)."""

import pytest
from django.apps import apps

from allegra.privacy.checks import find_problems
from allegra.privacy.registry import Erasure, Retention, personal_data_map


@pytest.mark.policy("S1")
def test_the_payment_provider_is_a_registered_processor():
    processor = personal_data_map.processors["payment_provider"]
    assert processor.country == "GR" and processor.purpose_en and processor.purpose_el and processor.safeguards


@pytest.mark.policy("C4")
def test_card_details_are_declared_with_their_rule_and_nothing_of_payments_is_left_out():
    entry = personal_data_map.models["payments.Payment"]
    fields = {item.field: item for item in entry.fields}
    assert set(fields) == {
        "card_brand",
        "card_last4",
        "card_exp_month",
        "card_exp_year",
        "card_fingerprint",
        "provider_token_id",
    }
    for item in fields.values():
        assert item.category == "user.financial.credit_card" and item.clause == "C4"
        assert item.retention == Retention.ORDER_RECORDS and item.erasure == Erasure.LEGAL_HOLD
        assert item.processors == ("payment_provider",)
    problems = find_problems(personal_data_map, apps.get_models())
    ours = [
        p for p in problems if getattr(getattr(p.obj, "_meta", None), "app_label", str(p.obj)) in ("payments", "psp")
    ]
    assert ours == [] and not [p for p in problems if "payments." in p.msg or "psp." in p.msg]
    declared = {*fields, *entry.technical_fields}
    assert {f.name for f in apps.get_model("payments", "Payment")._meta.concrete_fields} == declared
    assert "psp" in personal_data_map.no_personal_data

"""U4: each fraud rule alone, combined scores, the hold threshold, velocity windows, declines and the settings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from allegra.fraud.models import FraudAssessment, FraudSignal
from allegra.fraud.rules import DEFAULT_RULES, check_fraud_rules, configured_rules
from allegra.fraud.services import assess, disposable_domains, is_disposable_email, record_decline

pytestmark = [pytest.mark.django_db, pytest.mark.policy("U4")]


def rules_hit(assessment) -> set[str]:
    return {hit.rule for hit in assessment.hits}


def test_a_plain_order_hits_no_rule_and_is_clear(facts):
    result = assess(facts=facts())
    assert result.score == 0 and result.hits == ()
    assert result.record.decision == FraudAssessment.Decision.CLEAR
    assert not result.held
    assert FraudSignal.objects.filter(kind="email").count() == 1
    assert FraudSignal.objects.filter(kind="card").count() == 1
    assert FraudSignal.objects.filter(kind="ip").count() == 1


SHARED_VALUE = {"email_velocity": "email", "card_velocity": "card_fingerprint", "ip_velocity": "ip_address"}


@pytest.mark.parametrize("rule", list(SHARED_VALUE))
def test_velocity_rules_alone(facts, placed_at, rule):
    """With the default limit of 3 in 24 hours, the 4th order sharing one value (email, card or network) hits
    that rule alone: every other value differs from order to order."""
    shared = SHARED_VALUE[rule]
    limit = DEFAULT_RULES[rule]["max_count"]

    def order(number, **changes):
        values = {"email": f"buyer{number}@example.gr", "card_fingerprint": f"tok_{number}"}
        values["ip_address"] = f"198.51.{number}.10"
        values[shared] = getattr(facts(), shared)
        return facts(**values, **changes)

    for number in range(limit):
        result = assess(facts=order(number, placed_at=placed_at - timedelta(hours=number + 1)))
        assert rules_hit(result) == set()
    result = assess(facts=order(99))
    assert rules_hit(result) == {rule}
    assert result.score == DEFAULT_RULES[rule]["weight"]
    assert result.hits[0].values["count"] == limit + 1


def test_ip_velocity_counts_the_network_not_the_address(facts, placed_at):
    limit = DEFAULT_RULES["ip_velocity"]["max_count"]
    for number in range(limit):
        assess(
            facts=facts(email=f"b{number}@example.gr", card_fingerprint=f"t{number}", ip_address=f"203.0.113.{number}")
        )
    result = assess(facts=facts(email="z@example.gr", card_fingerprint="tz", ip_address="203.0.113.250"))
    assert rules_hit(result) == {"ip_velocity"}


def test_email_velocity_ignores_case_and_spaces(facts):
    for number in range(3):
        assess(facts=facts(email=" Maria@Example.GR ", card_fingerprint=f"t{number}", ip_address=f"198.51.{number}.1"))
    result = assess(facts=facts(email="maria@example.gr", card_fingerprint="t9", ip_address="192.0.2.9"))
    assert rules_hit(result) == {"email_velocity"}


def test_velocity_window_edges(facts, placed_at):
    """A signal exactly 24 hours old has left the window; one a second younger is still in it."""
    for number in range(2):
        assess(facts=facts(placed_at=placed_at - timedelta(hours=1), card_fingerprint=f"t{number}", ip_address=None))
    assess(facts=facts(placed_at=placed_at - timedelta(hours=24), card_fingerprint="t-old", ip_address=None))
    # 3 earlier orders, but one is exactly 24 h old: 2 in the window + this one = 3, not more than 3.
    assert rules_hit(assess(facts=facts(card_fingerprint="t-now", ip_address=None))) == set()
    # Now 3 in the window (the order just assessed) and the 24 h one is still out: 4 > 3.
    assess_edge = assess(facts=facts(card_fingerprint="t-next", ip_address=None))
    assert rules_hit(assess_edge) == {"email_velocity"}


def test_velocity_window_one_second_inside(facts, placed_at):
    assess(facts=facts(placed_at=placed_at - timedelta(hours=24) + timedelta(seconds=1), card_fingerprint="a"))
    assess(facts=facts(placed_at=placed_at - timedelta(hours=2), card_fingerprint="b"))
    assess(facts=facts(placed_at=placed_at - timedelta(hours=1), card_fingerprint="c"))
    result = assess(facts=facts(card_fingerprint="d", ip_address="192.0.2.200"))
    assert "email_velocity" in rules_hit(result)


def test_later_signals_do_not_count_for_an_earlier_order(facts, placed_at):
    for number in range(4):
        assess(facts=facts(placed_at=placed_at + timedelta(hours=1), card_fingerprint=f"t{number}"))
    assert "email_velocity" not in rules_hit(assess(facts=facts(card_fingerprint="x")))


def test_country_mismatch_alone(facts, english):
    result = assess(facts=facts(billing_country="GR", shipping_country="cy"))
    assert rules_hit(result) == {"country_mismatch"}
    assert result.hits[0].reason == "billing country GR differs from shipping country CY"


def test_high_first_order_alone(facts):
    assert rules_hit(assess(facts=facts(first_order=True, total=Decimal("1500.00")))) == set()
    assert rules_hit(assess(facts=facts(first_order=False, total=Decimal("9000.00")))) == set()
    result = assess(facts=facts(first_order=True, total=Decimal("1500.01")))
    assert rules_hit(result) == {"high_first_order"}


def test_disposable_email_alone(facts):
    result = assess(facts=facts(email="someone@mailinator.com"))
    assert rules_hit(result) == {"disposable_email"}
    assert is_disposable_email("x@eu.mailinator.com")  # a subdomain of a listed domain
    assert not is_disposable_email("x@gmail.com")
    assert not is_disposable_email("no-at-sign")
    assert len(disposable_domains()) >= 300


def test_repeated_declines_alone(facts, placed_at):
    limit = DEFAULT_RULES["repeated_declines"]["max_count"]
    for _attempt in range(limit):
        record_decline(email=None, card_fingerprint="tok_fp_4242abcd", ip=None, at=placed_at - timedelta(minutes=5))
    assert "repeated_declines" not in rules_hit(assess(facts=facts()))
    record_decline(email=None, card_fingerprint="tok_fp_4242abcd", ip=None, at=placed_at - timedelta(minutes=1))
    result = assess(facts=facts(email="other@example.gr", ip_address="192.0.2.77"))
    assert rules_hit(result) == {"repeated_declines"}


def test_declines_count_each_value_they_came_with(facts, placed_at):
    stored = record_decline(email="a@example.gr", card_fingerprint="tok_z", ip="198.51.100.7", at=placed_at)
    assert stored == 3
    assert record_decline(email="", card_fingerprint=None, ip="not an ip") == 0
    for _attempt in range(2):
        record_decline(email="a@example.gr", card_fingerprint=None, ip=None, at=placed_at)
    result = assess(facts=facts(email="a@example.gr", card_fingerprint="tok_new", ip_address="192.0.2.1"))
    assert rules_hit(result) == {"repeated_declines"}


def test_scores_add_up_and_above_the_threshold_the_order_is_held(facts):
    # country mismatch (20) + high first order (30) = 50: not above 50, clear.
    result = assess(facts=facts(shipping_country="DE", first_order=True, total=Decimal("2000")))
    assert result.score == 50 and not result.held
    # + disposable email (30) = 80: held.
    result = assess(facts=facts(shipping_country="DE", first_order=True, total=Decimal("2000"), email="x@yopmail.com"))
    assert result.score == 80 and result.held
    assert result.record.decision == FraudAssessment.Decision.HELD_FOR_REVIEW
    assert [hit["rule"] for hit in result.record.hits] == ["country_mismatch", "high_first_order", "disposable_email"]


def test_the_threshold_and_weights_come_from_settings(facts, settings):
    settings.FRAUD_HOLD_SCORE = 10
    settings.FRAUD_RULES = {"country_mismatch": {"weight": 11}, "disposable_email": {"weight": 0}}
    assert assess(facts=facts(shipping_country="DE")).held
    result = assess(facts=facts(email="x@yopmail.com"))
    assert result.score == 0 and not result.held  # a weight of 0 turns the rule off


def test_the_same_order_assessed_twice_is_assessed_once(facts):
    order = facts(shipping_country="DE")
    first = assess(facts=order)
    again = assess(facts=order)
    assert again.record.pk == first.record.pk and again.score == first.score
    assert rules_hit(again) == {"country_mismatch"}
    assert FraudAssessment.objects.count() == 1 and FraudSignal.objects.count() == 3


def test_an_order_without_reference_is_refused(facts):
    with pytest.raises(ValueError):
        assess(facts=facts(order_reference="  "))
    assert FraudAssessment.objects.count() == 0 and FraudSignal.objects.count() == 0


def test_assess_query_count_is_pinned(facts, django_assert_num_queries):
    assess(facts=facts())
    # SAVEPOINT, existing assessment?, one aggregate for every velocity and decline count, INSERT assessment,
    # one INSERT for the signals, RELEASE.
    with django_assert_num_queries(6):
        assess(facts=facts(shipping_country="DE"))


@pytest.mark.parametrize(
    ("rules", "code"),
    [
        ({"order_velocity": {"weight": 5}}, "fraud.E001"),
        ("not a dict", "fraud.E001"),
        ({"email_velocity": {"treshold": 3}}, "fraud.E002"),
        ({"email_velocity": 3}, "fraud.E002"),
        ({"email_velocity": {"weight": -1}}, "fraud.E003"),
        ({"email_velocity": {"window_hours": 0}}, "fraud.E003"),
        ({"high_first_order": {"amount": "lots"}}, "fraud.E003"),
        ({"high_first_order": {"amount": 99.5}}, "fraud.E003"),
    ],
)
def test_bad_settings_are_a_system_check_error_not_a_500(settings, rules, code):
    settings.FRAUD_RULES = rules
    errors = check_fraud_rules()
    assert [error.id for error in errors] == [code]
    with pytest.raises(ImproperlyConfigured):
        configured_rules()


def test_a_bad_hold_score_is_a_system_check_error(settings):
    settings.FRAUD_HOLD_SCORE = "fifty"
    assert [error.id for error in check_fraud_rules()] == ["fraud.E004"]


def test_the_check_is_registered_and_passes_with_the_defaults(settings):
    from django.core import checks

    assert check_fraud_rules() == []
    settings.FRAUD_RULES = {"nonsense": {}}
    assert "fraud.E001" in {message.id for message in checks.run_checks(tags=["fraud"])}


def test_good_overrides_keep_the_other_defaults(settings):
    settings.FRAUD_RULES = {"high_first_order": {"amount": "800"}, "ip_velocity": {"max_count": 9}}
    rules = configured_rules()
    assert rules["high_first_order"].amount == Decimal("800")
    assert rules["high_first_order"].weight == DEFAULT_RULES["high_first_order"]["weight"]
    assert rules["ip_velocity"].max_count == 9 and rules["ip_velocity"].window_hours == 24

"""The fraud rules' configuration (U4): safe defaults here, overridden per rule by the FRAUD_RULES setting, read
through `configured_rules()` only.

FRAUD_RULES = {"email_velocity": {"weight": 40, "max_count": 2}, "disposable_email": {"weight": 0}} changes the
named parameters and keeps the defaults of the rest; a weight of 0 turns a rule off. A rule name or parameter
that does not exist, or a value of the wrong kind, is reported by the system check at startup (fraud.E001 to
fraud.E004) instead of surfacing as a 500 at checkout. FRAUD_HOLD_SCORE (default 50): an order scoring above
it is held for review.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

DEFAULT_HOLD_SCORE = 50

# Each rule's parameters and their defaults. Velocity rules count signals in a sliding window: the rule hits when
# the orders in the last `window_hours` (this one included) exceed `max_count`.
DEFAULT_RULES: dict[str, dict[str, Any]] = {
    "email_velocity": {"weight": 30, "max_count": 3, "window_hours": 24},
    "card_velocity": {"weight": 40, "max_count": 3, "window_hours": 24},
    # A network (/24, /48) is shared by a household or an office: a little more room than for an email.
    "ip_velocity": {"weight": 30, "max_count": 5, "window_hours": 24},
    "country_mismatch": {"weight": 20},
    "high_first_order": {"weight": 30, "amount": Decimal("1500.00")},
    # Declined payments with the order's email, card or network in the window: hits when they exceed max_count.
    "repeated_declines": {"weight": 40, "max_count": 2, "window_hours": 24},
    "disposable_email": {"weight": 30},
}

INTEGER_PARAMETERS = ("weight", "max_count", "window_hours")


@dataclass(frozen=True)
class RuleConfig:
    name: str
    weight: int
    max_count: int = 0
    window_hours: int = 0
    amount: Decimal = Decimal("0")

    @property
    def enabled(self) -> bool:
        return self.weight > 0


def _problems(overrides: Any, hold_score: Any) -> list[tuple[str, str]]:
    """(check id, message) for everything wrong with the settings; empty when they are usable."""
    found: list[tuple[str, str]] = []
    if not isinstance(hold_score, int) or isinstance(hold_score, bool) or hold_score < 0:
        found.append(("fraud.E004", f"FRAUD_HOLD_SCORE must be a whole number of 0 or more, not {hold_score!r}."))
    if not isinstance(overrides, dict):
        return [*found, ("fraud.E001", "FRAUD_RULES must be a dict of rule name -> parameters.")]
    for name, params in overrides.items():
        if name not in DEFAULT_RULES:
            known = ", ".join(sorted(DEFAULT_RULES))
            found.append(("fraud.E001", f"FRAUD_RULES names an unknown rule {name!r} (known rules: {known})."))
            continue
        if not isinstance(params, dict):
            found.append(("fraud.E002", f"FRAUD_RULES[{name!r}] must be a dict of parameters."))
            continue
        for key, value in params.items():
            if key not in DEFAULT_RULES[name]:
                allowed = ", ".join(DEFAULT_RULES[name])
                found.append(("fraud.E002", f"FRAUD_RULES[{name!r}] has an unknown parameter {key!r} ({allowed})."))
            elif key in INTEGER_PARAMETERS:
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    found.append(("fraud.E003", f"FRAUD_RULES[{name!r}][{key!r}] must be a whole number >= 0."))
                elif key == "window_hours" and value == 0:
                    found.append(("fraud.E003", f"FRAUD_RULES[{name!r}]['window_hours'] must be at least 1."))
            elif key == "amount":
                try:
                    amount = Decimal(str(value))
                except InvalidOperation:
                    amount = None
                if amount is None or not amount.is_finite() or amount < 0 or isinstance(value, float):
                    found.append(("fraud.E003", f"FRAUD_RULES[{name!r}]['amount'] must be a Decimal or string."))
    return found


def hold_score() -> int:
    """The score above which an order is held for review."""
    return getattr(settings, "FRAUD_HOLD_SCORE", DEFAULT_HOLD_SCORE)


def configured_rules() -> dict[str, RuleConfig]:
    """The rules in force: defaults merged with FRAUD_RULES. Raises ImproperlyConfigured on settings the system
    check reports (which it does at startup, so a running shop never gets here with bad settings)."""
    overrides = getattr(settings, "FRAUD_RULES", {})
    problems = _problems(overrides, hold_score())
    if problems:
        raise ImproperlyConfigured("; ".join(message for _id, message in problems))
    rules = {}
    for name, defaults in DEFAULT_RULES.items():
        params = {**defaults, **overrides.get(name, {})}
        if "amount" in params:
            params["amount"] = Decimal(str(params["amount"]))
        rules[name] = RuleConfig(name=name, **params)
    return rules


@checks.register("fraud")
def check_fraud_rules(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """fraud.E001-E004: FRAUD_RULES and FRAUD_HOLD_SCORE name known rules and parameters with usable values."""
    problems = _problems(getattr(settings, "FRAUD_RULES", {}), hold_score())
    return [
        checks.Error(message, hint="See allegra/fraud/rules.py for the rules and their parameters.", id=check_id)
        for check_id, message in problems
    ]

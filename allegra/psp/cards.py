"""Card numbers: the Luhn check, the brand from the issuer prefix (IIN) and the test cards' outcomes."""

from __future__ import annotations

import re

# Outcomes decided once, at tokenization, from the test card number (so the number itself need not be kept).
APPROVE = "approve"
DECLINE = "card_declined"
INSUFFICIENT_FUNDS = "insufficient_funds"
CHALLENGE = "challenge"
PROCESSING_ERROR = "processing_error"

TEST_CARD_OUTCOMES = {
    "4000000000000002": DECLINE,
    "4000000000009995": INSUFFICIENT_FUNDS,
    "4000000000003220": CHALLENGE,
    "4000000000000119": PROCESSING_ERROR,
}

_SEPARATORS = re.compile(r"[\s-]")


def normalise(number: str) -> str:
    """The digits of a card number as typed ("4242 4242-4242 4242" -> "4242424242424242"); "" if not digits."""
    digits = _SEPARATORS.sub("", number or "")
    return digits if digits.isdigit() else ""


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return bool(digits) and total % 10 == 0


def brand_of(digits: str) -> str:
    """The brand by issuer prefix and length, or "" when no brand the provider accepts matches."""
    length = len(digits)
    two, four, three = int(digits[:2] or 0), int(digits[:4] or 0), int(digits[:3] or 0)
    if digits.startswith("4") and length in (13, 16, 19):
        return "visa"
    if (51 <= two <= 55 or 2221 <= four <= 2720) and length == 16:
        return "mastercard"
    if two in (34, 37) and length == 15:
        return "amex"
    if (four == 6011 or two == 65 or 644 <= three <= 649) and length in (16, 19):
        return "discover"
    if 3528 <= four <= 3589 and length in (16, 19):
        return "jcb"
    if (two in (36, 38, 39) or 300 <= three <= 305) and length in (14, 16):
        return "diners"
    return ""


def outcome_of(digits: str) -> str:
    return TEST_CARD_OUTCOMES.get(digits, APPROVE)

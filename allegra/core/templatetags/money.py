"""Euro amounts written the way each of the shop's languages writes them, without Babel.

Greek puts the sign after the amount with a dot between thousands and a comma before the cents
("1.234,50 €"); English puts the sign first with a comma between thousands ("€1,234.50"). The space
before the Greek euro sign is a no-break space so that a price never wraps between number and sign.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language

register = template.Library()

CENT = Decimal("0.01")
NO_BREAK_SPACE = "\u00a0"


def _group(digits: str, separator: str) -> str:
    """Inserts the thousands separator every three digits from the right: 1234567 -> 1.234.567."""
    groups = []
    while len(digits) > 3:
        groups.append(digits[-3:])
        digits = digits[:-3]
    groups.append(digits)
    return separator.join(reversed(groups))


def format_euro(amount, language: str | None = None) -> str:
    """Formats an amount of euros for `language` (the active language by default); '' for non-numbers."""
    if amount is None or isinstance(amount, bool | float):
        # Floats are never money here (see DESIGN.md); refusing them keeps rounding errors out of prices.
        return ""
    try:
        value = Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return ""
    if not value.is_finite():
        return ""
    sign = "-" if value < 0 else ""
    units, cents = f"{abs(value):.2f}".split(".")
    language = (language or get_language() or "el")[:2].lower()
    if language == "el":
        return f"{sign}{_group(units, '.')},{cents}{NO_BREAK_SPACE}€"
    return f"{sign}€{_group(units, ',')}.{cents}"


@register.filter(name="euro")
def euro(amount, language: str | None = None) -> str:
    """`{{ price|euro }}` in the active language, or `{{ price|euro:"en" }}` in a given one."""
    return format_euro(amount, language)

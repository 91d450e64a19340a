"""Prices and VAT in one place: every shop price is in euros with Greek VAT (24%) included."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

CENT = Decimal("0.01")


@dataclass(frozen=True)
class PriceBreakdown:
    gross: Decimal
    net: Decimal
    vat: Decimal
    vat_rate: Decimal


def vat_rate() -> Decimal:
    return Decimal(settings.SHOP_VAT_RATE)


def breakdown(gross: Decimal) -> PriceBreakdown:
    """Splits a VAT-inclusive price into net and VAT, rounded to the cent so that net + vat == gross."""
    rate = vat_rate()
    net = (gross / (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    return PriceBreakdown(gross=gross, net=net, vat=gross - net, vat_rate=rate)

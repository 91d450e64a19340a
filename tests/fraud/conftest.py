"""Fixtures for fraud screening: order facts with sensible defaults, and the back-office fixtures."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from allegra.fraud.services import OrderFacts
from tests.backoffice.conftest import fast_passwords, login_verified, make_staff, roles  # noqa: F401


@pytest.fixture
def placed_at():
    return timezone.make_aware(datetime(2026, 11, 20, 12, 0))


@pytest.fixture
def facts(placed_at):
    """make(**changes) -> OrderFacts of a low-risk order; each call gets a fresh order reference."""
    numbers = itertools.count(1)

    def make(**changes) -> OrderFacts:
        base = OrderFacts(
            order_reference=f"AL-2026-{next(numbers):05d}",
            email="maria.papadopoulou@example.gr",
            ip_address="203.0.113.57",
            billing_country="GR",
            shipping_country="GR",
            total=Decimal("120.00"),
            first_order=False,
            placed_at=placed_at,
            card_fingerprint="tok_fp_4242abcd",
        )
        return replace(base, **changes)

    return make

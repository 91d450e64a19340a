"""Fixtures for the cart and wish-list tests: the catalogue factories, the account tests' two customers, and a
small shop (a ring with two variants, a necklace sold out, a piece no longer for sale)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from allegra.catalog.models import Metal, Stone
from tests.accounts.conftest import (  # noqa: F401 - fixtures shared with the account tests
    CUSTOMER_PASSWORD,
    customer,
    customer_client,
    other_customer,
    other_customer_client,
)
from tests.catalog.conftest import make_category, make_collection, make_product, variant_spec  # noqa: F401


@pytest.fixture
def shop(make_category, make_product):  # noqa: F811 - the imported fixtures
    rings = make_category(slug="rings", name_en="Rings", has_ring_sizes=True)
    ring = make_product(
        category=rings,
        slug="aegean-ring",
        name_en="Aegean ring",
        images=0,
        variants=[
            variant_spec(
                metal=Metal.GOLD_18K, stone=Stone.SAPPHIRE, price="480.00", stock=3, ring_size=52, sku="R-G52"
            ),
            variant_spec(metal=Metal.SILVER_925, price="95.50", stock=20, ring_size=54, sku="R-S54"),
        ],
    )
    necklace = make_product(
        slug="meltemi-necklace",
        name_en="Meltemi necklace",
        variants=[variant_spec(price="210.00", stock=0, sku="N-OUT")],
    )
    retired = make_product(
        slug="retired-piece", name_en="Retired piece", is_active=False, variants=[variant_spec(sku="X-OLD")]
    )
    variants = {v.sku: v for p in (ring, necklace, retired) for v in p.variants.all()}
    return {"ring": ring, "necklace": necklace, "retired": retired, **variants}


def money(value: str) -> Decimal:
    return Decimal(value)

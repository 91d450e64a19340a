"""The wish-list tests use the cart tests' small shop and the account tests' customers."""

from tests.cart.conftest import (  # noqa: F401 - fixtures shared with the cart tests
    CUSTOMER_PASSWORD,
    customer,
    customer_client,
    make_category,
    make_collection,
    make_product,
    other_customer,
    other_customer_client,
    shop,
)

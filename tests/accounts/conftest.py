"""Customers for the account tests: two of them, so every page can be tried with the other one's session."""

import pytest
from django.test import Client

from allegra.accounts.models import User

CUSTOMER_PASSWORD = "amber-olive-lantern-42"


@pytest.fixture
def customer(db) -> User:
    return User.objects.create_user(
        "eleni@example.com", CUSTOMER_PASSWORD, screen_name="Eleni", email_verified_at="2026-01-05T10:00:00Z"
    )


@pytest.fixture
def other_customer(db) -> User:
    return User.objects.create_user(
        "nikos@example.com", CUSTOMER_PASSWORD, screen_name="Nikos", email_verified_at="2026-01-06T10:00:00Z"
    )


@pytest.fixture
def customer_client(customer) -> Client:
    """A browser signed in as `customer` (a session cookie, like after a real login)."""
    client = Client()
    client.force_login(customer)
    return client


@pytest.fixture
def other_customer_client(other_customer) -> Client:
    client = Client()
    client.force_login(other_customer)
    return client

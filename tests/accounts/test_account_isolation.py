"""Every account URL, tried with a second customer's session: nothing of the first customer shows, and
nothing of theirs changes (C1). The list of URLs is read from the URLconf, so a new account page is tried
the day it is added."""

import pytest
from django.urls import URLPattern, reverse

from allegra.accounts import urls as account_urls
from allegra.accounts.models import Address, Profile
from allegra.accounts.services.profile import create_address, update_profile

pytestmark = pytest.mark.django_db

ELENI_VALUES = ["eleni@example.com", "Ελένη Παπαδάκη", "+306912345678", "Κηφισίας", "Μαρούσι", "15124"]


@pytest.fixture
def elenis_data(customer):
    update_profile(user=customer, full_name="Ελένη Παπαδάκη", telephone="+306912345678", hometown="Μαρούσι")
    address = create_address(
        user=customer,
        kind=Address.Kind.SHIPPING,
        recipient_name="Ελένη Παπαδάκη",
        street="Κηφισίας",
        number="12",
        city="Μαρούσι",
        postcode="15124",
        country="GR",
    )
    return address


def _account_urls(address: Address) -> list[tuple[str, str]]:
    """(name, url) for every account route; an address route gets Eleni's address, a token route a token
    that is not the other customer's (a forged one)."""
    urls = []
    for pattern in account_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        converters = pattern.pattern.converters
        kwargs = {}
        for name in converters:
            kwargs[name] = address.public_id if name == "public_id" else "forged-token"
        urls.append((pattern.name, reverse(f"accounts:{pattern.name}", kwargs=kwargs, urlconf=None)))
    return urls


def _snapshot(customer):
    customer.refresh_from_db()
    profile = Profile.objects.get(user=customer)
    addresses = [
        (address.street, address.city, address.postcode, address.is_default)
        for address in Address.objects.filter(user=customer)
    ]
    return (customer.email, customer.password, customer.is_active, profile.full_name, profile.telephone, addresses)


@pytest.mark.policy("C1")
def test_no_account_url_shows_another_customers_data(customer, elenis_data, other_customer, other_customer_client):
    for name, url in _account_urls(elenis_data):
        other_customer_client.force_login(other_customer)  # still signed in, whatever the last page did
        response = other_customer_client.get(url)
        assert response.status_code < 500, name
        body = response.content.decode()
        for value in ELENI_VALUES:
            assert value not in body, f"{name} showed {value!r} to another customer"


@pytest.mark.policy("C1")
def test_no_account_url_changes_another_customers_data(customer, elenis_data, other_customer, other_customer_client):
    before = _snapshot(customer)
    hostile = {
        "full_name": "Changed",
        "telephone": "+306900000000",
        "recipient_name": "Changed",
        "street": "Changed",
        "city": "Changed",
        "postcode": "11111",
        "country": "GR",
        "kind": "shipping",
        "email": "eleni@example.com",
        "new_email": "thief@example.com",
        "password": "amber-olive-lantern-42",
        "old_password": "amber-olive-lantern-42",
        "new_password1": "a brand new pass phrase 9",
        "new_password2": "a brand new pass phrase 9",
    }
    # Signing out and deleting one's own account end the session: they go last.
    last = ("logout", "delete")
    routes = sorted(_account_urls(elenis_data), key=lambda route: route[0] in last)
    for name, url in routes:
        if name not in last:
            other_customer_client.force_login(other_customer)
        response = other_customer_client.post(url, hostile)
        assert response.status_code < 500, name
        assert _snapshot(customer) == before, f"posting to {name} changed another customer's data"

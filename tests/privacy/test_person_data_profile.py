"""A customer with a profile and two addresses: the map finds all of it, decrypted, grouped by category."""

import datetime

import pytest

from allegra.accounts.models import Address, Profile, User
from allegra.privacy.registry import personal_data_map
from allegra.privacy.selectors import person_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    user = User.objects.create_user(email="nikos@example.com", screen_name="Νίκος")
    Profile.objects.create(
        user=user,
        full_name="Νίκος Παπαδόπουλος",
        telephone="+306912345678",
        gender="prefer_not_to_say",
        hometown="Ναύπλιο",
        date_of_birth=datetime.date(1990, 5, 17),
    )
    for kind, street, postcode in (("shipping", "Ερμού", "10563"), ("billing", "Πανεπιστημίου", "10679")):
        Address.objects.create(
            user=user,
            kind=kind,
            label="Σπίτι" if kind == "shipping" else "",
            recipient_name="Νίκος Παπαδόπουλος",
            street=street,
            number="12",
            city="Αθήνα",
            postcode=postcode,
            country="GR",
        )
    return user


@pytest.mark.policy("R3.access")
def test_profile_and_both_addresses_are_found_through_the_map(customer):
    other = User.objects.create_user(email="other@example.com")
    Address.objects.create(user=other, recipient_name="Άλλος", street="Άλλη", city="Πάτρα", postcode="26221")

    data = person_data(customer)

    assert data.values("user.contact.phone_number") == ["+306912345678"]
    assert data.values("user.demographic.date_of_birth") == [datetime.date(1990, 5, 17)]
    assert data.values("user.demographic.profile") == ["Ναύπλιο"]
    assert len(data.values("user.demographic.gender")) == 1  # shown as its label, in the active language
    assert sorted(data.values("user.contact.address.street")) == ["12", "12", "Ερμού", "Πανεπιστημίου"]
    assert sorted(data.values("user.contact.address.postal_code")) == ["10563", "10679"]
    assert data.values("user.contact.address.city") == ["Αθήνα", "Αθήνα"]
    assert data.values("user.name") == ["Νίκος Παπαδόπουλος"] * 3  # the profile and both recipients
    addresses = list(data.category("user.contact.address.postal_code").items)
    assert [item.record for item in addresses] == [1, 2]
    assert "Πάτρα" not in str(data.as_dict())


@pytest.mark.policy("C1")
def test_telephone_and_addresses_are_declared_as_contact_details():
    profile = {f.field: f for f in personal_data_map.models["accounts.Profile"].fields}
    address = {f.field: f for f in personal_data_map.models["accounts.Address"].fields}
    assert profile["full_name"].category == "user.name" and profile["full_name"].clause == "C1"
    assert profile["telephone"].category == "user.contact.phone_number" and profile["telephone"].clause == "C1"
    assert address["street"].category == "user.contact.address.street"
    assert address["postcode"].category == "user.contact.address.postal_code"
    assert {f.clause for f in address.values()} == {"C1"}


@pytest.mark.policy("C3")
def test_personal_details_are_declared_and_given_by_choice():
    profile = {f.field: f for f in personal_data_map.models["accounts.Profile"].fields}
    assert profile["gender"].category == "user.demographic.gender"
    assert profile["date_of_birth"].category == "user.demographic.date_of_birth"
    assert profile["hometown"].category == "user.demographic.profile"
    assert {profile[name].clause for name in ("gender", "hometown", "date_of_birth")} == {"C3"}
    assert {profile[name].legal_basis for name in ("gender", "hometown", "date_of_birth")} == {"consent"}

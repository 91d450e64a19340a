"""The address book: add, edit, delete after confirmation, defaults, Greek postcodes, and no way into another
customer's addresses."""

import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from allegra.accounts.forms.profile import AddressForm
from allegra.accounts.models import Address
from allegra.accounts.services.profile import create_address, delete_address, set_default_address, update_address

pytestmark = pytest.mark.django_db


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def address_data(**overrides) -> dict:
    data = {
        "kind": "shipping",
        "label": "Home",
        "recipient_name": "Eleni Papadopoulou",
        "street": "Ermou",
        "number": "25",
        "city": "Athens",
        "postcode": "105 63",
        "region": "Attica",
        "country": "GR",
        "telephone": "6912345678",
    }
    data.update(overrides)
    return data


def make_address(user, **overrides) -> Address:
    form = AddressForm(address_data(**overrides))
    assert form.is_valid(), form.errors
    return create_address(user=user, **form.cleaned_data)


# --- the form --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "stored"), [("10563", "10563"), ("105 63", "10563"), (" 546 21 ", "54621")])
def test_greek_postcodes_are_five_digits_with_an_optional_space(raw, stored):
    form = AddressForm(address_data(postcode=raw))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["postcode"] == stored


@pytest.mark.parametrize("raw", ["1056", "105633", "ABCDE", "10 563 1", "1O563", "105-63"])
def test_malformed_greek_postcodes_are_refused(raw):
    form = AddressForm(address_data(postcode=raw))
    assert not form.is_valid()
    assert form.errors.as_data()["postcode"][0].code == "invalid_postcode"


def test_other_countries_keep_their_own_postcode_format():
    form = AddressForm(address_data(country="GB", postcode="sw1a 1aa", telephone=""))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["postcode"] == "SW1A 1AA"
    form = AddressForm(address_data(country="DE", postcode="<script>"))
    assert "postcode" in form.errors


def test_country_defaults_to_greece_and_must_be_a_real_one():
    assert AddressForm().fields["country"].initial == "GR"
    assert "country" in AddressForm(address_data(country="XX")).errors


@pytest.mark.parametrize("field", ["recipient_name", "street", "city", "postcode"])
def test_required_address_fields(field):
    assert field in AddressForm(address_data(**{field: ""})).errors


@pytest.mark.parametrize(
    ("field", "length"),
    [("label", 51), ("recipient_name", 151), ("street", 151), ("number", 21), ("city", 101), ("region", 101)],
)
def test_over_long_address_fields_are_refused(field, length):
    assert field in AddressForm(address_data(**{field: "Ω" * length})).errors


def test_address_telephone_is_optional_but_validated():
    assert AddressForm(address_data(telephone="")).is_valid()
    form = AddressForm(address_data(telephone="+30 210 123 4567"))
    assert form.is_valid() and form.cleaned_data["telephone"] == "+302101234567"
    assert "telephone" in AddressForm(address_data(telephone="555")).errors


# --- services: defaults ------------------------------------------------------------------------------------


def test_first_address_of_each_kind_becomes_the_default(customer):
    home = make_address(customer)
    office = make_address(customer, label="Office")
    billing = make_address(customer, kind="billing", label="Invoices")
    home.refresh_from_db(), office.refresh_from_db(), billing.refresh_from_db()
    assert (home.is_default, office.is_default, billing.is_default) == (True, False, True)


def test_one_default_per_kind(customer):
    home = make_address(customer)
    office = make_address(customer, label="Office", is_default=True)
    set_default_address(address=home)
    defaults = list(Address.objects.filter(user=customer, is_default=True).values_list("label", flat=True))
    assert defaults == ["Home"]
    set_default_address(address=office)
    defaults = list(Address.objects.filter(user=customer, is_default=True).values_list("label", flat=True))
    assert defaults == ["Office"]


def test_deleting_the_default_hands_it_to_the_newest_other(customer):
    home = make_address(customer)
    make_address(customer, label="Office")
    make_address(customer, label="Summer house")
    delete_address(address=home)
    assert list(Address.objects.filter(user=customer, is_default=True).values_list("label", flat=True)) == [
        "Summer house"
    ]


def test_moving_the_default_to_the_other_kind(customer):
    home = make_address(customer)
    make_address(customer, label="Office")
    make_address(customer, kind="billing", label="Invoices")
    update_address(address=home, **{**address_data(kind="billing"), "postcode": "10563"})
    shipping_default = Address.objects.get(user=customer, kind="shipping", is_default=True)
    billing_default = Address.objects.get(user=customer, kind="billing", is_default=True)
    assert (shipping_default.label, billing_default.label) == ("Office", "Invoices")


# --- the pages --------------------------------------------------------------------------------------------


def test_add_edit_delete_through_the_pages(customer, customer_client):
    response = customer_client.post(url("accounts:address-add"), address_data(), follow=True)
    assert "The address has been added to your address book." in response.content.decode()
    address = Address.objects.get(user=customer)
    assert (address.street, address.number, address.postcode, address.city) == ("Ermou", "25", "10563", "Athens")
    assert address.telephone == "+306912345678"
    assert address.country.code == "GR"
    assert address.is_default

    page = customer_client.get(url("accounts:addresses")).content.decode()
    assert "Ermou 25" in page
    assert "105 63 Athens" in page  # stored as five digits, written the Greek way
    assert str(address.public_id) in page
    assert f"/{address.pk}/" not in page.replace(str(address.public_id), "")

    edit = url("accounts:address-edit", public_id=address.public_id)
    form_page = customer_client.get(edit).content.decode()
    assert 'value="Ermou"' in form_page and 'value="+30 691 234 5678"' in form_page
    response = customer_client.post(edit, address_data(street="Αιόλου", city="Αθήνα"), follow=True)
    assert "The address has been saved." in response.content.decode()
    address.refresh_from_db()
    assert (address.street, address.city) == ("Αιόλου", "Αθήνα")

    delete = url("accounts:address-delete", public_id=address.public_id)
    confirm = customer_client.get(delete)
    assert confirm.status_code == 200
    assert "Yes, delete it" in confirm.content.decode()
    assert Address.objects.filter(pk=address.pk).exists()  # GET only asks
    response = customer_client.post(delete, follow=True)
    assert "The address has been deleted." in response.content.decode()
    assert not Address.objects.filter(pk=address.pk).exists()


def test_invalid_address_shows_errors_and_saves_nothing(customer, customer_client):
    response = customer_client.post(url("accounts:address-add"), address_data(postcode="1234"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "A Greek postcode has five digits" in body
    assert "The address was not saved" in body
    assert not Address.objects.exists()

    address = make_address(customer)
    edit = url("accounts:address-edit", public_id=address.public_id)
    response = customer_client.post(edit, address_data(street="Σ" * 151, postcode="999"))
    assert response.status_code == 200
    address.refresh_from_db()
    assert (address.street, address.postcode) == ("Ermou", "10563")


def test_greek_error_message(customer_client):
    response = customer_client.post(url("accounts:address-add", "el"), address_data(postcode="12"))
    assert response.status_code == 200
    assert not Address.objects.exists()


def test_set_default_through_the_page(customer, customer_client):
    make_address(customer)
    office = make_address(customer, label="Office")
    set_default = url("accounts:address-set-default", public_id=office.public_id)
    assert customer_client.get(set_default).status_code == 405  # a link cannot change anything
    response = customer_client.post(set_default, follow=True)
    assert "This is now your default shipping address." in response.content.decode()
    office.refresh_from_db()
    assert office.is_default


def test_add_page_can_start_with_a_kind(customer_client):
    body = customer_client.get(url("accounts:address-add") + "?kind=billing").content.decode()
    assert '<option value="billing" selected>' in body
    body = customer_client.get(url("accounts:address-add") + "?kind=%3Cscript%3E").content.decode()
    assert "<script>" not in body.split("<main", 1)[1].split("</main>", 1)[0]


def test_sequential_ids_are_not_routes(customer, customer_client):
    address = make_address(customer)
    assert customer_client.get(f"/en/account/addresses/{address.pk}/edit/").status_code == 404
    assert customer_client.get("/en/account/addresses/not-a-uuid/edit/").status_code == 404


@pytest.mark.policy("C1")
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("accounts:address-edit", "get"),
        ("accounts:address-edit", "post"),
        ("accounts:address-delete", "get"),
        ("accounts:address-delete", "post"),
        ("accounts:address-set-default", "post"),
    ],
)
def test_another_customers_address_is_not_found(customer, other_customer_client, name, method):
    address = make_address(customer, is_default=False)
    target = url(name, public_id=address.public_id)
    response = getattr(other_customer_client, method)(target, address_data(street="Hijacked"))
    assert response.status_code == 404
    address.refresh_from_db()
    assert address.street == "Ermou" and address.is_default
    assert Address.objects.filter(pk=address.pk).exists()


@pytest.mark.policy("C1")
def test_another_customers_addresses_never_appear(customer, other_customer, other_customer_client):
    make_address(customer, street="Secret street")
    make_address(other_customer, street="Own street")
    body = other_customer_client.get(url("accounts:addresses")).content.decode()
    assert "Own street" in body
    assert "Secret street" not in body
    privacy = other_customer_client.get(url("accounts:privacy")).content.decode()
    assert "Secret street" not in privacy


@pytest.mark.policy("C1")
def test_unknown_public_id_is_not_found(customer_client):
    assert customer_client.get(url("accounts:address-edit", public_id=uuid.uuid4())).status_code == 404


def test_address_book_has_a_bound(customer, customer_client, monkeypatch):
    from allegra.accounts.services import profile as services

    monkeypatch.setattr(services, "MAX_ADDRESSES", 2)
    make_address(customer)
    make_address(customer, label="Office")
    with pytest.raises(services.AddressBookFull):
        make_address(customer, label="Third")
    response = customer_client.post(url("accounts:address-add"), address_data(label="Third"))
    assert response.status_code == 200
    assert "Your address book is full (2 addresses)" in response.content.decode()
    assert Address.objects.filter(user=customer).count() == 2

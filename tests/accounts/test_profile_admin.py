"""Staff see a customer's profile and addresses as inlines of the user page, decrypted for display."""

import pytest
from django.contrib.admin import AdminSite
from django.test import RequestFactory

from allegra.accounts.admin import AddressInline, ProfileInline, UserAdmin
from allegra.accounts.models import User
from allegra.accounts.services.profile import create_address, update_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_request():
    request = RequestFactory().get("/admin/")
    request.user = User.objects.create_superuser("admin@example.com", "amber-olive-lantern-42")
    return request


def test_user_page_carries_profile_and_address_inlines(customer, staff_request):
    user_admin = UserAdmin(User, AdminSite())
    inlines = [type(inline) for inline in user_admin.get_inline_instances(staff_request, customer)]
    assert inlines == [ProfileInline, AddressInline]
    # The add page stays email and password only: a new user has no profile or addresses yet.
    assert user_admin.get_inline_instances(staff_request, None) == []


def test_inline_forms_show_the_decrypted_values(customer, staff_request):
    update_profile(user=customer, telephone="+306912345678", hometown="Ioannina")
    address = create_address(
        user=customer,
        kind="shipping",
        recipient_name="Eleni",
        street="Ermou",
        city="Athens",
        postcode="10563",
        country="GR",
    )
    site = AdminSite()
    profile_formset = ProfileInline(User, site).get_formset(staff_request, customer)(instance=customer)
    assert profile_formset.forms[0].initial["telephone"] == "+306912345678"
    assert profile_formset.forms[0].initial["hometown"] == "Ioannina"
    address_formset = AddressInline(User, site).get_formset(staff_request, customer)(instance=customer)
    (form,) = address_formset.forms
    assert form.instance.public_id == address.public_id
    assert (form.initial["street"], form.initial["postcode"]) == ("Ermou", "10563")

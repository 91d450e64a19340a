# ruff: noqa: F811 - the shared fixtures are imported by name, and pytest passes them by that name
"""S2: the disclosure log: who asked, on what legal basis, what was given about whom, who approved; final once
the data has been disclosed."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from allegra.core.models import AuditEntry
from allegra.privacy.models import Disclosure
from allegra.privacy.models.disclosures import DisclosureBasis, DisclosureLocked
from allegra.privacy.registry import personal_data_map
from allegra.privacy.selectors import person_data
from tests.privacy.registry_support import fast_passwords, form_errors, staff_client  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.policy("S2")]

LIST = "/admin/privacy/disclosure/"
ADD = "/admin/privacy/disclosure/add/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
REQUESTED = timezone.make_aware(datetime.datetime(2026, 5, 4, 10, 0))


@pytest.fixture
def customer(db):
    return get_user_model().objects.create_user("eleni@example.com", "customer-pass-2026", screen_name="Ελένη")


def _post_data(approver, **overrides) -> dict:
    data = {
        "requester": "Hellenic Police, Cybercrime Division",
        "requester_reference": "ΔΙΔΗΕ-2026/118",
        "requested_at_0": "2026-05-04",
        "requested_at_1": "10:00:00",
        "legal_basis": DisclosureBasis.LAW_ENFORCEMENT,
        "legal_basis_detail": "Art. 4 of L.2225/1994, prosecutor's order 77/2026",
        "categories": ["user.contact.email", "user.behavior.purchase_history"],
        "data_description": "Email address and the orders of May 2026.",
        "subject": "",
        "approved_by": approver.pk,
        "approved_at_0": "2026-05-05",
        "approved_at_1": "09:00:00",
        "disclosed_at_0": "",
        "disclosed_at_1": "",
    }
    data.update(overrides)
    return data


def _disclosure(approver, **overrides) -> Disclosure:
    values = {
        "requester": "Tax office of Athens",
        "legal_basis": DisclosureBasis.TAX_AUTHORITY,
        "categories": ["user.contact.email"],
        "requested_at": REQUESTED,
        "approved_by": approver,
        "approved_at": REQUESTED + datetime.timedelta(days=1),
    }
    values.update(overrides)
    disclosure = Disclosure(**values)
    disclosure.full_clean()
    disclosure.save()
    return disclosure


def test_the_privacy_officer_records_a_disclosure_and_it_is_audited_under_the_person(staff_client, customer):
    client, officer = staff_client("Privacy officer")
    response = client.post(ADD, _post_data(officer, subject=customer.pk))
    assert response.status_code == 302, form_errors(response)
    disclosure = Disclosure.objects.get()
    assert disclosure.subject == customer
    assert disclosure.approved_by == officer
    assert disclosure.categories == ["user.contact.email", "user.behavior.purchase_history"]
    entry = AuditEntry.objects.get(subject=str(customer.public_id), action="change")
    assert entry.actor == officer
    assert "categories" in entry.fields
    assert "Hellenic Police" in client.get(LIST).content.decode()


def test_the_add_form_proposes_the_officer_as_approver(staff_client):
    client, officer = staff_client("Privacy officer")
    form = client.get(ADD).context["adminform"].form
    assert form.initial["approved_by"] == officer.pk


@pytest.mark.parametrize("role", ["Marketing", "Fulfilment", "Store manager", "Consumer services"])
def test_other_roles_have_no_access(staff_client, role):
    client, user = staff_client(role)
    assert client.get(LIST).status_code == 403
    assert client.post(ADD, _post_data(user)).status_code == 403
    assert not Disclosure.objects.exists()


def test_a_missing_approver_is_refused_with_a_clear_message(staff_client):
    client, officer = staff_client("Privacy officer")
    response = client.post(ADD, _post_data(officer, approved_by=""), **EN)
    assert form_errors(response)["approved_by"] == ["Name the member of staff who approved the disclosure."]
    assert not Disclosure.objects.exists()


def test_a_category_outside_the_map_is_refused_with_a_clear_message(staff_client):
    client, officer = staff_client("Privacy officer")
    response = client.post(ADD, _post_data(officer, categories=["user.biometric.retinal"]), **EN)
    assert form_errors(response)["categories"] == [
        "user.biometric.retinal is not a data category of the personal-data map."
    ]
    assert not Disclosure.objects.exists()


def test_other_needs_an_explanation(staff_client):
    client, officer = staff_client("Privacy officer")
    response = client.post(ADD, _post_data(officer, legal_basis=DisclosureBasis.OTHER, legal_basis_detail=""), **EN)
    assert form_errors(response)["legal_basis_detail"] == ["Explain the legal basis when it is “other”."]
    assert not Disclosure.objects.exists()


def test_the_approver_must_be_staff(english, customer):
    with pytest.raises(ValidationError) as raised:
        _disclosure(customer)
    assert "approved_by" in raised.value.message_dict


def test_the_model_refuses_categories_outside_the_map(english, staff_client):
    _client, officer = staff_client("Privacy officer")
    with pytest.raises(ValidationError) as raised:
        _disclosure(officer, categories=["user.contact.email", "user.shoe_size"])
    assert raised.value.message_dict["categories"] == ["Not a data category of the personal-data map: user.shoe_size."]


def test_what_was_given_must_be_said(english, staff_client):
    _client, officer = staff_client("Privacy officer")
    with pytest.raises(ValidationError) as raised:
        _disclosure(officer, categories=[], data_description="")
    assert "categories" in raised.value.message_dict


def test_a_disclosure_in_preparation_can_be_completed_then_is_final(staff_client):
    client, officer = staff_client("Privacy officer")
    disclosure = _disclosure(officer)
    change = f"/admin/privacy/disclosure/{disclosure.pk}/change/"
    data = _post_data(
        officer,
        requested_at_0="2026-05-04",
        disclosed_at_0="2026-05-06",
        disclosed_at_1="12:00:00",
    )
    response = client.post(change, data)
    assert response.status_code == 302, form_errors(response)
    disclosure.refresh_from_db()
    assert disclosure.disclosed_at is not None
    # Disclosed: the page is read-only and a change is refused.
    page = client.get(change)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert client.post(change, {**data, "requester": "Someone else"}).status_code == 403
    disclosure.refresh_from_db()
    assert disclosure.requester == "Hellenic Police, Cybercrime Division"


def test_a_disclosed_record_is_append_only(staff_client):
    _client, officer = staff_client("Privacy officer")
    disclosure = _disclosure(officer, disclosed_at=REQUESTED + datetime.timedelta(days=2))
    stored = Disclosure.objects.get(pk=disclosure.pk)
    stored.requester = "Someone else"
    with pytest.raises(DisclosureLocked):
        stored.save()
    with pytest.raises(DisclosureLocked):
        stored.delete()
    with pytest.raises(DisclosureLocked):
        Disclosure.objects.filter(pk=disclosure.pk).update(requester="Someone else")
    with pytest.raises(DisclosureLocked):
        Disclosure.objects.all().delete()
    assert Disclosure.objects.get(pk=disclosure.pk).requester == "Tax office of Athens"


def test_nobody_deletes_a_disclosure_in_the_back_office(staff_client):
    client, officer = staff_client("Privacy officer")
    disclosure = _disclosure(officer)
    assert client.post(f"/admin/privacy/disclosure/{disclosure.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Disclosure.objects.filter(pk=disclosure.pk).exists()


def test_the_disclosure_is_declared_in_the_map_and_belongs_to_the_person(staff_client, customer):
    entry = personal_data_map.models["privacy.Disclosure"]
    assert entry.subject_path == "subject"
    assert {f.field for f in entry.fields} == {"categories", "data_description"}
    _client, officer = staff_client("Privacy officer")
    _disclosure(officer, subject=customer, data_description="Email address for the 2025 audit.")
    assert "Email address for the 2025 audit." in person_data(customer).values("user")


def test_deleting_the_person_keeps_the_record_detached(staff_client, customer):
    _client, officer = staff_client("Privacy officer")
    disclosure = _disclosure(officer, subject=customer, disclosed_at=REQUESTED + datetime.timedelta(days=2))
    customer.delete()
    stored = Disclosure.objects.get(pk=disclosure.pk)
    assert stored.subject is None
    assert stored.requester == "Tax office of Athens"

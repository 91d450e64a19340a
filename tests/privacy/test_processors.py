# ruff: noqa: F811 - the shared fixtures are imported by name, and pytest passes them by that name
"""S1: the registry of processors, kept by the Privacy officer and shown on the public privacy page."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
import yaml
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.management import call_command

from allegra.core.models import AuditEntry
from allegra.privacy import exports
from allegra.privacy.models import ProcessorAgreement
from allegra.privacy.models.processors import Safeguard
from allegra.privacy.processors import ensure_processor_agreements, find_registry_problems, recipients
from allegra.privacy.registry import personal_data_map
from tests.privacy.registry_support import fast_passwords, form_errors, staff_client  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.policy("S1")]

LIST = "/admin/privacy/processoragreement/"
ADD = "/admin/privacy/processoragreement/add/"
PAGE = "/en/privacy/what-we-collect/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

# The header's categories and the active agreements: whatever the number of agreements.
PAGE_QUERIES = 2


def _agreement(**overrides) -> ProcessorAgreement:
    values = {
        "key": "mailer",
        "service": "Example Mail Ltd (transactional email)",
        "data_categories": ["user.contact.email", "user.name"],
        "purpose_el": "Αποστέλλει τα email των παραγγελιών σας.",
        "purpose_en": "Sends your order emails.",
        "country": "US",
        "safeguards": Safeguard.SCCS,
        "safeguards_detail": "SCCs module 2 (2021)",
        "agreement_date": datetime.date(2026, 3, 1),
        "agreement_reference": "DPA-2026-07",
    }
    values.update(overrides)
    agreement = ProcessorAgreement(**values)
    agreement.full_clean()
    agreement.save()
    return agreement


def _post_data(**overrides) -> dict:
    data = {
        "key": "courier",
        "service": "Example Courier",
        "data_categories": ["user.name", "user.contact.address"],
        "purpose_el": "Παραδίδει τις παραγγελίες σας.",
        "purpose_en": "Delivers your orders.",
        "country": "GR",
        "safeguards": Safeguard.WITHIN_EEA,
        "safeguards_detail": "",
        "agreement_date": "2026-02-01",
        "agreement_reference": "DPA-2026-01",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_the_privacy_officer_adds_an_agreement_and_the_change_is_audited(staff_client):
    client, officer = staff_client("Privacy officer")
    response = client.post(ADD, _post_data())
    assert response.status_code == 302, form_errors(response)
    agreement = ProcessorAgreement.objects.get(key="courier")
    assert agreement.data_categories == ["user.name", "user.contact.address"]
    assert str(agreement.country) == "GR"
    entry = AuditEntry.objects.get(subject="processor:courier")
    assert entry.action == "change"
    assert entry.actor == officer
    assert "data_categories" in entry.fields
    assert "Example Courier" in client.get(LIST).content.decode()


@pytest.mark.parametrize("role", ["Marketing", "Fulfilment", "Store manager", "Consumer services"])
def test_other_roles_have_no_access(staff_client, role):
    client, _user = staff_client(role)
    assert client.get(LIST).status_code == 403
    assert client.post(ADD, _post_data()).status_code == 403
    assert not ProcessorAgreement.objects.exists()


def test_an_unknown_category_is_refused_with_a_clear_message(staff_client):
    client, _officer = staff_client("Privacy officer")
    response = client.post(ADD, _post_data(data_categories=["user.contact.emial"]), **EN)
    errors = form_errors(response)
    assert errors["data_categories"] == ["user.contact.emial is not a data category of the taxonomy."]
    assert not ProcessorAgreement.objects.exists()


def test_the_model_refuses_an_unknown_category_too(english):
    with pytest.raises(ValidationError) as raised:
        _agreement(data_categories=["user.contact.email", "user.shoe_size"])
    assert raised.value.message_dict["data_categories"] == ["Not a data category of the taxonomy: user.shoe_size."]


def test_a_transfer_outside_the_eea_needs_a_safeguard(staff_client):
    client, _officer = staff_client("Privacy officer")
    response = client.post(ADD, _post_data(country="US", safeguards=Safeguard.WITHIN_EEA), **EN)
    assert form_errors(response)["safeguards"] == [
        "This country is outside the EEA: name the safeguard the transfer rests on."
    ]
    assert not ProcessorAgreement.objects.exists()


def test_one_active_agreement_per_processor(staff_client):
    client, _officer = staff_client("Privacy officer")
    _agreement(key="courier", country="GR", safeguards=Safeguard.WITHIN_EEA)
    response = client.post(ADD, _post_data(), **EN)
    assert "This processor already has an active agreement: deactivate it first." in str(form_errors(response))
    # A renewed agreement beside a deactivated one is fine.
    ProcessorAgreement.objects.filter(key="courier").update(active=False)
    assert client.post(ADD, _post_data()).status_code == 302
    assert ProcessorAgreement.objects.filter(key="courier").count() == 2


def test_the_public_page_shows_who_we_share_with_and_marks_transfers(client):
    _agreement()
    page = client.get(PAGE).content.decode()
    assert '<h2 id="heading-who-we-share-with">Who we share data with</h2>' in page
    assert "Example Mail Ltd (transactional email)" in page
    assert "Sends your order emails." in page
    assert "United States of America" in page
    assert "outside the EEA: a transfer" in page
    assert "standard contractual clauses (GDPR Art. 46(2)(c)); SCCs module 2 (2021)" in page
    # The map's processor without an agreement row is still listed, from the map's declaration.
    assert "Payment service provider (card processing)" in page
    assert "We share personal data with no other company" not in page


def test_the_greek_page_shows_the_greek_purpose(client):
    _agreement()
    page = client.get("/el/privacy/what-we-collect/").content.decode()
    assert "Αποστέλλει τα email των παραγγελιών σας." in page
    assert "Sends your order emails." not in page


def test_a_processor_inside_the_eea_is_not_a_transfer(client):
    _agreement(country="DE", safeguards=Safeguard.WITHIN_EEA, safeguards_detail="")
    page = client.get(PAGE).content.decode()
    assert "Example Mail Ltd" in page
    assert "outside the EEA: a transfer" not in page


def test_an_inactive_agreement_is_not_shown(client):
    _agreement(active=False)
    assert "Example Mail Ltd" not in client.get(PAGE).content.decode()


def test_the_agreement_replaces_the_map_declaration_on_the_page(client):
    _agreement(key="payment_provider", service="Viva Example Payments", country="GR", safeguards="within_eea")
    page = client.get(PAGE).content.decode()
    assert "Viva Example Payments" in page
    assert page.count('class="privacy-recipient"') == 1


def test_the_page_queries_are_the_same_whatever_the_number_of_agreements(client, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    for number in range(5):
        _agreement(key=f"mailer-{number}")
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(PAGE).status_code == 200


def test_a_new_agreement_reaches_the_cached_page(client):
    assert "Example Mail Ltd" not in client.get(PAGE).content.decode()
    _agreement()
    response = client.get(PAGE)
    assert response["X-Page-Cache"] == "miss"
    assert "Example Mail Ltd" in response.content.decode()


def test_the_records_of_processing_name_the_agreement_and_the_transfer():
    _agreement(key="payment_provider", service="Card Processor Inc.", country="US", purpose_en="Takes payments.")
    document = exports.records_of_processing_document()
    payment = next(r for r in document["records"] if r["purpose_key"] == "essential.service.payment_processing")
    assert payment["recipients"] == ["Card Processor Inc. (Takes payments.)"]
    assert payment["transfers"] == [
        "Card Processor Inc.: United States of America, "
        "standard contractual clauses (GDPR Art. 46(2)(c)); SCCs module 2 (2021)"
    ]
    recipient = next(r for r in document["recipients"] if r["key"] == "payment_provider")
    assert recipient["agreement_date"] == "2026-03-01"
    assert recipient["agreement_reference"] == "DPA-2026-07"


def test_the_records_of_processing_page_reads_the_registry(staff_client):
    client, _officer = staff_client("Privacy officer")
    _agreement(key="payment_provider", service="Card Processor Inc.", country="US")
    page = client.get("/admin/privacy/recordsofprocessing/", **EN).content.decode()
    assert "Card Processor Inc." in page


def test_the_data_map_manifest_lists_the_registry():
    _agreement()
    out = StringIO()
    call_command("export_data_map", "--format", "json", stdout=out)
    manifest = json.loads(out.getvalue())
    mailer = next(p for p in manifest["processors"] if p["key"] == "mailer")
    assert mailer["country"] == "US"
    assert mailer["transfer"] is True
    assert mailer["categories"] == ["user.contact.email", "user.name"]
    yaml_out = StringIO()
    call_command("export_data_map", "--format", "yaml", stdout=yaml_out)
    assert yaml.safe_load(yaml_out.getvalue())["processors"] == manifest["processors"]


def test_the_check_warns_of_a_processor_of_the_map_without_an_active_agreement():
    problems = find_registry_problems(personal_data_map, ProcessorAgreement.objects.all())
    assert [p.id for p in problems] == ["privacy.W001"]
    assert "payment_provider" in problems[0].msg
    # The check runs where checks may query the database.
    ids = {m.id for m in checks.run_checks(tags=["privacy"], databases=["default"])}
    assert "privacy.W001" in ids


def test_ensure_processors_creates_the_missing_rows_once_and_keeps_the_officers_choices():
    out = StringIO()
    call_command("ensure_processors", stdout=out)
    created = ProcessorAgreement.objects.get(key="payment_provider")
    assert created.active
    assert created.service == "Payment service provider (card processing)"
    assert created.data_categories == ["user.financial.credit_card"]
    assert created.safeguards == Safeguard.WITHIN_EEA
    assert "payment_provider" in out.getvalue()
    # The signed agreement is not known to the code: the check asks for its date.
    problems = find_registry_problems(personal_data_map, ProcessorAgreement.objects.all())
    assert [p.id for p in problems] == ["privacy.W002"]
    # Running again changes nothing; a deactivated agreement is not brought back.
    ProcessorAgreement.objects.filter(key="payment_provider").update(active=False)
    assert ensure_processor_agreements() == []
    assert not ProcessorAgreement.objects.filter(active=True).exists()
    problems = find_registry_problems(personal_data_map, ProcessorAgreement.objects.all())
    assert [p.id for p in problems] == ["privacy.W001"]


def test_a_dated_agreement_for_every_processor_of_the_map_passes_the_check():
    ensure_processor_agreements()
    ProcessorAgreement.objects.update(agreement_date=datetime.date(2026, 1, 1))
    assert find_registry_problems(personal_data_map, ProcessorAgreement.objects.all()) == []
    assert {r.key for r in recipients()} == set(personal_data_map.processors)

"""Erasure (R3.erase) and registering again (R3.again): one customer in every category the shop holds, erased
through the personal-data map; then every cell of every table is read with plain SQL, and every encrypted column
through the ORM, to prove none of their values is left outside the pseudonymised records the law keeps."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.apps import apps
from django.core import mail

from allegra.accounts.models import Address, Profile, User
from allegra.accounts.services.auth import sign_up
from allegra.cart.models import Cart
from allegra.consent.models import ConsentRecord, PurposeConsentRecord, PurposeSource, Source
from allegra.consent.purposes import MARKETING_EMAIL
from allegra.consent.services import record_purpose_consent
from allegra.core.encryption import blind_index
from allegra.core.fields import EncryptedFieldMixin
from allegra.core.models import AuditEntry
from allegra.fraud.models import FraudAssessment, FraudSignal
from allegra.fraud.services import record_decline
from allegra.orders.models import Invoice, Order
from allegra.orders.services import AddressInput, ContactInput, issue_invoice, mark_paid
from allegra.payments.models import Payment
from allegra.privacy.erasure import ErasureError, erase_subject, send_erasure_notice
from allegra.privacy.models import SuppressionEntry
from allegra.privacy.suppression import is_suppressed
from allegra.wishlist.models import WishlistItem
from tests.cart.conftest import shop  # noqa: F401 - the shared small shop
from tests.catalog.conftest import make_category, make_product  # noqa: F401
from tests.checkout.conftest import make_cart, place  # noqa: F401
from tests.payments.test_card_data import as_text, every_cell

pytestmark = pytest.mark.django_db(transaction=False)

EMAIL = "Zoi.Kalliga@Example.com"
NAME = "Ζωή Καλλιγά"
SCREEN_NAME = "zoikal77"
PHONE = "+306944000111"
ORDER_PHONE = "+30 694 4000 222"
STREET = "Ακαδημίας Πλάτωνος"
POSTCODE = "18233"
CITY = "Ρέντης"
HOMETOWN = "Σκιάθος"
BIRTH = datetime.date(1985, 3, 9)
FINGERPRINT = "fp_" + "7" * 29


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _address(name: str, street: str, postcode: str, city: str) -> AddressInput:
    return AddressInput(recipient_name=name, street=street, number="7", city=city, postcode=postcode, country="GR")


def _order(place, make_cart, variant, *, user, email, name, street, postcode, city, phone, card=FINGERPRINT):  # noqa: F811
    address = _address(name, street, postcode, city)
    placed = place(
        make_cart((variant, 1)),
        contact=ContactInput(email=email, phone=phone),
        shipping_address=address,
        billing_address=address,
        user=user,
        language="el",
    )
    order = mark_paid(order=placed.order, payment_reference="pay-" + placed.order.number)
    issue_invoice(order=order)
    Payment.objects.filter(payable=order.number).update(
        card_brand="visa", card_last4="4242", card_exp_month=12, card_exp_year=2031, card_fingerprint=card
    )
    if not Payment.objects.filter(payable=order.number).exists():
        Payment.objects.create(
            payable=order.number,
            amount_cents=int(order.total * 100),
            idempotency_key=uuid.uuid4().hex,
            return_url="/",
            provider_payment_id=uuid.uuid4().hex,
            card_brand="visa",
            card_last4="4242",
            card_fingerprint=card,
        )
    return order


@pytest.fixture
def customer(shop, make_cart, place):  # noqa: F811
    """One customer with something in every category the shop keeps on a person."""
    user = User.objects.create_user(email=EMAIL.lower(), password="a long passphrase 1", screen_name=SCREEN_NAME)
    Profile.objects.create(
        user=user, full_name=NAME, telephone=PHONE, gender="female", hometown=HOMETOWN, date_of_birth=BIRTH
    )
    address = Address.objects.create(
        user=user,
        label="Σπίτι μου",
        recipient_name=NAME,
        street=STREET,
        number="7",
        city=CITY,
        postcode=POSTCODE,
        country="GR",
        telephone=PHONE,
    )
    WishlistItem.objects.create(user=user, variant=shop["R-S54"])
    make_cart((shop["R-S54"], 2), owner=user)
    consent_id = uuid.uuid4()
    ConsentRecord.objects.create(
        consent_id=consent_id,
        user=user,
        performance=True,
        advertising=False,
        source=Source.BANNER_FIRST_LAYER,
        policy_version="1",
        ip_truncated="203.0.113.0",
    )
    record_purpose_consent(
        purpose=MARKETING_EMAIL,
        granted=True,
        source=PurposeSource.ACCOUNT_SETTINGS,
        notice_text="Newsletter",
        user=user,
    )
    # Before the account: a newsletter sign-up with the address alone, found by its blind index.
    record_purpose_consent(
        purpose=MARKETING_EMAIL, granted=True, source=PurposeSource.NEWSLETTER_FORM, notice_text="News", email=EMAIL
    )
    account_order = _order(
        place, make_cart, shop["R-S54"], user=user, email=EMAIL.lower(), name=NAME, street=STREET,
        postcode=POSTCODE, city=CITY, phone=ORDER_PHONE,
    )  # fmt: skip
    guest_order = _order(
        place, make_cart, shop["R-S54"], user=None, email=EMAIL.upper(), name=NAME, street=STREET,
        postcode=POSTCODE, city=CITY, phone=ORDER_PHONE,
    )  # fmt: skip
    record_decline(email=EMAIL, card_fingerprint=FINGERPRINT, ip=None)
    user.refresh_from_db()
    return {
        "user": user,
        "orders": [account_order, guest_order],
        "consent_id": consent_id,
        "identifying": [
            EMAIL.lower(),
            NAME,
            SCREEN_NAME,
            PHONE,
            ORDER_PHONE,
            STREET,
            POSTCODE,
            CITY,
            HOMETOWN,
            BIRTH.isoformat(),
            str(user.public_id),
            user.public_id.hex,
            str(address.public_id),
            str(consent_id),
            consent_id.hex,
            FINGERPRINT,
            "Σπίτι μου",
            blind_index(EMAIL, purpose="consent.email"),
            blind_index(EMAIL, purpose="fraud.email"),
            blind_index(FINGERPRINT, purpose="fraud.card"),
        ],
    }


@pytest.fixture
def other(shop, make_cart, place):  # noqa: F811
    user = User.objects.create_user(email="petros@example.com", screen_name="petros")
    Profile.objects.create(user=user, full_name="Πέτρος Άλλος", telephone="+306900000999")
    Address.objects.create(user=user, recipient_name="Πέτρος Άλλος", street="Πατησίων", city="Αθήνα", postcode="11257")
    order = _order(
        place, make_cart, shop["R-S54"], user=user, email="petros@example.com", name="Πέτρος Άλλος",
        street="Πατησίων", postcode="11257", city="Αθήνα", phone="+306900000999", card="fp_other_card",
    )  # fmt: skip
    record_purpose_consent(
        purpose=MARKETING_EMAIL,
        granted=True,
        source=PurposeSource.ACCOUNT_SETTINGS,
        notice_text="Newsletter",
        user=user,
    )
    return {"user": user, "order": order}


def _left_in_cells(values: list[str], *, public_id: str = "") -> list[tuple[str, str]]:
    """(table, value) for every cell that still holds one of `values`. The erasure's own audit entry names the
    account by its public ID (a random ID that now leads nowhere): the record of how the shop handled the
    request (GDPR Art. 5(2)), declared so in core's personal_data; nothing else may."""
    found = []
    for table, cell in every_cell():
        text = cell.casefold()
        for value in values:
            if value.casefold() in text and not (table == "core_auditentry" and value == public_id):
                found.append((table, value))
    return found


def _left_in_encrypted_columns(values: list[str]) -> list[tuple[str, str]]:
    """Every encrypted column of every model, decrypted through the ORM."""
    found = []
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedFieldMixin)]
        for row in model._base_manager.all():
            for f in encrypted:
                text = as_text(f.value_from_object(row)).casefold()
                found += [(model._meta.label, value) for value in values if value.casefold() in text]
    return found


@pytest.mark.policy("R3.erase")
def test_erasure_leaves_no_identifying_value_outside_the_pseudonymised_legal_hold(customer, other):
    user = customer["user"]
    other_before = {
        "addresses": Address.objects.filter(user=other["user"]).count(),
        "order_email": other["order"].email,
        "consents": PurposeConsentRecord.objects.filter(user=other["user"]).count(),
    }
    assert FraudSignal.objects.exists() and FraudAssessment.objects.count() >= 2
    values = customer["identifying"]
    assert _left_in_cells(values), "the seed holds the values in clear or as hashes"

    report = erase_subject(user=user, actor=None, reason="request #1", language="en")

    assert _left_in_cells(values, public_id=str(user.public_id)) == []
    assert _left_in_encrypted_columns(values) == []
    # Orders and invoices stay with their amounts, lines and numbers, detached and without name, email,
    # telephone or address.
    for before in customer["orders"]:
        order = Order.objects.get(pk=before.pk)
        assert order.user_id is None
        assert (order.total, order.number, order.lines.count()) == (before.total, before.number, 1)
        assert order.email.startswith("erased-") and order.email.endswith("@erased.invalid")
        assert order.phone == "" and order.shipping_address == "" and order.billing_address == ""
        invoice = Invoice.objects.get(order=order)
        assert invoice.total == before.total
        assert Payment.objects.get(payable=order.number).card_fingerprint == ""
    assert Order.objects.filter(email__startswith="erased-").values("email").distinct().count() == 1
    # Proof of consent stays, detached: the same pseudonym joins the person's records.
    assert ConsentRecord.objects.filter(user__isnull=True).count() == 1
    kept_consents = PurposeConsentRecord.objects.filter(email_index__startswith="erased-")
    assert kept_consents.count() == 2 and not kept_consents.filter(user__isnull=False).exists()
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Cart.objects.filter(owner_id=user.pk).exists()
    assert FraudAssessment.objects.filter(order_reference__in=[o.number for o in customer["orders"]]).count() == 0
    assert is_suppressed(EMAIL) and is_suppressed(" zoi.kalliga@example.com ")
    assert SuppressionEntry.objects.count() == 1

    # Another customer's data is untouched.
    assert Address.objects.filter(user=other["user"]).count() == other_before["addresses"]
    assert Order.objects.get(pk=other["order"].pk).email == other_before["order_email"]
    assert Order.objects.get(pk=other["order"].pk).shipping_address_data["street"] == "Πατησίων"
    assert PurposeConsentRecord.objects.filter(user=other["user"]).count() == other_before["consents"]
    assert not is_suppressed("petros@example.com")
    assert Payment.objects.get(payable=other["order"].number).card_fingerprint == "fp_other_card"

    # The report: per category, what was done, why kept and until when.
    assert report.records("accounts.User", "deleted") == 1
    assert report.records("orders.Order", "pseudonymised") == 2
    held = {line.category: line for line in report.kept}
    assert "Greek accounting law" in held["user.contact.email"].until
    assert held["user.contact.email"].why
    assert any(line.category == "user.demographic.date_of_birth" for line in report.deleted)

    # The audit log: the erasure, with counts only.
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "delete" and entry.reason.startswith("request #1")
    assert "orders.Order:pseudonymised=2" in entry.fields
    logged = " ".join([*entry.fields, entry.reason, entry.actor_label])
    assert not [value for value in values if value.casefold() in logged.casefold()]


@pytest.mark.policy("R3.erase")
def test_the_report_is_emailed_in_the_persons_language_to_the_address_read_before(customer):
    user = customer["user"]
    mail.outbox.clear()
    report = erase_subject(user=user, actor=user, language="el", notify=False)
    assert send_erasure_notice(report, EMAIL.lower())
    message = mail.outbox[-1]
    assert message.to == [EMAIL.lower()]
    assert "Ελληνική λογιστική νομοθεσία" in message.body or "5 " in message.body
    # Erasing oneself: the audit entry names no account (it is gone) and holds no personal value.
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.actor_id is None and SCREEN_NAME not in entry.actor_label


@pytest.mark.policy("R3.erase")
def test_erasing_a_missing_account_is_a_clear_error_and_changes_nothing(customer):
    user = customer["user"]
    erase_subject(user=user, actor=None)
    entries = AuditEntry.objects.count()
    with pytest.raises(ErasureError):
        erase_subject(user=user, actor=None)
    with pytest.raises(ErasureError):
        erase_subject(user=None, actor=None)
    assert AuditEntry.objects.count() == entries


@pytest.mark.policy("R3.erase")
def test_an_erasure_that_fails_half_way_changes_nothing(customer, monkeypatch):
    import allegra.privacy.erasure as erasure

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(erasure, "suppress", broken)
    with pytest.raises(RuntimeError):
        erase_subject(user=customer["user"], actor=None)
    assert User.objects.filter(pk=customer["user"].pk).exists()
    assert Order.objects.filter(user=customer["user"]).count() == 1
    assert Order.objects.get(pk=customer["orders"][1].pk).email == EMAIL.upper()


@pytest.mark.policy("R3.again")
def test_the_same_address_can_sign_up_again_after_erasure(customer):
    erase_subject(user=customer["user"], actor=None)
    result = sign_up(
        email=EMAIL,
        screen_name="again",
        password="another long passphrase",
        site_url="https://shop.test",
        language="el",
    )
    assert result.created
    again = User.objects.get(email__iexact=EMAIL)
    assert again.pk != customer["user"].pk and again.public_id != customer["user"].public_id
    # Nothing of the erased account comes back with the new one.
    assert not Order.objects.filter(user=again).exists()
    assert not PurposeConsentRecord.objects.filter(user=again).exists()

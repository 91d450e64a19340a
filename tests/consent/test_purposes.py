"""Proof of consent to purposes other than cookies: marketing by email, personalisation (U2), a contest's own
consent (U6), recorded from every way in (C7), each change kept (C5), withdrawn from "My privacy" in one click."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from allegra.accounts.services.auth import CHANGE_EMAIL, VERIFY, confirm_email_change, make_token, verify_email
from allegra.consent import selectors, services
from allegra.consent.forms import PURPOSE_WITHDRAW_NOTICE
from allegra.consent.models import AppendOnlyError, ConsentNotice, PurposeConsentRecord, PurposeSource
from allegra.consent.purposes import (
    MARKETING_EMAIL,
    MARKETING_PERSONALISATION,
    PurposeConsentError,
    UnknownPurpose,
    contest_key,
    email_index_of,
    get_purpose,
)
from allegra.consent.services import RETENTION, notice_hash, purge_expired_purpose_records, record_purpose_consent
from allegra.consent.tasks import purge_expired_consent_records
from allegra.privacy.selectors import person_data
from tests.consent.conftest import BROWSER

pytestmark = pytest.mark.django_db

PRIVACY = "/en/account/privacy/"
WITHDRAW = "/en/account/consent/withdraw/"
NEWSLETTER_TEXT = "Yes, email me Allegra's new jewellery and offers. Unsubscribe with one click in any email."
CONTEST_TEXT = "I agree that Allegra uses my name and email to run the Spring Charm contest and tell the winner."


def grant(purpose=MARKETING_EMAIL, *, source=PurposeSource.NEWSLETTER_FORM, **person):
    return record_purpose_consent(purpose=purpose, granted=True, source=source, notice_text=NEWSLETTER_TEXT, **person)


def withdraw(purpose=MARKETING_EMAIL, *, source=PurposeSource.UNSUBSCRIBE_LINK, **person):
    return record_purpose_consent(purpose=purpose, granted=False, source=source, notice_text="", **person)


def backdate(record, when):
    """Moves a record back in time (the ledger refuses updates through its own queryset)."""
    from django.db.models import QuerySet

    QuerySet.update(PurposeConsentRecord.objects.filter(pk=record.pk), recorded_at=when)


# --- the registry ----------------------------------------------------------------------------------------------


@pytest.mark.policy("U6")
@pytest.mark.parametrize(
    "key",
    ["marketing_sms", "", "contest:", "contest:Spring Charm", "contest:a--b", "contest:" + "x" * 61, "MARKETING_EMAIL"],
)
def test_an_unknown_purpose_is_refused_and_nothing_is_stored(customer, key):
    with pytest.raises(UnknownPurpose) as refused:
        grant(key, user=customer)
    assert isinstance(refused.value, ValueError)
    assert "unknown consent purpose" in str(refused.value)
    assert not PurposeConsentRecord.objects.exists() and not ConsentNotice.objects.exists()
    with pytest.raises(UnknownPurpose):
        selectors.purpose_granted(purpose=key, user=customer)


@pytest.mark.policy("U6")
def test_the_registry_says_each_purpose_in_greek_and_english():
    from django.utils import translation

    contest = get_purpose(contest_key("spring-charm"))
    assert (contest.clause, contest.marketing) == ("U6", False)
    assert (get_purpose(MARKETING_EMAIL).clause, get_purpose(MARKETING_PERSONALISATION).marketing) == ("U2", True)
    with translation.override("el"):
        assert get_purpose(MARKETING_EMAIL).label == "Ενημερωτικό δελτίο και προσφορές με email"
        assert "spring-charm" in contest.label and contest.description.startswith("Η χρήση")
    with translation.override("en"):
        assert get_purpose(MARKETING_EMAIL).label == "Newsletter and offers by email"


# --- recording -------------------------------------------------------------------------------------------------


@pytest.mark.policy("U2")
def test_a_grant_keeps_its_proof(customer, make_request):
    request = make_request(ip="203.0.113.57", agent=BROWSER)
    record = grant(request=request, user=customer)
    assert (record.purpose, record.granted, record.source, record.user) == (
        MARKETING_EMAIL, True, PurposeSource.NEWSLETTER_FORM, customer,
    )  # fmt: skip
    assert record.notice_id == notice_hash(NEWSLETTER_TEXT)
    assert ConsentNotice.objects.get(text_hash=record.notice_id).source == PurposeSource.NEWSLETTER_FORM
    assert str(record.ip_truncated) == "203.0.113.0"
    assert record.user_agent_hash == services.hash_user_agent(BROWSER) and BROWSER not in record.user_agent_hash
    assert record.email_index == email_index_of("Eleni@Example.com ")
    assert record.policy_version and record.recorded_by is None


@pytest.mark.policy("U2")
@pytest.mark.parametrize("text", ["", "   \n "])
def test_a_grant_needs_the_text_shown(customer, text):
    with pytest.raises(PurposeConsentError, match="exact text"):
        record_purpose_consent(
            purpose=MARKETING_EMAIL, granted=True, source=PurposeSource.CHECKOUT, notice_text=text, user=customer
        )
    assert not PurposeConsentRecord.objects.exists()


@pytest.mark.parametrize(
    "person",
    [{}, {"email": "not an address"}, {"email": "a@b.gr", "source": "carrier_pigeon"}],
)
def test_a_consent_without_a_person_or_with_a_bad_source_is_refused(person):
    source = person.pop("source", PurposeSource.NEWSLETTER_FORM)
    with pytest.raises(PurposeConsentError):
        record_purpose_consent(
            purpose=MARKETING_EMAIL, granted=True, source=source, notice_text=NEWSLETTER_TEXT, **person
        )
    assert not PurposeConsentRecord.objects.exists() and not ConsentNotice.objects.exists()


@pytest.mark.policy("U2")
@pytest.mark.policy("C5")
def test_the_latest_record_wins_and_withdrawal_ends_the_consent(customer):
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, user=customer) is False  # no record, no consent
    first = grant(user=customer)
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, user=customer) is True
    # Personalisation has its own consent: the newsletter's does not give it.
    assert selectors.purpose_granted(purpose=MARKETING_PERSONALISATION, user=customer) is False
    withdrawn = withdraw(user=customer)
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, user=customer) is False
    assert withdrawn.notice is None and withdrawn.source == PurposeSource.UNSUBSCRIBE_LINK
    grant(user=customer, source=PurposeSource.ACCOUNT_SETTINGS)
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, user=customer) is True
    # Every change is kept (C5), newest first.
    history = selectors.purpose_history_for(user=customer)
    assert [record.granted for record in history] == [True, False, True] and history[-1] == first


@pytest.mark.policy("U2")
def test_the_same_moment_is_ordered_by_arrival(customer):
    moment = timezone.now()
    backdate(grant(user=customer), moment)
    backdate(withdraw(user=customer), moment)
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, user=customer) is False


@pytest.mark.policy("U6")
def test_a_contest_consent_is_its_own_purpose(customer):
    spring, autumn = contest_key("spring-charm"), contest_key("autumn-rings")
    record_purpose_consent(
        purpose=spring, granted=True, source=PurposeSource.CONTEST_FORM, notice_text=CONTEST_TEXT, user=customer
    )
    assert selectors.purpose_granted(purpose=spring, user=customer) is True
    assert selectors.purpose_granted(purpose=autumn, user=customer) is False
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, user=customer) is False


# --- without an account, then with one -------------------------------------------------------------------------


@pytest.mark.policy("U2")
def test_an_email_only_consent_joins_the_account_made_later(db):
    signed_up = grant(email="Maria@Example.gr", source=PurposeSource.NEWSLETTER_FORM)
    confirmed = grant(email="maria@example.gr", source=PurposeSource.DOUBLE_OPT_IN_CONFIRMATION)
    assert signed_up.user is None and signed_up.email_index == confirmed.email_index
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, email=" MARIA@example.gr") is True
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, email="other@example.gr") is False

    user = get_user_model().objects.create_user("maria@example.gr", "a long passphrase 1", is_active=False)
    # Before the address is verified the records are not linked, but they were given before the account existed.
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, user=user) is True
    assert {record.pk for record in selectors.purpose_history_for(user=user)} == {signed_up.pk, confirmed.pk}

    verify_email(token=make_token(purpose=VERIFY, user=user))
    assert set(PurposeConsentRecord.objects.values_list("user", flat=True)) == {user.pk}
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, user=user) is True
    # Linking again changes nothing, and never takes another account's records.
    assert services.attach_email_consents_to_account(user=user) == 0


@pytest.mark.policy("U2")
def test_a_changed_address_brings_its_earlier_consents_once_confirmed(customer):
    earlier = grant(email="new-address@example.gr", source=PurposeSource.NEWSLETTER_FORM)
    customer.refresh_from_db()  # the link is bound to the account as stored
    token = make_token(purpose=CHANGE_EMAIL, user=customer, extra="new-address@example.gr")
    confirm_email_change(user=customer, token=token)
    earlier.refresh_from_db()
    assert earlier.user == customer


@pytest.mark.policy("U2")
def test_an_address_alone_cannot_give_consent_for_an_existing_account_but_can_withdraw(customer):
    later = grant(email=customer.email)
    backdate(later, customer.date_joined + timedelta(days=1))
    # Anyone can type an address into a form: after the account exists, only the account's own records grant.
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, user=customer) is False
    grant(user=customer)
    withdraw(email=customer.email, source=PurposeSource.UNSUBSCRIBE_LINK)
    # An unsubscribe link in an email sent to the address counts, whenever it is used.
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, user=customer) is False


def test_an_accounts_withdrawal_is_found_by_its_address_after_the_account_is_gone(customer):
    grant(user=customer)
    withdraw(user=customer, source=PurposeSource.ACCOUNT_SETTINGS)
    email = customer.email
    customer.delete()
    assert PurposeConsentRecord.objects.filter(user__isnull=True).count() == 2  # kept, detached (legal hold)
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, email=email) is False


# --- append-only, staff-recorded -------------------------------------------------------------------------------


@pytest.mark.policy("C5")
def test_purpose_records_are_append_only(customer):
    record = grant(user=customer)
    record.granted = False
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        PurposeConsentRecord.objects.filter(pk=record.pk).update(granted=False)
    with pytest.raises(AppendOnlyError):
        PurposeConsentRecord.objects.all().delete()
    assert PurposeConsentRecord.objects.get().granted is True


@pytest.mark.policy("C7")
def test_a_consent_recorded_by_staff_keeps_who_recorded_it(customer):
    staff = get_user_model().objects.create_user("desk@allegra.example", "a long passphrase 1", is_staff=True)
    record = record_purpose_consent(
        purpose=MARKETING_EMAIL,
        granted=True,
        source=PurposeSource.STAFF_RECORDED,
        notice_text="Signed at the Thessaloniki fair: " + NEWSLETTER_TEXT,
        email="visitor@example.gr",
        recorded_by=staff,
    )
    assert record.recorded_by == staff and record.user is None
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, email="visitor@example.gr") is True


@pytest.mark.policy("C7")
def test_staff_recording_needs_a_staff_member_and_only_it_names_one(customer):
    staff = get_user_model().objects.create_user("desk@allegra.example", "a long passphrase 1", is_staff=True)
    with pytest.raises(PurposeConsentError, match="staff member"):
        grant(user=customer, source=PurposeSource.STAFF_RECORDED)
    with pytest.raises(PurposeConsentError, match="staff member"):
        grant(user=customer, source=PurposeSource.STAFF_RECORDED, recorded_by=customer)
    with pytest.raises(PurposeConsentError, match="only a consent recorded by staff"):
        grant(user=customer, source=PurposeSource.NEWSLETTER_FORM, recorded_by=staff)
    assert not PurposeConsentRecord.objects.exists()


# --- retention -------------------------------------------------------------------------------------------------


@pytest.mark.policy("C5")
def test_the_purge_keeps_consents_in_force_and_removes_those_superseded_over_five_years_ago(customer, other_customer):
    now = timezone.now()
    long_ago = now - RETENTION - timedelta(days=400)
    # A grant in force since long ago: kept however old.
    in_force = grant(user=customer)
    backdate(in_force, long_ago)
    # Superseded more than 5 years ago: goes; the withdrawal in force that superseded it stays.
    old_grant, old_withdrawal = grant(user=other_customer), withdraw(user=other_customer)
    backdate(old_grant, long_ago)
    backdate(old_withdrawal, long_ago + timedelta(days=30))
    # Superseded 4 years ago: its 5 years are not over yet.
    recent_grant, recent_withdrawal = grant(email="a@example.gr"), withdraw(email="a@example.gr")
    backdate(recent_grant, long_ago)
    backdate(recent_withdrawal, now - timedelta(days=4 * 365))
    # Another purpose of the same person does not supersede it.
    personal = grant(MARKETING_PERSONALISATION, user=customer)
    backdate(personal, long_ago - timedelta(days=1))

    assert purge_expired_purpose_records(now=now) == 1
    remaining = set(PurposeConsentRecord.objects.values_list("pk", flat=True))
    assert remaining == {in_force.pk, old_withdrawal.pk, recent_grant.pk, recent_withdrawal.pk, personal.pk}
    assert purge_expired_purpose_records(now=now) == 0


@pytest.mark.policy("C5")
def test_the_daily_task_purges_both_ledgers(customer):
    long_ago = timezone.now() - RETENTION - timedelta(days=400)
    backdate(grant(user=customer), long_ago)
    backdate(withdraw(user=customer), long_ago + timedelta(days=1))
    assert purge_expired_consent_records.call() == 1
    assert PurposeConsentRecord.objects.get().granted is False


# --- the person's data -----------------------------------------------------------------------------------------


@pytest.mark.policy("C5")
def test_the_persons_data_includes_their_purpose_consents(customer, other_customer):
    grant(user=customer)
    withdraw(MARKETING_PERSONALISATION, user=customer)
    grant(user=other_customer)
    data = person_data(customer)
    mine = [
        item for item in data.category("user.privacy_preferences").items if item.model == "consent.PurposeConsentRecord"
    ]
    assert sorted(item.value for item in mine if item.field == "purpose") == [
        MARKETING_EMAIL,
        MARKETING_PERSONALISATION,
    ]
    assert sorted(item.value for item in mine if item.field == "granted") == [False, True]
    assert {item.declaration.clause for item in mine} == {"C5"}
    assert data.values("user.unique_id.pseudonymous").count(email_index_of(customer.email)) == 2


# --- My privacy ------------------------------------------------------------------------------------------------


@pytest.mark.policy("U2")
@pytest.mark.policy("C5")
def test_my_privacy_lists_purpose_consents_in_athens_time(customer_client, customer, other_customer):
    backdate(grant(user=customer), datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC))
    record_purpose_consent(
        purpose=contest_key("spring-charm"), granted=True, source=PurposeSource.CONTEST_FORM,
        notice_text=CONTEST_TEXT, user=customer,
    )  # fmt: skip
    grant(MARKETING_PERSONALISATION, user=other_customer, source=PurposeSource.CHECKOUT)
    body = customer_client.get(PRIVACY).content.decode()
    assert "20 November 2026, 12:00" in body  # 10:00 UTC is 12:00 in Athens in November
    assert "Newsletter and offers by email" in body and "Newsletter sign-up form" in body
    assert "Contest “spring-charm”" in body and "Contest entry form" in body
    # The other customer's personalisation consent (at checkout) is nowhere; personalisation is "not given".
    assert "Checkout" not in body
    assert body.count('name="purpose"') == 1  # one withdraw button: the newsletter, the only marketing grant
    assert f'value="{MARKETING_EMAIL}"' in body and str(PURPOSE_WITHDRAW_NOTICE) in body


@pytest.mark.policy("U2")
def test_withdrawing_from_my_privacy_takes_one_click(customer_client, customer):
    grant(user=customer)
    response = customer_client.post(WITHDRAW, {"purpose": MARKETING_EMAIL})
    assert response.status_code == 302 and response["Location"] == PRIVACY
    latest = PurposeConsentRecord.objects.first()
    assert (latest.granted, latest.source, latest.user) == (False, PurposeSource.ACCOUNT_SETTINGS, customer)
    assert latest.notice_id == notice_hash(str(PURPOSE_WITHDRAW_NOTICE))
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, user=customer) is False
    page = customer_client.get(PRIVACY).content.decode()
    assert "Withdrawn: Newsletter and offers by email." in page
    assert 'name="purpose"' not in page  # nothing left to withdraw


@pytest.mark.policy("U2")
def test_withdrawing_needs_csrf_a_signed_in_customer_and_a_post(client, customer, customer_client):
    grant(user=customer)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(customer)
    assert browser.post(WITHDRAW, {"purpose": MARKETING_EMAIL}).status_code == 403
    response = client.post(WITHDRAW, {"purpose": MARKETING_EMAIL})
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert customer_client.get(WITHDRAW).status_code == 405
    assert PurposeConsentRecord.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"purpose": "marketing_sms"},
        {"purpose": contest_key("spring-charm")},  # not a marketing purpose: not withdrawn from here
        {"purpose": [MARKETING_EMAIL, MARKETING_PERSONALISATION]},
        {"purpose": MARKETING_EMAIL, "granted": "on"},
        {"purpose": "x" * 5000},
    ],
)
@pytest.mark.policy("U2")
def test_forged_withdrawals_change_nothing(customer_client, customer, data):
    grant(user=customer)
    response = customer_client.post(WITHDRAW, data)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain") and "not saved" in response.content.decode()
    assert PurposeConsentRecord.objects.count() == 1


def test_one_customer_withdraws_only_their_own(customer_client, customer, other_customer):
    grant(user=other_customer)
    customer_client.post(WITHDRAW, {"purpose": MARKETING_EMAIL})
    assert selectors.purpose_granted(purpose=MARKETING_EMAIL, user=other_customer) is True
    assert PurposeConsentRecord.objects.filter(user=customer, granted=False).count() == 1


# Session, user, profile, address kinds, the header's categories, the cookie history, the purpose history.
PRIVACY_QUERIES = 8  # ... and the restriction of processing in force (R3.restrict)


@pytest.mark.parametrize("records", [0, 1, 15])
def test_my_privacy_query_count_is_bounded_with_purpose_consents(
    customer_client, customer, django_assert_num_queries, records
):
    for n in range(records):
        record = grant(MARKETING_EMAIL if n % 2 else contest_key(f"contest-{n}"), user=customer)
        backdate(record, timezone.now() - timedelta(hours=n))
    customer_client.get(PRIVACY)  # warm: translations, templates
    with django_assert_num_queries(PRIVACY_QUERIES):
        assert customer_client.get(PRIVACY).status_code == 200


def test_purpose_granted_and_history_take_one_query_each(customer, django_assert_num_queries):
    for _n in range(5):
        grant(user=customer)
    with django_assert_num_queries(1):
        selectors.purpose_granted(purpose=MARKETING_EMAIL, user=customer)
    with django_assert_num_queries(1):
        assert len(selectors.purpose_history_for(user=customer)) == 5

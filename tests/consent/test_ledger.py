"""The consent ledger: append-only proof of every choice (GDPR Art. 7(1)), the signed cookie that carries the
choice in force (K1, K6), retention, the person's data and the read-only back office."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import signing
from django.test import Client, override_settings
from django.utils import timezone, translation

from allegra.consent import selectors, services
from allegra.consent.models import AppendOnlyError, Category, ConsentNotice, ConsentRecord, Source
from allegra.consent.state import COOKIE_SALT, NO_CHOICE, ConsentState, from_cookie
from allegra.consent.tasks import purge_expired_consent_records
from allegra.core.encryption import blind_index
from allegra.privacy.selectors import person_data
from tests.backoffice.support import verified_client
from tests.consent.conftest import BROWSER

pytestmark = pytest.mark.django_db

NOTICE = "Performance cookies count visits.\n    Advertising cookies measure campaigns."


def record(*, consent_id=None, user=None, when=None, performance=False, advertising=False, source=Source.GPC):
    return ConsentRecord.objects.create(
        consent_id=consent_id or uuid.uuid4(),
        user=user,
        performance=performance,
        advertising=advertising,
        source=source,
        policy_version=settings.PRIVACY_POLICY_VERSION,
        recorded_at=when or timezone.now(),
    )


# --- append-only -----------------------------------------------------------------------------------------------


@pytest.mark.policy("K6")
def test_the_ledger_is_append_only(make_request):
    services.record_choice(
        request=make_request(), performance=True, advertising=False, source=Source.BANNER_CHOOSE_LAYER
    )
    entry = ConsentRecord.objects.get()
    entry.performance = False
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        ConsentRecord.objects.update(performance=False)
    with pytest.raises(AppendOnlyError):
        ConsentRecord.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert ConsentRecord.objects.get().performance is True


# --- record_choice ---------------------------------------------------------------------------------------------


@pytest.mark.policy("K1")
def test_record_choice_keeps_the_proof_without_the_raw_ip_or_user_agent(make_request):
    with translation.override("en"):
        state = services.record_choice(
            request=make_request(ip="203.0.113.57"),
            performance=True,
            advertising=False,
            source=Source.BANNER_CHOOSE_LAYER,
            notice_text=NOTICE,
        )
    entry = ConsentRecord.objects.get()
    assert state == ConsentState(
        consent_id=entry.consent_id,
        decided=True,
        performance=True,
        advertising=False,
        policy_version=settings.PRIVACY_POLICY_VERSION,
    )
    assert entry.user is None
    assert (entry.performance, entry.advertising, entry.gpc) == (True, False, False)
    assert entry.source == Source.BANNER_CHOOSE_LAYER
    assert entry.policy_version == settings.PRIVACY_POLICY_VERSION
    assert entry.ip_truncated == "203.0.113.0"
    assert entry.user_agent_hash == blind_index(BROWSER, purpose="consent.user_agent")
    assert len(entry.user_agent_hash) == 64 and "Mozilla" not in entry.user_agent_hash
    assert entry.notice.text == "Performance cookies count visits. Advertising cookies measure campaigns."
    assert entry.notice.language == "en"
    assert entry.notice.policy_version == settings.PRIVACY_POLICY_VERSION


@pytest.mark.policy("K1")
def test_the_same_notice_is_stored_once_whatever_its_whitespace(make_request):
    first = services.record_choice(
        request=make_request(),
        performance=False,
        advertising=False,
        source=Source.BANNER_FIRST_LAYER,
        notice_text=NOTICE,
    )
    services.record_choice(
        request=make_request(consent=first),
        performance=True,
        advertising=True,
        source=Source.BANNER_FIRST_LAYER,
        notice_text="  " + NOTICE.replace("\n    ", " ") + "\n",
    )
    services.record_choice(
        request=make_request(), performance=False, advertising=False, source=Source.BANNER_FIRST_LAYER, notice_text=""
    )
    assert ConsentNotice.objects.count() == 1
    hashes = list(ConsentRecord.objects.order_by("id").values_list("notice_id", flat=True))
    assert hashes[0] == hashes[1] == services.notice_hash(NOTICE)
    assert hashes[2] is None


def test_a_browser_keeps_its_consent_id_and_a_customer_is_linked(make_request, customer):
    first = services.record_choice(
        request=make_request(), performance=False, advertising=False, source=Source.BANNER_FIRST_LAYER
    )
    second = services.record_choice(
        request=make_request(consent=first, user=customer),
        performance=True,
        advertising=False,
        source=Source.ACCOUNT_SETTINGS,
    )
    assert first.consent_id == second.consent_id
    assert [r.user for r in ConsentRecord.objects.order_by("id")] == [None, customer]


def test_an_unknown_source_is_refused(make_request):
    with pytest.raises(ValueError):
        services.record_choice(request=make_request(), performance=True, advertising=True, source="newsletter")
    assert not ConsentRecord.objects.exists()


@pytest.mark.policy("S5")
def test_accept_all_with_gpc_still_refuses_advertising_but_an_explicit_tick_overrides(make_request):
    state = services.record_choice(
        request=make_request(gpc=True), performance=True, advertising=True, source=Source.BANNER_FIRST_LAYER
    )
    assert (state.performance, state.advertising, state.gpc_honoured) == (True, False, True)
    chosen = services.record_choice(
        request=make_request(consent=state, gpc=True),
        performance=True,
        advertising=True,
        source=Source.BANNER_CHOOSE_LAYER,
    )
    assert chosen.advertising is True
    first, second = ConsentRecord.objects.order_by("id")
    assert (first.advertising, first.gpc, second.advertising, second.gpc) == (False, True, True, True)


@pytest.mark.parametrize(
    ("address", "truncated"),
    [
        ("203.0.113.57", "203.0.113.0"),
        ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::"),
        ("::ffff:198.51.100.23", "198.51.100.0"),
        ("not an address", None),
        ("", None),
        (None, None),
    ],
)
@pytest.mark.policy("C6")
def test_ip_addresses_are_truncated_before_storage(address, truncated):
    assert services.truncate_ip(address) == truncated


def test_the_user_agent_hash_is_keyed():
    digest = services.hash_user_agent(BROWSER)
    with override_settings(BLIND_INDEX_KEY="uCvDqzkyYJ8B3mYt2yNgDFz0VJmIXPc4Dq6GyGj6Jtw"):
        assert services.hash_user_agent(BROWSER) != digest
    assert services.hash_user_agent(BROWSER) == digest
    assert services.hash_user_agent("") == ""


# --- the cookie ------------------------------------------------------------------------------------------------

DECIDED = ConsentState(
    consent_id=uuid.UUID("8d1f4a52-0c5e-4d43-9a3e-2b7c1f6f0a11"),
    decided=True,
    performance=True,
    advertising=False,
    policy_version="2026-11-01",
)


class SignerInThePast(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - settings.CONSENT_COOKIE_MAX_AGE - 60)


@pytest.mark.policy("K1")
def test_the_cookie_round_trips_and_refuses_forgeries():
    assert from_cookie(DECIDED.to_cookie()) == DECIDED
    value = DECIDED.to_cookie()
    forged = value.replace(".1.0.0:", ".1.1.0:", 1)  # advertising "granted" without the key
    assert forged != value
    assert from_cookie(forged) == NO_CHOICE
    unsigned_but_wellformed = signing.TimestampSigner(salt="another.salt").sign("1.." + "2026-11-01.1.1.1.0")
    for bad in (
        "",
        "garbage",
        value + "x",
        unsigned_but_wellformed,
        signing.TimestampSigner(salt=COOKIE_SALT).sign("1.x"),
    ):
        assert from_cookie(bad) == NO_CHOICE


@pytest.mark.policy("K1")
def test_the_cookie_expires_after_twelve_months():
    fields = value_fields(DECIDED)
    old = SignerInThePast(salt=COOKIE_SALT).sign(fields)
    assert from_cookie(old) == NO_CHOICE
    assert from_cookie(signing.TimestampSigner(salt=COOKIE_SALT).sign(fields)) == DECIDED


def value_fields(state: ConsentState) -> str:
    return signing.TimestampSigner(salt=COOKIE_SALT).unsign(state.to_cookie())


@pytest.mark.policy("K1")
def test_a_material_change_asks_again_but_keeps_the_browser_id_and_gpc():
    state = ConsentState(
        consent_id=DECIDED.consent_id, decided=True, performance=True, advertising=True, gpc_honoured=True,
        policy_version="2026-11-01",
    )  # fmt: skip
    with override_settings(CONSENT_RENEWED_AT_VERSION="2027-03-01"):
        renewed = from_cookie(state.to_cookie())
    assert (renewed.decided, renewed.performance, renewed.advertising) == (False, False, False)
    assert renewed.consent_id == state.consent_id and renewed.gpc_honoured
    assert renewed.show_banner


def test_remember_choice_sets_a_functional_cookie_for_twelve_months():
    from django.http import HttpResponse

    for secure in (False, True):
        response = HttpResponse()
        with override_settings(SESSION_COOKIE_SECURE=secure):
            services.remember_choice(response, DECIDED)
        morsel = response.cookies[settings.CONSENT_COOKIE_NAME]
        assert from_cookie(morsel.value) == DECIDED
        assert morsel["max-age"] == settings.CONSENT_COOKIE_MAX_AGE
        assert morsel["path"] == "/"
        assert morsel["samesite"] == "Lax"
        assert morsel["httponly"] is True
        assert bool(morsel["secure"]) is secure


# --- selectors -------------------------------------------------------------------------------------------------


def test_account_allows_follows_the_latest_record(customer):
    assert selectors.account_allows(user=customer, category=Category.PERFORMANCE) is False
    record(user=customer, performance=True, when=timezone.now() - timedelta(days=2))
    assert selectors.account_allows(user=customer, category=Category.PERFORMANCE) is True
    record(user=customer, performance=False, when=timezone.now() - timedelta(days=1))
    assert selectors.account_allows(user=customer, category=Category.PERFORMANCE) is False
    assert selectors.account_allows(user=customer, category=Category.FUNCTIONAL) is True


def test_an_account_grant_lapses_after_twelve_months(customer):
    record(user=customer, performance=True, when=timezone.now() - timedelta(days=366))
    assert selectors.account_allows(user=customer, category=Category.PERFORMANCE) is False


# --- retention -------------------------------------------------------------------------------------------------


def test_purge_deletes_records_whose_consent_ended_over_five_years_ago(customer):
    """A consent ends when a newer choice supersedes it, or 12 months after it was made, when the cookie lapses
    and the choice is asked again; the proof is kept 5 years after that."""
    now = timezone.now()
    years = lambda n: now - timedelta(days=round(365 * n))  # noqa: E731
    old_browser = uuid.uuid4()
    superseded_long_ago = record(consent_id=old_browser, when=years(8))
    lapsed_recently = record(consent_id=old_browser, when=years(5.5))  # lapsed 4.5 years ago
    recent_browser = uuid.uuid4()
    superseded_recently = record(consent_id=recent_browser, when=years(5.5))
    newer = record(consent_id=recent_browser, when=years(2))
    # The account chose in one browser, then again in another: the first browser's record is superseded.
    account_first = record(user=customer, when=years(9))
    account_lapsed_long_ago = record(user=customer, when=years(7))
    browser_never_back = record(when=years(10))
    in_force = record(when=years(0.5))

    assert services.purge_expired_records(now=now) == 4
    kept = set(ConsentRecord.objects.values_list("pk", flat=True))
    assert kept == {lapsed_recently.pk, superseded_recently.pk, newer.pk, in_force.pk}
    gone = {superseded_long_ago.pk, account_first.pk, account_lapsed_long_ago.pk, browser_never_back.pk}
    assert not gone & kept
    assert services.purge_expired_records(now=now) == 0


def test_the_purge_task_runs_the_purge():
    browser = uuid.uuid4()
    record(consent_id=browser, when=timezone.now() - timedelta(days=365 * 7))
    record(consent_id=browser, when=timezone.now() - timedelta(days=365 * 2))
    assert purge_expired_consent_records.call() == 1
    assert purge_expired_consent_records.module_path == "allegra.consent.tasks.purge_expired_consent_records"


# --- the person's data -----------------------------------------------------------------------------------------


@pytest.mark.policy("C6")
def test_a_customers_consent_records_appear_in_their_data(make_request, customer, other_customer):
    services.record_choice(
        request=make_request(user=customer, ip="198.51.100.9"),
        performance=True,
        advertising=False,
        source=Source.ACCOUNT_SETTINGS,
    )
    services.record_choice(
        request=make_request(user=other_customer, ip="192.0.2.200"),
        performance=False,
        advertising=True,
        source=Source.ACCOUNT_SETTINGS,
    )
    data = person_data(customer)
    assert data.values("user.device.ip_address") == ["198.51.100.0"]
    assert True in data.values("user.privacy_preferences")
    assert len(data.values("user.device.cookie_id")) == 1
    assert "192.0.2.0" not in str(data.as_dict())


# --- back office -----------------------------------------------------------------------------------------------


@pytest.fixture
def privacy_officer(db):
    from allegra.accounts.models import User

    user = User.objects.create_user("officer@example.com", "officer-pass-2026", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="consent", codename__in=["view_consentrecord", "view_consentnotice"]
        )
    )
    return user


def test_the_back_office_shows_the_ledger_read_only(make_request, customer, privacy_officer):
    services.record_choice(
        request=make_request(user=customer), performance=True, advertising=False, source=Source.ACCOUNT_SETTINGS,
        notice_text=NOTICE,
    )  # fmt: skip
    entry = ConsentRecord.objects.get()
    client = verified_client(Client(), privacy_officer)
    assert client.get("/admin/consent/consentrecord/").status_code == 200
    assert client.get("/admin/consent/consentrecord/?source__exact=account_settings").status_code == 200
    page = client.get(f"/admin/consent/consentrecord/{entry.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.get("/admin/consent/consentnotice/").status_code == 200
    assert client.get("/admin/consent/consentrecord/add/").status_code == 403
    assert client.post(f"/admin/consent/consentrecord/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    posted = client.post(f"/admin/consent/consentrecord/{entry.pk}/change/", {"performance": ""})
    assert posted.status_code == 403
    assert ConsentRecord.objects.get().performance is True
    # Opening a customer's record is a view of their personal data: the audit log says so.
    from allegra.core.models import AuditEntry

    assert AuditEntry.objects.filter(subject=str(customer.public_id), action="view").exists()


def test_staff_without_the_permission_do_not_see_the_ledger(db):
    from allegra.accounts.models import User

    staff = User.objects.create_user("staff@example.com", "staff-pass-2026", is_staff=True)
    client = verified_client(Client(), staff)
    assert client.get("/admin/consent/consentrecord/").status_code == 403


def test_the_privacy_officer_role_reads_the_ledger_and_nothing_more(make_request, customer):
    from allegra.accounts.models import User
    from allegra.accounts.roles import PRIVACY_OFFICER, ensure_staff_roles

    services.record_choice(request=make_request(user=customer), performance=True, advertising=False,
                           source=Source.ACCOUNT_SETTINGS)  # fmt: skip
    officer = User.objects.create_user("po@example.com", "officer-pass-2026", is_staff=True)
    officer.groups.set([ensure_staff_roles()[PRIVACY_OFFICER]])
    client = verified_client(Client(), officer)
    assert client.get("/admin/consent/consentrecord/").status_code == 200
    assert client.get("/admin/consent/consentnotice/").status_code == 200
    assert not officer.has_perm("consent.change_consentrecord")
    assert not officer.has_perm("consent.delete_consentrecord")

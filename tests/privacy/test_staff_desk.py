"""The Privacy officer's desk: the daily digest of requests falling due (R4.channels), the person's data at a
glance on a request's page (audited), and corrections recorded by staff (R3.correct), encrypted at rest."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from allegra.accounts.models import Address, Profile
from allegra.consent.purposes import MARKETING_EMAIL
from allegra.consent.services import record_purpose_consent
from allegra.core import schedule
from allegra.core.models import AuditEntry
from allegra.privacy import requests as services
from allegra.privacy import staff_desk, vocabulary
from allegra.privacy.models import Correction, RequestDigest, SubjectRequest
from allegra.privacy.tasks import remind_privacy_officers
from tests.backoffice.conftest import make_staff, roles  # noqa: F401 - fixtures
from tests.backoffice.support import verified_client

# Real commits: the digest leaves after the commit, as in production.
pytestmark = [pytest.mark.django_db(transaction=True)]

State = SubjectRequest.State
PASSWORD = "customer-pass-2026"
REQUESTER_EMAIL = "eleni.papadopoulou@example.com"
REQUESTER_NAME = "Ελένη Παπαδοπούλου"
PHONE_BEFORE = "+306944111222"
PHONE_AFTER = "+306944999888"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def guest_request(*, kind="access", email=REQUESTER_EMAIL, due_in_days: float | None = None, **values):
    request = services.submit_request(
        kind=kind, email=email, name=REQUESTER_NAME, channel="webform", language="en", details="x", **values
    )
    if due_in_days is not None:
        due = timezone.now() + datetime.timedelta(days=due_in_days)
        SubjectRequest.objects.filter(pk=request.pk).update(due_at=due)
        request.refresh_from_db()
    return request


def account_request(user, *, kind="access", details="") -> SubjectRequest:
    return services.submit_request(
        kind=kind, email=user.email, channel="account", language="en", user=user, details=details
    )


@pytest.fixture
def officer(make_staff):  # noqa: F811
    return make_staff("officer@allegra.example", "Privacy officer")


# The daily digest ----------------------------------------------------------------------------------------------


@pytest.mark.policy("R4.channels")
def test_the_digest_lists_overdue_and_soon_due_requests_once_a_day_and_names_nobody(
    officer,
    make_staff,  # noqa: F811 - the back office's fixture
    smtp_server,
    settings,
):
    settings.SITE_URL = "https://allegra.example"
    make_staff("second-officer@allegra.example", "Privacy officer")
    gone = make_staff("former-officer@allegra.example", "Privacy officer")
    gone.is_active = False
    gone.save()
    make_staff("marketing@allegra.example", "Marketing")
    late = guest_request(kind="erase", due_in_days=-2)
    soon = guest_request(kind="copy", due_in_days=3)
    later = guest_request(due_in_days=settings.PRIVACY_REQUEST_REMIND_DAYS + 10)
    closed = guest_request(due_in_days=-5)
    SubjectRequest.objects.filter(pk=closed.pk).update(state=State.DENIED)
    smtp_server.messages.clear()  # the requesters' verification links

    result = remind_privacy_officers.call()

    assert result == {"sent": True, "overdue": 1, "due_soon": 1, "recipients": 2}
    assert sorted(message["To"] for message in smtp_server.messages) == [
        "officer@allegra.example",
        "second-officer@allegra.example",
    ]
    message = smtp_server.messages[0]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert late.reference in body and soon.reference in body
        assert later.reference not in body and closed.reference not in body
        assert f"https://allegra.example/admin/privacy/subjectrequest/{late.pk}/change/" in body
    assert text.index(late.reference) < text.index(soon.reference)  # overdue first
    everything = message.as_string() + text + html
    for personal in (REQUESTER_EMAIL, REQUESTER_NAME, "eleni", "Papadopoulou"):
        assert personal.lower() not in everything.lower()

    assert remind_privacy_officers.call() == {"sent": False}  # the second run of the day sends nothing
    assert len(smtp_server.messages) == 2
    digest = RequestDigest.objects.get()
    assert (digest.day, digest.overdue, digest.due_soon) == (timezone.localdate(), 1, 1)


@pytest.mark.policy("R4.channels")
def test_nothing_is_sent_when_nothing_is_due(officer, smtp_server, settings):
    guest_request(due_in_days=settings.PRIVACY_REQUEST_REMIND_DAYS + 1)
    smtp_server.messages.clear()
    assert remind_privacy_officers.call() == {"sent": False}
    assert smtp_server.messages == [] and not RequestDigest.objects.exists()


def test_the_remind_days_setting_widens_the_window(officer, smtp_server, settings):
    guest_request(due_in_days=8)
    smtp_server.messages.clear()
    assert staff_desk.send_digest() is None
    settings.PRIVACY_REQUEST_REMIND_DAYS = 10
    assert staff_desk.send_digest().due_soon == 1


def test_the_digest_is_a_daily_scheduled_job():
    [job] = [job for job in schedule.JOBS if job.task_path.endswith("remind_privacy_officers")]
    assert job.interval == datetime.timedelta(days=1)
    assert schedule.problems() == []


# The person's data at a glance ---------------------------------------------------------------------------------


@pytest.fixture
def customer(db):
    user = get_user_model().objects.create_user(REQUESTER_EMAIL, PASSWORD)
    Profile.objects.create(user=user, full_name=REQUESTER_NAME, telephone=PHONE_BEFORE)
    for street in ("Ερμού", "Αθηνάς"):
        Address.objects.create(
            user=user, recipient_name=REQUESTER_NAME, street=street, number="1", city="Αθήνα", postcode="10563"
        )
    # A newsletter sign-up with the address alone: found by email through the map.
    record_purpose_consent(
        purpose=MARKETING_EMAIL, granted=True, source="newsletter_form", notice_text="News", email=REQUESTER_EMAIL
    )
    return user


def glance_counts(page: str) -> dict[str, int]:
    import re

    rows = re.findall(r'<tr data-category="([^"]+)"><td>[^<]*</td><td class="records">(\d+)</td>', page)
    return {category: int(number) for category, number in rows}


@pytest.mark.policy("R4.channels")
@pytest.mark.usefixtures("english")
def test_the_request_page_shows_how_many_records_of_each_category_and_the_view_is_audited(
    client, officer, customer, smtp_server
):
    request = account_request(customer, kind="erase")
    verified_client(client, officer)
    response = client.get(f"/admin/privacy/subjectrequest/{request.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200 and 'id="data-at-a-glance"' in page
    counts = glance_counts(page)
    # Two addresses and the profile hold a telephone; one account, one profile name + two recipients' names.
    assert counts["user.contact.address"] == 2
    assert counts["user.contact.phone_number"] == 3
    assert counts["user.demographic.gender"] == 1  # the profile
    with translation.override("el"):  # the back office speaks the default language
        assert str(vocabulary.category_name("user.contact.phone_number")) in page
    assert PHONE_BEFORE not in page and "Ερμού" not in page  # counts, never values
    assert f"/admin/privacy/subjectrequest/{request.pk}/step/carry-out/" in page
    assert counts == {line.category: line.records for line in staff_desk.glance(request)}

    entry = AuditEntry.objects.filter(actor=officer, action="view", subject=str(customer.public_id)).latest("id")
    assert "glance" in entry.fields
    assert {f"glance.{category}" for category in counts} <= set(entry.fields)


def test_a_request_without_an_account_is_glanced_at_by_its_email(customer):
    request = guest_request(email=REQUESTER_EMAIL.upper())
    counts = {line.category: line.records for line in staff_desk.glance(request)}
    assert counts.get("user.contact.phone_number") is None  # the account's own rows are not reached by email
    # The newsletter consent given with the address alone, and the request itself (found by its email too).
    assert counts["user.privacy_preferences"] == 2
    nobody = guest_request(email="nobody@example.com")
    assert {line.category: line.records for line in staff_desk.glance(nobody)}["user.privacy_preferences"] == 1


# Corrections ---------------------------------------------------------------------------------------------------


PROFILE_PHONE = "accounts.Profile.telephone"


@pytest.mark.policy("R3.correct")
@pytest.mark.usefixtures("english")
def test_the_privacy_officer_records_a_correction_encrypted_at_rest_and_the_note_names_the_field(
    client, officer, customer, smtp_server, django_capture_on_commit_callbacks
):
    request = account_request(customer, kind="correct", details="My telephone number is wrong.")
    verified_client(client, officer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin in English
    page = client.get(f"/admin/privacy/subjectrequest/{request.pk}/change/").content.decode()
    assert f"/admin/privacy/subjectrequest/{request.pk}/step/correct/" in page
    form = client.get(f"/admin/privacy/subjectrequest/{request.pk}/step/correct/").content.decode()
    assert f'value="{PROFILE_PHONE}"' in form
    assert "accounts.User.password" not in form  # secrets are never "corrected" by hand

    response = client.post(
        f"/admin/privacy/subjectrequest/{request.pk}/step/correct/",
        {"field": PROFILE_PHONE, "before": PHONE_BEFORE, "after": PHONE_AFTER},
    )
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert (correction.request, correction.field, correction.made_by) == (request, PROFILE_PHONE, officer)
    assert (correction.before, correction.after) == (PHONE_BEFORE, PHONE_AFTER)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT field, before, after FROM {Correction._meta.db_table}")
        [(field, before, after)] = cursor.fetchall()
    assert field == PROFILE_PHONE
    assert PHONE_BEFORE not in before and PHONE_AFTER not in after and "6944" not in before + after
    assert any(f"correction.{PROFILE_PHONE}" in e.fields for e in AuditEntry.objects.filter(actor=officer))

    smtp_server.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = services.complete(request=request, actor=officer, outcome="whole", note="Done as you asked.")
    assert "Corrected:" in done.result_note and "telephone" in done.result_note.lower()
    assert PHONE_BEFORE not in done.result_note and PHONE_AFTER not in done.result_note
    body = smtp_server.messages[-1].get_body(("plain",)).get_content()
    assert "Corrected:" in body and PHONE_AFTER not in body


@pytest.mark.policy("R3.correct")
@pytest.mark.usefixtures("english")
def test_corrections_only_for_correct_requests_being_worked_on_and_bad_input_changes_nothing(
    client, officer, customer, smtp_server
):
    verified_client(client, officer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin in English
    access = account_request(customer, kind="access")
    response = client.post(
        f"/admin/privacy/subjectrequest/{access.pk}/step/correct/",
        {"field": PROFILE_PHONE, "before": PHONE_BEFORE, "after": PHONE_AFTER},
    )
    assert response.status_code == 400 and "only for requests to correct data" in response.content.decode()
    unverified = guest_request(kind="correct")
    response = client.post(
        f"/admin/privacy/subjectrequest/{unverified.pk}/step/correct/",
        {"field": PROFILE_PHONE, "before": "a", "after": "b"},
    )
    assert response.status_code == 400 and "verified request" in response.content.decode()
    correct = account_request(customer, kind="correct", details="Fix it")
    for values in (
        {"field": "accounts.Profile.nothing", "before": "a", "after": "b"},
        {"field": PROFILE_PHONE, "before": "same", "after": "same"},
        {"field": PROFILE_PHONE, "before": "", "after": ""},
        {"field": PROFILE_PHONE, "before": "a", "after": "b" * 2001},
    ):
        response = client.post(f"/admin/privacy/subjectrequest/{correct.pk}/step/correct/", values)
        assert response.status_code == 400, values
    assert client.get("/admin/privacy/subjectrequest/999999/step/correct/").status_code == 404
    assert not Correction.objects.exists()


@pytest.mark.policy("R3.correct")
def test_only_the_privacy_officer_records_corrections(client, make_staff, customer, smtp_server):  # noqa: F811
    request = account_request(customer, kind="correct", details="Fix it")
    values = {"field": PROFILE_PHONE, "before": PHONE_BEFORE, "after": PHONE_AFTER}
    for role in ("Marketing", "Consumer services"):
        staff = make_staff(f"{role.split()[0].lower()}@allegra.example", role)
        other = verified_client(Client(), staff)
        assert other.post(f"/admin/privacy/subjectrequest/{request.pk}/step/correct/", values).status_code == 403
        assert other.get(f"/admin/privacy/subjectrequest/{request.pk}/change/").status_code in (302, 403)
    with pytest.raises(staff_desk.CorrectionError):
        staff_desk.record_correction(request=request, actor=customer, field=PROFILE_PHONE, before="a", after="b")
    assert not Correction.objects.exists()


@pytest.mark.policy("R3.correct")
def test_the_request_forms_send_customers_to_correct_their_profile_and_addresses_themselves(client, customer):
    page = client.get("/en/privacy/requests/").content.decode()
    assert 'id="correct-yourself"' in page
    assert "/en/account/profile/" in page and "/en/account/addresses/" in page
    client.force_login(customer)
    page = client.get("/en/privacy/requests/mine/").content.decode()
    assert 'id="correct-yourself"' in page and "/en/account/addresses/" in page


def test_corrections_are_declared_in_the_map_and_kept_like_requests():
    from allegra.privacy.registry import Pseudonym, Retention, personal_data_map

    entry = personal_data_map.models["privacy.Correction"]
    assert entry.subject_path == "request__user"
    assert {item.field for item in entry.fields} == {"before", "after"}
    assert all(item.retention == Retention.SUBJECT_REQUESTS for item in entry.fields)
    assert all(item.pseudonymise == Pseudonym.BLANK for item in entry.fields)  # erasure empties the values

# ruff: noqa: F811 - the fixtures imported from the other suites are used as arguments
"""A person's copy of their data (R3.copy, R3.access): asked for with the password, built in the background from
the personal-data map, downloaded only by its owner while it lasts, then deleted."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from allegra.accounts import two_factor
from allegra.accounts.models import Address, Profile
from allegra.consent.models import PurposeSource
from allegra.consent.purposes import MARKETING_EMAIL
from allegra.consent.services import record_purpose_consent
from allegra.core import encryption
from allegra.core.schedule import JOBS
from allegra.privacy import data_copy, retention
from allegra.privacy.data_copy import (
    DATA_SCHEMA,
    build_data_copy,
    purge_expired_copies,
    start_data_copy,
)
from allegra.privacy.models import DataCopy
from allegra.privacy.registry import Retention, personal_data_map
from allegra.wishlist.models import WishlistItem
from tests.backoffice.conftest import make_staff, roles  # noqa: F401
from tests.backoffice.support import verified_client
from tests.cart.conftest import (  # noqa: F401 - shared fixtures
    CUSTOMER_PASSWORD,
    customer,
    customer_client,
    make_category,
    make_collection,
    make_product,
    other_customer,
    other_customer_client,
    shop,
)
from tests.orders.conftest import fast_passwords, make_order  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.policy("R3.copy")]

START = "/en/account/privacy/copy/"
DOCS_SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "data-copy.schema.json"
HOMETOWN = "Ναύπλιο <b>&amp;</b>"
NOTICE = "Yes, email me Allegra's new jewellery and offers."


# Helpers ---------------------------------------------------------------------------------------------------


def check_schema(value, schema: dict, path: str = "$") -> None:
    """A structural check of `value` against the subset of JSON Schema that DATA_SCHEMA uses.

    (The `jsonschema` library is not in requirements/; with it this would be `jsonschema.validate`.)
    """
    kinds = {
        "object": dict,
        "array": list,
        "string": str,
        "boolean": bool,
        "null": type(None),
        "integer": int,
        "number": (int, float),
    }
    if "const" in schema:
        assert value == schema["const"], path
    if "type" in schema:
        wanted = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(
            isinstance(value, kinds[kind]) and not (kind in ("integer", "number") and isinstance(value, bool))
            for kind in wanted
        )
        assert ok, f"{path}: {type(value).__name__} is not {wanted}"
    if "minimum" in schema:
        assert value >= schema["minimum"], path
    if isinstance(value, dict):
        for name in schema.get("required", []):
            assert name in value, f"{path}: {name} is required"
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            extra = set(value) - set(properties)
            assert not extra, f"{path}: unexpected {sorted(extra)}"
        for name, item in value.items():
            if name in properties:
                check_schema(item, properties[name], f"{path}.{name}")
    if isinstance(value, list) and "items" in schema:
        for number, item in enumerate(value):
            check_schema(item, schema["items"], f"{path}[{number}]")


def run_copy(user, *, django_capture_on_commit_callbacks, **kwargs) -> DataCopy:
    """Starts a copy, checks its building was enqueued after the commit, and runs the task as the worker would."""
    with django_capture_on_commit_callbacks(execute=True):
        copy = start_data_copy(user=user, **kwargs)
    queued = DBTaskResult.objects.get(task_path="allegra.privacy.data_copy.build_data_copy")
    assert queued.args_kwargs["args"][0] == copy.pk
    build_data_copy.call(*queued.args_kwargs["args"])
    queued.delete()
    copy.refresh_from_db()
    return copy


def unzip(copy: DataCopy) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data_copy.open_copy(copy)))


@pytest.fixture
def seeded(customer, shop, make_order):
    """A customer with a profile, two addresses, a wish-list piece, a consent and an order."""
    Profile.objects.create(
        user=customer,
        full_name="Ελένη Παπαδοπούλου",
        telephone="+306912345678",
        hometown=HOMETOWN,
        date_of_birth=datetime.date(1991, 3, 14),
    )
    for kind, street in (("shipping", "Ερμού"), ("billing", "Πανεπιστημίου")):
        Address.objects.create(
            user=customer,
            kind=kind,
            recipient_name="Ελένη Παπαδοπούλου",
            street=street,
            number="12",
            city="Αθήνα",
            postcode="10563",
            country="GR",
        )
    WishlistItem.objects.create(user=customer, variant=shop["R-G52"])
    record_purpose_consent(
        purpose=MARKETING_EMAIL, granted=True, source=PurposeSource.ACCOUNT_SETTINGS, notice_text=NOTICE, user=customer
    )
    make_order(user=customer, email=customer.email)
    return customer


# The archive -----------------------------------------------------------------------------------------------


@pytest.mark.policy("R3.access")
def test_the_copy_holds_every_category_of_the_map_with_the_persons_values(
    seeded, other_customer, django_capture_on_commit_callbacks
):
    copy = run_copy(seeded, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks, language="en")

    assert copy.status == DataCopy.Status.READY and copy.progress == 100
    assert copy.expires_at == copy.ready_at + timedelta(days=7)
    archive = unzip(copy)
    document = json.loads(archive.read("data.json"))
    check_schema(document, DATA_SCHEMA)
    assert json.loads(archive.read("data.schema.json")) == DATA_SCHEMA
    assert document["schema_version"] == data_copy.SCHEMA_VERSION
    assert document["map_version"] == personal_data_map.version()

    # Every category the map holds for an account is there, in the map's words.
    map_categories = {
        f.category
        for entry in personal_data_map.models.values()
        if entry.subject_path is not None
        for f in entry.fields
    }
    by_key = {category["key"]: category for category in document["categories"]}
    assert set(by_key) == map_categories

    def values(key):
        return [item["value"] for item in by_key[key]["items"]]

    # Account, profile, addresses, wish list, consent and order: each is found.
    assert seeded.email in values("user.contact.email")
    assert "+306912345678" in values("user.contact.phone_number")
    assert HOMETOWN in values("user.demographic.profile")
    assert "1991-03-14" in values("user.demographic.date_of_birth")
    assert {"Ερμού", "Πανεπιστημίου"} <= set(values("user.contact.address.street"))
    assert "stored, never shown (a secret)" in values("user.authorization.credentials")  # language="en"
    models = {item["model"] for category in document["categories"] for item in category["items"]}
    assert {"accounts.User", "accounts.Profile", "accounts.Address", "wishlist.WishlistItem"} <= models
    assert any(model.startswith("consent.") for model in models)
    assert any(model.startswith("orders.") for model in models)
    # Nothing of the other customer, no database id.
    assert other_customer.email not in archive.read("data.json").decode()
    assert all("id" not in item for category in document["categories"] for item in category["items"])

    # A CSV per category, with the same rows.
    for key, category in by_key.items():
        rows = list(csv.DictReader(io.StringIO(archive.read(f"csv/{key}.csv").decode("utf-8-sig"))))
        assert len(rows) == len(category["items"]), key
    phone_rows = list(
        csv.DictReader(io.StringIO(archive.read("csv/user.contact.phone_number.csv").decode("utf-8-sig")))
    )
    # A cell that a spreadsheet would run as a formula is quoted; data.json keeps the value exactly.
    assert "'+306912345678" in [row["value"] for row in phone_rows]


def test_the_summary_is_readable_in_the_persons_language_and_escaped(seeded, django_capture_on_commit_callbacks):
    copy = run_copy(seeded, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks, language="el")
    summary = unzip(copy).read("summary.html").decode()

    assert '<html lang="el">' in summary
    assert "Ναύπλιο &lt;b&gt;&amp;amp;&lt;/b&gt;" in summary
    assert HOMETOWN not in summary
    assert "<script" not in summary
    assert "data.json" in summary


def test_the_schema_is_committed_in_the_docs():
    assert json.loads(DOCS_SCHEMA.read_text(encoding="utf-8")) == DATA_SCHEMA


def test_the_zip_is_encrypted_at_rest_and_never_loaded_by_pages(seeded, django_capture_on_commit_callbacks):
    from django.db import connection

    copy = run_copy(seeded, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM privacy_datacopy WHERE id = %s", [copy.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith(f"{encryption.FORMAT_VERSION}:")
    assert seeded.email not in stored and "UEsD" not in stored[:20]  # not a plain base64 ZIP


def test_the_owner_is_emailed_a_link_without_data(seeded, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://allegra.example"
    copy = run_copy(seeded, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks, language="en")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [seeded.email]
    assert f"https://allegra.example/en/account/privacy/copy/{copy.public_id}/" in message.body
    assert "+306912345678" not in message.body and "Ερμού" not in message.body
    assert not message.attachments


def test_a_second_request_while_one_is_running_returns_the_same_copy(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = start_data_copy(user=customer)
        second = start_data_copy(user=customer)
    assert first.pk == second.pk
    assert DBTaskResult.objects.filter(task_path="allegra.privacy.data_copy.build_data_copy").count() == 1


def test_a_copy_whose_account_is_gone_fails_cleanly(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        copy = start_data_copy(user=customer)
    customer.delete()
    assert build_data_copy.call(copy.pk, "") == DataCopy.Status.FAILED
    copy.refresh_from_db()
    assert copy.status == DataCopy.Status.FAILED and copy.user is None and copy.content == ""


# The pages -------------------------------------------------------------------------------------------------


def test_my_privacy_offers_the_copy_and_the_password_is_asked(customer, customer_client):
    page = customer_client.get("/en/account/privacy/")
    assert START in page.content.decode()

    form = customer_client.get(START)
    assert form.status_code == 200
    assert "no-store" in form["Cache-Control"] and "private" in form["Cache-Control"]
    assert 'name="password"' in form.content.decode() and 'name="code"' not in form.content.decode()


def test_a_wrong_password_starts_nothing(customer, customer_client, english):
    response = customer_client.post(START, {"password": "not my password"})
    assert response.status_code == 200
    assert "Your password is not right." in response.content.decode()
    assert not DataCopy.objects.exists()


def test_the_right_password_starts_a_copy_and_shows_its_progress(
    customer, customer_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(START, {"password": CUSTOMER_PASSWORD})
    copy = DataCopy.objects.get(user=customer)
    status_url = f"/en/account/privacy/copy/{copy.public_id}/"
    assert response.status_code == 302 and response["Location"] == status_url
    assert copy.language == "en"

    waiting = customer_client.get(status_url)
    assert waiting.status_code == 200 and waiting["Refresh"] == "5"
    assert "no-store" in waiting["Cache-Control"]

    build_data_copy.call(copy.pk, "")
    ready = customer_client.get(status_url)
    assert "Refresh" not in ready
    assert f"{status_url}download/" in ready.content.decode()


def test_an_account_with_two_factor_also_gives_its_code(customer, customer_client, english):
    device = two_factor.pending_totp_device(customer)
    device.confirmed = True
    device.save()
    codes = two_factor.new_recovery_codes(customer)

    assert 'name="code"' in customer_client.get(START).content.decode()
    refused = customer_client.post(START, {"password": CUSTOMER_PASSWORD, "code": "000000"})
    assert "That code is not right." in refused.content.decode()
    assert not DataCopy.objects.exists()
    # A wrong password with a right code: refused, and the recovery code is not used up.
    customer_client.post(START, {"password": "wrong password", "code": codes[0]})
    assert not DataCopy.objects.exists()
    accepted = customer_client.post(START, {"password": CUSTOMER_PASSWORD, "code": codes[0]})
    assert accepted.status_code == 302 and DataCopy.objects.filter(user=customer).count() == 1


def test_a_guest_is_sent_to_sign_in_and_starts_nothing(client, customer):
    response = client.post(START, {"password": CUSTOMER_PASSWORD})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not DataCopy.objects.exists()


@pytest.mark.policy("R1")
def test_the_download_is_the_owners_only(
    seeded, customer_client, other_customer_client, client, make_staff, django_capture_on_commit_callbacks
):
    copy = run_copy(seeded, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    download = f"/en/account/privacy/copy/{copy.public_id}/download/"
    status = f"/en/account/privacy/copy/{copy.public_id}/"

    response = customer_client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert zipfile.ZipFile(io.BytesIO(response.content)).testzip() is None
    copy.refresh_from_db()
    assert copy.downloaded_at is not None

    officer = verified_client(Client(), make_staff("officer@allegra.example", "Privacy officer"))
    admin = verified_client(Client(), make_staff("root@allegra.example", superuser=True))
    for stranger in (other_customer_client, client, officer, admin):
        assert stranger.get(download).status_code == 404
    for stranger in (other_customer_client, officer, admin):
        assert stranger.get(status).status_code == 404
    # A made-up id and a POST are refused too.
    assert (
        customer_client.get("/en/account/privacy/copy/00000000-0000-4000-8000-000000000000/download/").status_code
        == 404
    )
    assert customer_client.post(download).status_code == 405


def test_an_expired_copy_cannot_be_downloaded_and_the_purge_deletes_its_content(
    seeded, customer_client, django_capture_on_commit_callbacks
):
    copy = run_copy(seeded, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    download = f"/en/account/privacy/copy/{copy.public_id}/download/"
    DataCopy.objects.filter(pk=copy.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert customer_client.get(download).status_code == 404
    assert purge_expired_copies() == 1
    copy.refresh_from_db()
    assert copy.status == DataCopy.Status.EXPIRED and copy.content == ""
    assert customer_client.get(download).status_code == 404
    assert "no longer available" in customer_client.get(f"/en/account/privacy/copy/{copy.public_id}/").content.decode()


def test_the_purge_keeps_copies_still_valid_and_fails_stuck_ones(seeded, django_capture_on_commit_callbacks):
    ready = run_copy(seeded, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    stuck = DataCopy.objects.create(user=seeded, created_at=timezone.now() - timedelta(days=1))

    assert purge_expired_copies() == 0
    ready.refresh_from_db()
    stuck.refresh_from_db()
    assert ready.status == DataCopy.Status.READY and ready.content
    assert stuck.status == DataCopy.Status.FAILED
    assert purge_expired_copies(now=ready.expires_at) == 1


@pytest.mark.policy("R2")
def test_the_copy_is_declared_with_its_own_retention_and_purged_on_schedule():
    entry = personal_data_map.models["privacy.DataCopy"]
    content = {f.field: f for f in entry.fields}["content"]
    assert entry.subject_path == "user"
    assert content.retention is Retention.DATA_COPIES and content.secret
    assert Retention.DATA_COPIES.rule.days == 7
    # The daily retention run enforces it (privacy.personal_data registers the job).
    assert "data-copies" in {job.name for job in retention.jobs(only=Retention.DATA_COPIES)}
    assert {job.name: job for job in JOBS}["retention"].interval <= timedelta(days=1)


def test_the_status_page_query_count_is_pinned(
    seeded, customer_client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    copy = run_copy(seeded, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    url = f"/en/account/privacy/copy/{copy.public_id}/"
    customer_client.get(url)  # warm caches (the catalogue menu)
    with django_assert_num_queries(4):
        assert customer_client.get(url).status_code == 200


def test_the_privacy_officer_sees_status_and_dates_never_the_content(
    seeded, make_staff, django_capture_on_commit_callbacks
):
    copy = run_copy(seeded, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    officer = verified_client(Client(), make_staff("officer@allegra.example", "Privacy officer"))

    listing = officer.get("/admin/privacy/datacopy/")
    assert listing.status_code == 200
    page = officer.get(f"/admin/privacy/datacopy/{copy.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Ready to download" in body or "ready to download" in body
    assert copy.content[:40] not in body and 'name="content"' not in body
    assert officer.post(f"/admin/privacy/datacopy/{copy.pk}/delete/").status_code == 403

"""Guests who only ordered are served too (R3.copy, R3.erase, R4.channels): a verified web-form request of a person
without an account gets a copy of what the map finds by their address (through the emailed sealed link only),
or erases and pseudonymises it, leaving other people's data untouched."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from allegra.core import sealed_links
from allegra.orders.lookup import make_token as order_lookup_token
from allegra.orders.models import Order
from allegra.privacy import data_copy, execution
from allegra.privacy import requests as workflow
from allegra.privacy.data_copy import DATA_SCHEMA, build_data_copy
from allegra.privacy.models import DataCopy, SubjectRequest
from allegra.privacy.suppression import is_suppressed
from tests.orders.conftest import make_order  # noqa: F401 - fixture (create_order with an email)
from tests.privacy.test_data_copy import check_schema

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english"),
    pytest.mark.policy("R4.channels"),
]

GUEST = "guest.eleni@example.com"
OTHER_GUEST = "guest.maria@example.com"
PASSWORD = "customer-pass-2026"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = "https://shop.example"


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user("officer@allegra.example", PASSWORD, is_staff=True)


@pytest.fixture
def people(make_order):  # noqa: F811
    """A guest with two orders, another guest with one, and an account with one order under the guest's address
    (an account's order is the account's, never the guest's)."""
    account = get_user_model().objects.create_user("someone@example.com", PASSWORD)
    return {
        "guest": [make_order(email=GUEST, language="en"), make_order(email=GUEST.upper(), language="en")],
        "other": [make_order(email=OTHER_GUEST, language="en")],
        "account": [make_order(email=GUEST, user=account, language="en")],
    }


def verified_guest_request(kind: str, email: str) -> SubjectRequest:
    made = workflow.submit_request(kind=kind, email=email, channel="webform", language="en")
    workflow.verify_by_link(workflow.verify_link(made).rstrip("/").rsplit("/", 1)[-1])
    return SubjectRequest.objects.get(pk=made.pk)


def carry_out_copy(email: str, officer, capture) -> tuple[DataCopy, str]:
    """A guest's verified copy request carried out, its building run as the worker would; returns the copy and
    the link of the "ready" email."""
    request = verified_guest_request("copy", email)
    with capture(execute=True):
        done = execution.carry_out(request=request, actor=officer)
    assert done.state == "completed"
    copy = DataCopy.objects.get(request_reference=request.reference)
    assert copy.user is None and copy.email_index == data_copy.email_index(email)
    queued = DBTaskResult.objects.get(
        task_path="allegra.privacy.data_copy.build_data_copy", args_kwargs__args=[copy.pk, ""]
    )
    mail.outbox.clear()
    build_data_copy.call(*queued.args_kwargs["args"])
    copy.refresh_from_db()
    assert copy.status == DataCopy.Status.READY
    [ready] = mail.outbox
    assert ready.to == [email]
    return copy, re.search(r"https://shop\.example(/en/privacy/requests/copy/\S+/)", ready.body).group(1)


def download(client: Client, link: str) -> dict:
    page = client.get(link)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    response = client.get(link + "download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert {"data.json", "data.schema.json", "summary.html"} <= set(archive.namelist())
    assert any(name.startswith("csv/") for name in archive.namelist())
    document = json.loads(archive.read("data.json"))
    check_schema(document, DATA_SCHEMA)
    return document


def values(document: dict, key: str) -> list:
    return [item["value"] for c in document["categories"] if c["key"] == key for item in c["items"]]


@pytest.mark.policy("R3.copy")
@pytest.mark.policy("R3.access")
def test_a_guest_gets_a_zip_of_their_orders_through_the_emailed_link_only(
    people, officer, django_capture_on_commit_callbacks
):
    copy, link = carry_out_copy(GUEST, officer, django_capture_on_commit_callbacks)
    # The link carries no personal data: only the sealed token.
    assert GUEST.split("@")[0] not in link and str(copy.public_id) not in link

    document = download(Client(), link)
    models = [item["model"] for c in document["categories"] for item in c["items"]]
    assert models.count("orders.Order") >= 2
    assert {v.lower() for v in values(document, "user.contact.email") if "@" in str(v)} >= {GUEST.lower()}
    text = json.dumps(document, ensure_ascii=False)
    assert OTHER_GUEST not in text and "someone@example.com" not in text
    # Two guest orders; the account's order placed under the same address is not the guest's.
    records = {item["record"] for c in document["categories"] for item in c["items"] if item["model"] == "orders.Order"}
    assert records == {1, 2}
    assert DataCopy.objects.get(pk=copy.pk).downloaded_at is not None

    # Nobody opens it without the link: not the account's download by its id, not a guessed or altered token.
    anonymous = Client()
    assert anonymous.get(f"/en/account/privacy/copy/{copy.public_id}/download/").status_code == 404
    token = link.rstrip("/").rsplit("/", 1)[-1]
    altered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert anonymous.get(f"/en/privacy/requests/copy/{altered}/").status_code == 404
    # A token sealed for another purpose (an order look-up link) opens nothing here.
    foreign = order_lookup_token(order=people["guest"][0])
    assert anonymous.get(f"/en/privacy/requests/copy/{foreign}/download/").status_code == 404
    same_payload = sealed_links.seal(copy.public_id, purpose="orders.lookup-link")  # this copy, wrong purpose
    assert anonymous.get(f"/en/privacy/requests/copy/{same_payload}/download/").status_code == 404


@pytest.mark.policy("R3.copy")
def test_another_guests_link_opens_only_their_own_copy_and_no_link_works_after_expiry(
    people, officer, django_capture_on_commit_callbacks
):
    mine, my_link = carry_out_copy(GUEST, officer, django_capture_on_commit_callbacks)
    theirs, their_link = carry_out_copy(OTHER_GUEST, officer, django_capture_on_commit_callbacks)
    assert my_link != their_link

    their_document = download(Client(), their_link)
    text = json.dumps(their_document, ensure_ascii=False).lower()
    assert OTHER_GUEST in text and GUEST not in text
    # A token is bound to its copy: it cannot be re-pointed at another one.
    assert data_copy.guest_copy(their_link.rstrip("/").rsplit("/", 1)[-1]).pk == theirs.pk

    # An account's copy is never reached by a guest link, even with a token naming it.
    account = get_user_model().objects.get(email="someone@example.com")
    account_copy = DataCopy.objects.create(
        user=account, status=DataCopy.Status.READY, expires_at=timezone.now() + timedelta(days=1)
    )
    forged = data_copy.download_token(account_copy)
    assert Client().get(f"/en/privacy/requests/copy/{forged}/download/").status_code == 404

    # After 7 days the copy is gone and the link answers 404.
    later = timezone.now() + timedelta(days=7, minutes=1)
    assert data_copy.purge_expired_copies(now=later) >= 2
    DataCopy.objects.filter(pk=mine.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(my_link).status_code == 404
    assert Client().get(my_link + "download/").status_code == 404
    assert DataCopy.objects.get(pk=mine.pk).email == ""


@pytest.mark.policy("R3.copy")
def test_a_guest_the_shop_knows_nothing_about_gets_a_copy_that_says_so(officer, django_capture_on_commit_callbacks):
    _copy, link = carry_out_copy("nobody@example.com", officer, django_capture_on_commit_callbacks)
    document = download(Client(), link)
    models = {item["model"] for c in document["categories"] for item in c["items"]}
    # Only their own request (and this copy) is held: no order, no account.
    assert not any(model.startswith("orders.") or model.startswith("accounts.") for model in models)
    assert document["categories"]  # every category is listed, empty ones included


@pytest.mark.policy("R3.erase")
def test_a_guests_erasure_pseudonymises_their_orders_and_leaves_others_untouched(
    people, officer, django_capture_on_commit_callbacks
):
    request = verified_guest_request("erase", GUEST)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = execution.carry_out(request=request, actor=officer)
    assert done.state == "completed"

    for order in people["guest"]:
        order.refresh_from_db()
        assert order.email.endswith("@erased.invalid") and GUEST not in str(order.shipping_address)
        assert order.total > 0 and order.number  # kept for the accounts, detached and pseudonymised
    for order in people["other"] + people["account"]:
        before = Order.objects.get(pk=order.pk)
        assert before.email == order.email and before.user_id == order.user_id
        assert str(before.shipping_address) == str(order.shipping_address)
    assert people["account"][0].email == GUEST  # the account's own order under that address is the account's
    assert get_user_model().objects.filter(email="someone@example.com").exists()

    assert is_suppressed(GUEST) and not is_suppressed(OTHER_GUEST)
    request.refresh_from_db()
    assert request.email != GUEST  # the request itself is kept, pseudonymised
    # The report went to the guest's address, once.
    assert [message.to for message in mail.outbox] == [[GUEST]]


def test_a_copy_needs_an_account_or_an_address():
    with pytest.raises(data_copy.DataCopyError):
        data_copy.start_data_copy(user=None, email="")
    from allegra.privacy.erasure import ErasureError, erase_subject

    with pytest.raises(ErasureError):
        erase_subject(user=None, email="not an address", actor=None)

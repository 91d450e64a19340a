"""A guest's request for a copy of their data, end to end in Chromium (R4.verify, R3.access, R4.channels): the
public web form, the emailed confirmation link, the Privacy officer carrying it out in the back office, the
"ready" email's sealed link, the ZIP downloaded, and its data.json checked against docs/data-copy.schema.json.

The database is not read while the browser is open (see the `page` fixture), so everything the test needs is
made before: the guest's order (through `create_order`), and the Privacy officer's back-office session with a
confirmed second factor (made by a Django test client, `tests.backoffice.support.verified_client`; its session
cookie is handed to a second, separate browser context, so the staff step is a real click through the admin while
the guest's own context never carries a staff cookie). The copy is built by the tasks' immediate backend, inside
the officer's "Carry out" request on the live server, so no worker is needed and the test reads nothing itself.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

from allegra.accounts.roles import ensure_staff_roles
from tests.backoffice.support import verified_client
from tests.e2e.test_account_browser import settle
from tests.e2e.test_checkout_browser import body_of, wait_for_mail
from tests.orders.conftest import make_order  # noqa: F401 - fixture (create_order with an email)
from tests.privacy.test_data_copy import check_schema

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.policy("R4.verify"),
    pytest.mark.policy("R4.channels"),
]

EMAIL = "eleni.guest@example.com"
DOCS_SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "data-copy.schema.json"


@pytest.fixture
def prepared(live_server, settings, make_order):  # noqa: F811
    """The guest's order and the Privacy officer's verified session cookie, made before the browser opens."""
    settings.SITE_URL = live_server.url
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The copy is built right after the officer's request commits, on the live server (no worker in a test).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    make_order(email=EMAIL, language="en")
    officer = get_user_model().objects.create_user("po@allegra.example", "officer-pass-2026", is_staff=True)
    officer.groups.set([ensure_staff_roles()["Privacy officer"]])
    client = verified_client(Client(), officer)
    return {
        "staff_cookie": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
    }


def test_a_guest_asks_for_their_data_and_downloads_it_from_the_emailed_link(
    prepared, live_server, smtp_server, page, browser_problems, tmp_path
):
    # 1. The guest asks through the public web form (no order number: confirmed by email).
    page.goto(f"{live_server.url}/en/privacy/requests/")
    page.check("input[name=kind][value=access]")
    page.fill("input[name=email]", EMAIL)
    settle(page)
    page.click("form[action='/en/privacy/requests/'] button[type=submit]")
    settle(page)
    wait_for_mail(smtp_server, page, 1)
    verify = smtp_server.messages[0]
    assert verify["To"] == EMAIL
    link = re.search(r"https?://\S+/en/privacy/requests/verify/\S+/", body_of(verify)).group(0)

    # 2. They confirm it from the emailed link (a button: a mail scanner opening the link confirms nothing).
    page.goto(link)
    settle(page)
    page.click("#confirm-request")
    page.wait_for_selector("#request-confirmed")
    settle(page)

    # 3. The Privacy officer carries it out in the back office, in their own browser context.
    staff_context = page.context.browser.new_context(locale="en-GB", timezone_id="Europe/Athens")
    staff_context.set_default_timeout(20_000)
    browser_problems.watch(staff_context)
    host = urlsplit(live_server.url).hostname
    staff_context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": prepared["staff_cookie"], "domain": host, "path": "/"}]
    )
    staff = staff_context.new_page()
    staff.goto(f"{live_server.url}/admin/privacy/subjectrequest/")
    staff.click("#result_list a[href*='/admin/privacy/subjectrequest/'][href$='/change/']")
    staff.wait_for_url("**/change/")
    staff.click("a[href$='/step/carry-out/']")
    staff.wait_for_url("**/step/carry-out/")
    staff.check("input[name=confirm]")
    staff.click("form[method=post] input[type=submit]")
    staff.wait_for_url("**/change/")
    staff_context.close()

    # 4. The "ready" email's sealed link opens the guest's copy; the ZIP is downloaded.
    for _ in range(100):
        ready = [m for m in smtp_server.messages if "/en/privacy/requests/copy/" in body_of(m)]
        if ready:
            break
        page.wait_for_timeout(100)
    assert ready, [m["Subject"] for m in smtp_server.messages]
    assert ready[0]["To"] == EMAIL
    copy_link = re.search(r"https?://\S+/en/privacy/requests/copy/\S+/", body_of(ready[0])).group(0)
    page.goto(copy_link)
    settle(page)
    with page.expect_download() as info:
        page.click("#guest-copy-download")
    saved = tmp_path / "copy.zip"
    info.value.save_as(saved)

    with zipfile.ZipFile(saved) as archive:
        document = json.loads(archive.read("data.json"))
        assert "summary.html" in archive.namelist()
    check_schema(document, json.loads(DOCS_SCHEMA.read_text()))
    items = [item for category in document["categories"] for item in category["items"]]
    assert any(item["model"] == "orders.Order" and item["value"] == EMAIL for item in items)
    assert browser_problems.items == []

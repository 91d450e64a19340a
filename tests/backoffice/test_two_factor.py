"""R1: every staff login to the back office needs a verified second factor (TOTP or a recovery code)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from allegra.accounts import two_factor
from tests.backoffice.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.policy("R1")]

SETUP = "/admin/two-factor/setup/"
VERIFY = "/admin/two-factor/verify/"


def password_login(client, email, password=PASSWORD, next_url="/admin/"):
    return client.post(f"/admin/login/?next={next_url}", {"username": email, "password": password, "next": next_url})


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    # `drift` shifts the time step: a code the device has not seen yet (it refuses a step it already used).
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"


def test_staff_without_a_device_are_sent_to_set_one_up_and_the_admin_stays_shut(client, make_staff):
    make_staff("eleni@allegra.example", "Store manager")
    response = password_login(client, "eleni@allegra.example")
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)

    for url in ("/admin/", "/admin/catalog/product/", "/admin/accounts/user/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/admin/login/" in response["Location"] or response["Location"].startswith(SETUP)
    # Following the admin's redirect to its login page leads on to the second step, never into the admin.
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP)
    assert response.status_code == 200
    assert "<svg" in response.content.decode()


def test_setting_up_an_authenticator_shows_ten_recovery_codes_once_and_opens_the_admin(client, make_staff, settings):
    # A wrong code makes django-otp wait before the next try; this test is not about that wait (see below).
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_staff("eleni@allegra.example", "Store manager")
    password_login(client, "eleni@allegra.example")

    page = client.get(f"{SETUP}?next=/admin/catalog/product/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "otpauth" not in html  # the URL is only inside the drawn QR code
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert two_factor.manual_secret(device) in html
    assert page["Cache-Control"].count("no-store") or "no-cache" in page["Cache-Control"]

    wrong = client.post(SETUP, {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "errorlist" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    done = client.post(SETUP, {"code": code_for(device), "next": "/admin/catalog/product/"})
    assert done.status_code == 200
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    device.refresh_from_db()
    assert device.confirmed
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(shown) == 10 and set(shown) == stored

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/catalog/product/").status_code == 200
    # The set-up page does not show the codes again, nor let a second authenticator be added unverified.
    again = client.get(SETUP)
    assert again.status_code == 302
    assert not any(code in client.get("/admin/").content.decode() for code in shown)


def test_a_returning_staff_user_enters_a_code_after_the_password(client, make_staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_staff("eleni@allegra.example", "Store manager")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    response = password_login(client, "eleni@allegra.example", next_url="/admin/catalog/product/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.get("/admin/catalog/product/").status_code == 302

    bad = client.post(VERIFY, {"code": "12345", "next": "/admin/catalog/product/"})
    assert bad.status_code == 200 and client.get("/admin/").status_code == 302

    ok = client.post(VERIFY, {"code": code_for(device), "next": "/admin/catalog/product/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/catalog/product/"
    assert client.get("/admin/catalog/product/").status_code == 200


def test_guessing_codes_is_slowed_down(client, make_staff):
    user = make_staff("eleni@allegra.example", "Store manager")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    password_login(client, "eleni@allegra.example")
    wrong = "000000" if code_for(device) != "000000" else "111111"
    assert client.post(VERIFY, {"code": wrong}).status_code == 200
    # Right after a wrong guess even the right code is refused (django-otp's growing delay).
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 200
    assert client.get("/admin/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1


def test_a_code_cannot_be_used_twice(client, make_staff):
    user = make_staff("eleni@allegra.example", "Store manager")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    code = code_for(device)
    password_login(client, "eleni@allegra.example")
    assert client.post(VERIFY, {"code": code})["Location"] == "/admin/"
    client.post("/admin/logout/")

    password_login(client, "eleni@allegra.example")
    assert client.post(VERIFY, {"code": code}).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_works_once(client, make_staff):
    user = make_staff("eleni@allegra.example", "Store manager")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    codes = two_factor.new_recovery_codes(user)

    password_login(client, "eleni@allegra.example")
    used = client.post(VERIFY, {"code": codes[3].upper()[:4] + "-" + codes[3][4:]})  # as people type it
    assert used.status_code == 302
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "/admin/two-factor/recovery-codes/" in index.content.decode()  # the warning links to new codes
    assert StaticToken.objects.filter(device__user=user).count() == 9
    client.post("/admin/logout/")

    password_login(client, "eleni@allegra.example")
    assert client.post(VERIFY, {"code": codes[3]}).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, make_staff, login_verified):
    user = make_staff("eleni@allegra.example", "Store manager")
    old = two_factor.new_recovery_codes(user)
    login_verified(client, user)
    assert client.get("/admin/two-factor/recovery-codes/").status_code == 200
    response = client.post("/admin/two-factor/recovery-codes/")
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(new)


def test_the_second_step_is_only_for_staff_who_passed_the_password(client, customer):
    for url in (SETUP, VERIFY):
        assert client.get(url)["Location"].startswith("/admin/login/")
    client.force_login(customer)
    for url in (SETUP, VERIFY):
        assert client.get(url)["Location"].startswith("/admin/login/")
    assert not TOTPDevice.objects.exists()


def test_the_next_address_never_leaves_the_site(client, make_staff):
    user = make_staff("eleni@allegra.example", "Store manager")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    password_login(client, "eleni@allegra.example")
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/admin/"})
    assert response["Location"] == "/admin/"


def test_staff_stuck_at_the_second_step_can_log_out(client, make_staff):
    make_staff("eleni@allegra.example", "Store manager")
    password_login(client, "eleni@allegra.example")
    assert client.get("/admin/two-factor/cancel/").status_code == 405
    response = client.post("/admin/two-factor/cancel/")
    assert response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session


def test_an_inactive_or_deactivated_staff_user_gets_nothing(client, make_staff):
    user = make_staff("eleni@allegra.example", "Store manager")
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    response = password_login(client, "eleni@allegra.example")
    assert response.status_code == 200  # the login form again, with its error
    assert client.get(SETUP)["Location"].startswith("/admin/login/")


THROTTLED_BACKEND = "allegra.accounts.backends.ThrottledModelBackend"


def test_the_admin_password_step_is_throttled(client, make_staff, settings):
    if THROTTLED_BACKEND not in settings.AUTHENTICATION_BACKENDS:
        pytest.skip("login throttling (allegra.accounts.backends) is not installed yet")
    cache.clear()
    make_staff("eleni@allegra.example", "Store manager")
    for _ in range(settings.LOGIN_THROTTLE_ACCOUNT_ATTEMPTS):
        assert password_login(client, "eleni@allegra.example", password="wrong-guess-2026").status_code == 200
    # Now even the right password is refused for a while, on the back office's login like everywhere else.
    response = password_login(client, "eleni@allegra.example")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get(SETUP)["Location"].startswith("/admin/login/")
    cache.clear()

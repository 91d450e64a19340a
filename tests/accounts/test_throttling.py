"""Login throttling per account and per IP, shared through the cache (Redis when configured)."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from allegra.accounts import throttling
from tests.accounts.auth_support import PASSWORD, make_customer

pytestmark = pytest.mark.django_db
LOGIN = "/en/account/login/"


def fail(client, email="eleni@example.com", times=1, password="wrong-password"):
    response = None
    for _ in range(times):
        response = client.post(LOGIN, {"username": email, "password": password})
    return response


def error_of(response) -> str:
    return " ".join(response.context["form"].non_field_errors())


def test_five_failures_lock_the_account_with_a_clear_message(client):
    make_customer()
    for _ in range(4):
        assert "Wrong email or password" in error_of(fail(client))
    response = fail(client)
    assert response.status_code == 200
    assert "Too many attempts. Try again in 15 minutes." in error_of(response)

    # Even the right password is refused while locked, and never checked.
    right = client.post(LOGIN, {"username": "eleni@example.com", "password": PASSWORD})
    assert "Too many attempts" in error_of(right)
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account_not_per_spelling(client):
    make_customer()
    fail(client, "eleni@example.com", 3)
    fail(client, " ELENI@Example.COM ", 2)
    assert "Too many attempts" in error_of(fail(client, "eleni@example.com"))


def test_the_lock_follows_the_account_from_another_address(client):
    make_customer()
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    fail(attacker, times=5)
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    response = elsewhere.post(LOGIN, {"username": "eleni@example.com", "password": PASSWORD})
    assert "Too many attempts" in error_of(response)


def test_the_lock_ends_after_the_window(client, monkeypatch):
    make_customer()
    fail(client, times=5)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 14 * 60)
    assert "Try again in 1 minute." in error_of(fail(client, password=PASSWORD))
    monkeypatch.setattr(time, "time", lambda: now + 15 * 60 + 1)
    response = client.post(LOGIN, {"username": "eleni@example.com", "password": PASSWORD})
    assert response.status_code == 302


def test_a_successful_login_resets_the_account_counter(client):
    make_customer()
    fail(client, times=4)
    assert client.post(LOGIN, {"username": "eleni@example.com", "password": PASSWORD}).status_code == 302
    client.post("/en/account/logout/")
    # Without the reset these would be failures 5 to 8: locked.
    assert "Wrong email or password" in error_of(fail(client, times=4))


def test_twenty_failures_from_one_ip_lock_it_for_every_account(client):
    make_customer()
    sprayer = Client(REMOTE_ADDR="203.0.113.50")
    for index in range(20):
        fail(sprayer, f"guess{index}@example.com")
    response = sprayer.post(LOGIN, {"username": "eleni@example.com", "password": PASSWORD})
    assert "Too many attempts" in error_of(response)
    # Another client is not affected.
    other = Client(REMOTE_ADDR="203.0.113.51")
    assert other.post(LOGIN, {"username": "eleni@example.com", "password": PASSWORD}).status_code == 302


def test_ipv6_clients_are_counted_by_their_64_network():
    assert throttling.ip_network("2001:db8:1:2:aaaa::1") == throttling.ip_network("2001:db8:1:2:bbbb::2")
    assert throttling.ip_network("2001:db8:1:2::1") != throttling.ip_network("2001:db8:1:3::1")
    assert throttling.ip_network("::ffff:192.0.2.1") == "192.0.2.1"
    assert throttling.ip_network("garbage") == "unknown"


def test_the_admin_login_is_throttled_too(client):
    make_customer("staff@example.com", is_staff=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "staff@example.com", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "staff@example.com", "password": PASSWORD})
    assert response.status_code == 200
    # /admin/ has no language prefix: Greek, the shop's default language.
    assert "Πάρα πολλές προσπάθειες. Δοκιμάστε ξανά σε 15 λεπτά." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_locmem_cache_keys_hold_no_email_or_ip(client):
    make_customer()
    Client(REMOTE_ADDR="192.0.2.77").post(LOGIN, {"username": "eleni@example.com", "password": "wrong"})
    keys = [key for key in cache._cache if "login-throttle" in key]
    assert keys
    assert not any("eleni" in key or "192.0.2" in key for key in keys)


def test_redis_counts_are_shared_between_app_servers(client, redis_cache):
    """Failures recorded by another process (another app server) lock the login here."""
    import redis

    make_customer()
    script = (
        "import os, django; django.setup()\n"
        "from django.conf import settings\n"
        "settings.CACHES['default']['KEY_PREFIX'] = os.environ['TEST_CACHE_KEY_PREFIX']\n"
        "from django.test import RequestFactory\n"
        "from allegra.accounts import throttling\n"
        "request = RequestFactory().post('/', REMOTE_ADDR='198.51.100.20')\n"
        "for _ in range(5): throttling.record_failure(request, 'eleni@example.com')\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "allegra.settings",
        "DEBUG": "1",
        "SECRET_KEY": django_settings.SECRET_KEY,
        "REDIS_URL": redis_cache[0],
        "TEST_CACHE_KEY_PREFIX": redis_cache[1],
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=django_settings.BASE_DIR, timeout=60)

    response = Client(REMOTE_ADDR="192.0.2.1").post(LOGIN, {"username": "eleni@example.com", "password": PASSWORD})
    assert "Too many attempts. Try again in 15 minutes." in error_of(response)

    redis_url, prefix = redis_cache
    keys = [key.decode() for key in redis.Redis.from_url(redis_url).scan_iter(f"{prefix}:*login-throttle*")]
    assert keys
    assert not any("eleni" in key or "198.51" in key for key in keys)


def test_redis_lock_and_reset(client, redis_cache):
    make_customer()
    fail(client, times=4)
    assert client.post(LOGIN, {"username": "eleni@example.com", "password": PASSWORD}).status_code == 302
    client.post("/en/account/logout/")
    assert "Too many attempts" not in error_of(fail(client, times=4))
    assert "Too many attempts" in error_of(fail(client))


@pytest.mark.parametrize(
    ("url", "data"),
    [("/en/account/email/", {"new_email": "new@example.com"}), ("/en/account/delete/", {})],
)
def test_password_guesses_on_account_pages_count_as_failed_logins(client, url, data):
    from django.contrib.auth import get_user_model

    client.force_login(make_customer())
    for _ in range(5):
        client.post(url, {**data, "password": "wrong"})
    response = client.post(url, {**data, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many attempts. Try again in 15 minutes." in " ".join(response.context["form"].errors["password"])
    assert get_user_model().objects.filter(email="eleni@example.com").exists()
    # The login page is locked for the account as well.
    assert "Too many attempts" in error_of(
        Client().post(LOGIN, {"username": "eleni@example.com", "password": PASSWORD})
    )

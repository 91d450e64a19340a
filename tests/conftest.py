"""Shared fixtures and service checks for the whole suite.

Tests that need a service say so: ``@pytest.mark.postgres`` (PostgreSQL through DATABASE_URL),
``@pytest.mark.browser`` (Chromium driven by Playwright), or the ``redis_url`` fixture. When the service is
missing they skip on a developer machine, but fail when the ``CI`` environment variable is set: CI must never
report green for a test that did not run.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import socket
import threading
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest

# pytester: tests of the policy-report plugin run small pytest sessions of their own.
pytest_plugins = ["pytester", "tests.policy_report"]

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def service_missing(reason: str) -> None:
    """Skips the test locally; fails it under CI, where every service must be there."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: a missing service fails the run instead of skipping)", pytrace=False)
    pytest.skip(reason)


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _check_postgres() -> None:
    from django.conf import settings

    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        service_missing(
            "needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name "
            "(or leave PostgreSQL tests out with -m 'not postgres')"
        )
    host, port = database.get("HOST") or "127.0.0.1", int(database.get("PORT") or 5432)
    if not host.startswith("/") and not port_open(host, port):
        service_missing(f"needs PostgreSQL, but nothing answers on {host}:{port}")


def _check_chromium() -> None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        service_missing(f"needs Chromium at {CHROMIUM}: run `make browser` (Debian package 'chromium')")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        service_missing("needs Playwright for Python: run `make install-dev`")


def pytest_configure(config: pytest.Config) -> None:
    # Tests never run collectstatic, so WhiteNoise finds no STATIC_ROOT; the static files tests need are
    # served from the app folders (live server) instead. Its warning on every request is noise.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Checked before any fixture runs, so a missing service costs no database setup.
    if item.get_closest_marker("postgres"):
        _check_postgres()
    if item.get_closest_marker("browser"):
        _check_chromium()


@pytest.fixture
def redis_url() -> str:
    """A Redis on loopback for tests that need a real one (database 15, flushed by the test that uses it)."""
    if not port_open(REDIS_HOST, REDIS_PORT):
        service_missing(f"needs Redis on {REDIS_HOST}:{REDIS_PORT}")
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/15"


@dataclass
class SMTPServer:
    """A real SMTP server on loopback; every message it accepts lands in ``messages``."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls handlers by this name
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self.envelopes.append(envelope)
            self.messages.append(message)
        return "250 Message accepted for delivery"


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """Starts an aiosmtpd server on a random loopback port and points Django's SMTP backend at it."""
    from aiosmtpd.controller import Controller

    server = SMTPServer(host="127.0.0.1", port=_free_loopback_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    """Uploaded and generated media go to a temporary folder, never into var/."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def redis_cache(settings, redis_url):
    """Django's cache on a real Redis (database 15), as several app servers would share it; yields (url, prefix).

    Keys get a prefix of this test's own, and only they are deleted afterwards: tests running in parallel
    (pytest -n) share the Redis database, so flushing it would pull counters from under another test.
    """
    import redis

    prefix = f"test-throttle-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    yield redis_url, prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def english():
    """Code outside a request speaks the shop's default language, Greek; tests that read English messages of
    services ask for English."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache: a page or search result cached by an earlier test belongs to
    another database (each test's data is rolled back, and with it the catalogue version that keyed it)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()

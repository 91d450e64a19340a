"""The shared service fixtures and checks of tests/conftest.py do what they promise."""

import pytest
from django.core.mail import send_mail

from tests.conftest import service_missing


def test_smtp_server_receives_a_real_message(smtp_server, settings):
    sent = send_mail(
        "Παραγγελία / Your order",
        "Ευχαριστούμε! Thank you.",
        "shop@allegra.example",
        ["customer@example.com"],
    )

    assert sent == 1
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    # The Greek subject travels MIME-encoded; decoded it is the same text.
    assert message["Subject"].strip() == "Παραγγελία / Your order"
    assert message["To"] == "customer@example.com"
    assert "Ευχαριστούμε" in message.get_content()
    assert smtp_server.envelopes[0].rcpt_tos == ["customer@example.com"]


def test_a_missing_service_skips_locally(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="needs Redis"):
        service_missing("needs Redis")


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_a_missing_service_fails_under_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match=r"needs Redis.*CI is set"):
        service_missing("needs Redis")


def test_ci_false_still_skips(monkeypatch):
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        service_missing("needs Redis")


def test_redis_url_reaches_a_real_redis(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        client.set("allegra:test:fixture", "ok", ex=30)
        assert client.get("allegra:test:fixture") == b"ok"
    finally:
        client.delete("allegra:test:fixture")
        client.close()

"""Logs are structured and hold no personal data (U3, C4)."""

import io
import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from allegra.core.logging import PersonalDataFilter, redact


def json_formatter() -> logging.Formatter:
    """The production formatter, built from settings.LOGGING exactly as dictConfig would."""
    config = dict(settings.LOGGING["formatters"]["json"])
    factory = import_string(config.pop("()"))
    return factory(**config)


@pytest.fixture
def log_lines():
    """Every log line written while the test runs, formatted as in production (JSON, personal-data filter)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    handler.addFilter(PersonalDataFilter())
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [line for line in stream.getvalue().splitlines() if line.strip()]
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)


@pytest.mark.policy("U3")
@pytest.mark.django_db
def test_a_request_is_one_json_line_without_personal_data(client, log_lines):
    response = client.get(
        "/healthz",
        {"email": "maria.papadopoulou@example.com", "next": "/el/account/"},
        REMOTE_ADDR="203.0.113.77",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64)",
    )
    assert response.status_code == 200

    lines = log_lines()
    assert len(lines) == 1, lines
    event = json.loads(lines[0])
    assert event["message"] == "request"
    assert event["logger"] == "allegra.request"
    assert event["level"] == "INFO"
    assert event["route"] == "healthz"
    assert event["method"] == "GET"
    assert event["status"] == 200
    assert isinstance(event["duration_ms"], int | float)
    assert event["request_id"] == response["X-Request-ID"]
    for personal in ("maria", "example.com", "/healthz", "next=", "203.0.113", "198.51.100", "Mozilla"):
        assert personal not in lines[0]


@pytest.mark.policy("U3")
@pytest.mark.django_db
def test_a_path_with_personal_data_stays_out_of_the_log(client, log_lines, capfd):
    response = client.get("/el/p/maria.papadopoulou@example.com/", REMOTE_ADDR="203.0.113.77")
    assert response.status_code == 404

    # Nothing reaches the process's output either: a logger without handlers would fall back to Python's
    # last-resort handler, which writes warnings such as Django's "Not Found: <path>" straight to stderr.
    out, err = capfd.readouterr()
    assert "maria" not in out + err
    lines = log_lines()
    assert len(lines) == 1, lines
    event = json.loads(lines[0])
    assert event["status"] == 404
    assert "maria" not in lines[0]
    assert "/el/p/" not in lines[0]


PRODUCTION_404 = """
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.test import Client
    response = Client().get("/el/p/maria.papadopoulou@example.com/", REMOTE_ADDR="203.0.113.77")
    assert response.status_code == 404, response.status_code
"""


@pytest.mark.policy("U3")
def test_production_logging_writes_only_the_request_line(tmp_path):
    # pytest attaches its own handlers to every logger, so the real logging configuration is checked in a
    # fresh interpreter: there, a logger left without handlers would fall back to Python's last-resort
    # handler and print Django's "Not Found: <path>" warning, path and all, to stderr.
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(PRODUCTION_404)],
        cwd=root,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "SECRET_KEY": "a-test-secret-key-for-this-run-only",
            "ALLEGRA_VAR_DIR": str(tmp_path),
            "ALLOWED_HOSTS": "testserver",
            "DJANGO_SETTINGS_MODULE": "allegra.settings",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr

    output = (result.stdout + result.stderr).splitlines()
    assert "maria" not in result.stdout + result.stderr
    request_lines = [json.loads(line) for line in output if '"allegra.request"' in line]
    # The path matches no URL pattern (not a slug), so there is no route name to log.
    assert [(event["route"], event["status"]) for event in request_lines] == [(None, 404)]
    assert [line for line in output if '"allegra.request"' not in line] == []


def record(msg: str, *args) -> logging.LogRecord:
    return logging.LogRecord("third.party", logging.WARNING, __file__, 1, msg, args, None)


@pytest.mark.policy("U3")
def test_filter_redacts_email_addresses():
    entry = record("Bounce for %s from %s", "maria.papadopoulou+shop@example.co.uk", "Eleni.K@mail.example.gr")

    assert PersonalDataFilter().filter(entry) is True
    assert entry.getMessage() == "Bounce for [email] from [email]"


@pytest.mark.policy("C4", "U3")
@pytest.mark.parametrize("card", ["4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005"])
def test_filter_redacts_card_numbers(card):
    entry = record(f"Payment declined for card {card} (retry)")

    PersonalDataFilter().filter(entry)

    assert entry.getMessage() == "Payment declined for card [number] (retry)"
    assert "1111" not in entry.getMessage()


@pytest.mark.policy("U3")
def test_filter_keeps_only_the_network_of_an_ipv4_address():
    entry = record("Too many attempts from %s", "192.168.10.77")

    PersonalDataFilter().filter(entry)

    assert entry.getMessage() == "Too many attempts from 192.168.10.0"


def test_filter_leaves_clean_messages_untouched():
    entry = record("Reindexed %d products in %.1f s", 300, 1.25)

    PersonalDataFilter().filter(entry)

    assert entry.args == (300, 1.25)
    assert entry.getMessage() == "Reindexed 300 products in 1.2 s"


def test_redact_keeps_ordinary_numbers():
    assert redact("Order 2026-000123 has 3 items, total 1450.00") == "Order 2026-000123 has 3 items, total 1450.00"


@pytest.mark.django_db
@pytest.mark.policy("U3")
def test_an_unhandled_error_is_logged_by_type_and_place_without_its_message(client, caplog, monkeypatch):
    from allegra.catalog import views

    def broken(request):
        raise ValueError("maria@example.com asked for 4111 1111 1111 1111")

    monkeypatch.setattr(views.selectors, "home_page", lambda: broken(None))
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="allegra.request"):
        response = client.get("/en/")
    assert response.status_code == 500
    [record] = [record for record in caplog.records if record.getMessage() == "unhandled error"]
    assert record.error == "builtins.ValueError"
    assert any("in broken" in frame for frame in record.frames)
    logged = repr(record.__dict__)
    assert "maria@example.com" not in logged
    assert "4111" not in logged

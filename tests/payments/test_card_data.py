"""C4's proof: after payments with every test card through the views (the browser posting the card to the
provider, the shop receiving tokens, 3-D Secure, webhooks, refunds), no table of the database and no log line
holds a card number (with or without spaces) or a CVC. Inside the provider's own tables neither is kept either:
it keeps a keyed fingerprint, the brand, the last 4 digits and the expiry. Runs on whichever engine the suite
runs on (SQLite by default; PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.db import connection
from pythonjsonlogger.json import JsonFormatter

from allegra.payments import services
from allegra.payments.models import Payment
from tests.payments.conftest import (
    CHALLENGE,
    DECLINE,
    EXP_YEAR,
    INSUFFICIENT,
    PROVIDER_ERROR,
    SUCCESS,
    browser_token,
    pay,
)

pytestmark = [pytest.mark.django_db, pytest.mark.policy("C4")]

AMEX = "3782 822463 10005"
CVC, AMEX_CVC, BAD_CVC_TRY = "753", "8614", "40718"  # the last one is refused: too long
NUMBERS = [SUCCESS, DECLINE, INSUFFICIENT, CHALLENGE, PROVIDER_ERROR, AMEX, "4242424242424241"]


def needles() -> list[tuple[str, re.Pattern]]:
    found = []
    for number in NUMBERS:
        digits = number.replace(" ", "")
        found.append((digits, re.compile(re.escape(digits))))
        found.append((number, re.compile(re.escape(number))))
        found.append((f"{digits} with any separators", re.compile(r"[\s-]?".join(digits))))
    for cvc in (CVC, AMEX_CVC, BAD_CVC_TRY):
        # A CVC on its own (not a piece of a longer number, a hex digest, a time or an identifier).
        found.append((f"CVC {cvc}", re.compile(rf"(?<![0-9A-Za-z.:_+-]){cvc}(?![0-9A-Za-z.])")))
    found.append(("a cvc key", re.compile(r"\bcvc\b|\bcvv\b", re.I)))
    return found


def as_text(value) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace") + " " + value.hex()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return "" if value is None else str(value)


def every_cell() -> list[tuple[str, str]]:
    """Every value of every table, read with plain SQL (models or not, ours or the task queue's)."""
    cells = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor, include_views=False):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                cells += [(table, as_text(value)) for value in row]
    return cells


# A record's clock and process numbers, which any three digits may match by chance.
CLOCK_FIELDS = {"created", "msecs", "relativeCreated", "asctime", "process", "thread"}


def _without_clock(fields: dict) -> dict:
    return {name: value for name, value in fields.items() if name not in CLOCK_FIELDS}


@pytest.fixture
def every_log_line(caplog):
    """caplog (the records) and the production JSON format, from every logger, before any redaction filter:
    the filter is a safety net, the proof is that nothing was logged in the first place."""
    caplog.set_level(logging.DEBUG)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    # No time in these lines: "…,753" milliseconds would pass for a CVC. What a record says is all kept.
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s"))
    handler.setLevel(logging.DEBUG)
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    for logger in loggers:
        logger.addHandler(handler)
    root_level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    yield lambda: [
        *(
            record.getMessage() + " " + json.dumps(_without_clock(record.__dict__), default=str)
            for record in caplog.records
        ),
        *stream.getvalue().splitlines(),
    ]
    logging.getLogger().setLevel(root_level)
    for logger in loggers:
        logger.removeHandler(handler)


def run_every_card_path(client, start, deliver_webhooks):
    manager = None
    # Success, by the script's JSON call; then two refunds.
    paid = start(payable="A-1", amount_cents=20_000)
    pay(client, paid, browser_token(client, SUCCESS, CVC))
    # Declines, then another card.
    for number in (DECLINE, INSUFFICIENT):
        payment = start(payable=f"A-{number[-4:]}")
        pay(client, payment, browser_token(client, number, CVC))
        pay(client, payment, browser_token(client, AMEX, AMEX_CVC))
    # 3-D Secure, passed and failed.
    for outcome in ("pass", "fail"):
        payment = start(payable=f"A-3ds-{outcome}")
        challenge = pay(client, payment, browser_token(client, CHALLENGE, CVC))["Location"]
        client.get(client.post(challenge, {"outcome": outcome})["Location"])
    # The provider's error.
    pay(client, start(payable="A-err"), browser_token(client, PROVIDER_ERROR, CVC))
    # Without JavaScript: the hosted card page, a refused attempt (bad CVC, bad number), then a good one.
    payment = start(payable="A-nojs")
    pay_url = f"http://testserver/payments/{payment.public_id}/pay"
    card = {"number": SUCCESS, "exp_month": "8", "exp_year": str(EXP_YEAR), "name": "E P", "return_url": pay_url}
    refused = client.post("/psp/tokens", {**card, "cvc": BAD_CVC_TRY})
    assert refused.status_code == 400 and SUCCESS.replace(" ", "") not in refused.content.decode()
    client.post("/psp/tokens", {**card, "number": "4242424242424241", "cvc": CVC})
    client.get(client.post("/psp/tokens", {**card, "cvc": CVC})["Location"])
    # A JSON attempt with a bad number.
    client.post(
        "/psp/tokens",
        data=json.dumps({**card, "number": "4242424242424241", "cvc": CVC}),
        content_type="application/json",
    )
    assert deliver_webhooks()
    from django.contrib.auth import get_user_model

    manager = get_user_model().objects.create_user("manager@allegra.example", "x-pass-2026-long", is_staff=True)
    paid.refresh_from_db()
    services.refund(payment=paid, amount_cents=5_000, reason="partial", actor=manager)
    services.refund(payment=paid, amount_cents=15_000, reason="rest", actor=manager)
    assert deliver_webhooks()


def test_no_card_number_or_cvc_anywhere_in_the_database_or_the_logs(client, start, deliver_webhooks, every_log_line):
    run_every_card_path(client, start, deliver_webhooks)
    statuses = sorted(Payment.objects.values_list("status", flat=True))
    assert statuses == [
        "failed",
        "refunded",
        "requires_payment_method",
        "succeeded",
        "succeeded",
        "succeeded",
        "succeeded",
    ]
    cells = every_cell()
    assert any(table == "psp_card" for table, _ in cells) and any("4242" in text for _, text in cells)
    leaks = [(what, table) for table, text in cells for what, pattern in needles() if pattern.search(text)]
    assert leaks == []
    lines = every_log_line()
    assert any("payments.services" in line or "payment " in line for line in lines)  # the logs were captured
    log_leaks = [(what, line[:120]) for line in lines for what, pattern in needles() if pattern.search(line)]
    assert log_leaks == []


def test_the_search_finds_a_planted_card_number_and_cvc(start, every_log_line):
    """The search above is not blind: a number or a CVC slipped into any table or log line is found."""
    payment = start(payable="A-planted")
    payment.failure_code = "4242 4242 4242 4242"
    payment.save()
    logging.getLogger("allegra.payments").warning("cvc=%s", CVC)
    found = {what for _table, text in every_cell() for what, pattern in needles() if pattern.search(text)}
    assert "4242 4242 4242 4242" in found
    logged = {what for line in every_log_line() for what, pattern in needles() if pattern.search(line)}
    assert f"CVC {CVC}" in logged and "a cvc key" in logged

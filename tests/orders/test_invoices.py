"""Invoices (U3): numbered per calendar year without gaps, issued with the payment; the PDF."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.utils import timezone

from allegra.orders import services
from allegra.orders.models import Invoice, InvoiceCounter
from allegra.orders.pdf import render_invoice_pdf

pytestmark = [pytest.mark.policy("U3")]


@pytest.mark.django_db
def test_paying_issues_the_next_number_of_the_year(make_order):
    year = timezone.localtime().year
    numbers = []
    for _ in range(3):
        order = make_order()
        services.mark_paid(order=order, payment_reference="psp")
        numbers.append(order.invoice.number)
    assert numbers == [f"{year}-000001", f"{year}-000002", f"{year}-000003"]
    # Paying again issues nothing new.
    services.mark_paid(order=order, payment_reference="psp")
    assert services.issue_invoice(order=order).number == f"{year}-000003"
    assert Invoice.objects.count() == 3


@pytest.mark.django_db
def test_a_new_year_starts_again_at_one(make_order):
    def pay(when):
        order = make_order()
        order.paid_at = when
        order.save(update_fields=["paid_at"])
        return services.issue_invoice(order=order, now=when).number

    december = timezone.make_aware(datetime.datetime(2026, 12, 31, 23, 0))
    january = timezone.make_aware(datetime.datetime(2027, 1, 1, 0, 30))
    assert [pay(december), pay(december), pay(january), pay(january)] == [
        "2026-000001",
        "2026-000002",
        "2027-000001",
        "2027-000002",
    ]
    assert dict(InvoiceCounter.objects.values_list("year", "last")) == {2026: 2, 2027: 2}


@pytest.mark.django_db
def test_an_unpaid_order_gets_no_invoice(make_order):
    with pytest.raises(services.OrderError):
        services.issue_invoice(order=make_order())
    assert not Invoice.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_give_gapless_unique_numbers(make_order):
    """20+ orders paid at once from separate connections: numbers 1..N, none twice, none missing."""
    threads_count = 24
    orders = [make_order() for _ in range(threads_count)]
    start = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def pay(order):
        from django.db import connection as thread_connection

        try:
            start.wait()
            services.mark_paid(order=order, payment_reference="psp")
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=pay, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, threads_count + 1))
    assert Invoice.objects.values("number").distinct().count() == threads_count
    assert InvoiceCounter.objects.get().last == threads_count


@pytest.mark.django_db
def test_invoice_pdf_has_number_greek_text_and_legal_details(make_order, settings):
    settings.SHOP_VAT_NUMBER = "998877665"
    order = make_order(language="el")
    services.mark_paid(order=order, payment_reference="psp")
    invoice = order.invoice
    pdf = render_invoice_pdf(invoice=invoice, compress=False)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert 5_000 < len(pdf) < 2_000_000
    # Embedded TrueType fonts write text as glyph IDs (read back in the next test); the document info keeps
    # the title and author as plain strings.
    assert b"/FontFile2" in pdf and b"DejaVu" in pdf
    assert f"/Title (Invoice {invoice.number})".encode() in pdf
    assert f"/Author ({settings.SHOP_LEGAL_NAME})".encode() in pdf
    assert "998877665" in extract_text(pdf)
    compressed = render_invoice_pdf(invoice=invoice)
    assert compressed.startswith(b"%PDF-") and len(compressed) < len(pdf)


@pytest.mark.django_db
def test_invoice_pdf_text_decodes_to_greek(make_order):
    """Reads the page's text back through the font's ToUnicode CMap: the Greek words are there."""
    order = make_order(language="el")
    services.mark_paid(order=order, payment_reference="psp")
    text = extract_text(render_invoice_pdf(invoice=order.invoice, compress=False))
    assert "ΤΙΜΟΛΟΓΙΟ" in text and order.invoice.number in text
    assert "ΑΦΜ" in text and "Δαχτυλίδι RING-1" in text and "ΦΠΑ" in text
    assert "Ερμού 12" in text


def extract_text(pdf: bytes) -> str:
    """A small reader for fpdf2's own uncompressed output: each font's ToUnicode CMap, then the 2-byte glyph
    codes of every `(...) Tj` decoded through the CMap of the font selected by the last `/Fn size Tf`."""
    import re

    objects = {int(num): body for num, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S)}

    def cmap_of(font_obj: int) -> dict[int, str]:
        to_unicode = int(re.search(rb"/ToUnicode (\d+) 0 R", objects[font_obj]).group(1))
        mapping = {}
        for src, dst in re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", objects[to_unicode]):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
        return mapping

    fonts = {name.decode(): cmap_of(int(num)) for name, num in re.findall(rb"/(F\d+) (\d+) 0 R", pdf)}
    unescape = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    lines, current = [], {}
    token = re.compile(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", re.S)
    for match in token.finditer(pdf):
        if match.group(1):
            current = fonts.get(match.group(1).decode(), {})
            continue
        raw = re.sub(rb"\\(.)", lambda m: unescape.get(m.group(1), m.group(1)), match.group(2), flags=re.S)
        codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2)]
        lines.append("".join(current.get(code, "?") for code in codes))
    return "\n".join(lines)

"""The invoice as a PDF (U3): the seller's legal details, the buyer, the lines, the VAT breakdown, the totals.

Drawn with fpdf2 in DejaVu Sans, a free Unicode font shipped in static/fonts, so Greek prints. Labels are
bilingual (Greek first): an invoice of a Greek shop is a Greek accounting document whatever the buyer's
language, and the English helps a buyer abroad. Product names follow the order's language.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF

from allegra.orders.models import Invoice, ShippingMethod

# fontTools logs every glyph it keeps when fpdf2 subsets the font: noise, one screen per invoice.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"


def _euros(amount: Decimal) -> str:
    return f"{amount:,.2f} €".replace(",", "\u202f").replace(".", ",").replace("\u202f", ".")


def _address_lines(data: dict) -> list[str]:
    street = " ".join(part for part in (data.get("street", ""), data.get("number", "")) if part)
    town = " ".join(part for part in (data.get("postcode", ""), data.get("city", "")) if part)
    return [
        line
        for line in (data.get("recipient_name", ""), street, town, data.get("region", ""), data.get("country", ""))
        if line
    ]


def render_invoice_pdf(*, invoice: Invoice, compress: bool = True) -> bytes:
    order = invoice.order
    greek = order.language.startswith("el")
    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_title(f"Invoice {invoice.number}")
    pdf.set_author(settings.SHOP_LEGAL_NAME)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    width = pdf.epw

    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(width, 9, f"ΤΙΜΟΛΟΓΙΟ / INVOICE  {invoice.number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    issued = timezone.localtime(invoice.issued_at).strftime("%d/%m/%Y")
    pdf.cell(
        width, 5, f"Ημερομηνία / Date: {issued}    Παραγγελία / Order: {order.number}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(4)

    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(width / 2, 6, "Πωλητής / Seller")
    pdf.cell(width / 2, 6, "Αγοραστής / Buyer", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    seller = [
        settings.SHOP_LEGAL_NAME,
        settings.SHOP_LEGAL_ADDRESS,
        f"ΑΦΜ / VAT no.: {settings.SHOP_VAT_NUMBER}",
        f"ΔΟΥ / Tax office: {settings.SHOP_TAX_OFFICE}",
    ]
    buyer = [*_address_lines(order.billing_address_data), order.email]
    for index in range(max(len(seller), len(buyer))):
        pdf.cell(width / 2, 5, seller[index] if index < len(seller) else "")
        pdf.cell(width / 2, 5, buyer[index] if index < len(buyer) else "", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)

    columns = [
        ("Κωδικός / SKU", 0.18),
        ("Περιγραφή / Item", 0.42),
        ("Τιμή / Price", 0.14),
        ("Ποσ. / Qty", 0.1),
        ("Σύνολο / Total", 0.16),
    ]
    pdf.set_font("DejaVu", "B", 8)
    for label, share in columns:
        pdf.cell(width * share, 6, label, border="B")
    pdf.ln()
    pdf.set_font("DejaVu", "", 8)
    for line in order.lines.all():
        name = line.name_el if greek else line.name_en
        values = [line.sku, name[:60], _euros(line.unit_price), str(line.quantity), _euros(line.line_total)]
        for value, (_label, share) in zip(values, columns, strict=True):
            pdf.cell(width * share, 6, value)
        pdf.ln()
    if order.shipping_fee:
        method = ShippingMethod(order.shipping_method)
        pdf.cell(width * 0.18, 6, "")
        pdf.cell(width * 0.66, 6, f"Μεταφορικά / Shipping ({method.value})")
        pdf.cell(width * 0.16, 6, _euros(order.shipping_fee))
        pdf.ln()
    pdf.ln(4)

    rate = f"{(invoice.vat_rate * 100).normalize():f}%"
    totals = [
        ("Καθαρή αξία / Net amount", _euros(invoice.net_total)),
        (f"ΦΠΑ / VAT {rate}", _euros(invoice.vat_total)),
        ("Σύνολο / Total", _euros(invoice.total)),
    ]
    for label, value in totals:
        pdf.set_font("DejaVu", "B" if label.startswith("Σύνολο") else "", 10)
        pdf.cell(width * 0.7, 6, label, align="R")
        pdf.cell(width * 0.3, 6, value, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(width, 4, "Οι τιμές περιλαμβάνουν ΦΠΑ. / Prices include VAT.")
    return bytes(pdf.output())

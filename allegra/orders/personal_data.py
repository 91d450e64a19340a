"""The orders app in the personal-data map.

Orders and invoices are accounting records: kept 5 years after the end of the order's fiscal year (R2,
ORDER_RECORDS) and, when a person is erased, kept detached from the account (the user link is set to NULL:
pseudonymised, not deleted) until then (LEGAL_HOLD).
"""

from allegra.privacy.registry import Erasure, FoundBy, LegalBasis, Retention, personal_data_map
from allegra.privacy.registry import PersonalDataField as Field
from allegra.privacy.retention import RetentionJob, register

ORDER = {
    "subject": "customer",
    "legal_basis": LegalBasis.CONTRACT,
    "retention": Retention.ORDER_RECORDS,
    "erasure": Erasure.LEGAL_HOLD,
}
CONTACT = {**ORDER, "clause": "C1", "uses": ["essential.service", "essential.service.notifications.email"]}
HISTORY = {**ORDER, "clause": "C3", "uses": ["essential.service", "essential.legal_obligation"]}

personal_data_map.declare(
    "orders.Order",
    subject_path="user",
    # A guest order placed with the account's address is the same person's (erasure finds it by the address).
    found_by=[FoundBy(field="email", email=True)],
    technical_fields=[
        "id",
        "number",
        "public_id",
        "shipping_method",
        "shipping_fee",
        "items_total",
        "net_total",
        "vat_total",
        "vat_rate",
        "refunded_amount",
        "language",
        "state",
        "paid_at",
        "payment_reference",
        "carrier",
        "idempotency_key",
        "legal_hold",
        "updated_at",
    ],
    fields=[
        Field(
            field="email",
            category="user.contact.email",
            description_el="Η διεύθυνση email που δώσατε στην παραγγελία· σας γράφουμε εκεί για την παραγγελία.",
            description_en="The email address you gave with the order; we write to you there about the order.",
            **CONTACT,
        ),
        Field(
            field="phone",
            category="user.contact.phone_number",
            description_el="Το τηλέφωνο της παραγγελίας, για τον μεταφορέα (αποθηκεύεται κρυπτογραφημένο).",
            description_en="The order's telephone number, for the carrier (stored encrypted).",
            **CONTACT,
        ),
        Field(
            field="shipping_address",
            category="user.contact.address",
            description_el="Η διεύθυνση αποστολής της παραγγελίας (αποθηκεύεται κρυπτογραφημένη).",
            description_en="The order's shipping address (stored encrypted).",
            **CONTACT,
        ),
        Field(
            field="billing_address",
            category="user.contact.address",
            description_el="Η διεύθυνση χρέωσης της παραγγελίας, που τυπώνεται στο τιμολόγιο (κρυπτογραφημένη).",
            description_en="The order's billing address, printed on the invoice (stored encrypted).",
            **CONTACT,
        ),
        Field(
            field="total",
            category="user.financial",
            description_el="Το ποσό που πληρώσατε για την παραγγελία.",
            description_en="The amount you paid for the order.",
            **HISTORY,
        ),
        Field(
            field="placed_at",
            category="user.behavior.purchase_history",
            description_el="Πότε κάνατε την παραγγελία.",
            description_en="When you placed the order.",
            **HISTORY,
        ),
        Field(
            field="tracking_number",
            category="user.behavior.purchase_history",
            description_el="Ο αριθμός αποστολής του μεταφορέα για το δέμα σας.",
            description_en="The carrier's tracking number of your parcel.",
            **HISTORY,
        ),
    ],
)

personal_data_map.declare(
    "orders.OrderLine",
    subject_path="order__user",
    technical_fields=["id", "variant", "line_total"],
    fields=[
        Field(
            field=name,
            category="user.behavior.purchase_history",
            description_el=f"Τι αγοράσατε: {what_el}.",
            description_en=f"What you bought: {what_en}.",
            **HISTORY,
        )
        for name, what_el, what_en in (
            ("sku", "ο κωδικός του είδους", "the item's code"),
            ("name_el", "το όνομά του στα ελληνικά", "its name in Greek"),
            ("name_en", "το όνομά του στα αγγλικά", "its name in English"),
            ("unit_price", "η τιμή μονάδας", "the unit price"),
            ("quantity", "η ποσότητα", "the quantity"),
        )
    ],
)

personal_data_map.declare(
    "orders.OrderEvent",
    subject_path="order__user",
    technical_fields=["id", "from_state", "carrier", "note"],
    fields=[
        Field(
            field="to_state",
            category="user.behavior.purchase_history",
            description_el="Κάθε αλλαγή κατάστασης της παραγγελίας σας (πληρωμή, αποστολή, παράδοση).",
            description_en="Each change of your order's state (payment, shipment, delivery).",
            **HISTORY,
        ),
        Field(
            field="at",
            category="user.behavior.purchase_history",
            description_el="Πότε άλλαξε η κατάσταση της παραγγελίας σας.",
            description_en="When your order's state changed.",
            **HISTORY,
        ),
        Field(
            field="tracking_number",
            category="user.behavior.purchase_history",
            description_el="Ο αριθμός αποστολής που καταγράφηκε κατά την αποστολή.",
            description_en="The tracking number recorded when the order was shipped.",
            **HISTORY,
        ),
        Field(
            field="actor",
            category="user.account",
            subject="employee",
            uses=["essential.service.security"],
            clause="C3",
            legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
            retention=Retention.ORDER_RECORDS,
            erasure=Erasure.LEGAL_HOLD,
            description_el="Ποιος άλλαξε την κατάσταση της παραγγελίας (μέλος του προσωπικού ή ο πελάτης).",
            description_en="Who changed the order's state (a staff member or the customer).",
        ),
        Field(
            field="actor_kind",
            category="user.account",
            subject="employee",
            uses=["essential.service.security"],
            clause="C3",
            legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
            retention=Retention.ORDER_RECORDS,
            erasure=Erasure.LEGAL_HOLD,
            description_el="Αν την αλλαγή την έκανε το προσωπικό, το σύστημα ή ο πελάτης.",
            description_en="Whether staff, the system or the customer made the change.",
        ),
    ],
)

personal_data_map.declare(
    "orders.Invoice",
    subject_path="order__user",
    technical_fields=["id", "year", "sequence", "net_total", "vat_total", "vat_rate"],
    fields=[
        Field(
            field="number",
            category="user.financial",
            description_el="Ο αριθμός του τιμολογίου της παραγγελίας σας.",
            description_en="The number of your order's invoice.",
            **{**HISTORY, "legal_basis": LegalBasis.LEGAL_OBLIGATION},
        ),
        Field(
            field="issued_at",
            category="user.financial",
            description_el="Πότε εκδόθηκε το τιμολόγιο.",
            description_en="When the invoice was issued.",
            **{**HISTORY, "legal_basis": LegalBasis.LEGAL_OBLIGATION},
        ),
        Field(
            field="total",
            category="user.financial",
            description_el="Το σύνολο του τιμολογίου.",
            description_en="The invoice's total.",
            **{**HISTORY, "legal_basis": LegalBasis.LEGAL_OBLIGATION},
        ),
    ],
)

personal_data_map.declare_no_personal_data(
    "orders.InvoiceCounter", reason="The last invoice number of each year: a number, nothing about anyone."
)


def _purge(*, now, dry_run):
    from allegra.orders.services import purge_expired_order_records

    return purge_expired_order_records(now=now, dry_run=dry_run)


# Retention (R2): the job `manage.py enforce_retention` runs for this app's rules.
register(
    RetentionJob(
        "orders-records",
        (Retention.ORDER_RECORDS,),
        _purge,
        "orders, their lines, history and invoices 5 years after the end of their fiscal year",
    )
)

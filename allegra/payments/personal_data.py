"""The payments app's entries in the personal-data map (C4) and the payment provider as a processor (S1)."""

from allegra.privacy.registry import Erasure, FoundBy, LegalBasis, Processor, Pseudonym, Retention, personal_data_map
from allegra.privacy.registry import PersonalDataField as Field

personal_data_map.register_processor(
    Processor(
        key="payment_provider",
        name="Payment service provider (card processing)",
        purpose_el="Επεξεργάζεται τις πληρωμές με κάρτα: λαμβάνει τα στοιχεία της κάρτας σας απευθείας, "
        "χωρίς να περνούν από εμάς.",
        purpose_en="Processes card payments: it receives your card details directly, without them passing through us.",
        country="GR",
        safeguards="PCI DSS; contract under GDPR Art. 28",
    )
)

CARD = {
    "category": "user.financial.credit_card",
    "uses": ["essential.service.payment_processing"],
    "subject": "customer",
    "clause": "C4",
    "legal_basis": LegalBasis.CONTRACT,
    "retention": Retention.ORDER_RECORDS,
    "erasure": Erasure.LEGAL_HOLD,
    "processors": ["payment_provider"],
}

# A payment belongs to what it pays for (an order), not to an account: it is reached through the order.
personal_data_map.declare(
    "payments.Payment",
    subject_path=None,
    found_by=[FoundBy(field="payable", model="orders.Order", to_field="number")],
    technical_fields=[
        "id",
        "public_id",
        "payable",
        "amount_cents",
        "currency",
        "status",
        "idempotency_key",
        "return_url",
        "provider",
        "provider_payment_id",
        "failure_code",
        "amount_refunded_cents",
        "created_at",
        "updated_at",
    ],
    fields=[
        Field(
            field="card_brand",
            description_el="Το δίκτυο της κάρτας με την οποία πληρώσατε (π.χ. Visa).",
            description_en="The network of the card you paid with (e.g. Visa).",
            **CARD,
        ),
        Field(
            field="card_last4",
            description_el="Τα 4 τελευταία ψηφία της κάρτας, για να την αναγνωρίζετε· ποτέ ολόκληρος ο αριθμός.",
            description_en="The last 4 digits of the card, so you can recognise it; never the whole number.",
            **CARD,
        ),
        Field(
            field="card_exp_month",
            description_el="Ο μήνας λήξης της κάρτας.",
            description_en="The card's expiry month.",
            **CARD,
        ),
        Field(
            field="card_exp_year",
            description_el="Το έτος λήξης της κάρτας.",
            description_en="The card's expiry year.",
            **CARD,
        ),
        Field(
            field="card_fingerprint",
            description_el="Ένα αποτύπωμα της κάρτας από τον πάροχο (κατακερματισμός με δικό του κλειδί): "
            "ίδια κάρτα, ίδιο αποτύπωμα, για τον έλεγχο απάτης· από αυτό δεν προκύπτει ο αριθμός της κάρτας.",
            description_en="The provider's fingerprint of the card (a hash under its own key): the same card gives the "
            "same fingerprint, for fraud checks; the card number cannot be worked out from it.",
            # Kept with the payment, it would still recognise the same card on a later order: blanked on erasure.
            pseudonymise=Pseudonym.BLANK,
            **CARD,
        ),
        Field(
            field="provider_token_id",
            description_el="Το διακριτικό (token) με το οποίο ο πάροχος πληρωμών αναγνωρίζει την κάρτα· όχι η κάρτα.",
            description_en="The token by which the payment provider identifies the card; not the card itself.",
            **CARD,
        ),
    ],
)

personal_data_map.declare_no_personal_data(
    "payments.Refund", reason="Amounts, the provider's refund ID and the staff's reason for a refund of a payment."
)
personal_data_map.declare_no_personal_data(
    "payments.WebhookEvent", reason="The provider's event IDs and types, and when they were received and applied."
)
# The bundled test provider stands for another company's systems (the processor above): its tables are not the
# shop's records and the shop never reads them. It keeps a keyed fingerprint, the brand, the last 4 digits and the
# expiry of a card; never the number or the CVC (tests/payments/test_card_data.py proves it).
personal_data_map.declare_no_personal_data(
    "psp", reason="The payment provider's own systems (bundled for tests), not the shop's records."
)

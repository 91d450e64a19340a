"""Fraud screening in the personal-data map (U4): keyed hashes of the email, card and network an order came with,
and the order's assessment; kept 2 years, under the shop's legitimate interest in not being defrauded.

Neither model leads to an account (checkout hands over plain data; guests have none), so `subject_path` is None:
a person's export cannot list these rows, and they hold nothing that could be shown back anyway (hashes only).
"""

from allegra.privacy.registry import Erasure, FoundBy, LegalBasis, Retention, personal_data_map
from allegra.privacy.registry import PersonalDataField as Field
from allegra.privacy.retention import RetentionJob, register

# Clause C1 ("what we collect and why") rather than a clause of its own: the policy's map has C1 to C7 only, and
# fraud screening is U4, which has no place there. The signals are derived from the email address and IP address
# the customer gives at checkout, data C1 lists; the purpose (fraud prevention) is named in `uses`.
SCREENING = {
    "subject": "customer",
    "clause": "C1",
    "legal_basis": LegalBasis.LEGITIMATE_INTERESTS,
    "retention": Retention.FRAUD_SIGNALS,
    "erasure": Erasure.DELETE,
}

personal_data_map.declare(
    "fraud.FraudSignal",
    subject_path=None,
    # Erasure finds a person's signals (declines too) by their email address and their payments' cards, hashed.
    found_by=[
        FoundBy(field="value_hash", blind_index_purpose="fraud.email"),
        FoundBy(
            field="value_hash",
            model="payments.Payment",
            to_field="card_fingerprint",
            blind_index_purpose="fraud.card",
        ),
    ],
    technical_fields=["id", "kind", "created_at"],
    fields=[
        Field(
            field="value_hash",
            category="user.unique_id.pseudonymous",
            uses=["essential.fraud_detection"],
            description_el="Ένα κλειδωμένο αποτύπωμα (hash) του email σας, της κάρτας σας ή του δικτύου της "
            "διεύθυνσης IP σας, όχι τα ίδια, για να εντοπίζουμε πολλές παραγγελίες ή απορρίψεις πληρωμής σε λίγο "
            "χρόνο.",
            description_en="A keyed hash of your email address, your card or your IP address's network, not the "
            "values themselves, to notice many orders or declined payments in a short time.",
            **SCREENING,
        ),
    ],
)

personal_data_map.declare(
    "fraud.FraudAssessment",
    subject_path=None,
    found_by=[FoundBy(field="order_reference", model="orders.Order", to_field="number")],
    technical_fields=["id", "created_at"],
    fields=[
        Field(
            field="order_reference",
            category="user.unique_id",
            uses=["essential.fraud_detection"],
            description_el="Ο αριθμός της παραγγελίας σας που ελέγχθηκε για απάτη.",
            description_en="The reference of your order that was screened for fraud.",
            **SCREENING,
        ),
        Field(
            field="score",
            category="user.behavior",
            uses=["essential.fraud_detection"],
            description_el="Η βαθμολογία κινδύνου απάτης της παραγγελίας σας.",
            description_en="The fraud risk score of your order.",
            **SCREENING,
        ),
        Field(
            field="hits",
            category="user.behavior",
            uses=["essential.fraud_detection"],
            description_el="Οι κανόνες που ενεργοποίησε η παραγγελία σας (π.χ. διαφορετική χώρα χρέωσης και "
            "αποστολής), με απλά λόγια.",
            description_en="The rules your order triggered (for example billing and shipping countries differ), "
            "in plain words.",
            **SCREENING,
        ),
        Field(
            field="decision",
            category="user.behavior",
            uses=["essential.fraud_detection"],
            description_el="Αν η παραγγελία σας πέρασε ή κρατήθηκε για έλεγχο.",
            description_en="Whether your order was cleared or held for review.",
            **SCREENING,
        ),
        Field(
            field="review_decision",
            category="user.behavior",
            uses=["essential.fraud_detection"],
            description_el="Αν το προσωπικό μας ενέκρινε ή ακύρωσε την παραγγελία μετά τον έλεγχο.",
            description_en="Whether our staff approved or cancelled the order after review.",
            **SCREENING,
        ),
        Field(
            field="review_reason",
            category="user.behavior",
            uses=["essential.fraud_detection"],
            description_el="Ο λόγος της απόφασης του ελέγχου.",
            description_en="The reason given for the review decision.",
            **SCREENING,
        ),
        Field(
            field="reviewed_by",
            category="user.behavior",
            uses=["essential.fraud_detection"],
            description_el="Ποιο μέλος του προσωπικού έλεγξε την παραγγελία.",
            description_en="Which member of staff reviewed the order.",
            **SCREENING,
        ),
        Field(
            field="reviewed_at",
            category="user.behavior",
            uses=["essential.fraud_detection"],
            description_el="Πότε ελέγχθηκε η παραγγελία.",
            description_en="When the order was reviewed.",
            **SCREENING,
        ),
    ],
)


def _purge(*, now, dry_run):
    from allegra.fraud.services import purge_expired_records

    return purge_expired_records(now=now, dry_run=dry_run)


# Retention (R2): the job `manage.py enforce_retention` runs for this app's rules.
register(
    RetentionJob(
        "fraud-records",
        (Retention.FRAUD_SIGNALS,),
        _purge,
        "fraud signals and assessments 2 years after they were made",
    )
)

"""The core app in the personal-data map: the staff audit log (R1).

An entry names the staff member who acted (`actor`, `actor_label`) and, by public ID only, the person whose data
was viewed or changed (`subject`). It is kept as the record that shows how the store handled people's data
(GDPR Art. 5(2) accountability), like the records of data-subject requests, and is append-only: erasing a
customer leaves the entries, which then name an ID that no longer leads to anyone.
"""

from allegra.privacy.registry import Erasure, LegalBasis, Retention, personal_data_map
from allegra.privacy.registry import PersonalDataField as Field

AUDIT = {
    "uses": ["essential.service.security"],
    "clause": "C2",  # staff login identity and the customer's unique user ID
    "legal_basis": LegalBasis.LEGITIMATE_INTERESTS,
    "retention": Retention.SUBJECT_REQUESTS,
    "erasure": Erasure.LEGAL_HOLD,
}

personal_data_map.declare(
    "core.AuditEntry",
    subject_path="actor",
    # Hash-chained and append-only: erasure leaves every entry as it is (see above).
    immutable=True,
    technical_fields=["id", "created_at", "action", "fields", "previous_hash", "hash"],
    fields=[
        Field(
            field="actor_label",
            category="user.account.username",
            subject="employee",
            description_el="Ποιο μέλος του προσωπικού είδε ή άλλαξε προσωπικά δεδομένα (email και αναγνωριστικό).",
            description_en="Which staff member viewed or changed personal data (email and ID).",
            **AUDIT,
        ),
        Field(
            field="subject",
            category="user.unique_id.pseudonymous",
            subject="customer",
            description_el="Το δημόσιο αναγνωριστικό του ατόμου του οποίου τα δεδομένα είδε ή άλλαξε το προσωπικό.",
            description_en="The public ID of the person whose data staff viewed or changed.",
            **AUDIT,
        ),
        Field(
            field="reason",
            category="system.operations",
            subject="employee",
            description_el="Γιατί το μέλος του προσωπικού είδε ή άλλαξε τα δεδομένα.",
            description_en="Why the staff member viewed or changed the data.",
            **AUDIT,
        ),
    ],
)

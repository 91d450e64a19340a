"""The consent app in the personal-data map: the ledger is proof of consent, kept 5 years after it ends."""

from allegra.privacy.registry import Erasure, LegalBasis, Retention, personal_data_map
from allegra.privacy.registry import PersonalDataField as Field

# Keeping proof of a consent is the shop's own legal duty (GDPR Art. 7(1)), so the record outlives the account
# and is detached from it, not deleted, when the account goes.
PROOF = {
    "subject": "visitor",
    "clause": "C6",
    "legal_basis": LegalBasis.LEGAL_OBLIGATION,
    "retention": Retention.CONSENT_RECORDS,
    "erasure": Erasure.LEGAL_HOLD,
}

personal_data_map.declare(
    "consent.ConsentRecord",
    subject_path="user",
    technical_fields=["id", "source", "policy_version", "notice"],
    fields=[
        Field(
            field="consent_id",
            category="user.device.cookie_id",
            uses=["essential.legal_obligation"],
            description_el="Ο τυχαίος κωδικός του φυλλομετρητή σας στο cookie συναίνεσης.",
            description_en="The random id of your browser in the consent cookie.",
            **PROOF,
        ),
        Field(
            field="performance",
            category="user.privacy_preferences",
            uses=["essential.legal_obligation"],
            description_el="Αν επιτρέψατε τα cookies απόδοσης.",
            description_en="Whether you allowed performance cookies.",
            **PROOF,
        ),
        Field(
            field="advertising",
            category="user.privacy_preferences",
            uses=["essential.legal_obligation"],
            description_el="Αν επιτρέψατε τα cookies κοινωνικών δικτύων και διαφήμισης.",
            description_en="Whether you allowed social media and advertising cookies.",
            **PROOF,
        ),
        Field(
            field="gpc",
            category="user.privacy_preferences",
            uses=["essential.legal_obligation"],
            description_el="Αν ο φυλλομετρητής σας έστειλε το σήμα Global Privacy Control.",
            description_en="Whether your browser sent the Global Privacy Control signal.",
            **PROOF,
        ),
        Field(
            field="recorded_at",
            category="user.privacy_preferences",
            uses=["essential.legal_obligation"],
            description_el="Πότε κάνατε την επιλογή.",
            description_en="When you made the choice.",
            **PROOF,
        ),
        Field(
            field="ip_truncated",
            category="user.device.ip_address",
            uses=["essential.legal_obligation"],
            description_el="Η διεύθυνση IP σας, περικομμένη (χωρίς το τελευταίο της τμήμα).",
            description_en="Your IP address, truncated (its last part removed).",
            **PROOF,
        ),
        Field(
            field="user_agent_hash",
            category="user.device",
            uses=["essential.legal_obligation"],
            description_el="Ένα κλειδωμένο αποτύπωμα (hash) της ταυτότητας του φυλλομετρητή σας, όχι η ίδια.",
            description_en="A keyed hash of your browser's user agent, not the user agent itself.",
            **PROOF,
        ),
    ],
)

personal_data_map.declare_no_personal_data(
    "consent.ConsentNotice",
    reason="The texts of the cookie banner and consent forms as shown, one row per distinct text; nothing "
    "about who saw them.",
)

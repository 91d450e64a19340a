"""The consent app in the personal-data map: the ledgers (cookie choices, purpose consents) are proof of consent,
kept 5 years after it ends."""

from allegra.privacy.registry import Erasure, FoundBy, LegalBasis, Retention, personal_data_map
from allegra.privacy.registry import PersonalDataField as Field
from allegra.privacy.retention import RetentionJob, register

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

# Consents to purposes other than cookies (newsletter, personalisation, a contest's own consent). The map takes one
# clause per field: C5 ("marketing choices per channel and topic, each change recorded"), since marketing is what
# most of these records are; a contest's consent is U6, which the map's C1 to C7 have no place for (the record's
# `purpose` says which it is).
PURPOSE_PROOF = {**PROOF, "subject": "customer", "clause": "C5"}

personal_data_map.declare(
    "consent.PurposeConsentRecord",
    subject_path="user",
    # Consents given with the address alone (a newsletter sign-up) are found by its blind index.
    found_by=[FoundBy(field="email_index", blind_index_purpose="consent.email")],
    # `recorded_by` is the staff member's account (C7, accountability towards the shop): the employee's data,
    # not the customer's, so it is not shown back to the customer; the source says "recorded by our staff".
    technical_fields=["id", "source", "policy_version", "notice", "recorded_by"],
    fields=[
        Field(
            field="purpose",
            category="user.privacy_preferences",
            uses=["essential.legal_obligation"],
            description_el="Σε τι συναινέσατε ή από τι αποσυρθήκατε (π.χ. ενημερωτικό δελτίο, διαγωνισμός).",
            description_en="What you consented to or withdrew from (for example the newsletter, a contest).",
            **PURPOSE_PROOF,
        ),
        Field(
            field="granted",
            category="user.privacy_preferences",
            uses=["essential.legal_obligation"],
            description_el="Αν δώσατε ή ανακαλέσατε τη συναίνεσή σας.",
            description_en="Whether you gave or withdrew your consent.",
            **PURPOSE_PROOF,
        ),
        Field(
            field="email_index",
            category="user.unique_id.pseudonymous",
            uses=["essential.legal_obligation"],
            description_el="Ένα κλειδωμένο αποτύπωμα (hash) της διεύθυνσης email σας, όχι η ίδια, για να βρίσκουμε "
            "τις συναινέσεις της.",
            description_en="A keyed hash of your email address, not the address itself, to find its consents.",
            **PURPOSE_PROOF,
        ),
        Field(
            field="recorded_at",
            category="user.privacy_preferences",
            uses=["essential.legal_obligation"],
            description_el="Πότε δώσατε ή ανακαλέσατε τη συναίνεση.",
            description_en="When you gave or withdrew the consent.",
            **PURPOSE_PROOF,
        ),
        Field(
            field="ip_truncated",
            category="user.device.ip_address",
            uses=["essential.legal_obligation"],
            description_el="Η διεύθυνση IP σας, περικομμένη (χωρίς το τελευταίο της τμήμα).",
            description_en="Your IP address, truncated (its last part removed).",
            **PURPOSE_PROOF,
        ),
        Field(
            field="user_agent_hash",
            category="user.device",
            uses=["essential.legal_obligation"],
            description_el="Ένα κλειδωμένο αποτύπωμα (hash) της ταυτότητας του φυλλομετρητή σας, όχι η ίδια.",
            description_en="A keyed hash of your browser's user agent, not the user agent itself.",
            **PURPOSE_PROOF,
        ),
    ],
)

personal_data_map.declare_no_personal_data(
    "consent.ConsentNotice",
    reason="The texts of the cookie banner and consent forms as shown, one row per distinct text; nothing "
    "about who saw them.",
)


def _purge(*, now, dry_run):
    from allegra.consent.services import purge_expired_consent_records

    return purge_expired_consent_records(now=now, dry_run=dry_run)


# Retention (R2): the job `manage.py enforce_retention` runs for this app's rules.
register(
    RetentionJob(
        "consent-records",
        (Retention.CONSENT_RECORDS,),
        _purge,
        "cookie and purpose consent records 5 years after the consent ended",
    )
)

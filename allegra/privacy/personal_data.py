"""Entries in the personal-data map for installed third-party apps whose models belong to a person.

Django's admin log and django-otp's devices hang off the user model; their apps ship no personal_data module,
so the privacy app declares them here. They concern staff (two-factor devices, back-office actions).
"""

from allegra.privacy.registry import Erasure, LegalBasis, Retention, personal_data_map
from allegra.privacy.registry import PersonalDataField as Field

STAFF_SECURITY = {
    "subject": "employee",
    "uses": ["essential.service.security"],
    "clause": "C2",
    "legal_basis": LegalBasis.LEGITIMATE_INTERESTS,
    "erasure": Erasure.DELETE,
}
DEVICE_TECHNICAL = [
    "id",
    "confirmed",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "created_at",
    "last_used_at",
]

personal_data_map.declare(
    "admin.LogEntry",
    subject_path="user",
    technical_fields=["id", "action_time", "content_type", "object_id", "action_flag"],
    fields=[
        Field(
            field="object_repr",
            category="system.operations",
            retention=Retention.SECURITY_LOGS,
            description_el="Τι άλλαξε ένα μέλος του προσωπικού στο σύστημα διαχείρισης (όνομα της εγγραφής).",
            description_en="What a staff member changed in the back office (the record's name).",
            **STAFF_SECURITY,
        ),
        Field(
            field="change_message",
            category="system.operations",
            retention=Retention.SECURITY_LOGS,
            description_el="Ποια πεδία άλλαξε ένα μέλος του προσωπικού.",
            description_en="Which fields a staff member changed.",
            **STAFF_SECURITY,
        ),
    ],
)

personal_data_map.declare(
    "otp_totp.TOTPDevice",
    subject_path="user",
    technical_fields=[*DEVICE_TECHNICAL, "step", "t0", "digits", "tolerance", "drift", "last_t"],
    fields=[
        Field(
            field="name",
            category="user.authorization",
            retention=Retention.WHILE_ACCOUNT_EXISTS,
            description_el="Το όνομα της εφαρμογής ελέγχου ταυτότητας δύο παραγόντων ενός μέλους του προσωπικού.",
            description_en="The name of a staff member's two-factor authenticator app.",
            **STAFF_SECURITY,
        ),
        Field(
            field="key",
            category="user.authorization.credentials",
            retention=Retention.WHILE_ACCOUNT_EXISTS,
            secret=True,
            description_el="Το μυστικό κλειδί της εφαρμογής ελέγχου ταυτότητας δύο παραγόντων.",
            description_en="The secret key of the two-factor authenticator app.",
            **STAFF_SECURITY,
        ),
    ],
)

personal_data_map.declare(
    "otp_static.StaticDevice",
    subject_path="user",
    technical_fields=DEVICE_TECHNICAL,
    fields=[
        Field(
            field="name",
            category="user.authorization",
            retention=Retention.WHILE_ACCOUNT_EXISTS,
            description_el="Το όνομα της λίστας κωδικών ανάκτησης ενός μέλους του προσωπικού.",
            description_en="The name of a staff member's list of recovery codes.",
            **STAFF_SECURITY,
        ),
    ],
)

personal_data_map.declare(
    "otp_static.StaticToken",
    subject_path="device__user",
    technical_fields=["id"],
    fields=[
        Field(
            field="token",
            category="user.authorization.credentials",
            retention=Retention.WHILE_ACCOUNT_EXISTS,
            secret=True,
            description_el="Ένας κωδικός ανάκτησης για τη σύνδεση δύο παραγόντων.",
            description_en="A recovery code for two-factor login.",
            **STAFF_SECURITY,
        ),
    ],
)

# The disclosure log (S2): what was given, about whom, to an authority or other requester under law. The
# requester, the legal basis and the staff approver describe the disclosure, not the person: technical.
DISCLOSED = {
    "uses": ["third_party_sharing.legal_obligation"],
    "subject": "customer",
    "clause": "C1",
    "legal_basis": LegalBasis.LEGAL_OBLIGATION,
    # Proof that a disclosure was lawful outlives the account: detached from the person (SET_NULL), kept.
    "retention": Retention.ORDER_RECORDS,
    "erasure": Erasure.LEGAL_HOLD,
}

personal_data_map.declare(
    "privacy.Disclosure",
    subject_path="subject",
    technical_fields=[
        "id",
        "requester",
        "requester_reference",
        "legal_basis",
        "legal_basis_detail",
        "requested_at",
        "approved_by",
        "approved_at",
        "disclosed_at",
        "created_at",
    ],
    fields=[
        Field(
            field="categories",
            category="user",
            description_el="Ποιες κατηγορίες δεδομένων σας δόθηκαν σε αρχή ή σε άλλον που τα ζήτησε βάσει νόμου.",
            description_en="Which categories of your data were given to an authority or another requester under law.",
            **DISCLOSED,
        ),
        Field(
            field="data_description",
            category="user",
            description_el="Ποια δεδομένα σας δόθηκαν σε αρχή ή σε άλλον που τα ζήτησε βάσει νόμου.",
            description_en="What data of yours was given to an authority or another requester under law.",
            **DISCLOSED,
        ),
    ],
)

# A recorded business-transfer inventory (S4) holds counts and categories, nothing about a customer; it names
# the staff member who recorded it, which is the only link to a person.
personal_data_map.declare(
    "privacy.TransferInventory",
    subject_path="created_by",
    technical_fields=["id", "created_at", "content"],
)
personal_data_map.declare_no_personal_data(
    "privacy.ProcessorAgreement", reason="Agreements with companies: service, country, dates; no person."
)

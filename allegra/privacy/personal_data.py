"""Entries in the personal-data map for the privacy app's own models, and for installed third-party apps whose
models belong to a person.

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

personal_data_map.declare(
    "privacy.DataCopy",
    subject_path="user",
    technical_fields=[
        "id",
        "public_id",
        "request_reference",
        "status",
        "progress",
        "language",
        "size",
        "created_at",
        "ready_at",
        "expires_at",
        "downloaded_at",
    ],
    fields=[
        Field(
            field="content",
            # Everything the shop holds on the person, so the widest category of all.
            category="user",
            uses=["essential.service"],
            subject="customer",
            clause="C2",
            # Answering the rights of access and portability (GDPR Art. 15(3), 20) is a legal duty.
            legal_basis=LegalBasis.LEGAL_OBLIGATION,
            retention=Retention.DATA_COPIES,
            erasure=Erasure.DELETE,
            # The ZIP is fetched from its own page; shown inline (on "my data", in the next copy) it would be
            # a wall of base64, so it is listed as held but never shown back.
            secret=True,
            description_el="Το αρχείο ZIP με αντίγραφο των δεδομένων σας που ζητήσατε, κρυπτογραφημένο.",
            description_en="The ZIP file with a copy of your data that you asked for, encrypted.",
        ),
    ],
)

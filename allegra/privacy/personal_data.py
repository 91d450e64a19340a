"""Entries in the personal-data map for installed third-party apps whose models belong to a person.

Django's admin log and django-otp's devices hang off the user model; their apps ship no personal_data module,
so the privacy app declares them here. They concern staff (two-factor devices, back-office actions).
"""

from allegra.privacy.registry import Erasure, LegalBasis, Retention, personal_data_map
from allegra.privacy.registry import PersonalDataField as Field
from allegra.privacy.retention import RetentionJob, register

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


def _purge_admin_log(*, now, dry_run):
    """SECURITY_LOGS: the back office's change log (admin.LogEntry) 90 days after the change."""
    from datetime import timedelta

    from django.apps import apps

    from allegra.privacy.retention import expired_and_held

    model = apps.get_model("admin", "LogEntry")
    cutoff = now - timedelta(days=Retention.SECURITY_LOGS.rule.days)
    expired, held = expired_and_held(
        model.objects.filter(action_time__lt=cutoff), rule=Retention.SECURITY_LOGS, now=now
    )
    label = model._meta.label
    count = expired.count() if dry_run else expired.delete()[1].get(label, 0)
    return {label: count}, {label: held}


register(RetentionJob("admin-log", (Retention.SECURITY_LOGS,), _purge_admin_log, "back-office change log, 90 days"))

personal_data_map.declare(
    "privacy.LegalHold",
    subject_path="user",
    technical_fields=[
        "id",
        "scope",
        "rule",
        "model_label",
        "object_id",
        "starts",
        "ends",
        "set_by",
        "created_at",
        "lifted_at",
        "lifted_by",
    ],
    fields=[
        Field(
            field="reason",
            category="user.content.private",
            subject="customer",
            uses=["essential.legal_obligation"],
            clause="C2",
            legal_basis=LegalBasis.LEGAL_OBLIGATION,
            retention=Retention.WHILE_ACCOUNT_EXISTS,
            erasure=Erasure.LEGAL_HOLD,
            description_el="Γιατί κρατάμε δεδομένα σας πέρα από τον χρόνο διατήρησής τους (αξίωση, έλεγχος).",
            description_en="Why we keep your data past its retention period (a claim, an audit).",
        ),
    ],
)

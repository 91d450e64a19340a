"""The accounts app's entries in the personal-data map (see allegra/privacy/registry.py)."""

from allegra.privacy.registry import Erasure, LegalBasis, Retention, personal_data_map
from allegra.privacy.registry import PersonalDataField as Field

ACCOUNT = {
    "subject": "customer",
    "legal_basis": LegalBasis.CONTRACT,
    "retention": Retention.WHILE_ACCOUNT_EXISTS,
    "erasure": Erasure.DELETE,
}

personal_data_map.declare(
    "accounts.User",
    subject_path="",
    technical_fields=["id", "is_superuser", "is_staff", "is_active"],
    fields=[
        Field(
            field="email",
            category="user.contact.email",
            uses=["essential.service", "essential.service.authentication", "essential.service.notifications.email"],
            clause="C1",
            description_el=(
                "Η διεύθυνση email με την οποία συνδέεστε και στην οποία σας γράφουμε για τον λογαριασμό σας."
            ),
            description_en="The email address you log in with and where we write to you about your account.",
            **ACCOUNT,
        ),
        Field(
            field="screen_name",
            category="user.account.username",
            uses=["essential.service"],
            clause="C2",
            description_el="Το όνομα χρήστη που διαλέξατε.",
            description_en="The screen name you chose.",
            **ACCOUNT,
        ),
        Field(
            field="public_id",
            category="user.unique_id.pseudonymous",
            uses=["essential.service"],
            clause="C2",
            description_el="Ένας τυχαίος κωδικός που σας αντιπροσωπεύει στις διευθύνσεις των σελίδων.",
            description_en="A random ID that stands for you in page addresses.",
            **ACCOUNT,
        ),
        Field(
            field="password",
            category="user.authorization.credentials",
            uses=["essential.service.authentication"],
            clause="C2",
            secret=True,
            description_el="Ο κωδικός πρόσβασής σας, μόνο κρυπτογραφικά κατακερματισμένος (Argon2).",
            description_en="Your password, kept only as a one-way hash (Argon2).",
            **ACCOUNT,
        ),
        Field(
            field="date_joined",
            category="user.account",
            uses=["essential.service"],
            clause="C2",
            description_el="Πότε δημιουργήσατε τον λογαριασμό σας.",
            description_en="When you created your account.",
            **ACCOUNT,
        ),
        Field(
            field="email_verified_at",
            category="user.account",
            uses=["essential.service.authentication"],
            clause="C2",
            description_el="Πότε επιβεβαιώσατε τη διεύθυνση email σας.",
            description_en="When you confirmed your email address.",
            **ACCOUNT,
        ),
        Field(
            field="last_login",
            category="user.account",
            uses=["essential.service.security"],
            clause="C2",
            description_el="Πότε συνδεθήκατε τελευταία φορά.",
            description_en="When you last logged in.",
            **ACCOUNT,
        ),
        Field(
            field="groups",
            category="user.authorization",
            uses=["essential.service.security"],
            subject="employee",
            clause="C2",
            legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
            retention=Retention.WHILE_ACCOUNT_EXISTS,
            erasure=Erasure.DELETE,
            description_el="Οι ρόλοι ενός μέλους του προσωπικού στο σύστημα διαχείρισης.",
            description_en="A staff member's roles in the back office.",
        ),
        Field(
            field="user_permissions",
            category="user.authorization",
            uses=["essential.service.security"],
            subject="employee",
            clause="C2",
            legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
            retention=Retention.WHILE_ACCOUNT_EXISTS,
            erasure=Erasure.DELETE,
            description_el="Δικαιώματα ενός μέλους του προσωπικού πέρα από τους ρόλους του.",
            description_en="A staff member's permissions beyond their roles.",
        ),
    ],
)

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

# The profile is optional, and none of it is ever needed to buy (C3): what a customer gives, they give by choice.
PROFILE_BY_CHOICE = {
    "subject": "customer",
    "uses": ["essential.service"],
    "clause": "C3",
    "legal_basis": LegalBasis.CONSENT,
    "retention": Retention.WHILE_ACCOUNT_EXISTS,
    "erasure": Erasure.DELETE,
}

personal_data_map.declare(
    "accounts.Profile",
    subject_path="user",
    technical_fields=["id", "updated_at"],
    fields=[
        Field(
            field="full_name",
            category="user.name",
            uses=["essential.service"],
            clause="C1",
            description_el="Το ονοματεπώνυμό σας.",
            description_en="Your full name.",
            **ACCOUNT,
        ),
        Field(
            field="telephone",
            category="user.contact.phone_number",
            uses=["essential.service"],
            clause="C1",
            description_el="Το τηλέφωνό σας (αποθηκεύεται κρυπτογραφημένο).",
            description_en="Your telephone number (stored encrypted).",
            **ACCOUNT,
        ),
        Field(
            field="gender",
            category="user.demographic.gender",
            description_el="Το φύλο σας, αν επιλέξετε να το δηλώσετε (αποθηκεύεται κρυπτογραφημένο).",
            description_en="Your gender, if you choose to tell us (stored encrypted).",
            **PROFILE_BY_CHOICE,
        ),
        Field(
            field="hometown",
            category="user.demographic.profile",
            description_el="Ο τόπος καταγωγής σας, αν επιλέξετε να τον δηλώσετε (αποθηκεύεται κρυπτογραφημένος).",
            description_en="Your hometown, if you choose to tell us (stored encrypted).",
            **PROFILE_BY_CHOICE,
        ),
        Field(
            field="date_of_birth",
            category="user.demographic.date_of_birth",
            description_el="Η ημερομηνία γέννησής σας, αν επιλέξετε να τη δηλώσετε (αποθηκεύεται κρυπτογραφημένη).",
            description_en="Your date of birth, if you choose to tell us (stored encrypted).",
            **PROFILE_BY_CHOICE,
        ),
    ],
)


def _address_field(field: str, category: str, what_el: str, what_en: str) -> Field:
    return Field(
        field=field,
        category=category,
        uses=["essential.service"],
        clause="C1",
        description_el=f"{what_el} μιας διεύθυνσης αποστολής ή χρέωσης· αποθηκεύεται κρυπτογραφημένα.",
        description_en=f"{what_en} of a shipping or billing address (stored encrypted).",
        **ACCOUNT,
    )


personal_data_map.declare(
    "accounts.Address",
    subject_path="user",
    # The address's own random ID, its kind (shipping or billing) and flags say nothing about the person.
    technical_fields=["id", "public_id", "kind", "is_default", "created_at", "updated_at"],
    fields=[
        Field(
            field="label",
            category="user.contact.address",
            uses=["essential.service"],
            clause="C1",
            description_el="Το όνομα που δώσατε σε μια διεύθυνση (π.χ. «Σπίτι»).",
            description_en="The name you gave an address (for example “Home”).",
            **ACCOUNT,
        ),
        _address_field("recipient_name", "user.name", "Το όνομα του παραλήπτη", "The recipient's name"),
        _address_field("street", "user.contact.address.street", "Η οδός", "The street"),
        _address_field("number", "user.contact.address.street", "Ο αριθμός", "The street number"),
        _address_field("city", "user.contact.address.city", "Η πόλη", "The town or city"),
        _address_field("postcode", "user.contact.address.postal_code", "Ο ταχυδρομικός κώδικας", "The postcode"),
        _address_field("region", "user.contact.address.state", "Η περιφέρεια", "The region"),
        Field(
            field="country",
            category="user.contact.address.country",
            uses=["essential.service"],
            clause="C1",
            description_el="Η χώρα μιας διεύθυνσης αποστολής ή χρέωσης.",
            description_en="The country of a shipping or billing address.",
            **ACCOUNT,
        ),
        _address_field("telephone", "user.contact.phone_number", "Το τηλέφωνο", "The telephone number"),
    ],
)

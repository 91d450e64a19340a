"""The wish list in the personal-data map (C5): the pieces a customer saved, kept while the account exists."""

from allegra.privacy.registry import Erasure, LegalBasis, Retention, personal_data_map
from allegra.privacy.registry import PersonalDataField as Field

WISH_LIST = {
    "subject": "customer",
    "uses": ["essential.service"],
    "clause": "C5",
    "legal_basis": LegalBasis.CONTRACT,
    "retention": Retention.WHILE_ACCOUNT_EXISTS,
    "erasure": Erasure.DELETE,
}

personal_data_map.declare(
    "wishlist.WishlistItem",
    subject_path="user",
    technical_fields=["id"],
    fields=[
        Field(
            field="variant",
            category="user.behavior.purchase_history",
            description_el="Ποιο κόσμημα αποθηκεύσατε στη λίστα επιθυμιών σας.",
            description_en="Which piece you saved in your wish list.",
            **WISH_LIST,
        ),
        Field(
            field="added_at",
            category="user.behavior.purchase_history",
            description_el="Πότε το αποθηκεύσατε.",
            description_en="When you saved it.",
            **WISH_LIST,
        ),
    ],
)

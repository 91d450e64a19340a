"""The cart in the personal-data map: what a customer or a guest put in their cart, and the guest's cart key.

An account's cart lives as long as the account (erased with it); a guest's cart is deleted 30 days after its last
change (`cart.tasks.purge_guest_carts`, Retention.GUEST_CARTS). A cart line's `variant` and `quantity` follow the
cart they are in: the map takes one retention per field, so they are declared under the account rule and their
description says what happens to a guest's.
"""

from allegra.privacy.registry import Erasure, LegalBasis, Retention, personal_data_map
from allegra.privacy.registry import PersonalDataField as Field
from allegra.privacy.retention import RetentionJob, register

CART = {
    "subject": "customer",
    "uses": ["essential.service"],
    "clause": "C1",
    "legal_basis": LegalBasis.CONTRACT,
    "retention": Retention.WHILE_ACCOUNT_EXISTS,
    "erasure": Erasure.DELETE,
}

personal_data_map.declare(
    "cart.Cart",
    subject_path="owner",
    technical_fields=["id", "created_at", "updated_at"],
    fields=[
        Field(
            field="session_key",
            category="user.device.cookie_id",
            subject="visitor",
            uses=["essential.service"],
            clause="C1",
            legal_basis=LegalBasis.CONTRACT,
            retention=Retention.GUEST_CARTS,
            erasure=Erasure.DELETE,
            description_el="Ένας τυχαίος κωδικός στο cookie συνεδρίας του φυλλομετρητή σας, που βρίσκει το καλάθι "
            "σας όταν δεν έχετε συνδεθεί· διαγράφεται με το καλάθι 30 ημέρες μετά την τελευταία αλλαγή του.",
            description_en="A random key in your browser's session cookie that finds your cart while you are not "
            "signed in; deleted with the cart 30 days after its last change.",
        ),
    ],
)

personal_data_map.declare(
    "cart.CartLine",
    subject_path="cart__owner",
    technical_fields=["id", "public_id", "added_at"],
    fields=[
        Field(
            field="variant",
            category="user.behavior.purchase_history",
            description_el="Ποιο κόσμημα βάλατε στο καλάθι σας (το καλάθι επισκέπτη διαγράφεται 30 ημέρες μετά "
            "την τελευταία αλλαγή του).",
            description_en="Which piece you put in your cart (a guest's cart is deleted 30 days after its last "
            "change).",
            **CART,
        ),
        Field(
            field="quantity",
            category="user.behavior.purchase_history",
            description_el="Πόσα κομμάτια βάλατε στο καλάθι σας.",
            description_en="How many of the piece you put in your cart.",
            **CART,
        ),
    ],
)


def _purge(*, now, dry_run):
    from allegra.cart.services import purge_expired_guest_carts

    return purge_expired_guest_carts(now=now, dry_run=dry_run)


# Retention (R2): the job `manage.py enforce_retention` runs for this app's rules.
register(RetentionJob("guest-carts", (Retention.GUEST_CARTS,), _purge, "guest carts 30 days after their last change"))

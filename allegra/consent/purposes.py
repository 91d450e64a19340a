"""The purposes, other than cookies, that a person consents to one by one (U2, U6), and their plain words.

Each consent to one of them is proven by a `PurposeConsentRecord` (allegra.consent.models). A purpose key is
either one of `PURPOSES` or a member of a family: "contest:<slug>" is the consent a contest's entry form asks
for (U6), one per contest. A key that is neither is refused with `UnknownPurpose` and never stored: the ledger
proves only what a form of the shop could have asked.

Labels and descriptions are kept here in Greek and in English, like the personal-data map's descriptions, so
that the words shown on "My privacy" and in the back office are the registry's own and need no catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import get_language

from allegra.core.encryption import blind_index

# A contest's slug: lower-case letters, digits and single hyphens, as Django's slugify makes them.
CONTEST_PREFIX = "contest:"
CONTEST_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONTEST_SLUG_MAX_CHARS = 60
# The model's column holds the longest key the registry can produce.
PURPOSE_MAX_CHARS = len(CONTEST_PREFIX) + CONTEST_SLUG_MAX_CHARS


# The blind index's own purpose for email addresses in the purpose ledger (unrelated to any other index).
EMAIL_INDEX_PURPOSE = "consent.email"


class PurposeConsentError(ValueError):
    """A purpose consent that cannot be recorded or looked up as asked (no person, no notice text for a grant)."""


class UnknownPurpose(PurposeConsentError):
    """A purpose key that the registry does not know: nothing is recorded for it."""


def email_index_of(email: str) -> str:
    """The blind index of an email address in the purpose ledger (normalised: case and outer spaces ignored)."""
    return blind_index(email, purpose=EMAIL_INDEX_PURPOSE)


@dataclass(frozen=True)
class Purpose:
    key: str
    label_el: str
    label_en: str
    description_el: str
    description_en: str
    clause: str  # the policy clause the consent proves: "U2" (marketing) or "U6" (another purpose)
    marketing: bool

    @property
    def label(self) -> str:
        return _pick(self.label_el, self.label_en)

    @property
    def description(self) -> str:
        return _pick(self.description_el, self.description_en)


def _pick(text_el: str, text_en: str) -> str:
    return text_el if (get_language() or "el").startswith("el") else text_en


MARKETING_EMAIL = "marketing_email"
MARKETING_PERSONALISATION = "marketing_personalisation"

PURPOSES: dict[str, Purpose] = {
    purpose.key: purpose
    for purpose in (
        Purpose(
            key=MARKETING_EMAIL,
            label_el="Ενημερωτικό δελτίο και προσφορές με email",
            label_en="Newsletter and offers by email",
            description_el="Σας στέλνουμε με email τα νέα μας κοσμήματα, τις συλλογές και τις προσφορές μας. "
            "Κάθε μήνυμα έχει σύνδεσμο διαγραφής με ένα κλικ.",
            description_en="We email you our new jewellery, collections and offers. Every message has a "
            "one-click unsubscribe link.",
            clause="U2",
            marketing=True,
        ),
        Purpose(
            key=MARKETING_PERSONALISATION,
            label_el="Εξατομικευμένα μηνύματα και προτάσεις",
            label_en="Personalised messages and recommendations",
            description_el="Διαλέγουμε τι θα σας δείξουμε ή θα σας στείλουμε με βάση τις αγορές σας και όσα "
            "έχετε δει στο κατάστημά μας.",
            description_en="We choose what to show or send you from your purchases and what you looked at in our shop.",
            clause="U2",
            marketing=True,
        ),
    )
}


def contest_key(slug: str) -> str:
    """The purpose key of a contest's own consent ("contest:<slug>")."""
    key = f"{CONTEST_PREFIX}{slug}"
    get_purpose(key)  # refuses a malformed slug
    return key


def _contest(key: str) -> Purpose | None:
    slug = key[len(CONTEST_PREFIX) :]
    if not (len(slug) <= CONTEST_SLUG_MAX_CHARS and CONTEST_SLUG.match(slug)):
        return None
    return Purpose(
        key=key,
        label_el=f"Διαγωνισμός «{slug}»",
        label_en=f"Contest “{slug}”",
        description_el="Η χρήση των στοιχείων σας για τον διαγωνισμό στον οποίο δηλώσατε συμμετοχή, όπως έγραφε "
        "η φόρμα του.",
        description_en="Using your details for the contest you entered, as its entry form said.",
        clause="U6",
        marketing=False,
    )


def get_purpose(key: str) -> Purpose:
    """The purpose of `key`, or `UnknownPurpose` when the registry has no such purpose."""
    if not isinstance(key, str):
        raise UnknownPurpose("a purpose key is a string")
    purpose = PURPOSES.get(key)
    if purpose is None and key.startswith(CONTEST_PREFIX):
        purpose = _contest(key)
    if purpose is None:
        # The key comes from code or a form field: say which rule it broke, without echoing long input.
        raise UnknownPurpose(f"unknown consent purpose {key[:80]!r}: use one of {sorted(PURPOSES)} or contest:<slug>")
    return purpose


def is_known(key: str) -> bool:
    try:
        get_purpose(key)
    except UnknownPurpose:
        return False
    return True


def marketing_purposes() -> list[Purpose]:
    """The purposes a customer may withdraw from "My privacy" with one click (U2)."""
    return [purpose for purpose in PURPOSES.values() if purpose.marketing]

"""Plain words for the fideslang keys the shop uses, in Greek and English.

Keys the shop has no words for yet fall back to fideslang's own English name, so a new category shows up on
the public page at once (untranslated) rather than not at all.
"""

from django.utils.translation import gettext_lazy as _

from allegra.privacy.registry import Erasure, PersonalDataField, taxonomy_names

CATEGORY_NAMES = {
    "user.contact.email": _("Email address"),
    "user.contact.phone_number": _("Telephone number"),
    "user.contact.address": _("Postal address"),
    "user.contact.address.street": _("Street address"),
    "user.contact.address.city": _("Town or city"),
    "user.contact.address.postal_code": _("Postcode"),
    "user.contact.address.country": _("Country"),
    "user.contact.address.state": _("Region"),
    "user.contact": _("Contact details"),
    "user.name": _("Name"),
    "user.name.first": _("First name"),
    "user.name.last": _("Last name"),
    "user.account": _("Account details"),
    "user.account.username": _("Screen name"),
    "user.account.settings": _("Account settings"),
    "user.unique_id.pseudonymous": _("Random user ID"),
    "user.authorization": _("Access rights and sign-in devices"),
    "user.authorization.credentials": _("Password and sign-in secrets"),
    "user.demographic.gender": _("Gender"),
    "user.demographic.date_of_birth": _("Date of birth"),
    "user.demographic.profile": _("Hometown and other profile details"),
    "user.behavior.purchase_history": _("Purchase history"),
    "user.device.ip_address": _("IP address"),
    "system.operations": _("Back-office activity"),
    "user": _("Copies of your data you downloaded"),
}

USE_NAMES = {
    "essential.service": _("to run your account and the shop's services"),
    "essential.service.authentication": _("to let you log in securely"),
    "essential.service.security": _("to keep accounts and the shop secure"),
    "essential.service.notifications.email": _("to send you emails about your account"),
    "essential.service.operations.support": _("to answer your questions"),
    "essential.service.payment_processing": _("to take payment"),
    "essential.legal_obligation": _("to meet our legal duties"),
    "essential.fraud_detection": _("to prevent fraud"),
    "marketing.communications.email": _("to send you newsletters you asked for"),
    "analytics.reporting": _("to count visits and improve the shop"),
    "personalize.content": _("to tailor what you see"),
}

SUBJECT_NAMES = {
    "customer": _("customers"),
    "employee": _("staff"),
    "visitor": _("visitors"),
    "anonymous_user": _("anonymous visitors"),
    "prospect": _("newsletter subscribers"),
}

# GDPR Art. 32 measures, listed in the records of processing (Art. 30(1)(g)).
SECURITY_MEASURES = (
    _("Telephone, addresses, date of birth, gender and hometown encrypted at rest (AES-GCM) with key rotation"),
    _("Passwords hashed with Argon2; login throttled per account and per IP address"),
    _("Two-factor authentication for every staff login to the back office"),
    _("Least-privilege staff roles"),
    _("A hash-chained audit log of staff access to personal data"),
    _("HTTPS only, secure HttpOnly SameSite cookies; no personal data in logs or URLs"),
)

# Recipients outside these countries receive a transfer in the sense of GDPR Art. 44 (EU + EEA).
EEA = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK".split())  # noqa: SIM905


def category_name(key: str):
    return CATEGORY_NAMES.get(key) or taxonomy_names().get(key, key)


def use_name(key: str):
    return USE_NAMES.get(key) or taxonomy_names().get(key, key)


def subject_name(key: str):
    return SUBJECT_NAMES.get(key) or taxonomy_names().get(key, key)


def then_words(declaration: PersonalDataField) -> str:
    """What happens at the end of the retention period, in words."""
    if declaration.erasure is Erasure.DELETE:
        return str(declaration.retention.rule.then)
    return str(declaration.erasure.label)

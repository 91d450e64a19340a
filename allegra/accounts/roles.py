"""Staff roles (R1, least privilege): each role is a Django group with exactly the permissions listed here.

Permissions are named "app_label.codename"; a trailing `*` matches every codename with that prefix, so
"catalog.view_*" follows new catalogue models without a change here. Patterns that match nothing yet (models
that other work has not added, such as orders) are simply skipped, and pick up their permissions the next time
`ensure_staff_roles()` runs. Groups are set to exactly this list every run: a right added by hand in the admin
is taken away again, so this file stays the single truth about who may do what.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from django.contrib.auth.models import Group, Permission
from django.db import transaction

STORE_MANAGER = "Store manager"
CONSUMER_SERVICES = "Consumer services"
MARKETING = "Marketing"
FULFILMENT = "Fulfilment"
PRIVACY_OFFICER = "Privacy officer"

ROLES: dict[str, tuple[str, ...]] = {
    STORE_MANAGER: (
        # Runs the catalogue: creates, edits, retires products, variants, pictures, categories, collections.
        "catalog.add_*",
        "catalog.change_*",
        "catalog.delete_*",
        "catalog.view_*",
        # Reads the analytics dashboards (daily aggregates) and the anonymous search log; never raw events.
        "analytics.view_dailyaggregate",
        "analytics.view_searchrecord",
        # Nothing from accounts: the catalogue needs no customer data.
        # Oversees orders: reads them and their invoices, changes their state (through the services only).
        "orders.view_*",
        "orders.change_order",
        # Reviews orders held by fraud screening (U4): approves or cancels them with a reason.
        "fraud.view_fraudassessment",
        "fraud.change_fraudassessment",
        # Sees payments (token, brand, last 4 digits: never a card number) and refunds them, audited.
        "payments.view_payment",
        "payments.view_refund",
        "payments.change_payment",
    ),
    CONSUMER_SERVICES: (
        # Answers customers: reads their account, contact details and addresses to help them; changes go
        # through the customer's own pages or a privacy request, so no change rights here.
        "accounts.view_user",
        "accounts.view_profile",
        "accounts.view_address",
        # Reads orders and their invoices to answer customers; cancels or corrects a state when asked.
        "orders.view_*",
        "orders.change_order",
        # Reviews orders held by fraud screening (U4), knowing the customer's side of the story.
        "fraud.view_fraudassessment",
        "fraud.change_fraudassessment",
        # Sees a customer's payments and refunds to answer them; refunding is the Store manager's.
        "payments.view_payment",
        "payments.view_refund",
        # Reads the catalogue to answer questions about products.
        "catalog.view_*",
    ),
    MARKETING: (
        # Plans campaigns around the catalogue, the analytics dashboards (daily aggregates, U5) and the
        # anonymous search log. Named one by one: raw events (one visitor's trail) are nobody's to browse.
        "catalog.view_*",
        "analytics.view_dailyaggregate",
        "analytics.view_searchrecord",
        # Deliberately nothing from accounts (no telephone, address, profile or payment data) nor orders.
    ),
    FULFILMENT: (
        # Ships orders (a later issue) to the customer's shipping address.
        "orders.view_*",
        "orders.change_order",
        "accounts.view_address",
        # Checks and corrects stock of the variants it packs.
        "catalog.view_product",
        "catalog.view_variant",
        "catalog.change_variant",
    ),
    PRIVACY_OFFICER: (
        # Reads (never edits: nobody may) the staff audit log.
        "core.view_auditentry",
        # The personal-data map, records of processing and privacy requests live in the privacy app.
        "privacy.view_*",
        "privacy.change_*",
        # Sets a restriction of processing for a person who asked by email or the webform (R3.restrict).
        "privacy.add_processingrestriction",
        # Keeps the registry of processors (S1) and the disclosure log (S2), records transfer inventories (S4).
        "privacy.add_processoragreement",
        "privacy.add_disclosure",
        "privacy.add_transferinventory",
        # Sets legal holds that keep records past their retention (R2); lifts them (change), never deletes.
        "privacy.add_legalhold",
        # Records corrections made for a request to correct data (R3.correct): field, before and after.
        "privacy.add_correction",
        # Identifies whose data a request concerns; no change rights on accounts.
        "accounts.view_user",
        # Reads the consent ledger and the notices shown (proof of consent); the ledger is append-only.
        "consent.view_consentrecord",
        "consent.view_purposeconsentrecord",
        "consent.view_consentnotice",
    ),
}


def _matches(pattern: str, app_label: str, codename: str) -> bool:
    pattern_app, _, pattern_codename = pattern.partition(".")
    return pattern_app == app_label and fnmatchcase(codename, pattern_codename)


def permissions_for(role: str) -> list[Permission]:
    """The permissions that exist now and that the role's patterns match."""
    patterns = ROLES[role]
    apps = {pattern.partition(".")[0] for pattern in patterns}
    candidates = Permission.objects.filter(content_type__app_label__in=apps).select_related("content_type")
    return [
        permission
        for permission in candidates
        if any(_matches(pattern, permission.content_type.app_label, permission.codename) for pattern in patterns)
    ]


@transaction.atomic
def ensure_staff_roles() -> dict[str, Group]:
    """Creates the role groups and sets each to exactly its permissions; safe to run any number of times."""
    groups = {}
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(permissions_for(role))
        groups[role] = group
    return groups

"""The demo shop's logins: a customer, a store manager (staff, catalogue rights only) and an administrator.

Their passwords are public (the README and `make run` print them), so they are only ever created in
development: `seed_demo` asks for them when DEBUG is on or when `--with-demo-users` is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from allegra.accounts.roles import STORE_MANAGER, ensure_staff_roles

STORE_MANAGER_GROUP = STORE_MANAGER


@dataclass(frozen=True)
class DemoUser:
    email: str
    password: str
    screen_name: str
    role: str  # "customer", "staff" or "admin"


CUSTOMER = DemoUser("maria@allegra.example", "demo-customer-2026", "Maria", "customer")
STAFF = DemoUser("staff@allegra.example", "demo-staff-2026", "Eleni", "staff")
ADMIN = DemoUser("admin@allegra.example", "demo-admin-2026", "Admin", "admin")
DEMO_USERS = (CUSTOMER, STAFF, ADMIN)


def store_manager_group() -> Group:
    """The "Store manager" group, after every staff role is brought in step with `allegra.accounts.roles`."""
    return ensure_staff_roles()[STORE_MANAGER_GROUP]


@transaction.atomic
def ensure_demo_users() -> dict[str, bool]:
    """Creates the demo users that are missing; returns email -> True if created now, False if kept."""
    User = get_user_model()
    group = store_manager_group()
    existing = set(User.objects.filter(email__in=[u.email for u in DEMO_USERS]).values_list("email", flat=True))
    outcome = {}
    for demo in DEMO_USERS:
        if demo.email in existing:
            outcome[demo.email] = False
            continue
        if demo.role == "admin":
            User.objects.create_superuser(demo.email, demo.password, screen_name=demo.screen_name)
        else:
            user = User.objects.create_user(
                demo.email, demo.password, screen_name=demo.screen_name, is_staff=demo.role == "staff"
            )
            if demo.role == "staff":
                user.groups.add(group)
        outcome[demo.email] = True
    return outcome

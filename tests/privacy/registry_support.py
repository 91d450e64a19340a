"""Fixtures shared by the tests of the registry of processors (S1), disclosures (S2) and the transfer inventory
(S4): staff in each role, past the password and the second factor. Imported by those test modules."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from allegra.accounts.roles import ensure_staff_roles
from tests.backoffice.support import verified_client

PASSWORD = "back-office-pass-2026"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_client(db, client):
    """`staff_client("Privacy officer")` -> (client, user), logged in with a verified second factor."""
    groups = ensure_staff_roles()
    made = []

    def make(role: str):
        user = get_user_model().objects.create_user(f"staff{len(made)}@allegra.example", PASSWORD, is_staff=True)
        user.groups.set([groups[role]])
        made.append(user)
        return verified_client(client, user), user

    return make


def form_errors(response) -> dict:
    """The admin form's errors, field -> messages (the page is re-shown with them on a failed save)."""
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}

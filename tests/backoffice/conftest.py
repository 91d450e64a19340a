"""Fixtures for the back office: staff in each role, and clients past the password and the second factor."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from allegra.accounts.roles import ensure_staff_roles
from tests.backoffice.support import verified_client

PASSWORD = "back-office-pass-2026"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Argon2 is deliberately slow; these tests are about who may enter, not how hashes are made.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def roles(db):
    return ensure_staff_roles()


@pytest.fixture
def make_staff(roles):
    def make(email: str, *role_names: str, superuser: bool = False):
        User = get_user_model()
        if superuser:
            return User.objects.create_superuser(email, PASSWORD)
        user = User.objects.create_user(email, PASSWORD, is_staff=True)
        user.groups.set([roles[name] for name in role_names])
        return user

    return make


@pytest.fixture
def customer(db):
    return get_user_model().objects.create_user("nikos@example.com", "customer-pass-2026", screen_name="Νίκος")


@pytest.fixture
def login_verified():
    return verified_client


def _as_post_value(value):
    if isinstance(value, bool):
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [getattr(item, "pk", item) for item in value]
    return str(getattr(value, "pk", value))


def _form_values(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = _as_post_value(form[name].value())
        if value is not None:
            data[form.add_prefix(name)] = value
    return data


def admin_form_data(response) -> dict:
    """The POST data of an admin change page as shown (main form, inlines and their management forms)."""
    data = _form_values(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(_form_values(formset.management_form))
        for form in formset.forms:
            data.update(_form_values(form))
    return data

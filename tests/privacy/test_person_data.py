"""Everything the store holds on one person, found only through the personal-data map."""

import json

import pytest
from django.contrib.auth.models import Group
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from allegra.accounts.models import User
from allegra.privacy.registry import personal_data_map
from allegra.privacy.selectors import SECRET_PLACEHOLDER, person_data

pytestmark = pytest.mark.django_db

# One query per declared model that belongs to a person, plus one per many-to-many field (prefetch).
DECLARED_LINKED = [entry for entry in personal_data_map.models.values() if entry.subject_path is not None]


def _expected_queries() -> int:
    from django.apps import apps

    count = 0
    for entry in DECLARED_LINKED:
        if not entry.fields:
            continue
        model = apps.get_model(entry.model)
        count += 1 + sum(1 for item in entry.fields if model._meta.get_field(item.field).many_to_many)
    return count


@pytest.fixture
def customer():
    return User.objects.create_user(email="eleni@example.com", password="a long passphrase 1", screen_name="Ελένη")


@pytest.mark.policy("R3.access")
def test_a_customer_sees_their_account_data_grouped_by_category(customer):
    User.objects.create_user(email="other@example.com", screen_name="Other")
    data = person_data(customer)

    assert data.values("user.contact.email") == ["eleni@example.com"]
    assert data.values("user.account.username") == ["Ελένη"]
    assert data.values("user.unique_id.pseudonymous") == [customer.public_id]
    # The password hash is in the map (it is held) but never shown back.
    assert data.values("user.authorization.credentials") == [SECRET_PLACEHOLDER]
    assert "other@example.com" not in json.dumps(data.as_dict())
    assert data.category("user.contact.email").name


def test_staff_devices_and_roles_come_from_the_map_too():
    staff = User.objects.create_user(email="staff@example.com", is_staff=True)
    staff.groups.add(Group.objects.create(name="Consumer services"))
    TOTPDevice.objects.create(user=staff, name="Phone")
    static = StaticDevice.objects.create(user=staff, name="Recovery codes")
    static.token_set.create(token="abcd1234")
    static.token_set.create(token="efgh5678")

    data = person_data(staff)

    assert sorted(map(str, data.values("user.authorization"))) == ["Phone", "Recovery codes", "['Consumer services']"]
    secrets = data.category("user.authorization.credentials").items
    # Password, the TOTP key and both recovery codes: four secrets, none of them shown.
    assert sorted(item.model for item in secrets) == [
        "accounts.User",
        "otp_static.StaticToken",
        "otp_static.StaticToken",
        "otp_totp.TOTPDevice",
    ]
    assert [item.record for item in secrets if item.model == "otp_static.StaticToken"] == [1, 2]
    assert "abcd1234" not in json.dumps(data.as_dict())


def test_the_query_count_depends_on_the_map_not_on_the_data(customer, django_assert_num_queries):
    for number in range(3):
        TOTPDevice.objects.create(user=customer, name=f"Device {number}")
    with django_assert_num_queries(_expected_queries()):
        person_data(customer)


def test_the_export_is_json_safe(customer):
    with translation.override("en"):
        exported = json.loads(json.dumps(person_data(customer).as_dict()))
    assert exported["user.contact.email"][0] == {
        "model": "accounts.User",
        "record": 1,
        "field": "email",
        "label": "email address",
        "value": "eleni@example.com",
        "uses": ["essential.service", "essential.service.authentication", "essential.service.notifications.email"],
        "legal_basis": "contract",
        "retention": "while_account_exists",
    }

"""The map as a fideslang manifest (export_data_map) and as records of processing in the back office."""

import json
from io import StringIO

import pytest
import yaml
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django_otp import DEVICE_ID_SESSION_KEY
from fideslang.models import Dataset, System

from allegra.accounts.models import User
from allegra.privacy.registry import personal_data_map

ROPA_URL = "/admin/privacy/recordsofprocessing/"


def _export(fmt: str) -> str:
    out = StringIO()
    call_command("export_data_map", "--format", fmt, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.policy("R2")
def test_the_yaml_manifest_is_valid_fideslang_and_carries_retention():
    manifest = yaml.safe_load(_export("yaml"))
    system = System.model_validate(manifest["system"][0])
    dataset = Dataset.model_validate(manifest["dataset"][0])

    declared_categories = {f.category for f in personal_data_map.fields}
    exported_categories = {c for d in system.privacy_declarations for c in d.data_categories}
    assert exported_categories == declared_categories
    assert all(d.retention_period for d in system.privacy_declarations)
    email = next(d for d in system.privacy_declarations if d.data_use == "essential.service.notifications.email")
    assert email.legal_basis_for_processing == "Contract"
    assert email.data_subjects == ["customer"]

    users = next(c for c in manifest["dataset"][0]["collections"] if c["name"] == "accounts_user")
    fields = {f["name"]: f for f in users["fields"]}
    assert fields["email"]["retention"] == "while_account_exists"
    assert fields["email"]["erasure"] == "delete"
    assert len(dataset.collections) == len(personal_data_map.models)
    assert manifest["retention_rules"]["raw_analytics"]["period"] == "P13M"


@pytest.mark.django_db
def test_the_json_manifest_matches_the_yaml_one():
    assert json.loads(_export("json")) == yaml.safe_load(_export("yaml"))


def test_an_unknown_format_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_data_map", "--format", "xml")


def _login_verified(client, user):
    """Logs in past the back office's second factor, as a confirmed TOTP device would."""
    device = user.totpdevice_set.create(name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.mark.django_db
def test_staff_with_the_permission_read_the_records_of_processing(client):
    officer = User.objects.create_user(email="officer@example.com", is_staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="view_records_of_processing"))
    _login_verified(client, officer)

    page = client.get(ROPA_URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="records-of-processing"' in text
    assert "essential.service.authentication" in text
    assert 'id="security-measures"' in text

    download = client.get(ROPA_URL + "download.json")
    assert download["Content-Disposition"] == 'attachment; filename="records-of-processing.json"'
    document = json.loads(download.content)
    purposes = {record["purpose_key"] for record in document["records"]}
    assert purposes == {use for f in personal_data_map.fields for use in f.uses}
    assert all(record["retention"] and record["categories"] and record["subjects"] for record in document["records"])
    assert document["security_measures"]

    yaml_download = client.get(ROPA_URL + "download.yaml")
    assert yaml.safe_load(yaml_download.content) == document
    assert client.get(ROPA_URL + "download.xml").status_code == 404


@pytest.mark.django_db
def test_a_superuser_reads_them_and_staff_without_the_permission_do_not(client):
    admin = User.objects.create_superuser(email="admin@example.com")
    _login_verified(client, admin)
    assert client.get(ROPA_URL).status_code == 200

    clerk = User.objects.create_user(email="clerk@example.com", is_staff=True)
    _login_verified(client, clerk)
    assert client.get(ROPA_URL).status_code == 403
    assert client.get(ROPA_URL + "download.json").status_code == 403

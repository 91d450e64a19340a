# ruff: noqa: F811 - the shared fixtures are imported by name, and pytest passes them by that name
"""S4: a recorded, exportable inventory of what a buyer of the business would receive."""

from __future__ import annotations

import csv
import io
import json
from io import StringIO

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from allegra.core.models import AuditEntry
from allegra.privacy import transfers
from allegra.privacy.models import TransferInventory
from allegra.privacy.registry import personal_data_map
from tests.privacy.registry_support import fast_passwords, staff_client  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.policy("S4")]

LIST = "/admin/privacy/transferinventory/"
ADD = "/admin/privacy/transferinventory/add/"


def _export(*args) -> str:
    out = StringIO()
    call_command("export_transfer_inventory", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _customers(count: int) -> None:
    User = get_user_model()
    start = User.objects.count()
    for number in range(start, start + count):
        User.objects.create_user(f"customer{number}@example.com", "customer-pass-2026")


def test_the_inventory_has_every_model_of_the_map_with_its_count():
    _customers(3)
    document = json.loads(_export("--format", "json"))
    models = {entry["model"]: entry for entry in document["models"]}
    assert set(models) == set(personal_data_map.models)
    assert models["accounts.User"]["rows"] == 3
    assert models["accounts.User"]["table"] == "accounts_user"
    assert "user.contact.email" in models["accounts.User"]["categories"]
    assert "customer" in models["accounts.User"]["subjects"]
    assert "while_account_exists" in models["accounts.User"]["retention"]
    assert models["accounts.User"]["retention"]["while_account_exists"]["period"] == "while-account-exists"
    assert "contract" in models["accounts.User"]["legal_bases"]
    assert document["map_version"] == personal_data_map.version()


def test_the_inventory_says_what_is_encrypted_at_rest():
    document = transfers.build_inventory()
    models = {entry["model"]: entry for entry in document["models"]}
    profile = models["accounts.Profile"]
    assert profile["encrypted_at_rest"] in ("all", "some")
    assert "date_of_birth" in profile["encrypted_fields"]
    assert models["accounts.User"]["encrypted_at_rest"] in ("none", "some")
    assert "email" not in models["accounts.User"]["encrypted_fields"]


def test_the_inventory_counts_with_one_query_per_model(django_assert_num_queries):
    _customers(2)
    # One COUNT per model of the map, and one for the registry of processors.
    with django_assert_num_queries(len(personal_data_map.models) + 1):
        transfers.build_inventory()


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv"])
def test_every_format_lists_every_model(fmt):
    text = _export("--format", fmt)
    if fmt == "json":
        names = [entry["model"] for entry in json.loads(text)["models"]]
    elif fmt == "yaml":
        names = [entry["model"] for entry in yaml.safe_load(text)["models"]]
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        assert set(rows[0]) == set(transfers.CSV_COLUMNS)
        names = [row["model"] for row in rows]
    assert sorted(names) == sorted(personal_data_map.models)


def test_a_recorded_inventory_is_kept_and_exported_later_unchanged():
    _customers(1)
    recorded = json.loads(_export("--record", "--format", "json"))
    snapshot = TransferInventory.objects.get()
    assert snapshot.created_by is None
    _customers(4)
    later = json.loads(_export("--snapshot", str(snapshot.pk), "--format", "json"))
    assert later == recorded
    users = next(entry for entry in later["models"] if entry["model"] == "accounts.User")
    assert users["rows"] == 1
    now = json.loads(_export("--format", "json"))
    assert next(entry for entry in now["models"] if entry["model"] == "accounts.User")["rows"] == 5
    assert AuditEntry.objects.filter(subject=f"transfer-inventory:{snapshot.pk}", action="change").exists()


def test_an_unknown_snapshot_is_a_clear_error():
    with pytest.raises(CommandError, match="No recorded inventory number 999"):
        _export("--snapshot", "999")


def test_the_privacy_officer_records_and_downloads_an_inventory(staff_client):
    client, officer = staff_client("Privacy officer")
    response = client.post(ADD, {})
    assert response.status_code == 302
    snapshot = TransferInventory.objects.get()
    assert snapshot.created_by == officer
    assert {entry["model"] for entry in snapshot.content["models"]} == set(personal_data_map.models)
    listing = client.get(LIST).content.decode()
    assert f"/admin/privacy/transferinventory/{snapshot.pk}/download.csv" in listing
    for fmt, content_type in (("json", "application/json"), ("yaml", "application/yaml"), ("csv", "text/csv")):
        download = client.get(f"/admin/privacy/transferinventory/{snapshot.pk}/download.{fmt}")
        assert download.status_code == 200
        assert download["Content-Type"].startswith(content_type)
        assert "attachment" in download["Content-Disposition"]
    assert json.loads(client.get(f"/admin/privacy/transferinventory/{snapshot.pk}/download.json").content) == (
        snapshot.content
    )
    assert client.get(f"/admin/privacy/transferinventory/{snapshot.pk}/download.xml").status_code == 404
    assert AuditEntry.objects.filter(subject=f"transfer-inventory:{snapshot.pk}", action="export").count() == 4
    # A recorded inventory is never edited or deleted in the back office.
    change = client.get(f"/admin/privacy/transferinventory/{snapshot.pk}/change/")
    assert change.context["has_change_permission"] is False
    assert client.post(f"/admin/privacy/transferinventory/{snapshot.pk}/delete/", {"post": "yes"}).status_code == 403


@pytest.mark.parametrize("role", ["Marketing", "Fulfilment", "Store manager", "Consumer services"])
def test_other_roles_have_no_access(staff_client, role):
    client, _user = staff_client("Privacy officer")
    client.post(ADD, {})
    snapshot = TransferInventory.objects.get()
    client.logout()
    other, _user = staff_client(role)
    assert other.get(LIST).status_code == 403
    assert other.post(ADD, {}).status_code == 403
    assert other.get(f"/admin/privacy/transferinventory/{snapshot.pk}/download.json").status_code == 403
    assert TransferInventory.objects.count() == 1

"""Encrypted model fields: what the ORM, forms and migrations see, and what the database holds (R1).

The test model lives in its own app registry so that no other test (system checks, the personal-data map,
migration checks) ever sees it; its table is created and dropped around each test.
"""

import datetime

import pytest
from django.apps.registry import Apps
from django.core.exceptions import FieldError, ValidationError
from django.db import connection, models
from django.db.migrations.writer import MigrationWriter
from django.forms import modelform_factory

from allegra.core.encryption import DecryptionError
from allegra.core.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField

pytestmark = [pytest.mark.policy("R1"), pytest.mark.django_db(transaction=True)]

test_apps = Apps()


class Secret(models.Model):
    label = models.CharField(max_length=50, blank=True)
    note = EncryptedTextField(null=True, blank=True)
    phone = EncryptedCharField(max_length=20, blank=True)
    birth_date = EncryptedDateField(null=True, blank=True)

    class Meta:
        app_label = "core"
        apps = test_apps

    def __str__(self):
        return self.label


@pytest.fixture
def secret_table():
    with connection.schema_editor() as editor:
        editor.create_model(Secret)
    yield Secret
    with connection.schema_editor() as editor:
        editor.delete_model(Secret)


def raw_rows(model=Secret) -> list[tuple]:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
        return cursor.fetchall()


def raw_value(pk: int, column: str):
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {qn(column)} FROM {qn(Secret._meta.db_table)} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_plaintexts_never_reach_the_database(secret_table):
    Secret.objects.create(
        label="maria",
        note="Odos Ermou 12, 10563 Athina",
        phone="+30 210 123 4567",
        birth_date=datetime.date(1990, 5, 17),
    )

    rows = raw_rows()
    dump = repr(rows)
    for clear in ("Ermou", "10563", "123 4567", "1990", "05-17"):
        assert clear not in dump
    assert all(value.startswith("v1:test1:") for value in rows[0][2:])


def test_round_trip_through_the_orm(secret_table):
    created = Secret.objects.create(note="Σημείωση", phone="6912345678", birth_date=datetime.date(2001, 2, 3))

    loaded = Secret.objects.get(pk=created.pk)

    assert loaded.note == "Σημείωση"
    assert loaded.phone == "6912345678"
    assert loaded.birth_date == datetime.date(2001, 2, 3)


def test_none_stays_null_and_empty_stays_empty(secret_table):
    secret = Secret.objects.create(note=None, phone="", birth_date=None)

    assert raw_value(secret.pk, "note") is None
    assert raw_value(secret.pk, "birth_date") is None
    assert raw_value(secret.pk, "phone") == ""
    loaded = Secret.objects.get(pk=secret.pk)
    assert (loaded.note, loaded.phone, loaded.birth_date) == (None, "", None)


def test_isnull_is_the_only_lookup(secret_table):
    Secret.objects.create(label="a", note="x")
    Secret.objects.create(label="b", note=None)

    assert list(Secret.objects.filter(note__isnull=True).values_list("label", flat=True)) == ["b"]
    for lookup in ("note", "note__exact", "note__icontains", "birth_date__gt", "birth_date__year", "phone__in"):
        with pytest.raises(FieldError, match="is encrypted"):
            Secret.objects.filter(**{lookup: "x" if "in" not in lookup else ["x"]}).count()
    with pytest.raises(FieldError, match="is encrypted"):
        Secret.objects.filter(note=models.F("label")).count()


def test_none_and_empty_string_can_be_matched(secret_table):
    Secret.objects.create(label="a", note="x", phone="")
    Secret.objects.create(label="b", note=None, phone="6912345678")

    def labels(queryset):
        return sorted(queryset.values_list("label", flat=True))

    assert labels(Secret.objects.filter(note=None)) == ["b"]
    assert labels(Secret.objects.exclude(note=None)) == ["a"]
    assert labels(Secret.objects.filter(phone="")) == ["a"]
    assert labels(Secret.objects.exclude(phone__exact="")) == ["b"]
    assert labels(Secret.objects.filter(birth_date=None)) == ["a", "b"]


def test_refresh_update_bulk_create_and_values_list(secret_table):
    secret = Secret.objects.create(note="first")
    Secret.objects.filter(pk=secret.pk).update(note="second", birth_date=datetime.date(1980, 1, 1))
    secret.refresh_from_db()
    assert secret.note == "second" and secret.birth_date == datetime.date(1980, 1, 1)
    assert raw_value(secret.pk, "note").startswith("v1:")

    Secret.objects.bulk_create([Secret(label=f"n{i}", note=f"bulk {i}") for i in range(3)])
    bulk = list(Secret.objects.exclude(label="").order_by("label").values_list("label", "note"))
    assert bulk == [("n0", "bulk 0"), ("n1", "bulk 1"), ("n2", "bulk 2")]
    assert "bulk" not in repr(raw_rows())

    items = list(Secret.objects.exclude(label=""))
    for item in items:
        item.phone = f"555{item.pk}"
    Secret.objects.bulk_update(items, ["phone"])
    assert {s.phone for s in Secret.objects.exclude(label="")} == {f"555{item.pk}" for item in items}
    assert not any(f"555{item.pk}" in repr(raw_rows()) for item in items)


def test_values_list_decrypts(secret_table):
    Secret.objects.create(label="x", birth_date=datetime.date(1999, 12, 31))

    assert list(Secret.objects.values_list("birth_date", flat=True)) == [datetime.date(1999, 12, 31)]
    assert list(Secret.objects.values("note", "phone")) == [{"note": None, "phone": ""}]


def test_a_value_copied_to_another_column_is_refused(secret_table):
    secret = Secret.objects.create(note="Kifisia", phone="2101234567")
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(Secret._meta.db_table)} SET {qn('phone')} = {qn('note')} WHERE id = %s",
            [secret.pk],
        )

    with pytest.raises(DecryptionError, match="another column"):
        Secret.objects.get(pk=secret.pk)


def test_tampered_row_is_refused_not_garbled(secret_table):
    secret = Secret.objects.create(note="genuine")
    stored = raw_value(secret.pk, "note")
    forged = stored[:-2] + ("A" if stored[-2] != "A" else "B") + stored[-1]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {connection.ops.quote_name(Secret._meta.db_table)} SET note = %s", [forged])

    with pytest.raises(DecryptionError):
        Secret.objects.get(pk=secret.pk)


def test_char_field_limits_the_plain_value(secret_table):
    with pytest.raises(ValidationError) as error:
        Secret(phone="1" * 21).full_clean()
    assert "phone" in error.value.message_dict
    Secret(phone="1" * 20).full_clean()


def test_forms_work_on_plain_values(secret_table):
    form_class = modelform_factory(Secret, fields=["note", "phone", "birth_date"])
    form = form_class(data={"note": "Ναύπλιο", "phone": "2752012345", "birth_date": "1985-07-09"})
    assert form.is_valid(), form.errors
    saved = form.save()
    saved.refresh_from_db()
    assert saved.birth_date == datetime.date(1985, 7, 9)

    edit = form_class(instance=saved)
    assert edit["phone"].value() == "2752012345"
    assert edit.fields["phone"].max_length == 20
    too_long = form_class(data={"note": "", "phone": "9" * 30, "birth_date": "not a date"})
    assert not too_long.is_valid()
    assert set(too_long.errors) == {"phone", "birth_date"}


def test_fields_deconstruct_for_migrations():
    for field in (Secret._meta.get_field(name) for name in ("note", "phone", "birth_date")):
        _, path, args, kwargs = field.deconstruct()
        assert path.startswith("allegra.core.fields.Encrypted")
        rebuilt = field.__class__(*args, **kwargs)
        assert rebuilt.deconstruct()[1:] == (path, args, kwargs)
        text, _ = MigrationWriter.serialize(field)
        assert "allegra.core.fields" in text


def test_unique_or_indexed_encrypted_fields_fail_the_check():
    class Indexed(models.Model):
        email = EncryptedTextField(unique=True)

        class Meta:
            app_label = "core"
            apps = Apps()

        def __str__(self):
            return "indexed"

    assert "allegra.E002" in {error.id for error in Indexed._meta.get_field("email").check()}
    assert not [error for error in Secret._meta.get_field("note").check() if error.id == "allegra.E002"]
    assert not hasattr(Secret, "get_next_by_birth_date")


def test_admin_form_edits_plain_values(secret_table, rf):
    from django.contrib.admin import AdminSite, ModelAdmin

    secret = Secret.objects.create(label="a", note="old", birth_date=datetime.date(1970, 1, 1))
    form_class = ModelAdmin(Secret, AdminSite()).get_form(rf.get("/"), secret)
    assert form_class(instance=secret)["note"].value() == "old"

    form = form_class(data={"label": "a", "note": "νέο", "phone": "", "birth_date": "1971-02-03"}, instance=secret)
    assert form.is_valid(), form.errors
    form.save()

    secret.refresh_from_db()
    assert (secret.note, secret.birth_date) == ("νέο", datetime.date(1971, 2, 3))

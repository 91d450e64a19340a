"""`manage.py rotate_encryption_keys`: every value moves to the newest key, in batches, resumably (R1)."""

import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from allegra.core.encryption import configuration_problems, generate_key, get_keyring, key_id_of
from allegra.core.management.commands.rotate_encryption_keys import encrypted_tables
from tests.core.test_encrypted_fields import Secret, raw_rows, secret_table  # noqa: F401 - fixture

pytestmark = [pytest.mark.policy("R1"), pytest.mark.django_db(transaction=True)]

OLD = f"old:{generate_key()}"
NEW = f"new:{generate_key()}"


@pytest.fixture
def registered(secret_table):  # noqa: F811 - the fixture imported above
    """The test model, visible to the app registry (as real models are) for this test only."""
    apps.register_model("core", Secret)
    yield Secret
    del apps.all_models["core"]["secret"]
    apps.clear_cache()


@pytest.fixture
def old_rows(registered, settings):
    """Seven rows written under the old key only, with NULLs and empty strings among them."""
    settings.FIELD_ENCRYPTION_KEYS = OLD
    Secret.objects.bulk_create(
        [
            Secret(
                label=f"row{i}",
                note=f"note {i}" if i % 3 else None,
                phone=f"69000000{i}" if i % 2 else "",
                birth_date=datetime.date(1980 + i, 1, 1 + i),
            )
            for i in range(7)
        ]
    )
    settings.FIELD_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    return settings


def plain_values() -> list[tuple]:
    return list(Secret.objects.order_by("pk").values_list("label", "note", "phone", "birth_date"))


def stored_key_ids() -> set[str]:
    return {key_id_of(value) for row in raw_rows() for value in row[2:] if value}


def rotate(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):  # the command speaks the shop's language; these tests read English
        call_command("rotate_encryption_keys", *args, stdout=out)
    return out.getvalue()


def test_finds_every_model_with_encrypted_fields(registered):
    tables = {table.label: [f.name for f in table.fields] for table in encrypted_tables()}

    assert tables["core.secret"] == ["note", "phone", "birth_date"]


def test_old_rows_stay_readable_while_new_ones_use_the_newest_key(old_rows):
    Secret.objects.create(label="fresh", note="new note")

    assert stored_key_ids() == {"old", "new"}
    assert plain_values()[0] == ("row0", None, "", datetime.date(1980, 1, 1))
    assert plain_values()[-1] == ("fresh", "new note", "", None)


def test_rotation_moves_every_value_to_the_newest_key(old_rows):
    Secret.objects.create(label="fresh", note="already new")
    before = plain_values()
    fresh_raw = raw_rows()[-1]

    output = rotate("--batch-size", "3")

    assert stored_key_ids() == {"new"}
    assert plain_values() == before
    assert raw_rows()[-1] == fresh_raw  # a row already under the newest key is not rewritten
    assert "core.secret" in output and "8/8" in output
    assert "in 7 of 8 row(s) to key new" in output
    old_rows.FIELD_ENCRYPTION_KEYS = NEW  # the old key can go now
    assert plain_values() == before


def test_a_second_run_changes_nothing(old_rows):
    rotate()
    after_first = raw_rows()

    output = rotate("--batch-size", "2")

    assert raw_rows() == after_first
    assert "Nothing to rotate" in output


def test_dry_run_writes_nothing(old_rows):
    before = raw_rows()

    output = rotate("--dry-run")

    assert raw_rows() == before
    assert "Dry run: 7 of 7 row(s) would be re-encrypted to key new" in output


def test_resumes_after_an_interruption(old_rows):
    first_three = [row[0] for row in raw_rows()[:3]]
    # As if an earlier run had stopped after its first batch.
    for secret in Secret.objects.filter(pk__in=first_three):
        secret.save()

    output = rotate("--batch-size", "2")

    assert "in 4 of 7 row(s)" in output
    assert stored_key_ids() == {"new"}


def test_unreadable_values_are_reported_and_left_alone(old_rows):
    table = connection.ops.quote_name(Secret._meta.db_table)
    first, second = (row[0] for row in raw_rows()[:2])
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET note = %s WHERE id = %s", ["v1:gone:AAAA", first])
        cursor.execute(f"UPDATE {table} SET note = %s WHERE id = %s", ["not encrypted", second])

    with pytest.raises(CommandError, match=r"2 row\(s\).*not readable") as error:
        rotate()

    assert f"pk={first}" in str(error.value) and f"pk={second}" in str(error.value)
    stored = {row[0]: row[2] for row in raw_rows()}
    assert stored[first] == "v1:gone:AAAA" and stored[second] == "not encrypted"
    assert all(key_id_of(row[3]) == "new" for row in raw_rows() if row[3])  # the other columns moved on


def test_batch_size_must_be_positive(registered):
    with pytest.raises(CommandError, match="at least 1"):
        rotate("--batch-size", "0")


class Terminal(StringIO):
    def isatty(self):
        return True


def test_progress_bar_redraws_in_place_on_a_terminal(old_rows):
    out = Terminal()

    call_command("rotate_encryption_keys", "--batch-size", "2", stdout=out)

    line = next(line for line in out.getvalue().split("\n") if "core.secret" in line)
    frames = line.split("\r")[1:]
    assert len(frames) >= 5  # start, four batches of two, done
    assert "[------------------------]   0%  0/7" in frames[0]
    assert "[########################] 100%  7/7" in frames[-1]


def test_generate_dev_keys_writes_a_private_file_once(tmp_path, settings):
    path = tmp_path / "var" / "dev-keys.env"
    call_command("generate_dev_keys", "--output", str(path), stdout=StringIO())
    first = path.read_text()
    call_command("generate_dev_keys", "--output", str(path), stdout=StringIO())

    assert path.read_text() == first
    assert path.stat().st_mode & 0o777 == 0o600
    values = dict(line.split("=", 1) for line in first.splitlines() if not line.startswith("#"))
    settings.FIELD_ENCRYPTION_KEYS = values["FIELD_ENCRYPTION_KEYS"]
    settings.BLIND_INDEX_KEY = values["BLIND_INDEX_KEY"]
    assert not configuration_problems()


def test_generate_new_key_for_a_rotation(settings):
    out = StringIO()
    call_command("generate_dev_keys", "--new-key", stdout=out)
    entry = out.getvalue().strip()

    settings.FIELD_ENCRYPTION_KEYS = f"{entry},{settings.FIELD_ENCRYPTION_KEYS}"
    assert get_keyring().current_id == entry.split(":")[0]


def test_a_write_between_scan_and_rewrite_is_not_lost(old_rows, monkeypatch):
    """The shop keeps writing during a rotation: a row saved after the scan keeps its new value."""
    from allegra.core.management.commands import rotate_encryption_keys as command

    target = Secret.objects.order_by("pk").first()
    original_read_batch = command.Command.read_batch

    def read_batch_then_customer_edits(self, table, *, after, limit):
        rows = original_read_batch(self, table, after=after, limit=limit)
        if after is None:  # the first scan saw the old value; now the customer saves a new one
            Secret.objects.filter(pk=target.pk).update(note="edited during the rotation")
        return rows

    monkeypatch.setattr(command.Command, "read_batch", read_batch_then_customer_edits)
    rotate("--batch-size", "3")

    target.refresh_from_db()
    assert target.note == "edited during the rotation"
    assert stored_key_ids() == {"new"}

"""`manage.py rotate_encryption_keys`: re-encrypts every encrypted value to the newest key (policy R1).

A rotation without downtime:

1. Generate a key (``manage.py generate_dev_keys --new-key``) and put it FIRST in ``FIELD_ENCRYPTION_KEYS``,
   keeping the old ones after it; restart every process. From then on new values use the new key, and old
   values still decrypt.
2. Run this command. It walks every table with encrypted fields in primary-key order, reading the raw stored
   values with SQL to find those under an older key, and rewrites them in short batches: each batch is its
   own transaction that locks just its rows (``SELECT ... FOR UPDATE`` where the database has it), so the
   shop keeps serving and writing throughout. Interrupted, it resumes by running again: rows already under
   the newest key are skipped.
3. When it reports nothing left to rotate, drop the old key from the keyring.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils.translation import gettext as _

from allegra.core import encryption

BAR_WIDTH = 24


@dataclass
class Table:
    """One model's table and its encrypted columns."""

    model: type[models.Model]
    fields: list[models.Field]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


@dataclass
class Tally:
    rows: int = 0
    rows_rotated: int = 0
    values_rotated: int = 0
    unreadable: set[str] = field(default_factory=set)


def encrypted_tables(registry=apps) -> list[Table]:
    """Every concrete model with encrypted fields of its own (a child table holds its local fields only)."""
    tables = []
    for model in registry.get_models():
        if model._meta.proxy:
            continue
        fields = [f for f in model._meta.local_concrete_fields if getattr(f, "encrypted", False)]
        if fields:
            tables.append(Table(model=model, fields=fields))
    return sorted(tables, key=lambda table: table.label)


def stale_values(values, keyring) -> tuple[bool, bool]:
    """(any value under an older key, any value that no key of the keyring can open) for one row's raw values.

    Only the ``v1:<key id>:`` prefix is read here; the values themselves are authenticated when rewritten.
    """
    stale = unreadable = False
    for value in values:
        if value is None or value == "":
            continue
        try:
            key_id = encryption.key_id_of(value)
        except encryption.DecryptionError:
            unreadable = True
            continue
        if key_id not in keyring.keys:
            unreadable = True
        elif key_id != keyring.current_id:
            stale = True
    return stale, unreadable


class Command(BaseCommand):
    help = _("Re-encrypts every encrypted value to the newest key of FIELD_ENCRYPTION_KEYS, in small batches.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help=_("Rows per transaction (default %(default)s).")
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Count what would be re-encrypted; write nothing.")
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help=_("Database alias (default: default)."))

    def handle(self, *args, batch_size: int, dry_run: bool, database: str, **options):
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        encryption.reset_keys()  # read the keyring as configured now, not as cached at an earlier call
        keyring = encryption.get_keyring()
        self.connection = connections[database]
        self.database = database
        self.interactive_output = options.get("verbosity", 1) >= 1 and self._is_tty()
        existing = set(self.connection.introspection.table_names())
        tables = [table for table in encrypted_tables() if table.model._meta.db_table in existing]
        self.stdout.write(
            _("Newest key: %(key_id)s. %(count)s table(s) with encrypted fields.")
            % {"key_id": keyring.current_id, "count": len(tables)}
        )
        total = Tally()
        for table in tables:
            tally = self.rotate_table(table, keyring=keyring, batch_size=batch_size, dry_run=dry_run)
            total.rows += tally.rows
            total.rows_rotated += tally.rows_rotated
            total.values_rotated += tally.values_rotated
            total.unreadable |= tally.unreadable
        self.report(total, keyring=keyring, dry_run=dry_run)

    # --- one table ------------------------------------------------------------------------------------------
    def rotate_table(self, table: Table, *, keyring, batch_size: int, dry_run: bool) -> Tally:
        tally = Tally()
        count = self.count_rows(table)
        last_pk = None
        self.progress(table, tally, count)
        while True:
            rows = self.read_batch(table, after=last_pk, limit=batch_size)
            if not rows:
                break
            last_pk = rows[-1][0]
            stale_pks = []
            for pk, *values in rows:
                stale, unreadable = stale_values(values, keyring)
                if unreadable:
                    tally.unreadable.add(f"{table.label} pk={pk}")
                if stale:
                    stale_pks.append(pk)
            if stale_pks and not dry_run:
                rotated_rows, rotated_values = self.rewrite(table, stale_pks, keyring=keyring, tally=tally)
            else:
                rotated_rows, rotated_values = len(stale_pks), 0
            tally.rows += len(rows)
            tally.rows_rotated += rotated_rows
            tally.values_rotated += rotated_values
            self.progress(table, tally, max(count, tally.rows))
        self.progress(table, tally, max(count, tally.rows), done=True, dry_run=dry_run)
        return tally

    def rewrite(self, table: Table, pks: list, *, keyring, tally: Tally) -> tuple[int, int]:
        """Re-reads the stale rows under a lock and rewrites their old-key values, all in one short transaction."""
        rows_done = values_done = 0
        with transaction.atomic(using=self.database):
            for pk, *values in self.read_rows(table, pks, lock=True):
                changes = {}
                for model_field, value in zip(table.fields, values, strict=True):
                    try:
                        if not encryption.needs_rotation(value, keyring=keyring):
                            continue  # written anew (or rotated) since the scan
                        context = model_field.encryption_context
                        plaintext = encryption.decrypt(value, context=context, keyring=keyring)
                    except encryption.DecryptionError:
                        tally.unreadable.add(f"{table.label} pk={pk}")
                        continue  # reported at the end; never overwritten
                    changes[model_field.column] = encryption.encrypt(plaintext, context=context, keyring=keyring)
                if changes:
                    self.update_row(table, pk, changes)
                    rows_done += 1
                    values_done += len(changes)
        return rows_done, values_done

    # --- SQL: raw stored values, never through the fields' decryption ---------------------------------------
    def _names(self, table: Table) -> tuple[str, str, str]:
        qn = self.connection.ops.quote_name
        meta = table.model._meta
        columns = ", ".join(qn(f.column) for f in table.fields)
        return qn(meta.db_table), qn(meta.pk.column), columns

    def count_rows(self, table: Table) -> int:
        db_table, _pk, _columns = self._names(table)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {db_table}")  # noqa: S608 - quoted names from the model
            return cursor.fetchone()[0]

    def read_batch(self, table: Table, *, after, limit: int) -> list[tuple]:
        db_table, pk, columns = self._names(table)
        where, params = ("", []) if after is None else (f"WHERE {pk} > %s", [after])
        sql = f"SELECT {pk}, {columns} FROM {db_table} {where} ORDER BY {pk} LIMIT %s"  # noqa: S608
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            return cursor.fetchall()

    def read_rows(self, table: Table, pks: list, *, lock: bool) -> list[tuple]:
        db_table, pk, columns = self._names(table)
        placeholders = ", ".join(["%s"] * len(pks))
        sql = f"SELECT {pk}, {columns} FROM {db_table} WHERE {pk} IN ({placeholders}) ORDER BY {pk}"  # noqa: S608
        if lock and self.connection.features.has_select_for_update:
            # SQLite has no row locks: its write transaction (IMMEDIATE mode) already excludes other writers.
            sql += " " + self.connection.ops.for_update_sql()
        with self.connection.cursor() as cursor:
            cursor.execute(sql, pks)
            return cursor.fetchall()

    def update_row(self, table: Table, pk, changes: dict[str, str]) -> None:
        qn = self.connection.ops.quote_name
        db_table, pk_column, _columns = self._names(table)
        assignments = ", ".join(f"{qn(column)} = %s" for column in changes)
        sql = f"UPDATE {db_table} SET {assignments} WHERE {pk_column} = %s"  # noqa: S608
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*changes.values(), pk])

    # --- output -------------------------------------------------------------------------------------------------
    def _is_tty(self) -> bool:
        return self.stdout.isatty()

    def progress(self, table: Table, tally: Tally, total: int, *, done: bool = False, dry_run: bool = False) -> None:
        """A one-line bar redrawn in place with \\r on a terminal; elsewhere only the final line per table."""
        if not (done or self.interactive_output):
            return
        share = tally.rows / total if total else 1.0
        filled = round(share * BAR_WIDTH)
        verb = _("would be re-encrypted") if dry_run else _("re-encrypted")
        line = "\r  {label:<32} [{bar}] {percent:>3}%  {rows}/{total} {rows_word}, {rotated} {verb}".format(
            label=table.label,
            bar="#" * filled + "-" * (BAR_WIDTH - filled),
            percent=round(share * 100),
            rows=tally.rows,
            total=total,
            rows_word=_("rows"),
            rotated=tally.rows_rotated,
            verb=verb,
        )
        self.stdout.write(line, ending="\n" if done else "")
        self.stdout.flush()

    def report(self, total: Tally, *, keyring, dry_run: bool) -> None:
        values = {
            "rows": total.rows_rotated,
            "scanned": total.rows,
            "key_id": keyring.current_id,
            "values": total.values_rotated,
        }
        if dry_run:
            message = _(
                "Dry run: %(rows)s of %(scanned)s row(s) would be re-encrypted to key %(key_id)s; nothing written."
            )
        elif total.rows_rotated:
            message = _("Re-encrypted %(values)s value(s) in %(rows)s of %(scanned)s row(s) to key %(key_id)s.")
        else:
            message = _("Nothing to rotate: all %(scanned)s row(s) are under key %(key_id)s.")
        self.stdout.write(self.style.SUCCESS(message % values))
        if total.unreadable:
            shown = ", ".join(sorted(total.unreadable)[:20])
            raise CommandError(
                _(
                    "%(count)s row(s) hold values that are not readable ciphertext and were left unchanged: "
                    "%(rows)s. Check that every old key is still in FIELD_ENCRYPTION_KEYS."
                )
                % {"count": len(total.unreadable), "rows": shown}
            )

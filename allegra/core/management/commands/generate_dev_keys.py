"""`manage.py generate_dev_keys`: fresh encryption keys (policy R1).

* ``--output var/dev-keys.env``: writes a development keyring and blind index key as shell variables, once;
  an existing file is kept (its keys decrypt the development database). `make run` calls this.
* no option: prints the same lines, for pasting into a secret store.
* ``--new-key``: prints one ``keyid:key`` entry to put FIRST in a production ``FIELD_ENCRYPTION_KEYS`` before
  running ``rotate_encryption_keys``.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from allegra.core.encryption import generate_key, generate_key_id


def keys_env() -> str:
    return (
        "# Development encryption keys (generated; never commit, never use in production).\n"
        f"FIELD_ENCRYPTION_KEYS={generate_key_id()}:{generate_key()}\n"
        f"BLIND_INDEX_KEY={generate_key()}\n"
    )


def write_private(path: Path, text: str) -> None:
    """Creates the file readable by its owner only, failing if it appeared meanwhile (no overwrite race)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


class Command(BaseCommand):
    help = _("Generates encryption keys: a development key file, or one new key for a production rotation.")
    # Runs before any key exists, so the checks (which would report the missing keys) are not run.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help=_("Write the keys to this file unless it exists."))
        parser.add_argument(
            "--new-key", action="store_true", help=_("Print one 'keyid:key' entry to add first to the keyring.")
        )

    def handle(self, *args, output: Path | None, new_key: bool, **options):
        if new_key:
            self.stdout.write(f"{generate_key_id()}:{generate_key()}")
            return
        if output is None:
            self.stdout.write(keys_env(), ending="")
            return
        if output.exists():
            self.stdout.write(_("%(path)s exists: keeping its keys.") % {"path": output})
            return
        write_private(output, keys_env())
        self.stdout.write(_("Wrote development encryption keys to %(path)s.") % {"path": output})

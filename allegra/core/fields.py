"""Model fields that keep their values encrypted at rest (policy R1).

Each value is sealed with AES-256-GCM by :mod:`allegra.core.encryption` and stored in a ``text`` column as
``v1:<key id>:<base64url>``; the associated data is the column's name (``"<app_label>.<model>.<field>"``), so
a value moved to another column fails to decrypt. Python code, forms, the admin, ``values_list``,
``refresh_from_db``, ``bulk_create`` and ``update()`` all see the plain value.

What the database cannot do with ciphertext is refused loudly instead of silently returning wrong rows:
only the ``isnull`` look-up works (``filter(phone__isnull=True)``), plus ``exact`` against the two values
stored in clear, ``None`` and ``""`` (``filter(phone="")``); any other ``exact``, ``icontains``, ranges and
transforms raise :class:`~django.core.exceptions.FieldError`. Look values up through a
:func:`~allegra.core.encryption.blind_index` column instead. Ordering by an encrypted column sorts
ciphertext: meaningless, so do not. Unique constraints and database indexes are refused by a system check.

``None`` stays SQL NULL. The empty string is stored as ``""`` rather than encrypted: a blank optional text
field is Django's normal state, and the length of a GCM ciphertext would reveal "empty" anyway, so storing
``""`` hides nothing more while keeping ``blank=True`` fields cheap and readable by ``isnull``-style checks.

Renaming the model or field changes the associated data; such a migration must re-encrypt the column.
"""

from __future__ import annotations

import datetime

from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.db.models import lookups

from allegra.core import encryption

ALLOWED_LOOKUPS = frozenset({"isnull"})


class EmptyOrNullExact(lookups.Exact):
    """``exact`` for the two values stored in clear: ``None`` (becomes ``IS NULL``) and ``""``.

    ``filter(phone=None)`` and ``filter(phone="")`` are everyday Django idioms for "has no telephone"; any other
    value would compare ciphertexts, which never match, so it is refused.
    """

    def __init__(self, lhs, rhs):
        if not (rhs is None or (isinstance(rhs, str) and rhs == "")):
            raise FieldError(lhs.output_field._refusal("exact"))
        super().__init__(lhs, rhs)


class EncryptedFieldMixin:
    """Shared behaviour: text column, encrypt on save, decrypt on load, only NULL and "" look-ups."""

    encrypted = True  # how the rotation command and the personal-data map recognise these fields

    def get_internal_type(self) -> str:
        # The column is text whatever the Python type: ciphertext is longer than the value.
        return "TextField"

    @property
    def encryption_context(self) -> str:
        """The associated data binding each value to its column."""
        return f"{self.model._meta.label_lower}.{self.name}"

    # --- Python value <-> the plaintext string that gets encrypted -------------------------------------
    def to_plaintext(self, value) -> str:
        return str(value)

    def from_plaintext(self, text: str):
        return text

    # --- database round trip ----------------------------------------------------------------------------
    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        return self.encrypt_value(value)

    def get_prep_value(self, value):
        # Skip the parents' database adaptation (e.g. DateField's): only Python-level cleaning here.
        return self.to_python(value)

    def encrypt_value(self, value) -> str | None:
        if value is None:
            return None
        plaintext = self.to_plaintext(value)
        if plaintext == "":
            return ""
        return encryption.encrypt(plaintext, context=self.encryption_context)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return self.from_plaintext(value) if value == "" else None
        return self.from_plaintext(encryption.decrypt(value, context=self.encryption_context))

    # --- queries ------------------------------------------------------------------------------------------
    def get_lookup(self, lookup_name):
        if lookup_name in ALLOWED_LOOKUPS:
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return EmptyOrNullExact
        raise FieldError(self._refusal(lookup_name))

    def get_transform(self, lookup_name):
        raise FieldError(self._refusal(lookup_name))

    def _refusal(self, lookup_name: str) -> str:
        return (
            f"{self.model.__name__}.{self.name} is encrypted: the database cannot compare its values, so the "
            f"'{lookup_name}' look-up is refused (only 'isnull', '=None' and '=\"\"' work). Filter on a blind "
            "index column (allegra.core.encryption.blind_index) instead."
        )

    # --- checks ------------------------------------------------------------------------------------------
    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.unique or self.db_index or self.primary_key:
            errors.append(
                checks.Error(
                    "Encrypted fields cannot be unique, indexed or primary keys: every value's ciphertext differs.",
                    hint="Add a separate column holding allegra.core.encryption.blind_index(...) and index that.",
                    obj=self,
                    id="allegra.E002",
                )
            )
        return errors


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    """A ``TextField`` stored encrypted."""

    description = "Text (encrypted at rest)"


class EncryptedCharField(EncryptedFieldMixin, models.CharField):
    """A ``CharField`` stored encrypted: ``max_length`` limits the plain value (forms and ``full_clean``);
    the column itself is ``text`` because the ciphertext is longer."""

    description = "String (up to %(max_length)s, encrypted at rest)"


class EncryptedDateField(EncryptedFieldMixin, models.DateField):
    """A ``DateField`` stored encrypted: the ISO date (``YYYY-MM-DD``) is what gets sealed."""

    description = "Date (encrypted at rest)"

    def contribute_to_class(self, cls, name, **kwargs):
        # DateField would add get_next_by_<name>(), which compares dates in SQL: impossible on ciphertext.
        models.Field.contribute_to_class(self, cls, name, **kwargs)

    def to_plaintext(self, value) -> str:
        if isinstance(value, datetime.datetime):
            value = value.date()
        return value.isoformat()

    def from_plaintext(self, text: str):
        return datetime.date.fromisoformat(text) if text else None

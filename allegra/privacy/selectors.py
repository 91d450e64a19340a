"""Reads built on the personal-data map: one person's data, the public summary, the manifest, the records of processing.

Nothing here knows any model of the shop: everything follows the declarations in the apps' personal_data modules.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from allegra.privacy import vocabulary
from allegra.privacy.registry import (
    PersonalDataField,
    PersonalDataMap,
    PersonalDataModel,
    Retention,
    personal_data_map,
)

SECRET_PLACEHOLDER = _("stored, never shown (a secret)")

# Data subjects the public "What we collect" page speaks to; staff data is in the records of processing.
PUBLIC_SUBJECTS = ("customer", "visitor", "anonymous_user", "prospect")


@dataclass(frozen=True)
class PersonDataItem:
    category: str
    model: str
    record: int  # 1, 2, ... within the model for this person: primary keys never leave the server
    field: str
    label: str
    value: object
    declaration: PersonalDataField

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "record": self.record,
            "field": self.field,
            "label": str(self.label),
            "value": _plain(self.value),
            "uses": list(self.declaration.uses),
            "legal_basis": self.declaration.legal_basis.value,
            "retention": self.declaration.retention.value,
        }


@dataclass(frozen=True)
class PersonDataCategory:
    key: str
    name: str
    items: tuple[PersonDataItem, ...]


@dataclass(frozen=True)
class PersonData:
    """Everything the store holds on one person, grouped by fideslang data category."""

    categories: tuple[PersonDataCategory, ...]

    def category(self, key: str) -> PersonDataCategory | None:
        return next((category for category in self.categories if category.key == key), None)

    def values(self, key: str) -> list:
        category = self.category(key)
        return [item.value for item in category.items] if category else []

    def as_dict(self) -> dict:
        return {category.key: [item.as_dict() for item in category.items] for category in self.categories}


def _plain(value):
    """A JSON-safe form of a field's value."""
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str | dict):
        return value
    return str(value)


def _rows_of(entry: PersonalDataModel, user=None, *, pks=None):
    """The rows of one declared model that belong to `user` through its subject path, or, with `pks`, the rows
    with those primary keys (found another way: `erasure.find_rows`). One query, two with many-to-many fields."""
    model = apps.get_model(entry.model)
    if pks is not None:
        lookup = {"pk__in": pks}
    else:
        lookup = {"pk": user.pk} if entry.subject_path == "" else {entry.subject_path: user}
    queryset = model._default_manager.filter(**lookup).order_by("pk")
    relations = [model._meta.get_field(item.field) for item in entry.fields]
    related = [field.name for field in relations if field.many_to_one or field.one_to_one]
    many = [field.name for field in relations if field.many_to_many]
    if related:
        queryset = queryset.select_related(*related)
    if many:
        queryset = queryset.prefetch_related(*many)
    return model, list(queryset)


def _value_of(row, model_field, declaration: PersonalDataField):
    if declaration.secret:
        return SECRET_PLACEHOLDER
    if model_field.many_to_many:
        return [str(related) for related in getattr(row, model_field.name).all()]
    if model_field.is_relation:
        related = getattr(row, model_field.name)
        return None if related is None else str(related)
    if model_field.choices:
        raw = model_field.value_from_object(row)
        return row._get_FIELD_display(model_field) if raw not in (None, "") else raw
    return model_field.value_from_object(row)


def person_data(user, *, data_map: PersonalDataMap | None = None) -> PersonData:
    """Everything the store holds on `user`, across apps, grouped by category, found only through the map.

    Each declared model is read once through its subject path; empty values are left out.
    """
    data_map = data_map or personal_data_map
    return _person_data(
        (entry, *_rows_of(entry, user))
        for entry in data_map.models.values()
        if entry.subject_path is not None and entry.fields
    )


def subject_data(*, user=None, email: str = "", data_map: PersonalDataMap | None = None) -> PersonData:
    """Everything the store holds on a person found the way erasure finds them (`erasure.find_rows`): through
    the account's subject paths and, by `email`, through the map's `found_by` ways (guest orders placed with the
    address, consents given with it, what hangs off those). With `user` None, a person without an account: only
    rows no account owns. Same shape as `person_data`."""
    from allegra.privacy.erasure import find_rows

    data_map = data_map or personal_data_map
    found = find_rows(user, email, data_map=data_map)
    return _person_data(
        (entry, *_rows_of(entry, pks=found[entry.model]))
        for entry in data_map.models.values()
        if entry.fields and found.get(entry.model)
    )


def _person_data(models_and_rows) -> PersonData:
    """Items of (entry, model, rows) triples grouped by category; empty values left out."""
    grouped: dict[str, list[PersonDataItem]] = defaultdict(list)
    for entry, model, rows in models_and_rows:
        for number, row in enumerate(rows, start=1):
            for declaration in entry.fields:
                model_field = model._meta.get_field(declaration.field)
                value = _value_of(row, model_field, declaration)
                if value in (None, "", []):
                    continue
                grouped[declaration.category].append(
                    PersonDataItem(
                        category=declaration.category,
                        model=entry.model,
                        record=number,
                        field=declaration.field,
                        label=str(model_field.verbose_name),
                        value=value,
                        declaration=declaration,
                    )
                )
    return PersonData(
        categories=tuple(
            PersonDataCategory(key=key, name=str(vocabulary.category_name(key)), items=tuple(items))
            for key, items in sorted(grouped.items())
        )
    )


@dataclass(frozen=True)
class CollectedCategory:
    """One row of the public "What we collect" page."""

    key: str
    name: str
    what: tuple[str, ...]
    why: tuple[str, ...]
    legal_bases: tuple[str, ...]
    how_long: tuple[str, ...]
    shared_with: tuple[str, ...]
    clauses: tuple[str, ...]


def _unique(values) -> tuple:
    return tuple(dict.fromkeys(str(value) for value in values))


def what_we_collect(*, data_map: PersonalDataMap | None = None) -> list[CollectedCategory]:
    """The map in plain words for customers and visitors, one entry per data category (no database query)."""
    data_map = data_map or personal_data_map
    grouped: dict[str, list[PersonalDataField]] = defaultdict(list)
    for declaration in data_map.fields:
        if declaration.subject in PUBLIC_SUBJECTS:
            grouped[declaration.category].append(declaration)
    result = []
    for key, declarations in sorted(grouped.items(), key=lambda pair: str(vocabulary.category_name(pair[0]))):
        processors = [data_map.processors[p] for d in declarations for p in d.processors if p in data_map.processors]
        result.append(
            CollectedCategory(
                key=key,
                name=str(vocabulary.category_name(key)),
                what=_unique(d.description for d in declarations),
                why=_unique(vocabulary.use_name(use) for d in declarations for use in d.uses),
                legal_bases=_unique(d.legal_basis.label for d in declarations),
                how_long=_unique(f"{d.retention.rule.kept} — {vocabulary.then_words(d)}" for d in declarations),
                shared_with=_unique(f"{p.name} ({p.purpose})" for p in processors),
                clauses=tuple(sorted({d.clause for d in declarations})),
            )
        )
    return result


def manifest(*, data_map: PersonalDataMap | None = None) -> dict:
    """The map as a fideslang-style manifest: a `system` with privacy declarations and a `dataset` with fields.

    Privacy declarations group fields by data use, subject, legal basis and retention (fideslang gives each
    declaration one use and one retention period). Dataset fields carry their retention rule too.
    """
    data_map = data_map or personal_data_map
    # A manifest is exchanged with privacy tools: always in English, whatever the request's language.
    with translation.override("en"):
        return _manifest(data_map)


def _manifest(data_map: PersonalDataMap) -> dict:
    groups: dict[tuple, list[PersonalDataField]] = defaultdict(list)
    for declaration in data_map.fields:
        for use in declaration.uses:
            groups[(use, declaration.subject, declaration.legal_basis, declaration.retention)].append(declaration)
    declarations = []
    for (use, subject, basis, retention), fields in sorted(groups.items(), key=lambda pair: pair[0]):
        processors = sorted({p for f in fields for p in f.processors})
        declarations.append(
            {
                "name": f"{use} / {subject} / {retention.value}",
                "data_use": use,
                "data_categories": sorted({f.category for f in fields}),
                "data_subjects": [subject],
                "legal_basis_for_processing": basis.fideslang,
                "retention_period": retention.rule.iso8601,
                "data_shared_with_third_parties": bool(processors),
                "third_parties": ", ".join(data_map.processors[p].name for p in processors if p in data_map.processors)
                or None,
                "dataset_references": [DATASET_KEY],
            }
        )
    collections = []
    for entry in sorted(data_map.models.values(), key=lambda entry: entry.model):
        model = apps.get_model(entry.model)
        collections.append(
            {
                "name": model._meta.db_table,
                "description": entry.model,
                "fields": [
                    {
                        "name": model._meta.get_field(f.field).column or f.field,
                        "description": f.description_en,
                        "data_categories": [f.category],
                        "data_uses": list(f.uses),
                        "data_subjects": [f.subject],
                        "retention": f.retention.value,
                        "retention_period": f.retention.rule.iso8601,
                        "erasure": f.erasure.value,
                        "policy_clause": f.clause,
                    }
                    for f in entry.fields
                ],
            }
        )
    return {
        "system": [
            {
                "fides_key": SYSTEM_KEY,
                "name": settings.SHOP_NAME,
                "description": "The online store of Allegra Jewels.",
                "system_type": "Service",
                "processes_personal_data": True,
                "privacy_declarations": declarations,
                "dataset_references": [DATASET_KEY],
                "data_security_practices": "; ".join(str(m) for m in vocabulary.SECURITY_MEASURES),
            }
        ],
        "dataset": [
            {
                "fides_key": DATASET_KEY,
                "name": f"{settings.SHOP_NAME} database",
                "description": "Every table that holds personal data, with each field's retention rule.",
                "collections": collections,
            }
        ],
        "retention_rules": {retention.value: retention.rule.as_dict() for retention in Retention},
        "map_version": data_map.version(),
    }


SYSTEM_KEY = "allegra_shop"
DATASET_KEY = "allegra_database"


@dataclass(frozen=True)
class ProcessingRecord:
    """One purpose in the records of processing (GDPR Art. 30(1))."""

    purpose: str
    purpose_key: str
    legal_bases: tuple[str, ...]
    subjects: tuple[str, ...]
    categories: tuple[str, ...]
    recipients: tuple[str, ...]
    transfers: tuple[str, ...]
    retention: tuple[str, ...]

    def as_dict(self) -> dict:
        return {name: (list(value) if isinstance(value, tuple) else value) for name, value in self.__dict__.items()}


def records_of_processing(*, data_map: PersonalDataMap | None = None, recipients=None) -> list[ProcessingRecord]:
    """The records of processing activities, one per purpose (data use), from the map.

    `recipients` (processor key -> `processors.Recipient`, from the registry of processors) describes each
    processor by its agreement; without it the map's own declarations are used.
    """
    data_map = data_map or personal_data_map
    if recipients is None:
        from allegra.privacy.processors import recipient_from_map

        recipients = {key: recipient_from_map(p, data_map) for key, p in data_map.processors.items()}
    by_use: dict[str, list[PersonalDataField]] = defaultdict(list)
    for declaration in data_map.fields:
        for use in declaration.uses:
            by_use[use].append(declaration)
    records = []
    for use, fields in sorted(by_use.items()):
        shared = [recipients[p] for f in fields for p in f.processors if p in recipients]
        records.append(
            ProcessingRecord(
                purpose=str(vocabulary.use_name(use)),
                purpose_key=use,
                legal_bases=_unique(f.legal_basis.label for f in fields),
                subjects=_unique(vocabulary.subject_name(f.subject) for f in fields),
                categories=_unique(vocabulary.category_name(f.category) for f in fields),
                recipients=_unique(f"{r.service} ({r.purpose})" for r in shared),
                transfers=_unique(f"{r.service}: {r.country_name}, {r.safeguards}" for r in shared if r.transfer),
                retention=_unique(f"{vocabulary.category_name(f.category)}: {f.retention.rule.kept}" for f in fields),
            )
        )
    return records

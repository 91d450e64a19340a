"""The business-transfer inventory (S4): what a buyer of the business would receive, model by model of the map.

Built from the personal-data map alone (privacy never imports a shop app): for each declared model, its data
categories, subjects, uses, legal bases, retention rules, which of its fields are encrypted at rest, and how
many rows it holds now. One COUNT query per model of the map, however many rows there are.
"""

from __future__ import annotations

import csv
import io

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from allegra.core.audit import Action, record_access
from allegra.privacy import exports, processors
from allegra.privacy.models import TransferInventory
from allegra.privacy.registry import PersonalDataMap, personal_data_map

FORMATS = {**exports.FORMATS, "csv": "text/csv"}
AUDIT_SUBJECT = "transfer-inventory"
CSV_COLUMNS = (
    "model",
    "table",
    "rows",
    "categories",
    "subjects",
    "uses",
    "legal_bases",
    "retention",
    "encrypted_at_rest",
    "encrypted_fields",
    "processors",
)


def _is_encrypted(model_field) -> bool:
    return any(cls.__name__.startswith("Encrypted") for cls in type(model_field).__mro__)


def _sorted(values) -> list:
    return sorted(set(values))


def build_inventory(*, data_map: PersonalDataMap | None = None) -> dict:
    """The inventory now, as a JSON-safe document (in English: it is read by a buyer's advisers)."""
    data_map = data_map or personal_data_map
    with translation.override("en"):
        entries = []
        for entry in sorted(data_map.models.values(), key=lambda entry: entry.model):
            model = apps.get_model(entry.model)
            encrypted = [f.field for f in entry.fields if _is_encrypted(model._meta.get_field(f.field))]
            if not entry.fields:
                encryption = "no personal fields"
            elif len(encrypted) == len(entry.fields):
                encryption = "all"
            elif encrypted:
                encryption = "some"
            else:
                encryption = "none"
            entries.append(
                {
                    "model": entry.model,
                    "table": model._meta.db_table,
                    "rows": model._default_manager.count(),
                    "categories": _sorted(f.category for f in entry.fields),
                    "subjects": _sorted(f.subject for f in entry.fields),
                    "uses": _sorted(use for f in entry.fields for use in f.uses),
                    "legal_bases": _sorted(f.legal_basis.value for f in entry.fields),
                    "retention": dict(
                        sorted({f.retention.value: f.retention.rule.as_dict() for f in entry.fields}.items())
                    ),
                    "encrypted_at_rest": encryption,
                    "encrypted_fields": encrypted,
                    "processors": _sorted(p for f in entry.fields for p in f.processors),
                }
            )
        return {
            "controller": settings.SHOP_NAME,
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "map_version": data_map.version(),
            "models": entries,
            "processors": [recipient.as_dict() for recipient in processors.recipients(data_map=data_map)],
        }


def _csv(document: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in document["models"]:
        row = []
        for column in CSV_COLUMNS:
            value = entry[column]
            if isinstance(value, dict):
                value = "; ".join(f"{key}: {rule['period']}" for key, rule in value.items())
            elif isinstance(value, list):
                value = "; ".join(value)
            row.append(value)
        writer.writerow(row)
    return out.getvalue()


def dump(document: dict, *, fmt: str) -> str:
    if fmt == "csv":
        return _csv(document)
    return exports.dump(document, fmt=fmt)


@transaction.atomic
def record_inventory(*, actor=None) -> TransferInventory:
    """Builds the inventory now and keeps it, so the same snapshot can be exported later (audited)."""
    snapshot = TransferInventory.objects.create(
        created_by=actor if actor is not None and actor.pk else None, content=build_inventory()
    )
    record_access(
        actor=actor,
        subject=f"{AUDIT_SUBJECT}:{snapshot.pk}",
        action=Action.CHANGE,
        fields=["content"],
        reason="business-transfer inventory recorded",
    )
    return snapshot

"""The map's machine-readable forms, in JSON or YAML."""

import json

import yaml
from django.conf import settings
from django.utils import translation

from allegra.privacy import processors, selectors, vocabulary

FORMATS = {"json": "application/json", "yaml": "application/yaml"}


def dump(data: dict, *, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def records_of_processing_document() -> dict:
    """The records of processing (GDPR Art. 30(1)) as one document, in English for exchange."""
    with translation.override("en"):
        shared = {recipient.key: recipient for recipient in processors.recipients()}
        return {
            "controller": {"name": settings.SHOP_NAME, "contact": "shop@allegra.example"},
            "records": [record.as_dict() for record in selectors.records_of_processing(recipients=shared)],
            # GDPR Art. 30(1)(d) and (e): every recipient, with its country and the safeguards of a transfer.
            "recipients": [recipient.as_dict() for recipient in shared.values()],
            "security_measures": [str(measure) for measure in vocabulary.SECURITY_MEASURES],
        }


def data_map_manifest() -> dict:
    """The fideslang-style manifest of the map, with the registry of processors (S1) beside it."""
    document = selectors.manifest()
    with translation.override("en"):
        document["processors"] = [recipient.as_dict() for recipient in processors.recipients()]
    return document

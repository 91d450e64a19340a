"""The privacy app's models, one module per part of the privacy centre (DESIGN.md: a `models/` package once
`models.py` grows). Each module's models are imported here so Django finds them."""

from allegra.privacy.models.records import RecordsOfProcessing
from allegra.privacy.models.retention import LegalHold, RetentionRun  # noqa: F401

__all__ = ["RecordsOfProcessing"]

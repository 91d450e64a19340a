"""The privacy app's models, one module per part of the privacy centre (DESIGN.md: a `models/` package once
`models.py` grows). Each module's models are imported here so Django finds them."""

from allegra.privacy.models.agents import AgentAuthorisation
from allegra.privacy.models.corrections import Correction, RequestDigest
from allegra.privacy.models.data_copy import DataCopy
from allegra.privacy.models.disclosures import Disclosure
from allegra.privacy.models.processors import ProcessorAgreement
from allegra.privacy.models.records import RecordsOfProcessing
from allegra.privacy.models.requests import RequestEvent, SubjectRequest
from allegra.privacy.models.restriction import ProcessingRestriction
from allegra.privacy.models.retention import LegalHold, RetentionRun
from allegra.privacy.models.suppression import SuppressionEntry
from allegra.privacy.models.transfers import TransferInventory

__all__ = [
    "AgentAuthorisation",
    "Correction",
    "DataCopy",
    "Disclosure",
    "LegalHold",
    "ProcessingRestriction",
    "ProcessorAgreement",
    "RecordsOfProcessing",
    "RequestDigest",
    "RequestEvent",
    "RetentionRun",
    "SubjectRequest",
    "SuppressionEntry",
    "TransferInventory",
]

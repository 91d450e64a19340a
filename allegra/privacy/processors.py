"""The registry of processors (S1): reads for the public pages and the records of processing, the one write
that keeps the registry in step with the map (`ensure_processor_agreements`), and the system check.

A processor is named in code by the personal-data map (which fields go to it) and described in the back office
by its agreement (service, purpose, country, safeguards, dates). Where the map names a processor that has no
active agreement, the public page still lists it from the map's own declaration: a recipient is never hidden
because a row is missing; the system check says the row is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import checks
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Max

from allegra.privacy import vocabulary
from allegra.privacy.models import ProcessorAgreement
from allegra.privacy.models.processors import Safeguard
from allegra.privacy.registry import PersonalDataMap, Processor, personal_data_map


@dataclass(frozen=True)
class Recipient:
    """One processor as the public page and the records of processing show it."""

    key: str
    service: str
    purpose: str
    country: str  # ISO code
    country_name: str
    safeguards: str
    transfer: bool
    categories: tuple[str, ...]
    agreement_date: str
    agreement_reference: str
    has_agreement: bool

    def as_dict(self) -> dict:
        return {name: (list(value) if isinstance(value, tuple) else value) for name, value in self.__dict__.items()}


def _categories_sent_to(key: str, data_map: PersonalDataMap) -> tuple[str, ...]:
    return tuple(sorted({f.category for f in data_map.fields if key in f.processors}))


def _from_agreement(agreement: ProcessorAgreement) -> Recipient:
    safeguards = agreement.get_safeguards_display()
    if agreement.safeguards_detail:
        safeguards = f"{safeguards}; {agreement.safeguards_detail}"
    return Recipient(
        key=agreement.key,
        service=agreement.service,
        purpose=agreement.purpose,
        country=str(agreement.country),
        country_name=str(agreement.country.name),
        safeguards=safeguards,
        transfer=agreement.is_transfer,
        categories=tuple(agreement.data_categories),
        agreement_date=agreement.agreement_date.isoformat() if agreement.agreement_date else "",
        agreement_reference=agreement.agreement_reference,
        has_agreement=True,
    )


def recipient_from_map(processor: Processor, data_map: PersonalDataMap) -> Recipient:
    from django_countries import countries

    return Recipient(
        key=processor.key,
        service=processor.name,
        purpose=processor.purpose,
        country=processor.country,
        country_name=str(countries.name(processor.country) or processor.country),
        safeguards=processor.safeguards,
        transfer=processor.country not in vocabulary.EEA,
        categories=_categories_sent_to(processor.key, data_map),
        agreement_date="",
        agreement_reference="",
        has_agreement=False,
    )


def active_agreements() -> dict[str, ProcessorAgreement]:
    """The active agreement of each processor key (one query)."""
    return {agreement.key: agreement for agreement in ProcessorAgreement.objects.filter(active=True)}


def recipients(*, data_map: PersonalDataMap | None = None) -> list[Recipient]:
    """Everyone the shop shares personal data with: each active agreement, and each processor the map names
    that has none yet (from the map's declaration). One query."""
    data_map = data_map or personal_data_map
    agreements = active_agreements()
    result = [_from_agreement(agreement) for agreement in agreements.values()]
    result += [recipient_from_map(p, data_map) for key, p in data_map.processors.items() if key not in agreements]
    return sorted(result, key=lambda recipient: (recipient.service.casefold(), recipient.key))


def registry_version() -> str:
    """Changes whenever an agreement is added, changed or (de)activated: part of the page cache's key."""
    figures = ProcessorAgreement.objects.aggregate(count=Count("id"), changed=Max("updated_at"))
    changed = figures["changed"].isoformat() if figures["changed"] else "-"
    return f"{figures['count']}-{changed}"


def _safeguard_for(country: str) -> str:
    return Safeguard.WITHIN_EEA if country in vocabulary.EEA else Safeguard.SCCS


@transaction.atomic
def ensure_processor_agreements(*, data_map: PersonalDataMap | None = None) -> list[ProcessorAgreement]:
    """Creates an agreement row for each processor of the map that has no row at all, from the map's own
    declaration, and returns the rows created. Idempotent; it never changes, re-activates or removes a row the
    Privacy officer keeps (a deactivated agreement stays deactivated, and the check then says so)."""
    data_map = data_map or personal_data_map
    known = set(ProcessorAgreement.objects.values_list("key", flat=True))
    created = []
    for key, processor in data_map.processors.items():
        if key in known:
            continue
        created.append(
            ProcessorAgreement.objects.create(
                key=key,
                service=processor.name,
                data_categories=list(_categories_sent_to(key, data_map)),
                purpose_el=processor.purpose_el,
                purpose_en=processor.purpose_en,
                country=processor.country,
                safeguards=_safeguard_for(processor.country),
                safeguards_detail=processor.safeguards,
                active=True,
            )
        )
    return created


def find_registry_problems(data_map: PersonalDataMap, agreements) -> list[checks.CheckMessage]:
    """Warnings for the map's processors without an active agreement, and for active agreements whose
    signed agreement is not recorded (no date)."""
    active = {agreement.key: agreement for agreement in agreements if agreement.active}
    problems: list[checks.CheckMessage] = []
    for key in sorted(data_map.processors):
        if key not in active:
            problems.append(
                checks.Warning(
                    f"The personal-data map sends data to processor '{key}', which has no active agreement in the "
                    "registry of processors.",
                    hint="Run `manage.py ensure_processors`, or add the agreement in the back office "
                    "(Privacy > Processor agreements).",
                    obj=key,
                    id="privacy.W001",
                )
            )
        elif active[key].agreement_date is None:
            problems.append(
                checks.Warning(
                    f"The active agreement of processor '{key}' has no agreement date: record the signed "
                    "agreement (date and reference).",
                    obj=key,
                    id="privacy.W002",
                )
            )
    return problems


def check_processor_registry(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Registered with the `database` tag: it runs where checks may query (`check --database default`,
    `migrate`), and says nothing before the table exists (a fresh install, before its first migrate)."""
    if not databases:
        return []
    try:
        if ProcessorAgreement._meta.db_table not in connection.introspection.table_names():
            return []
        agreements = list(ProcessorAgreement.objects.only("key", "active", "agreement_date"))
    except DatabaseError:
        return []
    return find_registry_problems(personal_data_map, agreements)


def recipients_by_key() -> dict[str, Recipient]:
    return {recipient.key: recipient for recipient in recipients()}

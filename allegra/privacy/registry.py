"""The personal-data map: every field of the shop that holds personal data, declared once, next to its model.

Each app says in its own `personal_data.py` which of its fields hold personal data, what they are (a fideslang
data category), why the shop keeps them (fideslang data uses), whose they are (a fideslang data subject), under
which clause of the privacy policy and which legal basis, how long (a rule of POLICY-SPEC's retention table)
and what erasure does to them. It also says how each model leads to the person (`subject_path`) and which of
its fields are plain technical ones (ids, flags, timestamps), so that the system check can prove nothing was
skipped. Exports, erasure, retention, the "What we collect" page and the records of processing all read this
map, so nothing about personal data is written twice.

Vocabulary is validated against fideslang's default taxonomy when a declaration is made: a typo in a category
fails at import, not in a privacy audit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

POLICY_CLAUSES = ("C1", "C2", "C3", "C4", "C5", "C6", "C7")


class DeclarationError(ValueError):
    """A declaration of the map uses a word the map does not know (a typo, an unknown category)."""


@cache
def taxonomy_keys() -> dict[str, frozenset[str]]:
    """The fides keys of fideslang's default taxonomy, read once (building the taxonomy takes a moment)."""
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY

    return {
        "data_category": frozenset(item.fides_key for item in DEFAULT_TAXONOMY.data_category),
        "data_use": frozenset(item.fides_key for item in DEFAULT_TAXONOMY.data_use),
        "data_subject": frozenset(item.fides_key for item in DEFAULT_TAXONOMY.data_subject),
    }


@cache
def taxonomy_names() -> dict[str, str]:
    """fideslang's own English name of every key, the fallback when the shop has no plain words of its own."""
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY

    items = DEFAULT_TAXONOMY.data_category + DEFAULT_TAXONOMY.data_use + DEFAULT_TAXONOMY.data_subject
    return {item.fides_key: item.name or item.fides_key for item in items}


class LegalBasis(StrEnum):
    """GDPR Art. 6(1) (a) to (f)."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legitimate_interests"

    @property
    def fideslang(self) -> str:
        """The value fideslang's `legal_basis_for_processing` expects."""
        return {
            "consent": "Consent",
            "contract": "Contract",
            "legal_obligation": "Legal obligations",
            "vital_interests": "Vital interests",
            "public_task": "Public interest",
            "legitimate_interests": "Legitimate interests",
        }[self.value]

    @property
    def label(self):
        return LEGAL_BASIS_LABELS[self]


LEGAL_BASIS_LABELS = {
    LegalBasis.CONSENT: _("your consent (GDPR Art. 6(1)(a))"),
    LegalBasis.CONTRACT: _("our contract with you (GDPR Art. 6(1)(b))"),
    LegalBasis.LEGAL_OBLIGATION: _("a legal obligation (GDPR Art. 6(1)(c))"),
    LegalBasis.VITAL_INTERESTS: _("vital interests (GDPR Art. 6(1)(d))"),
    LegalBasis.PUBLIC_TASK: _("a task in the public interest (GDPR Art. 6(1)(e))"),
    LegalBasis.LEGITIMATE_INTERESTS: _("our legitimate interests (GDPR Art. 6(1)(f))"),
}


class Erasure(StrEnum):
    """What erasing a person does to a field."""

    DELETE = "delete"
    ANONYMISE = "anonymise"
    LEGAL_HOLD = "legal_hold"  # kept, detached from the person, while the law requires it

    @property
    def label(self):
        return {
            Erasure.DELETE: _("deleted"),
            Erasure.ANONYMISE: _("anonymised"),
            Erasure.LEGAL_HOLD: _("kept while the law requires, detached from the person"),
        }[self]


class Pseudonym(StrEnum):
    """How erasure replaces a field it keeps (LEGAL_HOLD) or anonymises (ANONYMISE).

    AUTO decides by the field's data category (allegra.privacy.erasure.pseudonym_rule): names, contact details,
    addresses and IP addresses are blanked, identifiers are replaced by a pseudonym, the rest (amounts, dates,
    what was bought) is kept. The other values override that for one field.
    """

    AUTO = "auto"
    KEEP = "keep"  # the value itself says nothing about who the person is once the row is detached
    BLANK = "blank"  # emptied (a pseudonym where the column must hold a value)
    PSEUDONYM = "pseudonym"  # replaced by "erased-<random>" (the same one for every row of one erasure)


class Retention(StrEnum):
    """The rows of POLICY-SPEC's retention table (R2); their durations are in RETENTION_RULES."""

    WHILE_ACCOUNT_EXISTS = "while_account_exists"
    ORDER_RECORDS = "order_records"
    RAW_ANALYTICS = "raw_analytics"
    SEARCH_LOG = "search_log"
    CONSENT_RECORDS = "consent_records"
    SECURITY_LOGS = "security_logs"
    GUEST_CARTS = "guest_carts"
    UNCONFIRMED_SIGNUPS = "unconfirmed_signups"
    SUPPORT_TICKETS = "support_tickets"
    CONTEST_ENTRIES = "contest_entries"
    SUBJECT_REQUESTS = "subject_requests"
    FRAUD_SIGNALS = "fraud_signals"
    SUPPRESSION_LIST = "suppression_list"
    DATA_COPIES = "data_copies"

    @property
    def rule(self) -> RetentionRule:
        return RETENTION_RULES[self]


@dataclass(frozen=True)
class RetentionRule:
    """How long one kind of data is kept: a period counted from an event, or until the account is deleted."""

    years: int = 0
    months: int = 0
    days: int = 0
    starts: str = ""  # the event the period counts from
    until_account_deleted: bool = False
    indefinite: bool = False
    kept: object = ""  # plain words, translatable
    then: object = ""

    @property
    def iso8601(self) -> str:
        """The period as ISO 8601 ("P13M"), or a word when it is not a fixed period."""
        if self.until_account_deleted:
            return "while-account-exists"
        if self.indefinite:
            return "indefinite"
        parts = [f"{n}{unit}" for n, unit in ((self.years, "Y"), (self.months, "M"), (self.days, "D")) if n]
        return "P" + "".join(parts)

    def as_dict(self) -> dict:
        return {
            "period": self.iso8601,
            "starts": self.starts,
            "kept": str(self.kept),
            "then": str(self.then),
        }


RETENTION_RULES: dict[Retention, RetentionRule] = {
    Retention.WHILE_ACCOUNT_EXISTS: RetentionRule(
        until_account_deleted=True,
        starts="account_deleted",
        kept=_("while your account exists"),
        then=_("erased with the account"),
    ),
    Retention.ORDER_RECORDS: RetentionRule(
        years=5,
        starts="end_of_fiscal_year",
        kept=_(
            "5 years after the end of the order's fiscal year (Greek accounting law, L.4308/2014 Art. 7(1)); "
            "longer while a tax audit or claim is open"
        ),
        then=_("deleted; after an account is deleted, kept pseudonymised until then"),
    ),
    Retention.RAW_ANALYTICS: RetentionRule(
        months=13, starts="collected", kept=_("13 months"), then=_("aggregated, the raw records deleted")
    ),
    Retention.SEARCH_LOG: RetentionRule(
        months=13,
        starts="collected",
        kept=_("raw searches 13 months, anonymous totals kept"),
        then=_("deleted"),
    ),
    Retention.CONSENT_RECORDS: RetentionRule(
        years=5, starts="consent_ended", kept=_("5 years after the consent ends"), then=_("deleted")
    ),
    Retention.SECURITY_LOGS: RetentionRule(days=90, starts="collected", kept=_("90 days"), then=_("deleted")),
    Retention.GUEST_CARTS: RetentionRule(
        days=30, starts="last_change", kept=_("30 days after the last change"), then=_("deleted")
    ),
    Retention.UNCONFIRMED_SIGNUPS: RetentionRule(
        days=30, starts="collected", kept=_("30 days unless confirmed"), then=_("deleted")
    ),
    Retention.SUPPORT_TICKETS: RetentionRule(
        years=2, starts="closed", kept=_("2 years after the ticket is closed"), then=_("deleted")
    ),
    Retention.CONTEST_ENTRIES: RetentionRule(
        days=90,
        starts="winners_announced",
        kept=_("90 days after the winners are announced (winners: 2 years)"),
        then=_("deleted"),
    ),
    Retention.SUBJECT_REQUESTS: RetentionRule(
        months=24, starts="closed", kept=_("24 months after the request is closed"), then=_("deleted")
    ),
    Retention.FRAUD_SIGNALS: RetentionRule(years=2, starts="collected", kept=_("2 years"), then=_("deleted")),
    Retention.SUPPRESSION_LIST: RetentionRule(
        indefinite=True, starts="collected", kept=_("indefinitely, as a keyed hash only"), then=_("kept")
    ),
    # A person's downloadable copy of their data (R3.copy): none of the table's rows fits a file that exists
    # only to be fetched, and keeping it as long as the request's records (24 months) would keep a second
    # copy of everything for no purpose.
    Retention.DATA_COPIES: RetentionRule(
        days=7, starts="copy_ready", kept=_("7 days after the copy is ready"), then=_("deleted")
    ),
}


@dataclass(frozen=True)
class Processor:
    """Someone the shop shares personal data with (a recipient under GDPR Art. 30(1)(d))."""

    key: str
    name: str
    purpose_el: str
    purpose_en: str
    country: str  # ISO 3166 alpha-2; outside the EEA means a transfer (Art. 30(1)(e))
    safeguards: str = ""

    @property
    def purpose(self) -> str:
        return _pick(self.purpose_el, self.purpose_en)


def _pick(text_el: str, text_en: str) -> str:
    return text_el if (get_language() or "el").startswith("el") else text_en


def _as_tuple(value) -> tuple:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@dataclass(frozen=True)
class PersonalDataField:
    """One field that holds personal data, and everything the policy says about it."""

    field: str
    category: str
    uses: tuple[str, ...]
    subject: str
    clause: str
    legal_basis: LegalBasis
    retention: Retention
    erasure: Erasure
    description_el: str
    description_en: str
    model: str = ""  # "app_label.ModelName"; filled in by `PersonalDataMap.declare` when left out
    processors: tuple[str, ...] = ()
    # A secret (a password hash, a 2FA key) is declared like any field but its value is never shown back.
    secret: bool = False
    # What erasure puts in the field when it keeps the row (LEGAL_HOLD or ANONYMISE); see Pseudonym.
    pseudonymise: Pseudonym = Pseudonym.AUTO

    def __post_init__(self) -> None:
        object.__setattr__(self, "uses", _as_tuple(self.uses))
        object.__setattr__(self, "processors", _as_tuple(self.processors))
        keys = taxonomy_keys()
        where = f"{self.model or '?'}.{self.field}"
        if self.category not in keys["data_category"]:
            raise DeclarationError(f"{where}: {self.category!r} is not a fideslang data category")
        if not self.uses:
            raise DeclarationError(f"{where}: at least one data use is needed")
        for use in self.uses:
            if use not in keys["data_use"]:
                raise DeclarationError(f"{where}: {use!r} is not a fideslang data use")
        if self.subject not in keys["data_subject"]:
            raise DeclarationError(f"{where}: {self.subject!r} is not a fideslang data subject")
        if self.clause not in POLICY_CLAUSES:
            raise DeclarationError(f"{where}: {self.clause!r} is not a clause C1 to C7 of the policy")
        for name, enum in (
            ("legal_basis", LegalBasis),
            ("retention", Retention),
            ("erasure", Erasure),
            ("pseudonymise", Pseudonym),
        ):
            try:
                object.__setattr__(self, name, enum(getattr(self, name)))
            except ValueError:
                raise DeclarationError(f"{where}: {getattr(self, name)!r} is not a known {name}") from None
        if not (self.description_el.strip() and self.description_en.strip()):
            raise DeclarationError(f"{where}: a description in Greek and in English is needed")

    @property
    def description(self) -> str:
        return _pick(self.description_el, self.description_en)

    @property
    def key(self) -> str:
        return f"{self.model}.{self.field}"


@dataclass(frozen=True)
class FoundBy:
    """Another way erasure finds a person's rows of a model, besides its `subject_path` to the account.

    * `email=True`: `field` holds the person's email address (a guest order placed with the same address);
    * `blind_index_purpose`: `field` holds `blind_index(value, purpose=...)` of the email address (a consent given
      with the address alone), or, with `model`, of the values below;
    * `model` and `to_field`: `field` holds the `to_field` value of rows of that declared model already found for
      the person (a payment's `payable` is an order's `number`).
    `where` narrows the rows further, as (field, value) pairs (a fraud signal of kind "email").
    """

    field: str
    email: bool = False
    blind_index_purpose: str = ""
    model: str = ""
    to_field: str = ""
    where: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "where", tuple(tuple(pair) for pair in self.where))
        if bool(self.model) != bool(self.to_field):
            raise DeclarationError(f"FoundBy({self.field!r}): `model` and `to_field` go together")
        if not (self.email or self.blind_index_purpose or self.model):
            raise DeclarationError(f"FoundBy({self.field!r}): say what the field holds (email, a blind index, a link)")


@dataclass(frozen=True)
class PersonalDataModel:
    """A model in the map: how its rows lead to a person, its technical fields, its personal-data fields.

    `subject_path` is a Django lookup path from the model to the user model: "" for the user model itself,
    "user" or "profile__user" for models that belong to one; None for a model whose rows hold personal data
    but belong to no account (such rows cannot be found from a person's account).
    """

    model: str
    subject_path: str | None
    technical_fields: tuple[str, ...] = ()
    fields: tuple[PersonalDataField, ...] = ()
    found_by: tuple[FoundBy, ...] = ()
    # Rows erasure must leave exactly as they are (a hash-chained, append-only log): reported as kept.
    immutable: bool = False

    @property
    def link_field(self) -> str | None:
        """The model's own field that starts the path to the person (it is the link, not data about them)."""
        return self.subject_path.split("__", 1)[0] if self.subject_path else None


@dataclass(frozen=True)
class NoPersonalData:
    """An app or a model that says it holds no personal data, and why (checked, not trusted)."""

    target: str  # "app_label" or "app_label.ModelName"
    reason: str


@dataclass
class PersonalDataMap:
    models: dict[str, PersonalDataModel] = field(default_factory=dict)
    no_personal_data: dict[str, NoPersonalData] = field(default_factory=dict)
    processors: dict[str, Processor] = field(default_factory=dict)

    def declare(
        self,
        model: str,
        *,
        subject_path: str | None,
        technical_fields=(),
        fields=(),
        found_by=(),
        immutable: bool = False,
    ) -> PersonalDataModel:
        """Adds a model and its fields to the map; declaring the same model twice is a mistake."""
        if model in self.models:
            raise DeclarationError(f"{model} is declared twice in the personal-data map")
        declared = []
        for item in fields:
            if item.model and item.model != model:
                raise DeclarationError(f"{item.key} is declared under {model}")
            declared.append(replace(item, model=model) if not item.model else item)
        names = [item.field for item in declared]
        if len(set(names)) != len(names):
            raise DeclarationError(f"{model}: a field is declared twice")
        entry = PersonalDataModel(
            model=model,
            subject_path=subject_path,
            technical_fields=_as_tuple(technical_fields),
            fields=tuple(declared),
            found_by=tuple(found_by),
            immutable=immutable,
        )
        self.models[model] = entry
        return entry

    def declare_no_personal_data(self, target: str, *, reason: str) -> None:
        """Says an app ("catalog") or a model ("analytics.SearchRecord") holds no personal data."""
        self.no_personal_data[target] = NoPersonalData(target=target, reason=reason)

    def register_processor(self, processor: Processor) -> None:
        self.processors[processor.key] = processor

    @property
    def fields(self) -> list[PersonalDataField]:
        return [item for entry in self.models.values() for item in entry.fields]

    def version(self) -> str:
        """A short digest of the whole map: it changes whenever any declaration does (cache generations)."""
        content = json.dumps(
            {
                "models": [
                    [
                        entry.model,
                        entry.subject_path,
                        entry.technical_fields,
                        [repr(f) for f in entry.fields],
                        [repr(f) for f in entry.found_by],
                        entry.immutable,
                    ]
                    for entry in self.models.values()
                ],
                "processors": [repr(p) for p in self.processors.values()],
            },
            sort_keys=True,
        )
        return hashlib.blake2b(content.encode(), digest_size=8).hexdigest()


# The shop's map, filled by the apps' personal_data modules when the privacy app is ready.
personal_data_map = PersonalDataMap()


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("personal_data")

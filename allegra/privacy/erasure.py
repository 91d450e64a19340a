"""Erasure of a person (R3.erase) and their address's freedom to register again (R3.again), from the map alone.

`erase_subject(user=..., actor=...)` walks every model of the personal-data map and does to each field what its
declaration's `Erasure` says:

* DELETE: the rows are deleted when every personal field of the model says so; otherwise the field is emptied
  and the row stays for the fields that must;
* ANONYMISE: the field is replaced by a value that identifies nobody;
* LEGAL_HOLD: the row stays (the law requires it, until its retention rule ends), detached from the person (the
  link to the account set to NULL) and pseudonymised: names, contact details and addresses are emptied,
  identifiers replaced by "erased-<random>", what the law needs (amounts, lines, dates, numbers) kept. How each
  field is replaced is `PersonalDataField.pseudonymise` (by default decided by its data category).

Rows are found through each model's `subject_path` and its `found_by` ways (a guest order with the same email, a
consent given with the address alone, a payment of one of the person's orders, a fraud signal of their email or
card), then the account itself is deleted (every field of accounts.User says DELETE), so the same address can
sign up again. The address goes on the suppression list (a keyed hash only) so marketing never reaches it again.

All of it happens in one transaction, recorded in the audit log with the actor and counts only.

A function like the shop's other services (`accounts.services.auth.delete_account`), rather than DESIGN.md's
`EraseSubject(request, actor).execute()`: nothing needs to outlive the call, and a subject-request workflow can
call it from its own action object when it exists (request → erase_subject(user=request.user, actor=...)).
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from allegra.core import audit
from allegra.core.email import send_templated_email
from allegra.core.encryption import blind_index
from allegra.privacy import vocabulary
from allegra.privacy.registry import (
    Erasure,
    PersonalDataField,
    PersonalDataMap,
    PersonalDataModel,
    Pseudonym,
    personal_data_map,
)
from allegra.privacy.suppression import suppress

logger = logging.getLogger(__name__)

PSEUDONYM_PREFIX = "erased-"
PSEUDONYM_EMAIL_DOMAIN = "erased.invalid"  # RFC 2606: never delivered anywhere
GUEST_SUBJECT_PURPOSE = "privacy.erasure-subject"  # the audit log's name for a person erased by email alone


class ErasureError(Exception):
    """Erasure cannot start (no such account): nothing was changed."""


class Done:
    """What happened to one field of one model's rows (the report's and the audit log's words)."""

    DELETED = "deleted"
    ANONYMISED = "anonymised"
    PSEUDONYMISED = "pseudonymised"  # kept under legal hold, detached and pseudonymised
    KEPT = "kept"  # kept under legal hold, detached, the value itself identifies nobody (an amount, a date)


DONE_WORDS = {
    Done.DELETED: _("deleted"),
    Done.ANONYMISED: _("anonymised"),
    Done.PSEUDONYMISED: _("kept, detached from you and pseudonymised"),
    Done.KEPT: _("kept, detached from you"),
}


@dataclass(frozen=True)
class ErasureLine:
    """One line of the report: a category of data, what was done to it, why something was kept and until when."""

    category: str
    name: str
    done: str
    what: str
    why: str
    until: str
    records: int


@dataclass(frozen=True)
class ErasureReport:
    """What erasing one person did, per data category, in the person's language. Holds no personal value."""

    erased_at: object
    language: str
    lines: tuple[ErasureLine, ...]
    counts: dict = field(default_factory=dict)  # {"orders.Order": {"kept": 2}, ...}

    @property
    def deleted(self) -> list[ErasureLine]:
        return [line for line in self.lines if line.done in (Done.DELETED, Done.ANONYMISED)]

    @property
    def kept(self) -> list[ErasureLine]:
        return [line for line in self.lines if line.done in (Done.PSEUDONYMISED, Done.KEPT)]

    def records(self, model: str, done: str) -> int:
        return self.counts.get(model, {}).get(done, 0)


@dataclass(frozen=True)
class _Outcome:
    declaration: PersonalDataField
    done: str
    records: int


# --- the rule for one field ---------------------------------------------------------------------------------

BLANKED_CATEGORIES = ("user.name", "user.contact", "user.device.ip_address", "user.location", "user.demographic")
PSEUDONYM_CATEGORIES = ("user.unique_id", "user.device.cookie_id", "user.account.username")


def _starts(category: str, prefixes: tuple[str, ...]) -> bool:
    return any(category == prefix or category.startswith(prefix + ".") for prefix in prefixes)


def pseudonym_rule(declaration: PersonalDataField) -> Pseudonym:
    """How a kept field is replaced: the declaration's own word, or one decided by its data category."""
    if declaration.pseudonymise != Pseudonym.AUTO:
        return declaration.pseudonymise
    if _starts(declaration.category, BLANKED_CATEGORIES):
        return Pseudonym.BLANK
    if _starts(declaration.category, PSEUDONYM_CATEGORIES):
        return Pseudonym.PSEUDONYM
    return Pseudonym.KEEP


class _Pseudonyms:
    """The replacement values of one erasure: one random token, so that the person's kept records still belong
    together (pseudonymised, GDPR Art. 4(5)) but lead to nobody."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(8)
        self._uuids: dict[str, uuid.UUID] = {}

    def value(self, model_field, suffix: str = ""):
        if isinstance(model_field, models.EmailField):
            return f"{PSEUDONYM_PREFIX}{self.token}{suffix}@{PSEUDONYM_EMAIL_DOMAIN}"
        if isinstance(model_field, models.UUIDField):
            if suffix:
                return uuid.uuid4()
            return self._uuids.setdefault(model_field.name, uuid.uuid4())
        if isinstance(model_field, models.GenericIPAddressField | models.DateField | models.DateTimeField):
            return None
        if _is_text(model_field):
            text = f"{PSEUDONYM_PREFIX}{self.token}{suffix}"
            return text[: model_field.max_length] if model_field.max_length else text
        return None

    def blank(self, model_field):
        """An empty value the column accepts; a pseudonym where it must hold one (an order's email)."""
        if isinstance(model_field, models.EmailField) and not model_field.blank:
            return self.value(model_field)
        if model_field.null:
            return None
        if _is_text(model_field):
            return ""
        return self.value(model_field)


def _is_text(model_field) -> bool:
    return model_field.get_internal_type() in ("CharField", "TextField", "SlugField", "EmailField")


# --- finding the person's rows ------------------------------------------------------------------------------


def _manager(model):
    # A plain queryset: a ledger's own queryset refuses changes (consent records), erasure is the one writer
    # allowed to detach them, as the ledger's own `attach_to_account` fills them in.
    return models.QuerySet(model=model)


def _owned_or_unowned(model, entry: PersonalDataModel, user) -> Q:
    """Rows found by email belong to this person only when no other account owns them (for a person without an
    account, `user` None: only rows no account owns)."""
    link = entry.link_field
    if link and entry.subject_path == link:
        if user is None:
            return Q(**{f"{link}__isnull": True})
        return Q(**{f"{link}__isnull": True}) | Q(**{link: user})
    return Q()


def find_rows(user, email: str, *, data_map: PersonalDataMap | None = None) -> dict[str, set]:
    """The primary keys of every declared model's rows that are this person's, found through the map.

    `user` None: a person without an account (a guest who only ordered), found by `email` alone."""
    data_map = data_map or personal_data_map
    found: dict[str, set] = {}
    for entry in data_map.models.values():
        model = apps.get_model(entry.model)
        pks: set = set()
        if entry.subject_path is not None and user is not None:
            lookup = {"pk": user.pk} if entry.subject_path == "" else {entry.subject_path: user}
            pks |= set(_manager(model).filter(**lookup).values_list("pk", flat=True))
        for way in entry.found_by:
            if way.model or not email:
                continue
            if way.email:
                condition = {f"{way.field}__iexact": email}
            else:
                condition = {way.field: blind_index(email, purpose=way.blind_index_purpose)}
            rows = _manager(model).filter(_owned_or_unowned(model, entry, user), **condition, **dict(way.where))
            pks |= set(rows.values_list("pk", flat=True))
        found[entry.model] = pks
    # Then what hangs off rows found another way: a payment of a guest order, the lines of that order.
    for _round in range(len(data_map.models)):
        grown = False
        for entry in data_map.models.values():
            model = apps.get_model(entry.model)
            more: set = set()
            for way in entry.found_by:
                if not way.model or not found.get(way.model):
                    continue
                source = apps.get_model(way.model)
                values = [
                    value
                    for value in _manager(source).filter(pk__in=found[way.model]).values_list(way.to_field, flat=True)
                    if value not in (None, "")
                ]
                if way.blind_index_purpose:
                    values = [blind_index(str(value), purpose=way.blind_index_purpose) for value in values]
                if values:
                    rows = _manager(model).filter(**{f"{way.field}__in": values}, **dict(way.where))
                    more |= set(rows.values_list("pk", flat=True))
            if entry.subject_path and "__" in entry.subject_path:
                parent_field = model._meta.get_field(entry.link_field)
                parent = parent_field.related_model._meta.label
                if found.get(parent):
                    rows = _manager(model).filter(**{f"{entry.link_field}__in": found[parent]})
                    more |= set(rows.values_list("pk", flat=True))
            if more - found[entry.model]:
                found[entry.model] |= more
                grown = True
        if not grown:
            break
    return found


# --- doing what the map says --------------------------------------------------------------------------------


def _erase_rows(entry: PersonalDataModel, pks: set, user, pseudonyms: _Pseudonyms) -> list[_Outcome]:
    if not pks or not entry.fields:
        return []
    model = apps.get_model(entry.model)
    rows = _manager(model).filter(pk__in=pks)
    count = len(pks)
    if entry.immutable:
        return [_Outcome(item, Done.KEPT, count) for item in entry.fields]
    if all(item.erasure == Erasure.DELETE for item in entry.fields):
        rows.delete()
        return [_Outcome(item, Done.DELETED, count) for item in entry.fields]

    user_model = get_user_model()
    outcomes, values, unique, to_user = [], {}, [], []
    for item in entry.fields:
        model_field = model._meta.get_field(item.field)
        if model_field.many_to_many:
            if item.erasure != Erasure.LEGAL_HOLD:
                for row in rows:
                    getattr(row, model_field.name).clear()
                outcomes.append(_Outcome(item, Done.DELETED, count))
            else:
                outcomes.append(_Outcome(item, Done.KEPT, count))
            continue
        if model_field.is_relation and model_field.related_model is user_model:
            # Who acted on the record (staff, or the person): only the person's own link is cut.
            to_user.append(model_field.name)
            outcomes.append(_Outcome(item, Done.PSEUDONYMISED, count))
            continue
        if item.erasure == Erasure.DELETE:
            rule, done = Pseudonym.BLANK, Done.DELETED
        else:
            rule = pseudonym_rule(item)
            if model_field.is_relation and rule != Pseudonym.KEEP:
                rule = Pseudonym.BLANK if model_field.null else Pseudonym.KEEP
            if rule == Pseudonym.KEEP:
                done = Done.KEPT
            else:
                done = Done.ANONYMISED if item.erasure == Erasure.ANONYMISE else Done.PSEUDONYMISED
        if rule != Pseudonym.KEEP:
            if model_field.unique and rule == Pseudonym.PSEUDONYM:
                unique.append(model_field)
            else:
                value = pseudonyms.blank(model_field) if rule == Pseudonym.BLANK else pseudonyms.value(model_field)
                values[model_field.attname] = value
        outcomes.append(_Outcome(item, done, count))
    link = entry.link_field
    if link:
        link_field = model._meta.get_field(link)
        if link_field.related_model is user_model and link_field.null:
            to_user.append(link)
    if values:
        rows.update(**values)
    for number, pk in enumerate(sorted(pks)):
        if unique:
            _manager(model).filter(pk=pk).update(
                **{f.attname: pseudonyms.value(f, suffix=f"-{number}") for f in unique}
            )
    for name in dict.fromkeys(to_user) if user is not None else ():
        _manager(model).filter(pk__in=pks, **{name: user}).update(**{name: None})
    return outcomes


def _ordered(data_map: PersonalDataMap) -> list[PersonalDataModel]:
    """The map's models, the account's own model last (deleting it cascades to what is left)."""
    user_label = get_user_model()._meta.label
    return sorted(data_map.models.values(), key=lambda entry: entry.model == user_label)


def erase_subject(
    *,
    user,
    actor,
    email: str = "",
    reason: str = "",
    language: str | None = None,
    notify: bool = False,
    data_map: PersonalDataMap | None = None,
) -> ErasureReport:
    """Erases everything the shop holds on `user` as the personal-data map says, in one transaction.

    `actor` is the staff member who carries out the request, or the person themselves. With `notify`, the
    report is emailed to the account's address (read before erasure) once the transaction commits. A missing
    account raises ErasureError and changes nothing.

    A person without an account (a guest who only ordered) is erased by `email` alone (`user=None`): what
    `find_rows(None, email)` finds, i.e. rows no account owns, found by the address through the map.
    """
    data_map = data_map or personal_data_map
    user_model = get_user_model()
    if user is None:
        return _erase_email_subject(
            email=email, actor=actor, reason=reason, language=language, notify=notify, data_map=data_map
        )
    if getattr(user, "pk", None) is None:
        raise ErasureError(_("There is no such account to erase (already erased?)."))
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        subject = user_model._base_manager.select_for_update().filter(pk=user.pk).first()
        if subject is None:
            raise ErasureError(_("There is no such account to erase (already erased?)."))
        email = subject.email
        self_service = actor is not None and getattr(actor, "pk", None) == subject.pk
        found = find_rows(subject, email, data_map=data_map)
        outcomes, counts = _erase_rows_found(found, subject, data_map)
        if email:
            suppress(email)
        audit.record_access(
            # The person erasing themselves cannot be named: their account is gone with this transaction.
            actor=None if self_service else actor,
            subject=subject,
            action=audit.Action.DELETE,
            fields=[f"{model}:{done}={n}" for model, per in sorted(counts.items()) for done, n in sorted(per.items())],
            reason=(reason or "erasure (R3)") + (" (at the person's own request)" if self_service else ""),
        )
        report = _report(outcomes, counts, language)
        if notify and email:
            transaction.on_commit(lambda: send_erasure_notice(report, email))
    logger.info("erasure done", extra={"models": len(counts)})
    return report


def _erase_rows_found(found: dict, subject, data_map: PersonalDataMap) -> tuple[list[_Outcome], dict]:
    pseudonyms = _Pseudonyms()
    outcomes: list[_Outcome] = []
    counts: dict[str, dict[str, int]] = {}
    for entry in _ordered(data_map):
        done = _erase_rows(entry, found.get(entry.model, set()), subject, pseudonyms)
        outcomes += done
        if done:
            per_model: dict[str, int] = defaultdict(int)
            for outcome in done:
                per_model[outcome.done] = max(per_model[outcome.done], outcome.records)
            counts[entry.model] = dict(per_model)
    return outcomes, counts


def _erase_email_subject(*, email, actor, reason, language, notify, data_map) -> ErasureReport:
    """`erase_subject` for a person without an account, known by their email address only."""
    email = (email or "").strip()
    if not email or "@" not in email:
        raise ErasureError(_("An erasure without an account needs the person's email address."))
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        found = find_rows(None, email, data_map=data_map)
        outcomes, counts = _erase_rows_found(found, None, data_map)
        suppress(email)
        audit.record_access(
            actor=actor,
            # No account to name: the address's keyed hash, never the address itself.
            # The audit log's subject holds 64 characters: the prefix and 224 bits of the keyed hash.
            subject="email:" + blind_index(email.lower(), purpose=GUEST_SUBJECT_PURPOSE)[:56],
            action=audit.Action.DELETE,
            fields=[f"{model}:{done}={n}" for model, per in sorted(counts.items()) for done, n in sorted(per.items())],
            reason=(reason or "erasure (R3)") + " (no account: by email address)",
        )
        report = _report(outcomes, counts, language)
        if notify:
            transaction.on_commit(lambda: send_erasure_notice(report, email))
    logger.info("erasure done", extra={"models": len(counts)})
    return report


def _report(outcomes: list[_Outcome], counts: dict, language: str) -> ErasureReport:
    grouped: dict[tuple[str, str], list[_Outcome]] = defaultdict(list)
    for outcome in outcomes:
        grouped[(outcome.declaration.category, outcome.done)].append(outcome)
    lines = []
    with translation.override(language):
        for (category, done), items in sorted(grouped.items()):
            kept = done in (Done.PSEUDONYMISED, Done.KEPT)
            declarations = [item.declaration for item in items]
            lines.append(
                ErasureLine(
                    category=category,
                    name=str(vocabulary.category_name(category)),
                    done=done,
                    what=str(DONE_WORDS[done]),
                    why="; ".join(dict.fromkeys(str(d.legal_basis.label) for d in declarations)) if kept else "",
                    until="; ".join(dict.fromkeys(str(d.retention.rule.kept) for d in declarations)) if kept else "",
                    records=max(item.records for item in items),
                )
            )
    return ErasureReport(erased_at=timezone.now(), language=language, lines=tuple(lines), counts=counts)


def send_erasure_notice(report: ErasureReport, email: str) -> bool:
    """Emails the report to `email` (the address read before erasure) in the report's language."""
    return send_templated_email(
        to=email,
        template="erasure_done",
        context={"report": report, "deleted": report.deleted, "kept": report.kept},
        language=report.language,
    )

"""The Privacy officer's desk (R3.correct, R4.channels): a daily digest of requests falling due, the person's
data at a glance on a request's page, and corrections made by staff.

* `send_digest()`: one email to every active Privacy officer listing the requests overdue and those due within
  PRIVACY_REQUEST_REMIND_DAYS — references, kinds, due dates and links to the back office, never who asked.
  Nothing is sent when nothing is due; a second run on the same day sends nothing (`RequestDigest`).
* `glance(request)`: the categories of the personal-data map the shop holds on the request's person and how many
  records of each, found through the map (`erasure.find_rows`), without a single value.
* `record_correction(...)`: what customers cannot edit themselves (their profile and addresses they can) is
  corrected by staff and recorded: the field's key in the map, the value before and after (encrypted at rest).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from allegra.accounts.roles import PRIVACY_OFFICER
from allegra.core import audit
from allegra.core.email import send_templated_email
from allegra.privacy import vocabulary
from allegra.privacy.models import Correction, RequestDigest, SubjectRequest
from allegra.privacy.registry import personal_data_map

Kind = SubjectRequest.Kind
State = SubjectRequest.State
OPEN_STATES = (State.RECEIVED, State.AWAITING_VERIFICATION, State.VERIFIED, State.IN_PROGRESS, State.EXTENDED)
WORKING_STATES = (State.VERIFIED, State.IN_PROGRESS, State.EXTENDED)
VALUE_MAX_CHARS = 2000


class CorrectionError(ValueError):
    """A correction cannot be recorded as asked; the message says why, in staff's words."""


# --- the daily digest ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueLine:
    reference: str
    kind: str
    state: str
    due: object
    link: str


def _line(request: SubjectRequest) -> DueLine:
    path = reverse("admin:privacy_subjectrequest_change", args=[request.pk])
    return DueLine(
        reference=request.reference,
        kind=str(request.get_kind_display()),
        state=str(request.get_state_display()),
        due=timezone.localdate(request.due_at),
        link=(settings.SITE_URL or "").rstrip("/") + path,
    )


def due_requests(*, now=None, days: int | None = None) -> tuple[list[SubjectRequest], list[SubjectRequest]]:
    """(overdue, due within `days`) among open requests, the most urgent first."""
    now = now or timezone.now()
    days = settings.PRIVACY_REQUEST_REMIND_DAYS if days is None else days
    open_requests = SubjectRequest.objects.filter(state__in=OPEN_STATES).order_by("due_at", "id")
    overdue = list(open_requests.filter(due_at__lt=now))
    soon = list(open_requests.filter(due_at__gte=now, due_at__lte=now + timedelta(days=days)))
    return overdue, soon


def privacy_officers():
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=PRIVACY_OFFICER)
        .distinct()
        .order_by("pk")
    )


def send_digest(*, now=None) -> RequestDigest | None:
    """Emails the digest to every Privacy officer once a day; None when nothing is due, nobody would receive
    it, or today's digest went out already."""
    now = now or timezone.now()
    overdue, soon = due_requests(now=now)
    officers = [user for user in privacy_officers() if user.email]
    if not (overdue or soon) or not officers:
        return None
    if RequestDigest.objects.filter(day=timezone.localdate(now)).exists():
        return None
    try:
        with transaction.atomic():
            digest = RequestDigest.objects.create(
                day=timezone.localdate(now),
                sent_at=now,
                overdue=len(overdue),
                due_soon=len(soon),
                recipients=len(officers),
            )
            context = {
                "overdue": [_line(item) for item in overdue],
                "soon": [_line(item) for item in soon],
                "days": settings.PRIVACY_REQUEST_REMIND_DAYS,
                "queue": (settings.SITE_URL or "").rstrip("/") + reverse("admin:privacy_subjectrequest_changelist"),
            }
            addresses = [user.email for user in officers]
            language = settings.LANGUAGE_CODE

            def send() -> None:
                for address in addresses:  # one email each: the officers' addresses are not shown to each other
                    send_templated_email(
                        to=address, template="privacy_request_digest", context=context, language=language
                    )

            transaction.on_commit(send)
    except IntegrityError:
        return None  # another run sent today's digest
    return digest


# --- the person's data at a glance ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GlanceLine:
    category: str
    name: str
    records: int


def glance(request: SubjectRequest) -> list[GlanceLine]:
    """Per data category of the map, how many records the shop holds on the request's person (by account, and
    by email through the map's `found_by` ways). No values."""
    from allegra.privacy.erasure import find_rows

    if not request.user_id and not request.email:
        return []
    user = request.user if request.user_id else None  # no account: rows are found by email only
    email = request.user.email if request.user_id else request.email
    found = find_rows(user, email)
    counts: dict[str, int] = {}
    for label, pks in found.items():
        entry = personal_data_map.models.get(label)
        if not pks or entry is None:
            continue
        for category in dict.fromkeys(item.category for item in entry.fields):
            counts[category] = counts.get(category, 0) + len(pks)
    return [
        GlanceLine(category=key, name=str(vocabulary.category_name(key)), records=number)
        for key, number in sorted(counts.items(), key=lambda pair: str(vocabulary.category_name(pair[0])))
    ]


# --- corrections ---------------------------------------------------------------------------------------------


def correctable_fields() -> list[tuple[str, str]]:
    """(key, label) for every field of the map staff may correct: all but secrets (passwords, keys)."""
    from django.apps import apps

    choices = []
    for item in personal_data_map.fields:
        if item.secret:
            continue
        try:
            model = apps.get_model(item.model)
            verbose = f"{model._meta.verbose_name} · {model._meta.get_field(item.field).verbose_name}"
        except LookupError:
            continue
        except Exception:  # noqa: BLE001 - a declared field that is not a model field: named by its key
            verbose = item.field
        choices.append((item.key, f"{vocabulary.category_name(item.category)} — {verbose} ({item.key})"))
    return sorted(choices, key=lambda pair: pair[1].lower())


def field_label(key: str) -> str:
    """The plain name of a map field: its model and field names, never a value."""
    return dict(correctable_fields()).get(key, key).split(" (")[0]


@transaction.atomic
def record_correction(*, request: SubjectRequest, actor, field: str, before: str, after: str) -> Correction:
    """Records a correction staff made for a CORRECT request that is being worked on."""
    request = SubjectRequest.objects.select_for_update().get(pk=request.pk)
    if actor is None or not actor.is_staff:
        raise CorrectionError(_("Only staff record corrections."))
    if request.kind != Kind.CORRECT:
        raise CorrectionError(_("Corrections are recorded only for requests to correct data."))
    if request.state not in WORKING_STATES:
        raise CorrectionError(_("Corrections are recorded only for a verified request that is still open."))
    if field not in dict(correctable_fields()):
        raise CorrectionError(_("Choose the field that was corrected."))
    before, after = (before or "").strip(), (after or "").strip()
    if not after and not before:
        raise CorrectionError(_("Write the value before and after the correction."))
    if before == after:
        raise CorrectionError(_("The value after the correction is the same as before."))
    if len(before) > VALUE_MAX_CHARS or len(after) > VALUE_MAX_CHARS:
        raise CorrectionError(_("A value may have at most 2000 characters."))
    correction = Correction.objects.create(request=request, field=field, before=before, after=after, made_by=actor)
    audit.record_access(
        actor=actor,
        subject=request.user if request.user_id else request,
        action="change",
        fields=[f"correction.{field}"],
        reason=f"{request.reference} correct",
    )
    return correction


def corrected_fields_note(request: SubjectRequest) -> str:
    """The sentence the completion note gets: the names of the corrected fields, never their values."""
    keys = list(dict.fromkeys(request.corrections.values_list("field", flat=True)))
    if not keys:
        return ""
    with translation.override(request.language):
        return _("Corrected: %(fields)s.") % {"fields": "; ".join(field_label(key) for key in keys)}

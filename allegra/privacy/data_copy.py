"""A person's electronic copy of their data (R3.copy): started from "My privacy", built by a background task.

The ZIP holds
- `data.json`: every category of the personal-data map, with the person's values (machine-readable; its
  `schema_version` and the map's version say how to read it);
- `data.schema.json`: the JSON Schema of `data.json` (also committed as docs/data-copy.schema.json);
- `csv/<category>.csv`: one table per category, for a spreadsheet;
- `summary.html`: the same in plain words, in the person's language, readable offline.

Everything comes from `person_data(user)`, which reads the map alone: a model added to the map is in the next
copy without a change here. A person without an account (a guest who only ordered, asking through the web form)
gets the same ZIP from `subject_data(email=...)`: the rows erasure would find by their address through the map
(guest orders, consents given with the address, what hangs off those). Nothing found is still an answer: the
copy then says, category by category, that the shop holds nothing.

A guest has no account to sign in to, so the "ready" email carries a sealed link (`download_token`: the copy's
public id and the time of issue, encrypted and authenticated with its own context, like the order look-up's
links): it opens that one copy's download page until the copy expires, and no other copy.

The ZIP is kept encrypted in its row (see models/data_copy.py) for 7 days, then
its content is deleted by `purge_expired_copies` (a daily job in allegra/core/schedule.py).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import logging
import zipfile
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from allegra.core import encryption, sealed_links
from allegra.core.email import send_templated_email
from allegra.privacy import vocabulary
from allegra.privacy.models import DataCopy
from allegra.privacy.models.data_copy import COPY_LIFETIME
from allegra.privacy.registry import PersonalDataMap, personal_data_map
from allegra.privacy.selectors import PersonDataCategory, person_data, subject_data

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "1.0"
# A guest's copy: the keyed hash of their address (DataCopy.email_index) and the sealed download link's context.
EMAIL_INDEX_PURPOSE = "privacy.copy-email"
DOWNLOAD_LINK_CONTEXT = "privacy.copy-download"
# A copy still queued or building after this long is marked failed (its worker died): the person can ask again.
STUCK_AFTER = timedelta(hours=6)
CSV_COLUMNS = ("model", "record", "field", "label", "value", "uses", "legal_basis", "retention")
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection, OWASP): such cells get a
# leading apostrophe in the CSV files. data.json keeps every value exactly.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

DATA_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://allegra.example/schemas/data-copy.schema.json",
    "title": "A copy of a person's data held by Allegra Jewels",
    "description": (
        "data.json of the ZIP a person downloads from My privacy (GDPR Art. 15(3) and 20): every category of "
        "the shop's personal-data map (fideslang data categories), with the person's values in each."
    ),
    "type": "object",
    "required": ["schema_version", "map_version", "generated_at", "language", "categories"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "map_version": {"type": "string", "description": "Digest of the personal-data map the copy was made from."},
        "generated_at": {"type": "string", "format": "date-time"},
        "language": {"type": "string", "description": "Language of the labels and names (ISO 639-1)."},
        "shop": {"type": "string"},
        "request_reference": {"type": "string"},
        "categories": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "name", "items"],
                "additionalProperties": False,
                "properties": {
                    "key": {"type": "string", "description": "fideslang data category, e.g. user.contact.email"},
                    "name": {"type": "string"},
                    "items": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["model", "record", "field", "label", "value", "uses", "legal_basis"],
                            "additionalProperties": False,
                            "properties": {
                                "model": {"type": "string", "description": "app_label.Model of the record"},
                                "record": {
                                    "type": "integer",
                                    "minimum": 1,
                                    "description": "1, 2, ... within the model for this person (not a database id)",
                                },
                                "field": {"type": "string"},
                                "label": {"type": "string"},
                                "value": {
                                    "type": ["string", "number", "integer", "boolean", "array", "object", "null"]
                                },
                                "uses": {"type": "array", "items": {"type": "string"}},
                                "legal_basis": {"type": "string"},
                                "retention": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
    },
}


class DataCopyError(Exception):
    """A copy cannot be started (for example: neither a signed-in account nor an email address)."""


# Starting --------------------------------------------------------------------------------------------------


def email_index(email: str) -> str:
    return encryption.blind_index(email, purpose=EMAIL_INDEX_PURPOSE)


def start_data_copy(
    *,
    user=None,
    email: str | None = None,
    request_reference: str = "",
    language: str | None = None,
    site_url: str = "",
) -> DataCopy:
    """Queues a copy of `user`'s data (or, with `email` and no account, of a guest's) and enqueues its building
    once the transaction commits.

    A copy already queued or being built for the account (the address) is returned instead of starting a second
    one. `site_url` is where the "ready" email's link points when SITE_URL is not set.
    """
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:8]
    if user is None or not user.is_authenticated:
        email = (email or "").strip()
        if user is not None or not email or "@" not in email:
            raise DataCopyError("a copy of personal data needs an account or an email address")
        return _start_guest_copy(email, request_reference=request_reference, language=language, site_url=site_url)
    with transaction.atomic():
        # Locking the account row serialises two clicks of the same person: one copy in progress at most.
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
        running = (
            DataCopy.objects.defer("content")
            .filter(user=user, status__in=[DataCopy.Status.QUEUED, DataCopy.Status.BUILDING])
            .first()
        )
        if running is not None:
            return running
        copy = DataCopy.objects.create(user=user, request_reference=request_reference[:64], language=language)
        copy_id = copy.pk
        transaction.on_commit(lambda: build_data_copy.enqueue(copy_id, site_url))
    return copy


def _start_guest_copy(email: str, *, request_reference: str, language: str, site_url: str) -> DataCopy:
    index = email_index(email)
    with transaction.atomic():
        running = (
            DataCopy.objects.defer("content")
            .filter(user__isnull=True, email_index=index, status__in=[DataCopy.Status.QUEUED, DataCopy.Status.BUILDING])
            .first()
        )
        if running is not None:
            return running
        copy = DataCopy.objects.create(
            email=email, email_index=index, request_reference=request_reference[:64], language=language
        )
        copy_id = copy.pk
        transaction.on_commit(lambda: build_data_copy.enqueue(copy_id, site_url))
    return copy


# Building --------------------------------------------------------------------------------------------------


@task()
def build_data_copy(copy_id: int, site_url: str = "") -> str:
    """The background task: builds the ZIP of one queued copy, then emails its owner. Returns the status."""
    return build_copy(copy_id, site_url=site_url)


def build_copy(copy_id: int, *, site_url: str = "") -> str:
    someone = Q(user__isnull=False) | ~Q(email_index="")
    claimed = DataCopy.objects.filter(someone, pk=copy_id, status=DataCopy.Status.QUEUED).update(
        status=DataCopy.Status.BUILDING, progress=0
    )
    if not claimed:
        # Already built, taken by another worker, or the account is gone.
        DataCopy.objects.filter(pk=copy_id, status=DataCopy.Status.QUEUED, user__isnull=True, email_index="").update(
            status=DataCopy.Status.FAILED
        )
        return DataCopy.objects.filter(pk=copy_id).values_list("status", flat=True).first() or "missing"
    copy = DataCopy.objects.defer("content").select_related("user").get(pk=copy_id)
    try:
        archive = build_archive(copy)
    except Exception as error:  # noqa: BLE001 - any failure leaves a clear state the person can retry from
        DataCopy.objects.filter(pk=copy_id).update(status=DataCopy.Status.FAILED)
        logger.error("data copy failed", extra={"copy": copy_id, "error": type(error).__name__})
        return DataCopy.Status.FAILED
    now = timezone.now()
    copy.content = base64.b64encode(archive).decode("ascii")
    copy.size = len(archive)
    copy.status = DataCopy.Status.READY
    copy.progress = 100
    copy.ready_at = now
    copy.expires_at = now + COPY_LIFETIME
    copy.save(update_fields=["content", "size", "status", "progress", "ready_at", "expires_at"])
    _email_ready(copy, site_url=site_url)
    return DataCopy.Status.READY


def _map_categories(data_map: PersonalDataMap) -> list[str]:
    """Every category the map holds for a person with an account (those are the ones a copy can contain)."""
    return sorted(
        {
            field.category
            for entry in data_map.models.values()
            if entry.subject_path is not None
            for field in entry.fields
        }
    )


def collect(user, *, email: str = "", data_map: PersonalDataMap | None = None) -> list[PersonDataCategory]:
    """Every category of the map, with the person's items (none for a category the shop holds nothing in).

    `user` None and `email`: a person without an account, found by the address the way erasure finds them
    (their categories may include one no account has, e.g. a keyed hash of the address: it is listed too)."""
    data_map = data_map or personal_data_map
    held = person_data(user, data_map=data_map) if user is not None else subject_data(email=email, data_map=data_map)
    found = {category.key: category for category in held.categories}
    return [
        found.get(key) or PersonDataCategory(key=key, name=str(vocabulary.category_name(key)), items=())
        for key in sorted(set(_map_categories(data_map)) | set(found))
    ]


def data_document(copy: DataCopy, categories: list[PersonDataCategory], *, data_map=None) -> dict:
    data_map = data_map or personal_data_map
    return {
        "schema_version": SCHEMA_VERSION,
        "map_version": data_map.version(),
        "generated_at": timezone.now().isoformat(),
        "language": copy.language,
        "shop": settings.SHOP_NAME,
        "request_reference": copy.request_reference,
        "categories": [
            {"key": category.key, "name": str(category.name), "items": [item.as_dict() for item in category.items]}
            for category in categories
        ],
    }


def build_archive(copy: DataCopy, *, data_map: PersonalDataMap | None = None) -> bytes:
    """The ZIP of one copy; progress is saved as the categories are written."""
    with translation.override(copy.language):
        categories = collect(copy.user, email=copy.email if copy.for_guest else "", data_map=data_map)
        document = data_document(copy, categories, data_map=data_map)
        _set_progress(copy, 10)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", json.dumps(document, indent=2, ensure_ascii=False) + "\n")
            archive.writestr("data.schema.json", schema_text())
            for number, entry in enumerate(document["categories"], start=1):
                archive.writestr(f"csv/{entry['key']}.csv", category_csv(entry))
                _set_progress(copy, 10 + (80 * number) // max(len(categories), 1))
            archive.writestr("summary.html", summary_html(copy, document))
        _set_progress(copy, 95)
    return buffer.getvalue()


def _set_progress(copy: DataCopy, value: int) -> None:
    value = max(0, min(int(value), 99))
    if value != copy.progress:
        copy.progress = value
        DataCopy.objects.filter(pk=copy.pk, progress__lt=value).update(progress=value)


def schema_text() -> str:
    return json.dumps(DATA_SCHEMA, indent=2, ensure_ascii=False) + "\n"


def _cell(value) -> str:
    if value is None:
        text = ""
    elif isinstance(value, list | dict):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def category_csv(entry: dict) -> str:
    """One category as CSV (UTF-8 with a BOM, so spreadsheet programs read Greek correctly)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in entry["items"]:
        writer.writerow([_cell(item.get(column)) for column in CSV_COLUMNS])
    return "\ufeff" + out.getvalue()


def summary_html(copy: DataCopy, document: dict) -> str:
    """The readable summary (autoescaped: the person's own values are text, never markup)."""
    return render_to_string(
        "privacy/data_copy/summary.html",
        {
            "document": document,
            "generated_at": timezone.localtime(),
            "language": copy.language,
            "SHOP_NAME": settings.SHOP_NAME,
        },
    )


# Email -----------------------------------------------------------------------------------------------------


def status_path(copy: DataCopy) -> str:
    with translation.override(copy.language):
        return reverse("privacy_account:copy-status", kwargs={"public_id": copy.public_id})


def download_token(copy: DataCopy, *, now: float | None = None) -> str:
    """The sealed token of a guest's link to this copy: its public id and the time of issue, encrypted and
    authenticated for this purpose only (no personal data; it cannot be forged, altered or moved to another
    copy). It works while the copy does: until it expires."""
    return sealed_links.seal(copy.public_id, purpose=DOWNLOAD_LINK_CONTEXT, now=now)


def guest_copy(token: str, *, now=None) -> DataCopy | None:
    """The guest's copy behind a sealed token while it can be downloaded, else None (forged, damaged, another
    context's token, an account's copy, expired or deleted)."""
    try:
        public_id = sealed_links.unseal(token, purpose=DOWNLOAD_LINK_CONTEXT)
    except sealed_links.InvalidSeal:
        return None
    copy = (
        DataCopy.objects.defer("content").filter(public_id=public_id, user__isnull=True).exclude(email_index="").first()
    )
    if copy is None or not copy.is_downloadable(now=now or timezone.now()):
        return None
    return copy


def guest_copy_path(copy: DataCopy) -> str:
    with translation.override(copy.language):
        return reverse("privacy_requests:guest-copy", kwargs={"token": download_token(copy)})


def _email_ready(copy: DataCopy, *, site_url: str) -> None:
    """Tells the owner the copy is ready: a link to the status page (sign-in needed), no data in the email.
    A guest gets the sealed link to the copy's download page instead."""
    base = (settings.SITE_URL or site_url or "").rstrip("/")
    if copy.for_guest:
        send_templated_email(
            to=copy.email,
            template="data_copy_ready",
            context={
                "guest": True,
                "screen_name": "",
                "link": base + guest_copy_path(copy),
                "expires_at": timezone.localtime(copy.expires_at),
            },
            language=copy.language,
        )
        return
    user = copy.user
    send_templated_email(
        to=user.email,
        template="data_copy_ready",
        context={
            "screen_name": user.screen_name,
            "link": base + status_path(copy),
            "expires_at": timezone.localtime(copy.expires_at),
        },
        language=copy.language,
    )


# Downloading -----------------------------------------------------------------------------------------------


def open_copy(copy: DataCopy) -> bytes:
    """The ZIP's bytes, for its owner's download (the caller has checked who asks); records when."""
    content = DataCopy.objects.filter(pk=copy.pk).values_list("content", flat=True).first() or ""
    DataCopy.objects.filter(pk=copy.pk).update(downloaded_at=timezone.now())
    return base64.b64decode(content)


# Retention -------------------------------------------------------------------------------------------------


def purge_expired_copies(*, now=None) -> int:
    """Retention (data map: DATA_COPIES): deletes the content of copies 7 days after they were ready, and
    marks copies whose building never finished as failed. Returns how many copies' content went."""
    now = now or timezone.now()
    expired = DataCopy.objects.filter(status=DataCopy.Status.READY, expires_at__lte=now).update(
        status=DataCopy.Status.EXPIRED, content="", email=""
    )
    DataCopy.objects.filter(
        status__in=[DataCopy.Status.QUEUED, DataCopy.Status.BUILDING], created_at__lte=now - STUCK_AFTER
    ).update(status=DataCopy.Status.FAILED)
    if expired:
        logger.info("expired data copies purged", extra={"count": expired})
    return expired

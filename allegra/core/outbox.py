"""The development outbox: in `make run` (DEBUG), mail is written as .eml files under var/outbox instead of
being sent, and `/dev/outbox/` lists and shows them in the browser.

The views answer 404 unless DEBUG is on, and the route itself exists only with DEBUG on.
"""

from __future__ import annotations

import email
import email.policy
import re
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.http import Http404, HttpResponse
from django.shortcuts import render

NAME = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{32}\.eml$")


def outbox_dir() -> Path:
    return Path(getattr(settings, "OUTBOX_DIR", settings.VAR_DIR / "outbox"))


class OutboxEmailBackend(BaseEmailBackend):
    """Writes each message to its own .eml file; the name sorts by time of sending."""

    _lock = threading.Lock()

    def send_messages(self, email_messages) -> int:
        folder = outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        with self._lock:
            for message in email_messages:
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
                path = folder / f"{stamp}-{uuid.uuid4().hex}.eml"
                path.write_bytes(message.message().as_bytes(linesep="\n"))
                sent += 1
        return sent


def _require_debug() -> None:
    if not settings.DEBUG:
        raise Http404


def _load(name: str):
    if not NAME.fullmatch(name):
        raise Http404
    path = outbox_dir() / name
    if not path.is_file():
        raise Http404
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def _part(message, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None and part.get_content_subtype() == subtype else ""


def outbox_list(request):
    _require_debug()
    folder = outbox_dir()
    names = sorted((p.name for p in folder.glob("*.eml") if NAME.fullmatch(p.name)), reverse=True)
    rows = []
    for name in names[:200]:
        message = _load(name)
        rows.append({"name": name, "to": message["To"], "subject": message["Subject"], "date": message["Date"]})
    return render(request, "dev/outbox_list.html", {"rows": rows, "folder": folder})


def outbox_message(request, name: str):
    _require_debug()
    message = _load(name)
    context = {
        "name": name,
        "headers": [(key, message[key]) for key in ("From", "To", "Subject", "Date")],
        "text": _part(message, "plain"),
        "has_html": bool(_part(message, "html")),
    }
    return render(request, "dev/outbox_message.html", context)


def outbox_message_html(request, name: str):
    """The HTML part on its own, sandboxed: no script in a message can run in the shop's origin."""
    _require_debug()
    response = HttpResponse(_part(_load(name), "html"), content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = "sandbox allow-popups allow-top-navigation-by-user-activation"
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response

"""Authorised agents (R4.agent): an agent files a request for a person with the person's signed permission.

The request is the person's: their email address is the request's, the confirmation link goes there (never to
the agent), order details the agent typed do not verify it, and every later email goes to the person. The
agent gets one acknowledgment that the request was received and that the person will be contacted. Staff
decide, with the agent's name, email and the signed permission in the back office (the download is audited);
the document goes when the request closes (`requests.complete` / `requests.deny`).

The document's type is told by its first bytes, never by its name or the type the browser sent.
"""

from __future__ import annotations

import base64
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allegra.core import audit
from allegra.core.email import send_templated_email
from allegra.privacy import requests as request_services
from allegra.privacy.models.agents import AgentAuthorisation
from allegra.privacy.models.requests import SubjectRequest

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
LINK_LIKE = re.compile(r"[@<>/\\]|://|www\.|\.(com|gr|net|org|eu|io)\b", re.IGNORECASE)
# The first bytes of each accepted type (PDF, PNG, JPEG).
SIGNATURES = (
    (b"%PDF-", AgentAuthorisation.ContentType.PDF),
    (b"\x89PNG\r\n\x1a\n", AgentAuthorisation.ContentType.PNG),
    (b"\xff\xd8\xff", AgentAuthorisation.ContentType.JPEG),
)


class AgentError(request_services.RequestError):
    """The agent's part of a request is refused; the message says why."""


def max_bytes() -> int:
    return int(getattr(settings, "PRIVACY_AGENT_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _too_large() -> AgentError:
    megabytes = max_bytes() / (1024 * 1024)
    return AgentError(_("The signed permission is too large: at most %(size)s MB.") % {"size": f"{megabytes:g}"})


def content_type_of(data: bytes) -> str:
    """The checked type of a document (PDF, JPEG or PNG), or AgentError for anything else."""
    if not data:
        raise AgentError(_("The signed permission is empty. Upload the signed PDF, JPEG or PNG file."))
    if len(data) > max_bytes():
        raise _too_large()
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    raise AgentError(_("The signed permission must be a PDF, JPEG or PNG file."))


def read_upload(upload) -> bytes:
    """The bytes of an uploaded document, refused before reading when it is larger than allowed."""
    if upload is None:
        raise AgentError(_("Upload the person's signed permission (PDF, JPEG or PNG)."))
    if upload.size is not None and upload.size > max_bytes():
        raise _too_large()
    data = upload.read(max_bytes() + 1)
    content_type_of(data)
    return data


@transaction.atomic
def submit_by_agent(
    *,
    kind: str,
    email: str,
    language: str,
    agent_name: str,
    agent_email: str,
    document: bytes,
    name: str = "",
    details: str = "",
) -> SubjectRequest:
    """Receives a request an agent files for the person at `email`: awaiting the person's own confirmation."""
    agent_name = (agent_name or "").strip()
    agent_email = (agent_email or "").strip()
    if not agent_name or len(agent_name) > request_services.NAME_MAX_CHARS:
        raise AgentError(_("Give your name as the agent, in at most 150 characters."))
    if LINK_LIKE.search(agent_name):
        # The name is quoted in the email to the person: it must not carry a link or an address to lure them to.
        raise AgentError(_("Give your name only, without web or email addresses."))
    if "@" not in agent_email or len(agent_email) > 254:
        raise AgentError(_("Enter a valid email address for yourself as the agent."))
    content_type = content_type_of(document)
    request = request_services.submit_request(
        kind=kind,
        email=email,
        name=name,
        details=details,
        channel=SubjectRequest.Channel.AGENT,
        language=language,
        user=None,
        agent_name=agent_name,
    )
    AgentAuthorisation.objects.create(
        request=request,
        agent_name=agent_name,
        agent_email=agent_email,
        document=base64.b64encode(document).decode("ascii"),
        content_type=content_type,
        size=len(document),
        uploaded_at=timezone.now(),
    )
    context = {"reference": request.reference, "agent_name": agent_name}
    # The agent's only email: received, and the person will be contacted. Nothing of the request's course.
    transaction.on_commit(
        lambda: send_templated_email(
            to=agent_email, template="privacy_agent_received", context=context, language=language
        )
    )
    return request


def document_for_staff(*, request: SubjectRequest, actor) -> tuple[bytes, AgentAuthorisation]:
    """The signed permission for a staff member allowed to see the request; the access is audited."""
    authorisation = AgentAuthorisation.objects.filter(request=request).first()
    if authorisation is None or not authorisation.has_document or not authorisation.document:
        raise AgentError(_("This request has no signed permission to download."))
    audit.record_access(
        actor=actor,
        subject=request.user if request.user_id else request,
        action="export",
        fields=["agent_authorisation.document"],
        reason=f"{request.reference} signed permission of an authorised agent",
    )
    return base64.b64decode(authorisation.document), authorisation

"""Authorised agents (R4.agent): an agent files a request for a person with the person's signed permission; the
person confirms it themselves, every answer goes to the person, staff decide with the document (audited), and
the document goes when the request closes."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from allegra.core.models import AuditEntry
from allegra.privacy import requests as services
from allegra.privacy.models import AgentAuthorisation, SubjectRequest
from tests.backoffice.conftest import make_staff, roles  # noqa: F401 - fixtures
from tests.backoffice.support import verified_client

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.policy("R4.agent")]

FORM = "/en/privacy/requests/"
State = SubjectRequest.State
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def upload(content: bytes = PDF, name: str = "permission.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def submit_as_agent(client: Client, document=None, **values):
    data = {
        "kind": "access",
        "email": "eleni@example.com",
        "name": "Eleni",
        "details": "",
        "by_agent": "on",
        "agent_name": "Nikos Agent",
        "agent_email": "agent@example.org",
        "agent_document": upload() if document is None else document,
        **values,
    }
    return client.post(FORM, {k: v for k, v in data.items() if v is not None})


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_an_agent_files_a_request_and_the_person_not_the_agent_gets_the_link(client, smtp_server):
    response = submit_as_agent(client)
    assert response.status_code == 200 and 'id="request-agent-received"' in response.content.decode()
    request = SubjectRequest.objects.get()
    assert (request.state, request.channel, request.email) == (
        State.AWAITING_VERIFICATION,
        "agent",
        "eleni@example.com",
    )
    authorisation = request.agent_authorisation
    assert (authorisation.agent_name, authorisation.agent_email) == ("Nikos Agent", "agent@example.org")
    assert (authorisation.content_type, authorisation.size) == ("application/pdf", len(PDF))
    assert "%PDF" not in AgentAuthorisation.objects.values_list("document", flat=True).get()  # encrypted, base64

    to_person, to_agent = smtp_server.messages
    assert to_person["To"] == "eleni@example.com"
    body = text_of(to_person)
    assert "Nikos Agent" in body and "/en/privacy/requests/verify/" in body
    assert to_agent["To"] == "agent@example.org" and request.reference in to_agent["Subject"]
    assert "/privacy/requests/verify/" not in text_of(to_agent) and "contact the person" in text_of(to_agent)

    link = re.search(r"/en/privacy/requests/verify/[^\s/]+/", body).group(0)
    assert client.post(link).status_code == 200
    request.refresh_from_db()
    assert (request.state, request.verification) == (State.VERIFIED, "email_link")
    assert [m["To"] for m in smtp_server.messages[2:]] == ["eleni@example.com"]  # never the agent again


def _any_order(*, order_number: str, email: str, postcode: str) -> bool:
    return True


def test_order_details_an_agent_types_do_not_verify_the_request(client, smtp_server):
    services.identity_matchers.register(_any_order)
    try:
        response = submit_as_agent(client, order_number="AJ-MATCH00001", postcode="10563")
    finally:
        services.identity_matchers.unregister(_any_order)
    assert 'id="request-verified"' not in response.content.decode()
    request = SubjectRequest.objects.get()
    assert request.state == State.AWAITING_VERIFICATION and request.verification == ""
    assert request.verification_attempts == 0


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (upload(b"MZ\x90\x00\x03" + b"\x00" * 64, "permission.pdf"), "must be a PDF, JPEG or PNG file"),
        (upload(b"", "permission.pdf"), "The signed permission is empty"),
        (upload(b"%PDF-1.4" + b"x" * 2048, "big.pdf"), "too large: at most"),
        ("", "Upload the person"),
    ],
    ids=["exe-renamed-pdf", "empty", "oversize", "missing"],
)
def test_a_bad_document_is_refused_with_a_clear_message_and_nothing_is_written(
    client, smtp_server, settings, document, message
):
    settings.PRIVACY_AGENT_UPLOAD_MAX_BYTES = 1024
    response = submit_as_agent(client, document=document)
    assert response.status_code == 400 and message in response.content.decode()
    assert not SubjectRequest.objects.exists() and not AgentAuthorisation.objects.exists()
    assert smtp_server.messages == []


def test_a_png_is_accepted_whatever_name_and_type_the_browser_sent(client, smtp_server):
    assert submit_as_agent(client, document=upload(PNG, "scan.txt", "text/plain")).status_code == 200
    assert AgentAuthorisation.objects.get().content_type == "image/png"


def test_the_agent_must_name_themselves(client, smtp_server):
    response = submit_as_agent(client, agent_name="", agent_email="")
    page = response.content.decode()
    assert response.status_code == 400 and "Give your name as the agent." in page
    assert "Give your email address as the agent." in page and not SubjectRequest.objects.exists()


def test_the_form_is_multipart():
    page = Client().get(FORM).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="agent_document"' in page


def test_staff_download_the_document_audited_and_marketing_cannot(client, smtp_server, make_staff):  # noqa: F811
    submit_as_agent(Client())
    request = SubjectRequest.objects.get()
    officer = make_staff("officer@allegra.example", "Privacy officer")
    verified_client(client, officer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin in English
    page = client.get(f"/admin/privacy/subjectrequest/{request.pk}/change/").content.decode()
    assert "Nikos Agent" in page and "agent@example.org" in page and 'id="agent-document"' in page
    before = AuditEntry.objects.count()
    response = client.get(f"/admin/privacy/subjectrequest/{request.pk}/agent-document/")
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() > before
    assert (entry.actor, entry.action, entry.fields) == (officer, "export", ["agent_authorisation.document"])

    marketing = make_staff("marketing@allegra.example", "Marketing")
    other = verified_client(Client(), marketing)
    assert other.get(f"/admin/privacy/subjectrequest/{request.pk}/agent-document/").status_code == 403
    customer_client = Client()
    customer_client.force_login(get_user_model().objects.create_user("eleni@example.com", "customer-pass-2026"))
    response = customer_client.get(f"/admin/privacy/subjectrequest/{request.pk}/agent-document/")
    assert response.status_code == 302  # to the back office's login, never the document


@pytest.mark.parametrize("close", ["complete", "deny"])
def test_closing_the_request_removes_the_document(client, smtp_server, close, make_staff):  # noqa: F811
    submit_as_agent(client)
    request = SubjectRequest.objects.get()
    staff = make_staff("officer@allegra.example", "Privacy officer")
    if close == "complete":
        request = services.verify_by_link(re.search(r"/verify/([^\s/]+)/", text_of(smtp_server.messages[0])).group(1))
        services.complete(request=request, actor=staff, outcome="whole")
    else:
        services.deny(request=request, actor=staff, reason="not_from_person")
    authorisation = AgentAuthorisation.objects.get()
    assert authorisation.document == "" and authorisation.document_removed_at is not None
    assert authorisation.agent_name == "Nikos Agent"  # the record of who asked stays with the request
    verified_client(client, staff)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin in English
    assert client.get(f"/admin/privacy/subjectrequest/{request.pk}/agent-document/").status_code == 404
    page = client.get(f"/admin/privacy/subjectrequest/{request.pk}/change/").content.decode()
    assert "removed when the request closed" in page
    assert all(m["To"] != "agent@example.org" for m in smtp_server.messages[2:])


def test_throttling_still_applies_to_agents(client, settings, smtp_server):
    settings.PRIVACY_REQUEST_ATTEMPTS = 2
    assert [submit_as_agent(client).status_code for _ in range(2)] == [200, 200]
    response = submit_as_agent(client)
    assert response.status_code == 429 and "Too many requests" in response.content.decode()
    assert SubjectRequest.objects.count() == 2 and AgentAuthorisation.objects.count() == 2


def test_an_agent_name_carrying_a_link_is_refused():
    from allegra.privacy import agents

    with pytest.raises(agents.AgentError, match="without web or email addresses"):
        agents.submit_by_agent(
            kind="access",
            email="person@example.com",
            agent_name="Go to evil.com now",
            agent_email="agent@example.com",
            document=b"%PDF-1.4 signed",
            language="en",
        )
    assert not SubjectRequest.objects.exists()

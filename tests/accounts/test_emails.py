"""Account emails: text and HTML in Greek and English, sent through a real SMTP server; the dev outbox."""

import importlib

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import clear_url_caches

from allegra.core import outbox
from allegra.core.email import render_templated_email, send_templated_email
from tests.accounts.auth_support import html_of, text_of

CONTEXTS = {
    "verify_email": {"screen_name": "Ελένη", "link": "https://shop.example/el/account/verify/T0K3N/"},
    "already_registered": {
        "screen_name": "Ελένη",
        "login_url": "https://shop.example/el/account/login/",
        "reset_url": "https://shop.example/el/account/password/reset/",
    },
    "password_reset": {"screen_name": "Ελένη", "link": "https://shop.example/el/account/password/reset/T0K3N/"},
    "email_change": {"screen_name": "Ελένη", "link": "https://shop.example/el/account/email/confirm/T0K3N/"},
    "email_change_notice": {"screen_name": "Ελένη", "new_email_masked": "n•••@example.com"},
    "account_deleted": {"screen_name": "Ελένη"},
}


@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_every_account_email_renders_in_greek_and_english(template):
    rendered = {
        language: render_templated_email(template=template, context=CONTEXTS[template], language=language)
        for language in ("el", "en")
    }
    for language, (subject, text, html) in rendered.items():
        assert subject and "\n" not in subject
        assert "Allegra Jewels" in subject
        assert "Ελένη" in text and "Ελένη" in html
        assert f'<html lang="{language}">' in html
        assert "{%" not in text + html and "{{" not in text + html
        for value in CONTEXTS[template].values():
            assert value in text  # links appear whole, unescaped, in the text part
    assert rendered["el"][0] != rendered["en"][0], "the Greek subject is translated"
    assert rendered["el"][1] != rendered["en"][1], "the Greek text is translated"


def test_the_text_part_is_not_html_escaped():
    _subject, text, html = render_templated_email(
        template="account_deleted", context={"screen_name": "Zoë O'Brien & <Co>"}, language="en"
    )
    assert "Zoë O'Brien & <Co>" in text
    assert "&lt;Co&gt;" in html


def test_send_templated_email_delivers_text_and_html_over_smtp(smtp_server):
    send_templated_email(
        to="eleni@example.com", template="verify_email", context=CONTEXTS["verify_email"], language="el"
    )
    [message] = smtp_server.messages
    assert message["To"] == "eleni@example.com"
    assert message.get_content_type() == "multipart/alternative"
    assert CONTEXTS["verify_email"]["link"] in text_of(message)
    assert f'href="{CONTEXTS["verify_email"]["link"]}"' in html_of(message)
    assert smtp_server.envelopes[0].rcpt_tos == ["eleni@example.com"]


# Development outbox -------------------------------------------------------------------------------------


@pytest.fixture
def outbox_dir(settings, tmp_path):
    settings.EMAIL_BACKEND = "allegra.core.outbox.OutboxEmailBackend"
    settings.OUTBOX_DIR = tmp_path / "outbox"
    return settings.OUTBOX_DIR


@pytest.fixture
def debug_urls(settings):
    """The URL conf as `make run` builds it (DEBUG on), restored afterwards."""
    import allegra.urls

    settings.DEBUG = True
    importlib.reload(allegra.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(allegra.urls)
    clear_url_caches()


def test_the_outbox_backend_writes_one_eml_file_per_message(outbox_dir):
    send_templated_email(to="a@example.com", template="account_deleted", context={"screen_name": "A"}, language="en")
    send_templated_email(to="b@example.com", template="account_deleted", context={"screen_name": "B"}, language="el")
    files = sorted(outbox_dir.glob("*.eml"))
    assert len(files) == 2
    assert all(outbox.NAME.fullmatch(path.name) for path in files)
    assert b"a@example.com" in b"".join(path.read_bytes() for path in files)


@pytest.mark.django_db
def test_the_outbox_pages_list_and_show_messages_in_debug(client, outbox_dir, debug_urls):
    send_templated_email(to="a@example.com", template="verify_email", context=CONTEXTS["verify_email"], language="en")
    listing = client.get("/dev/outbox/")
    assert listing.status_code == 200
    [name] = [path.name for path in outbox_dir.glob("*.eml")]
    assert name in listing.content.decode()

    page = client.get(f"/dev/outbox/{name}/").content.decode()
    assert f'<a href="{CONTEXTS["verify_email"]["link"]}"' in page  # the link is clickable
    html = client.get(f"/dev/outbox/{name}/html")
    assert html["Content-Security-Policy"].startswith("sandbox")
    assert CONTEXTS["verify_email"]["link"] in html.content.decode()

    assert client.get("/dev/outbox/../../etc/passwd/").status_code == 404
    assert client.get("/dev/outbox/not-a-message.eml/").status_code == 404


def test_the_outbox_views_answer_404_without_debug(settings, outbox_dir):
    from django.http import Http404

    settings.DEBUG = False
    request = RequestFactory().get("/dev/outbox/")
    with pytest.raises(Http404):
        outbox.outbox_list(request)


@pytest.mark.django_db
def test_the_outbox_route_does_not_exist_without_debug(client):
    assert client.get("/dev/outbox/").status_code == 404


def test_locmem_mail_is_untouched_by_templates(mailoutbox):
    send_templated_email(to="x@example.com", template="account_deleted", context={"screen_name": "X"}, language="en")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].alternatives[0][1] == "text/html"


@pytest.mark.django_db
def test_a_mail_server_that_is_down_never_turns_sign_up_into_an_error(client, settings, caplog):
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 2
    response = client.post(
        "/en/account/sign-up/",
        {
            "email": "nikos@example.com",
            "screen_name": "Nikos",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )
    assert response.status_code in (200, 302)
    assert "email not sent" in caplog.text
    assert "nikos@example.com" not in caplog.text

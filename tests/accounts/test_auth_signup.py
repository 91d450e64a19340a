"""Sign-up with email verification: no account enumeration, links that are signed, expire and work once."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from allegra.accounts.services import auth as services
from tests.accounts.auth_support import PASSWORD, link_in, mail_to, make_customer, text_of

pytestmark = pytest.mark.django_db
User = get_user_model()


def sign_up(client, email="nikos@example.com", screen_name="Νίκος", password=PASSWORD, language="en", **extra):
    data = {"email": email, "screen_name": screen_name, "password1": password, "password2": password, **extra}
    return client.post(f"/{language}/account/sign-up/", data)


def test_sign_up_creates_an_inactive_account_and_mails_a_link_that_activates_it(client, smtp_server):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign_up_done")

    user = User.objects.get(email="nikos@example.com")
    assert not user.is_active and user.email_verified_at is None
    assert user.screen_name == "Νίκος"
    [message] = mail_to(smtp_server, "nikos@example.com")
    assert message.get_content_type() == "multipart/alternative"

    response = client.get(link_in(message, "/account/verify/"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.is_active and user.email_verified_at is not None

    assert client.login(email="nikos@example.com", password=PASSWORD)


def test_a_verification_link_works_once(client, smtp_server):
    sign_up(client)
    link = link_in(mail_to(smtp_server, "nikos@example.com")[0], "/account/verify/")
    assert client.get(link).status_code == 302
    verified_at = User.objects.get(email="nikos@example.com").email_verified_at

    again = client.get(link)
    assert again.status_code == 400
    assert b'id="invalid-link"' in again.content
    assert User.objects.get(email="nikos@example.com").email_verified_at == verified_at


def test_an_expired_verification_link_changes_nothing(client, smtp_server, settings, monkeypatch):
    settings.ACCOUNT_VERIFY_LINK_SECONDS = 3600
    sign_up(client)
    link = link_in(mail_to(smtp_server, "nikos@example.com")[0], "/account/verify/")
    later = time.time() + 3601
    monkeypatch.setattr(services.time, "time", lambda: later)

    response = client.get(link)
    assert response.status_code == 400
    user = User.objects.get(email="nikos@example.com")
    assert not user.is_active and user.email_verified_at is None


@pytest.mark.parametrize(
    "token",
    ["forged", "A" * 80, "x" * 2000, "Zm9vYmFy", "%00", "..%2F..%2Fetc"],
)
def test_forged_verification_links_show_a_clear_page(client, token):
    make_customer(is_active=False, email_verified_at=None)
    response = client.get(f"/en/account/verify/{token}/")
    assert response.status_code in (400, 404)
    assert not User.objects.filter(is_active=True).exists()


def test_a_token_altered_by_one_character_is_refused(client, smtp_server):
    sign_up(client)
    link = link_in(mail_to(smtp_server, "nikos@example.com")[0], "/account/verify/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    altered = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    assert client.get(f"/en/account/verify/{altered}/").status_code == 400
    assert not User.objects.get(email="nikos@example.com").is_active


def test_a_token_for_one_purpose_does_not_serve_another(client):
    user = make_customer()
    token = services.make_token(purpose=services.VERIFY, user=user)
    with pytest.raises(services.InvalidLink):
        services.read_token(purpose=services.RESET, token=token)
    assert client.get(f"/en/account/password/reset/{token}/").status_code == 400


def test_another_customers_session_cannot_use_a_verification_link(client, smtp_server):
    sign_up(client)
    link = link_in(mail_to(smtp_server, "nikos@example.com")[0], "/account/verify/")
    client.force_login(make_customer("other@example.com"))

    assert client.get(link).status_code == 400
    assert not User.objects.get(email="nikos@example.com").is_active


def without_csrf_tokens(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_sign_up_answers_the_same_for_a_registered_address(client, smtp_server):
    make_customer("eleni@example.com", screen_name="Ελένη")
    fresh = sign_up(client, email="new@example.com")
    known = sign_up(client, email="Eleni@Example.com")
    assert (fresh.status_code, fresh["Location"]) == (known.status_code, known["Location"])
    # The same page, but for the CSRF token of the cookie banner's form, which is new in every response.
    assert without_csrf_tokens(client.get(fresh["Location"]).content) == without_csrf_tokens(
        client.get(known["Location"]).content
    )

    # The owner of the registered address hears about it; no second account appears.
    assert User.objects.filter(email__iexact="eleni@example.com").count() == 1
    [notice] = mail_to(smtp_server, "eleni@example.com")
    assert "/account/verify/" not in text_of(notice)
    assert "/account/login/" in text_of(notice)
    assert "/account/verify/" in text_of(mail_to(smtp_server, "new@example.com")[0])


def test_signing_up_again_before_verifying_sends_a_new_link(client, smtp_server):
    sign_up(client)
    sign_up(client)
    messages = mail_to(smtp_server, "nikos@example.com")
    assert len(messages) == 2
    assert all("/account/verify/" in text_of(m) for m in messages)
    assert User.objects.filter(email="nikos@example.com").count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-email"),
        ("email", "a" * 250 + "@example.com"),
        ("screen_name", "x" * 41),
        ("screen_name", "<script>alert(1)</script>"),
        ("screen_name", "x"),
        ("screen_name", "   "),
        ("screen_name", "tab\tname"),
    ],
)
def test_bad_fields_give_field_errors_and_save_nothing(client, smtp_server, field, value):
    data = {"email": "ok@example.com", "screen_name": "Μαρία", "password1": PASSWORD, "password2": PASSWORD}
    data[field] = value
    response = client.post("/en/account/sign-up/", data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert User.objects.count() == 0
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    ("password1", "password2", "field"),
    [
        ("kalimera2024", "kalimera2024", "password1"),  # short and Greek-common
        ("sagapo12345", "sagapo12345", "password1"),
        ("qwertyuiop", "qwertyuiop", "password1"),  # from the common list
        ("1234567890123", "1234567890123", "password1"),  # numeric
        ("short", "short", "password1"),
        (PASSWORD, PASSWORD + "x", "password2"),
        ("nikos@example.com", "nikos@example.com", "password1"),  # like the email
    ],
)
def test_weak_or_mismatched_passwords_are_refused(client, password1, password2, field):
    response = client.post(
        "/en/account/sign-up/",
        {"email": "nikos@example.com", "screen_name": "Nikos", "password1": password1, "password2": password2},
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not User.objects.exists()


def test_a_password_on_the_projects_own_list_is_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from allegra.accounts.validators import COMMON_PASSWORDS, CommonPasswordValidator

    words = COMMON_PASSWORDS.read_text().split()
    assert len(words) > 5000
    assert "allegrajewels" in words
    with pytest.raises(ValidationError):
        CommonPasswordValidator().validate("AllegraJewels")
    with pytest.raises(ValidationError):
        validate_password("allegrajewels")


@pytest.mark.parametrize("screen_name", ["Ελένη Παπαδοπούλου", "Zoë O'Brien", "José-María", "Σπύρος_1"])
def test_unicode_screen_names_work(client, smtp_server, screen_name):
    sign_up(client, screen_name=screen_name)
    assert User.objects.get(email="nikos@example.com").screen_name == screen_name
    assert screen_name in text_of(mail_to(smtp_server, "nikos@example.com")[0])


def test_a_signed_in_customer_is_sent_on_from_the_sign_up_page(client):
    client.force_login(make_customer())
    assert client.get("/en/account/sign-up/").status_code == 302


@pytest.mark.policy("C2")
def test_passwords_are_stored_as_argon2_hashes(client, smtp_server):
    sign_up(client)
    stored = User.objects.values_list("password", flat=True).get(email="nikos@example.com")
    assert stored.startswith("argon2$argon2id$")
    assert PASSWORD not in stored


@pytest.mark.policy("C2")
def test_links_carry_the_public_id_sealed_never_the_sequential_id_or_email(client, smtp_server):
    sign_up(client)
    user = User.objects.get(email="nikos@example.com")
    link = link_in(mail_to(smtp_server, "nikos@example.com")[0], "/account/verify/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert "nikos" not in link and "example" not in link
    assert f"/{user.pk}/" not in link
    owner, _extra = services.read_token(purpose=services.VERIFY, token=token)
    assert owner.public_id == user.public_id


@pytest.mark.parametrize(("language", "word"), [("el", "Επιβεβαιώστε"), ("en", "Confirm")])
def test_the_email_goes_out_in_the_language_of_the_page(client, smtp_server, language, word):
    sign_up(client, language=language)
    [message] = mail_to(smtp_server, "nikos@example.com")
    assert str(message["Subject"]).strip().startswith(word)
    assert f"/{language}/account/verify/" in text_of(message)

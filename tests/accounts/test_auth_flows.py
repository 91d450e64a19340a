"""Login, logout, password reset and change, change of email, account deletion; CSRF and other sessions."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from allegra.accounts.services import auth as services
from tests.accounts.auth_support import PASSWORD, link_in, mail_to, make_customer, text_of

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "Copper-Harbour-Meadow-77"


def home_after_login() -> str:
    from allegra.accounts.views.auth import account_home_url

    return account_home_url()


# Login and logout ---------------------------------------------------------------------------------------


def test_login_by_email_rotates_the_session(client):
    make_customer()
    client.get("/en/account/login/")
    session = client.session
    session["probe"] = 1
    session.save()
    before = client.cookies["sessionid"].value

    response = client.post("/en/account/login/", {"username": "ELENI@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == home_after_login()
    assert client.cookies["sessionid"].value != before
    assert int(client.session["_auth_user_id"]) == User.objects.get().pk


def test_login_follows_a_safe_next_and_ignores_another_host(client):
    make_customer()
    response = client.post(
        "/en/account/login/", {"username": "eleni@example.com", "password": PASSWORD, "next": "/en/account/email/"}
    )
    assert response["Location"] == "/en/account/email/"
    client.logout()
    response = client.post(
        "/en/account/login/", {"username": "eleni@example.com", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == home_after_login()


def test_wrong_password_and_unverified_accounts_get_the_same_clear_error(client):
    make_customer()
    make_customer("pending@example.com", is_active=False, email_verified_at=None)
    wrong = client.post("/en/account/login/", {"username": "eleni@example.com", "password": "nope"})
    pending = client.post("/en/account/login/", {"username": "pending@example.com", "password": PASSWORD})
    unknown = client.post("/en/account/login/", {"username": "ghost@example.com", "password": PASSWORD})
    errors = {str(r.context["form"].non_field_errors()) for r in (wrong, pending, unknown)}
    assert len(errors) == 1
    assert "Wrong email or password" in errors.pop()
    assert "_auth_user_id" not in client.session


def test_logout_takes_a_post_only(client):
    client.force_login(make_customer())
    assert client.get("/en/account/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/en/account/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_header_offers_sign_in_or_my_account(client):
    page = client.get("/en/account/login/").content.decode()
    assert 'id="account-link"' in page and "Sign in" in page
    client.force_login(make_customer())
    page = client.get("/en/account/email/").content.decode()
    assert "My account" in page and 'id="logout-button"' in page


# Password reset -----------------------------------------------------------------------------------------


def test_password_reset_answers_the_same_for_unknown_addresses(client, smtp_server):
    make_customer()
    known = client.post("/en/account/password/reset/", {"email": "eleni@example.com"})
    unknown = client.post("/en/account/password/reset/", {"email": "ghost@example.com"})
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    assert len(smtp_server.messages) == 1
    assert mail_to(smtp_server, "eleni@example.com")


def test_a_reset_link_sets_a_new_password_once(client, smtp_server):
    make_customer()
    client.post("/en/account/password/reset/", {"email": "eleni@example.com"})
    link = link_in(mail_to(smtp_server, "eleni@example.com")[0], "/account/password/reset/")
    assert client.get(link).status_code == 200

    weak = client.post(link, {"new_password1": "password", "new_password2": "password"})
    assert weak.status_code == 200 and weak.context["form"].errors
    assert User.objects.get().check_password(PASSWORD)

    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:login")
    assert User.objects.get().check_password(NEW_PASSWORD)

    reused = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert reused.status_code == 400
    assert User.objects.get().check_password(NEW_PASSWORD)


def test_a_reset_link_expires(client, smtp_server, settings, monkeypatch):
    settings.PASSWORD_RESET_TIMEOUT = 60
    make_customer()
    client.post("/en/account/password/reset/", {"email": "eleni@example.com"})
    link = link_in(mail_to(smtp_server, "eleni@example.com")[0], "/account/password/reset/")
    now = services.time.time()
    monkeypatch.setattr(services.time, "time", lambda: now + 61)
    assert client.get(link).status_code == 400
    assert client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 400
    assert User.objects.get().check_password(PASSWORD)


def test_a_reset_link_of_a_customer_who_logged_in_since_is_void(client, smtp_server):
    make_customer()
    client.post("/en/account/password/reset/", {"email": "eleni@example.com"})
    link = link_in(mail_to(smtp_server, "eleni@example.com")[0], "/account/password/reset/")
    Client().post("/en/account/login/", {"username": "eleni@example.com", "password": PASSWORD})
    assert client.get(link).status_code == 400


# Password change ----------------------------------------------------------------------------------------


def test_password_change_needs_the_old_password_and_keeps_the_session(client):
    client.force_login(make_customer())
    wrong = client.post(
        "/en/account/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors["old_password"]
    response = client.post(
        "/en/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get().check_password(NEW_PASSWORD)
    assert client.get("/en/account/email/").status_code == 200  # still signed in


# Change of email ----------------------------------------------------------------------------------------


def test_email_change_applies_only_after_the_link_at_the_new_address(client, smtp_server):
    client.force_login(make_customer())
    response = client.post("/en/account/email/", {"new_email": "Eleni.New@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get().email == "eleni@example.com"

    [confirm] = mail_to(smtp_server, "eleni.new@example.com")
    [notice] = mail_to(smtp_server, "eleni@example.com")
    assert "e•••@example.com" in text_of(notice)
    assert "/account/" not in text_of(notice)  # the notice carries no link that could apply the change

    link = link_in(confirm, "/account/email/confirm/")
    assert client.get(link).status_code == 302
    user = User.objects.get()
    assert user.email == "eleni.new@example.com" and user.email_verified_at is not None
    assert client.get(link).status_code == 400  # once only


def test_email_change_needs_the_password_and_a_different_valid_address(client, smtp_server):
    client.force_login(make_customer())
    for data, field in [
        ({"new_email": "x@example.com", "password": "wrong"}, "password"),
        ({"new_email": "eleni@example.com", "password": PASSWORD}, "new_email"),
        ({"new_email": "not an email", "password": PASSWORD}, "new_email"),
        ({"new_email": "a" * 300 + "@example.com", "password": PASSWORD}, "new_email"),
    ]:
        response = client.post("/en/account/email/", data)
        assert response.status_code == 200
        assert response.context["form"].errors[field]
    assert smtp_server.messages == []


def test_email_change_to_a_taken_address_reveals_nothing_and_changes_nothing(client, smtp_server):
    make_customer("taken@example.com", screen_name="Other")
    client.force_login(make_customer())
    response = client.post("/en/account/email/", {"new_email": "taken@example.com", "password": PASSWORD})
    assert response.status_code == 302
    [to_taken] = mail_to(smtp_server, "taken@example.com")
    assert "/account/email/confirm/" not in text_of(to_taken)
    assert User.objects.filter(email="eleni@example.com").exists()


def test_an_address_taken_between_request_and_link_is_refused_clearly(client, smtp_server):
    client.force_login(make_customer())
    client.post("/en/account/email/", {"new_email": "new@example.com", "password": PASSWORD})
    link = link_in(mail_to(smtp_server, "new@example.com")[0], "/account/email/confirm/")
    make_customer("new@example.com", screen_name="Quick")
    assert client.get(link).status_code == 409
    assert User.objects.filter(email="eleni@example.com").exists()


def test_another_customers_session_cannot_confirm_an_email_change(client, smtp_server):
    owner = make_customer()
    client.force_login(owner)
    client.post("/en/account/email/", {"new_email": "new@example.com", "password": PASSWORD})
    link = link_in(mail_to(smtp_server, "new@example.com")[0], "/account/email/confirm/")

    intruder = Client()
    intruder.force_login(make_customer("intruder@example.com", screen_name="Intruder"))
    assert intruder.get(link).status_code == 400
    assert set(User.objects.values_list("email", flat=True)) == {"eleni@example.com", "intruder@example.com"}
    # Anonymous: sent to sign in, nothing changes.
    assert Client().get(link).status_code == 302
    assert User.objects.filter(email="eleni@example.com").exists()


# Account deletion ---------------------------------------------------------------------------------------


def test_deletion_needs_the_password(client, smtp_server):
    client.force_login(make_customer())
    response = client.post("/en/account/delete/", {"password": "wrong"})
    assert response.status_code == 200 and response.context["form"].errors["password"]
    assert User.objects.exists()
    assert smtp_server.messages == []


@pytest.mark.policy("R3.again")
def test_after_deletion_the_same_email_can_sign_up_again(client, smtp_server, django_capture_on_commit_callbacks):
    old = make_customer()
    client.force_login(old)
    with django_capture_on_commit_callbacks(execute=True):  # the erasure report leaves after the commit
        response = client.post("/en/account/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session
    [goodbye] = mail_to(smtp_server, "eleni@example.com")
    assert "erased" in str(goodbye["Subject"])  # the erasure report: what went, what the law keeps

    client.post(
        "/en/account/sign-up/",
        {"email": "eleni@example.com", "screen_name": "Ελένη", "password1": PASSWORD, "password2": PASSWORD},
    )
    link = link_in(mail_to(smtp_server, "eleni@example.com")[-1], "/account/verify/")
    assert client.get(link).status_code == 302
    again = User.objects.get(email="eleni@example.com")
    assert again.is_active and again.public_id != old.public_id
    assert client.login(email="eleni@example.com", password=PASSWORD)


def test_delete_account_service_deletes_the_user(smtp_server, django_capture_on_commit_callbacks):
    user = make_customer()
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_account(user=user, language="el")
    assert not User.objects.filter(pk=user.pk).exists()
    assert mail_to(smtp_server, "eleni@example.com")


# Security -----------------------------------------------------------------------------------------------

SIGNED_IN_ONLY = ["/en/account/email/", "/en/account/password/", "/en/account/delete/", "/el/account/email/"]


@pytest.mark.parametrize("url", SIGNED_IN_ONLY)
def test_account_pages_need_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.post(url, {"password": PASSWORD}).status_code == 302


def test_email_change_confirmation_needs_a_login(client):
    user = make_customer()
    token = services.make_token(purpose=services.CHANGE_EMAIL, user=user, extra="x@example.com")
    response = client.get(f"/en/account/email/confirm/{token}/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert User.objects.get().email == "eleni@example.com"


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/en/account/sign-up/", {"email": "c@example.com", "screen_name": "C", "password1": PASSWORD}),
        ("/en/account/login/", {"username": "eleni@example.com", "password": PASSWORD}),
        ("/en/account/password/reset/", {"email": "eleni@example.com"}),
        ("/en/account/logout/", {}),
        ("/en/account/email/", {"new_email": "n@example.com", "password": PASSWORD}),
        ("/en/account/password/", {"old_password": PASSWORD}),
        ("/en/account/delete/", {"password": PASSWORD}),
    ],
)
def test_every_account_form_refuses_a_post_without_the_csrf_token(url, data, smtp_server):
    user = make_customer()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(url, data).status_code == 403
    assert User.objects.filter(email="eleni@example.com").exists()
    assert smtp_server.messages == []


def test_every_account_form_carries_a_csrf_token(client):
    for url in ["/en/account/sign-up/", "/en/account/login/", "/en/account/password/reset/"]:
        assert b"csrfmiddlewaretoken" in client.get(url).content
    client.force_login(make_customer())
    for url in ["/en/account/email/", "/en/account/password/", "/en/account/delete/"]:
        assert b"csrfmiddlewaretoken" in client.get(url).content


@pytest.mark.parametrize("language", ["el", "en"])
def test_account_pages_render_in_both_languages(client, language):
    for url in ["sign-up/", "login/", "password/reset/", "sign-up/sent/", "password/reset/sent/"]:
        response = client.get(f"/{language}/account/{url}")
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()


def test_account_pages_are_not_cached(client):
    response = client.get("/en/account/login/")
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]

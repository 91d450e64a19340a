"""The customer's profile and account pages: validation, nothing saved on bad input, Greek names, headers."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from allegra.accounts import selectors
from allegra.accounts.forms.profile import ProfileForm
from allegra.accounts.models import Gender, Profile, User
from allegra.accounts.services.profile import update_profile

pytestmark = pytest.mark.django_db

ACCOUNT_PAGES = ["accounts:home", "accounts:profile", "accounts:addresses", "accounts:address-add", "accounts:privacy"]


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def profile_data(**overrides) -> dict:
    data = {
        "full_name": "Eleni Papadopoulou",
        "telephone": "691 234 5678",
        "gender": Gender.FEMALE,
        "hometown": "Thessaloniki",
        "date_of_birth": "1987-03-14",
    }
    data.update(overrides)
    return data


# --- the form --------------------------------------------------------------------------------------------


def test_telephone_is_stored_in_e164_with_greece_as_default_region():
    form = ProfileForm(profile_data(telephone="691 234 5678"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["telephone"] == "+306912345678"
    form = ProfileForm(profile_data(telephone="+44 20 7946 0958"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["telephone"] == "+442079460958"


@pytest.mark.parametrize("telephone", ["12", "not a number", "+30 123", "691234567890123", "0" * 32])
def test_invalid_telephones_are_refused(telephone):
    form = ProfileForm(profile_data(telephone=telephone))
    assert not form.is_valid()
    assert "telephone" in form.errors


def test_every_field_is_optional():
    form = ProfileForm({})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "full_name": "",
        "telephone": "",
        "gender": "",
        "hometown": "",
        "date_of_birth": None,
    }


def test_birth_date_must_be_in_the_past_and_not_absurdly_old():
    today = timezone.localdate()
    for day, code in [
        (today, "future"),
        (today + datetime.timedelta(days=400), "future"),
        (datetime.date(1850, 1, 1), "too_old"),
        (today.replace(year=today.year - 121), "too_old"),
    ]:
        form = ProfileForm(profile_data(date_of_birth=day.isoformat()))
        assert not form.is_valid(), day
        assert form.errors.as_data()["date_of_birth"][0].code == code
    assert ProfileForm(profile_data(date_of_birth=(today - datetime.timedelta(days=1)).isoformat())).is_valid()
    assert ProfileForm(profile_data(date_of_birth="14/03/1987")).is_valid()
    assert not ProfileForm(profile_data(date_of_birth="1987-02-30")).is_valid()


@pytest.mark.parametrize(("field", "length"), [("full_name", 151), ("hometown", 101), ("telephone", 33)])
def test_over_long_fields_are_refused(field, length):
    form = ProfileForm(profile_data(**{field: "9" * length if field == "telephone" else "α" * length}))
    assert not form.is_valid()
    assert field in form.errors


def test_unknown_gender_is_refused():
    assert "gender" in ProfileForm(profile_data(gender="robot")).errors


# --- the page ---------------------------------------------------------------------------------------------


def test_profile_is_created_lazily_on_first_save(customer, customer_client):
    response = customer_client.get(url("accounts:profile"))
    assert response.status_code == 200
    assert not Profile.objects.filter(user=customer).exists()  # a read creates nothing

    response = customer_client.post(url("accounts:profile"), profile_data(), follow=True)
    assert response.redirect_chain[-1][0] == url("accounts:profile")
    assert "Your profile has been saved." in response.content.decode()
    profile = Profile.objects.get(user=customer)
    assert profile.full_name == "Eleni Papadopoulou"
    assert profile.telephone == "+306912345678"
    assert profile.gender == Gender.FEMALE
    assert profile.hometown == "Thessaloniki"
    assert profile.date_of_birth == datetime.date(1987, 3, 14)
    # The edit form shows the number the way people read it.
    assert "+30 691 234 5678" in customer_client.get(url("accounts:profile")).content.decode()


def test_greek_unicode_names_round_trip(customer, customer_client):
    data = profile_data(full_name="Ελένη Παπαδοπούλου-Ξανθοπούλου", hometown="Ιωάννινα")
    response = customer_client.post(url("accounts:profile", "el"), data)
    assert response.status_code == 302
    profile = Profile.objects.get(user=customer)
    assert profile.full_name == "Ελένη Παπαδοπούλου-Ξανθοπούλου"
    assert profile.hometown == "Ιωάννινα"
    page = customer_client.get(url("accounts:home", "el")).content.decode()
    assert "Ελένη Παπαδοπούλου-Ξανθοπούλου" in page


@pytest.mark.parametrize(
    "bad",
    [
        {"telephone": "12345"},
        {"date_of_birth": "2999-01-01"},
        {"date_of_birth": "1880-05-05"},
        {"full_name": "Ε" * 151},
        {"hometown": "x" * 101},
    ],
)
def test_invalid_input_shows_field_errors_and_saves_nothing(customer, customer_client, bad):
    update_profile(user=customer, full_name="Before", telephone="+306900000001", hometown="Patra")
    response = customer_client.post(url("accounts:profile"), profile_data(**bad))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Your profile was not saved" in body
    assert 'class="errorlist field-errors"' in body
    profile = Profile.objects.get(user=customer)
    assert (profile.full_name, profile.telephone, profile.hometown) == ("Before", "+306900000001", "Patra")


def test_clearing_the_profile_keeps_it_empty(customer, customer_client):
    update_profile(user=customer, full_name="Eleni", telephone="+306912345678", gender=Gender.FEMALE)
    customer_client.post(url("accounts:profile"), {})
    profile = Profile.objects.get(user=customer)
    assert (profile.full_name, profile.telephone, profile.gender, profile.date_of_birth) == ("", "", "", None)


def test_greek_page_speaks_greek(customer_client):
    response = customer_client.post(url("accounts:profile", "el"), profile_data(telephone="12"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'lang="el"' in body


# --- C3: the profile is never needed --------------------------------------------------------------------


@pytest.mark.policy("C3")
def test_a_customer_exists_without_any_profile():
    user = User.objects.create_user("new@example.com", "amber-olive-lantern-42")
    assert not Profile.objects.filter(user=user).exists()
    profile = selectors.profile_for(user)
    assert profile.pk is None and profile.full_name == "" and profile.date_of_birth is None


@pytest.mark.policy("C3")
def test_account_pages_work_without_a_profile(customer, customer_client):
    for name in ACCOUNT_PAGES:
        assert customer_client.get(url(name)).status_code == 200, name
    assert not Profile.objects.filter(user=customer).exists()


@pytest.mark.policy("C3")
def test_no_profile_field_is_required():
    assert all(not field.required for field in ProfileForm().fields.values())
    for field in ("telephone", "gender", "hometown", "date_of_birth", "full_name"):
        model_field = Profile._meta.get_field(field)
        assert model_field.blank, field


# --- every account page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
def test_account_pages_need_a_signed_in_customer(client, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert "next=" in response["Location"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
@pytest.mark.parametrize("language", ["el", "en"])
def test_account_pages_are_private_and_never_stored(customer_client, name, language):
    response = customer_client.get(url(name, language))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "public" not in cache_control


def test_forms_need_a_csrf_token(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    assert client.post(url("accounts:profile"), profile_data()).status_code == 403
    assert not Profile.objects.filter(user=customer).exists()
    page = client.get(url("accounts:profile")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_account_navigation_links_only_pages_that_exist(customer_client):
    body = customer_client.get(url("accounts:home")).content.decode()
    for name in ("accounts:home", "accounts:profile", "accounts:addresses", "accounts:privacy"):
        assert f'href="{url(name)}"' in body
    assert 'aria-current="page">Overview<' in body


def test_privacy_page_says_what_exists_now(customer, customer_client):
    body = customer_client.get(url("accounts:privacy")).content.decode()
    assert "What we hold about you" in body
    assert "No profile" in body
    assert "Consent history" in body
    assert "Your data requests" in body
    update_profile(user=customer, telephone="+306912345678")
    body = customer_client.get(url("accounts:privacy")).content.decode()
    assert "No profile" not in body
    assert "stored encrypted" in body


def test_profile_page_rejects_other_methods(customer_client):
    assert customer_client.put(url("accounts:profile")).status_code == 405


# --- pinned query counts -------------------------------------------------------------------------------------
# session + user + the header's categories on every page, then the page's own reads. A change here is a change
# in cost: look first.


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("accounts:home", 5),  # session, user, profile, address kinds, categories
        ("accounts:profile", 4),  # session, user, profile, categories
        ("accounts:addresses", 4),  # session, user, addresses, categories
        ("accounts:address-add", 3),  # session, user, categories
        ("accounts:privacy", 8),  # session, user, profile, address kinds, categories, cookie and purpose consents,
        # the restriction of processing in force (R3.restrict)
    ],
)
def test_account_page_query_counts(customer, customer_client, django_assert_num_queries, name, queries):
    update_profile(user=customer, full_name="Eleni", telephone="+306912345678")
    customer_client.get(url(name))  # warm: translations, templates, content types
    with django_assert_num_queries(queries):
        assert customer_client.get(url(name)).status_code == 200


def test_profile_save_query_count(customer, customer_client, django_assert_max_num_queries):
    customer_client.post(url("accounts:profile"), profile_data())
    with django_assert_max_num_queries(8):
        assert customer_client.post(url("accounts:profile"), profile_data(hometown="Volos")).status_code == 302


def test_links_to_pages_built_elsewhere_resolve_safely():
    from allegra.accounts.views.profile import url_or_none

    assert url_or_none("accounts:no-such-page") is None
    assert url_or_none("accounts:no-such-page", "accounts:profile") == url("accounts:profile")


def test_privacy_page_links_what_we_collect_when_it_exists(customer_client):
    from allegra.accounts.views.profile import url_or_none

    body = customer_client.get(url("accounts:privacy")).content.decode()
    public_page = url_or_none("privacy:what-we-collect")
    if public_page is None:
        assert "What we collect and why, in full" not in body
    else:
        assert f'href="{public_page}"' in body


def test_greek_account_pages_are_translated(customer_client):
    body = customer_client.get(url("accounts:addresses", "el")).content.decode()
    assert "Διευθύνσεις αποστολής" in body
    response = customer_client.post(url("accounts:profile", "el"), profile_data(telephone="12"))
    assert "Γράψτε έναν έγκυρο αριθμό τηλεφώνου" in response.content.decode()

"""The pixels (C6, K2): the page pixel for pages seen without JavaScript and the open pixel of marketing
emails. Both always answer with a 1x1 transparent GIF and record only with performance consent; emails to
people who did not consent carry no pixel at all."""

# ruff: noqa: F811 - the catalogue's fixtures are imported by name and used as arguments
from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse

from allegra.analytics.models import Event
from allegra.analytics.services import EMAIL_PIXEL_SALT, email_pixel_url
from allegra.analytics.views import TRANSPARENT_GIF
from allegra.consent.models import ConsentRecord, Source
from allegra.consent.state import ConsentState
from tests.catalog.conftest import make_category, make_product  # noqa: F401 - fixtures

PIXEL = "/a/p.gif"
GMAIL_PROXY = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"


def browser(*, performance: bool | None) -> Client:
    client = Client(
        REMOTE_ADDR="198.51.100.23",
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    )
    if performance is not None:
        client.cookies[settings.CONSENT_COOKIE_NAME] = ConsentState(
            consent_id=uuid.uuid4(),
            decided=True,
            performance=performance,
            policy_version=settings.PRIVACY_POLICY_VERSION,
        ).to_cookie()
    return client


def assert_gif(response) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content == TRANSPARENT_GIF
    assert response.content.startswith(b"GIF89a")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.policy("K2")
@pytest.mark.parametrize("performance", [None, False])
@pytest.mark.django_db
def test_the_page_pixel_answers_a_gif_but_records_nothing_without_consent(performance):
    response = browser(performance=performance).get(PIXEL, {"k": "page_view", "p": "/el/p/ring/"})

    assert_gif(response)
    assert not Event.objects.exists()
    assert settings.ANALYTICS_VISITOR_COOKIE_NAME not in response.cookies


@pytest.mark.policy("C6")
@pytest.mark.django_db
def test_the_page_pixel_records_a_page_view_with_consent():
    response = browser(performance=True).get(PIXEL, {"k": "page_view", "p": "/en/c/rings/?metal=gold"})

    assert_gif(response)
    event = Event.objects.get()
    assert (event.kind, event.path, event.language) == ("page_view", "/en/c/rings/", "en")
    assert (event.ip_truncated, event.device_type, event.browser, event.os) == (
        "198.51.100.0",
        "desktop",
        "Firefox",
        "Linux",
    )
    assert str(event.visitor) == response.cookies[settings.ANALYTICS_VISITOR_COOKIE_NAME].value


@pytest.mark.policy("C6")
@pytest.mark.parametrize(
    "params",
    [
        {"k": "purchase", "p": "/el/"},
        {"k": "page_view", "p": "https://evil.example/"},
        {"p": "/" + "x" * 500},
        {"k": "x" * 100},
    ],
    ids=["server-kind", "foreign-path", "long-path", "long-kind"],
)
@pytest.mark.django_db
def test_the_page_pixel_with_bad_parameters_still_answers_a_gif_and_records_nothing(params):
    assert_gif(browser(performance=True).get(PIXEL, params))
    assert not Event.objects.exists()


@pytest.mark.policy("C6")
@pytest.mark.django_db
def test_the_page_pixel_is_get_only():
    assert browser(performance=True).post(PIXEL).status_code == 405
    assert not Event.objects.exists()


@pytest.mark.policy("K2")
@pytest.mark.django_db
def test_the_tag_renders_the_script_and_a_noscript_pixel_for_the_page():
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/el/p/δαχτυλίδι/")
    html = render_to_string("analytics/tag.html", request=request)

    assert 'src="/static/js/analytics.js"' in html and "defer" in html
    assert 'data-endpoint="/a/events"' in html
    assert '<noscript><img src="/a/p.gif?k=page_view&amp;p=%2Fel%2Fp%2F%CE%B4' in html
    assert 'alt=""' in html and 'width="1" height="1"' in html


def grant(user, *, performance: bool) -> None:
    ConsentRecord.objects.create(
        consent_id=uuid.uuid4(),
        user=user,
        performance=performance,
        advertising=False,
        source=Source.ACCOUNT_SETTINGS,
        policy_version=settings.PRIVACY_POLICY_VERSION,
    )


@pytest.fixture
def customer(django_user_model):
    return django_user_model.objects.create_user(email="eleni@example.com", password="a long pass phrase")


@pytest.mark.policy("K2")
@pytest.mark.django_db
def test_no_pixel_for_an_account_without_performance_consent(customer):
    assert email_pixel_url(user=customer, campaign="spring-2027") is None
    grant(customer, performance=False)
    assert email_pixel_url(user=customer, campaign="spring-2027") is None


@pytest.mark.policy("C6")
@pytest.mark.policy("K2")
@pytest.mark.django_db
def test_an_email_open_is_recorded_while_the_account_allows_it(customer):
    grant(customer, performance=True)
    url = email_pixel_url(user=customer, campaign="spring-2027")
    assert url is not None
    # The address of the image names no one: no email address, no readable account id.
    assert "eleni" not in url and "example.com" not in url
    token = url.rsplit("/", 1)[1].removesuffix(".gif")
    sealed = signing.loads(token, salt=EMAIL_PIXEL_SALT)["a"]
    assert sealed != str(customer.pk) and sealed.count(":") == 2  # field encryption's format: version:key:data

    proxy = Client(REMOTE_ADDR="66.249.84.7", HTTP_USER_AGENT=GMAIL_PROXY)
    assert_gif(proxy.get(url))

    event = Event.objects.get()
    assert (event.kind, event.path, event.ip_truncated) == ("email_open", "email:spring-2027", "66.249.84.0")
    assert event.product is None and event.referrer_domain == ""

    # Withdrawn later: the same email opened again records nothing, and the image still loads.
    grant(customer, performance=False)
    assert_gif(proxy.get(url))
    assert Event.objects.count() == 1


@pytest.mark.policy("C6")
@pytest.mark.django_db
def test_forged_or_altered_email_tokens_record_nothing(customer):
    grant(customer, performance=True)
    url = email_pixel_url(user=customer, campaign="spring-2027")
    token = url.rsplit("/", 1)[1].removesuffix(".gif")
    forged = signing.dumps({"a": str(customer.pk), "c": "spring-2027"}, salt=EMAIL_PIXEL_SALT)
    client = Client()

    for bad in (token[:-2] + "xx", forged, "not-a-token", "x" * 600):
        assert_gif(client.get(reverse("analytics:email-pixel", kwargs={"token": bad})))

    assert not Event.objects.exists()


@pytest.mark.policy("C6")
@pytest.mark.django_db
def test_campaign_names_are_slugs(customer):
    grant(customer, performance=True)
    with pytest.raises(ValueError):
        email_pixel_url(user=customer, campaign="Spring sale for eleni@example.com")


@pytest.mark.policy("K3")
@pytest.mark.django_db
def test_the_product_page_offers_plain_share_links_and_analytics_data(client, make_product):
    make_product(slug="share-ring")

    response = client.get("/en/p/share-ring/")

    assert response.status_code == 200
    assert b'class="share-links"' in response.content
    assert b'data-analytics-product="share-ring"' in response.content

"""The cookie banner and the cookie settings page (K1, K6, S5): shown before a choice and gone after it, three
equal choices, nothing ticked in advance, the categories with their cookies, the GPC notice, plain form posts
with a redirect back and JSON for the page's script, the exact text shown kept as proof, and every malformed
post refused with nothing recorded."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from allegra.consent import notices
from allegra.consent.models import ConsentNotice, ConsentRecord, Source
from allegra.consent.state import ConsentState
from tests.catalog import conftest as catalog_fixtures

make_category = catalog_fixtures.make_category
make_product = catalog_fixtures.make_product

pytestmark = pytest.mark.django_db

CHOOSE_URL = "/en/cookies/"


@pytest.fixture
def shop(make_category, make_product):
    rings = make_category(slug="rings", name_el="Δαχτυλίδια", name_en="Rings")
    return make_product(category=rings, slug="olive-ring", name_el="Δαχτυλίδι Ελιά", name_en="Olive ring", images=0)


def decided_client(*, performance: bool = False, advertising: bool = False, gpc: bool = False) -> Client:
    client = Client()
    state = ConsentState(
        decided=True,
        performance=performance,
        advertising=advertising,
        gpc_honoured=gpc,
        policy_version=settings.PRIVACY_POLICY_VERSION,
    )
    client.cookies[settings.CONSENT_COOKIE_NAME] = state.to_cookie()
    return client


def banner_of(body: str) -> str | None:
    match = re.search(r'<section id="consent-banner".*?</section>', body, re.S)
    return match.group(0) if match else None


class Elements(HTMLParser):
    """Every start tag of a piece of HTML, as (tag, attributes)."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def where(self, tag: str, **wanted) -> list[dict]:
        return [
            attrs
            for found_tag, attrs in self.found
            if found_tag == tag and all(attrs.get(key.replace("_", "-")) == value for key, value in wanted.items())
        ]


def post_choice(client: Client, *, json_mode: bool = False, **fields):
    data = {"layer": "first", "next": "/en/p/olive-ring/", **fields}
    headers = {"accept": "application/json", "x-requested-with": "fetch"} if json_mode else {}
    return client.post(CHOOSE_URL, data, headers=headers)


# --- the banner ---------------------------------------------------------------------------------------------


@pytest.mark.policy("K1")
def test_banner_is_shown_before_a_choice_and_gone_after_it(client, shop):
    body = client.get("/en/").content.decode()
    banner = banner_of(body)
    assert banner is not None
    assert 'aria-label="Cookie choice"' in banner
    # First after the skip link, before the header: keyboard users reach it at once.
    assert body.index('class="skip-link"') < body.index('id="consent-banner"') < body.index("<header")

    response = post_choice(client, choice="reject_all")
    assert response.status_code == 303
    assert banner_of(client.get("/en/").content.decode()) is None
    assert banner_of(client.get("/en/c/rings/").content.decode()) is None


@pytest.mark.policy("K1")
def test_accept_reject_and_choose_are_equally_prominent(client, shop):
    banner = banner_of(client.get("/en/").content.decode())
    first_layer = re.search(r'<form[^>]*id="consent-first".*?</form>', banner, re.S).group(0)
    buttons = re.findall(r"<(\w+)([^>]*)>([^<]*)</\1>", first_layer)
    labelled = {label.strip(): (tag, re.search(r'class="([^"]*)"', attrs).group(1)) for tag, attrs, label in buttons}
    assert set(labelled) >= {"Accept all", "Reject all", "Choose"}
    # Same element, one class: same size, weight, colours and contrast.
    assert {labelled[name] for name in ("Accept all", "Reject all", "Choose")} == {("button", "consent-button")}
    assert "style=" not in first_layer


@pytest.mark.policy("K1")
def test_nothing_is_ticked_before_a_choice_and_functional_is_always_on(client, shop):
    for body in (client.get("/en/").content.decode(), client.get(CHOOSE_URL).content.decode()):
        elements = Elements(body)
        boxes = elements.where("input", type="checkbox")
        assert len(boxes) == 3
        performance, advertising = (
            elements.where("input", name="performance"),
            elements.where("input", name="advertising"),
        )
        assert len(performance) == len(advertising) == 1
        assert "checked" not in performance[0] and "checked" not in advertising[0]
        functional = elements.where("input", id="consent-functional")[0]
        assert "checked" in functional and "disabled" in functional and "name" not in functional
        assert "Always on: the shop cannot work without them" in body


@pytest.mark.policy("K1")
def test_choose_layer_lists_the_categories_their_cookies_and_processors(client, shop):
    banner = banner_of(client.get("/en/").content.decode())
    choose = re.search(r'<form[^>]*id="consent-choose".*?</form>', banner, re.S).group(0)
    for words in ("Functional", "Performance", "Social media and advertising", "Processors"):
        assert words in choose
    for cookie in ("sessionid", "csrftoken", "allegra_consent", "django_language", "allegra_visitor"):
        assert f"<code>{cookie}</code>" in choose
    assert "We use none at present" in choose
    assert "plain links that load nothing from the social networks" in choose
    # Hidden until "Choose" (with the script); without it, "Choose" opens the settings page.
    assert re.search(r'<form[^>]*id="consent-choose"[^>]*\bhidden\b', banner)
    assert '<form method="get" action="/en/cookies/" id="consent-open-choose">' in banner


@pytest.mark.policy("K1")
def test_banner_speaks_greek_on_greek_pages(client, shop):
    banner = banner_of(client.get("/el/").content.decode())
    assert 'action="/el/cookies/"' in banner


@pytest.mark.policy("S5")
@pytest.mark.policy("K1")
def test_gpc_signal_is_said_to_be_honoured(client, shop):
    plain = banner_of(client.get("/en/").content.decode())
    assert "Global Privacy Control" not in plain
    banner = banner_of(client.get("/en/", headers={"sec-gpc": "1"}).content.decode())
    assert "Global Privacy Control signal and we honoured it" in banner
    assert "“Accept all” therefore accepts performance cookies only" in banner
    # The advertising box can still be ticked on the Choose layer, and is not ticked for the visitor.
    advertising = Elements(banner).where("input", name="advertising")[0]
    assert "disabled" not in advertising and "checked" not in advertising


@pytest.mark.policy("S5")
def test_accept_all_with_gpc_accepts_performance_only_but_a_tick_overrides(client, shop):
    response = client.post(
        CHOOSE_URL,
        {"layer": "first", "choice": "accept_all"},
        headers={"sec-gpc": "1", "accept": "application/json"},
    )
    assert response.json()["performance"] is True and response.json()["advertising"] is False
    record = ConsentRecord.objects.latest("id")
    assert (record.performance, record.advertising, record.gpc) == (True, False, True)

    response = client.post(
        CHOOSE_URL,
        {"layer": "choose", "choice": "choose", "advertising": "1"},
        headers={"sec-gpc": "1", "accept": "application/json"},
    )
    assert response.json() == {
        "performance": False,
        "advertising": True,
        "scripts": [],
        "message": "Your cookie choice is saved.",
    }


# --- choosing ----------------------------------------------------------------------------------------------


@pytest.mark.policy("K1")
def test_without_javascript_a_choice_redirects_back_with_303(client, shop):
    response = post_choice(client, choice="accept_all")
    assert response.status_code == 303
    assert response["Location"] == "/en/p/olive-ring/"
    cookie = response.cookies[settings.CONSENT_COOKIE_NAME]
    assert cookie["max-age"] == settings.CONSENT_COOKIE_MAX_AGE and cookie["httponly"] and cookie["samesite"] == "Lax"
    record = ConsentRecord.objects.get()
    assert (record.performance, record.advertising, record.source) == (True, True, Source.BANNER_FIRST_LAYER)


@pytest.mark.policy("K1")
@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/x",
        "javascript:alert(1)",
        "",
        "http://testserver/en/",
        "/\\evil.example",
    ],
)
def test_next_off_site_leads_home(client, shop, next_url):
    response = post_choice(client, choice="reject_all", next=next_url)
    assert response.status_code == 303
    assert response["Location"] == "/en/"


@pytest.mark.policy("K1")
def test_json_mode_lists_the_scripts_the_server_now_allows(client, shop):
    response = post_choice(client, json_mode=True, choice="accept_all")
    assert response.status_code == 200
    data = response.json()
    assert data["performance"] is True and data["advertising"] is True
    assert data["scripts"] == [f"{settings.STATIC_URL}js/analytics.js"]
    assert settings.CONSENT_COOKIE_NAME in response.cookies

    data = post_choice(client, json_mode=True, choice="reject_all").json()
    assert data == {
        "performance": False,
        "advertising": False,
        "scripts": [],
        "message": "Your cookie choice is saved.",
    }


@pytest.mark.policy("K1")
def test_choose_records_exactly_the_ticks(client, shop):
    response = post_choice(client, json_mode=True, layer="choose", choice="choose", performance="1")
    assert response.json()["performance"] is True and response.json()["advertising"] is False
    record = ConsentRecord.objects.get()
    assert (record.performance, record.advertising, record.source) == (True, False, Source.BANNER_CHOOSE_LAYER)


@pytest.mark.policy("K1")
@pytest.mark.parametrize(
    ("layer", "choice", "source"),
    [
        ("first", "accept_all", Source.BANNER_FIRST_LAYER),
        ("first", "reject_all", Source.BANNER_FIRST_LAYER),
        ("choose", "choose", Source.BANNER_CHOOSE_LAYER),
        ("choose", "reject_all", Source.BANNER_CHOOSE_LAYER),
    ],
)
def test_the_text_of_the_layer_used_is_kept_as_proof(client, shop, layer, choice, source):
    page = client.get("/en/").content.decode()
    post_choice(client, layer=layer, choice=choice, notice_text="I agreed to everything, forever")
    # (An unknown field is refused: the forged text is not even read.)
    assert not ConsentRecord.objects.exists()

    post_choice(client, layer=layer, choice=choice)
    record = ConsentRecord.objects.select_related("notice").get()
    expected = notices.notice_text(layer=layer, gpc=False, language="en")
    assert record.notice.text == expected
    assert record.notice.text_hash == hashlib.sha256(expected.encode()).hexdigest()
    assert (record.notice.source, record.notice.language, record.notice.policy_version) == (
        source,
        "en",
        settings.PRIVACY_POLICY_VERSION,
    )
    # The proof is the text the visitor read: every sentence of it is on the page.
    for sentence in ("Cookies at Allegra", "Choose your cookies", "Always on", "Accept all"):
        if sentence in expected:
            assert sentence in page


def test_proof_text_differs_by_language_layer_and_gpc_notice():
    texts = {
        notices.notice_text(layer=layer, gpc=gpc, language=language)
        for layer in notices.LAYERS
        for gpc in (False, True)
        for language in ("en",)
    }
    assert len(texts) == 4
    first = notices.notice_text(layer="first", gpc=False, language="en")
    assert first.startswith("Cookies at Allegra The shop uses the cookies it needs to work.")
    assert first.endswith("Accept all Reject all Choose")
    assert "<" not in first and "  " not in first


# --- refusals ----------------------------------------------------------------------------------------------


BAD_POSTS = [
    pytest.param({"choice": "accept_everything"}, 400, "Unknown cookie choice", id="unknown-choice"),
    pytest.param({}, 400, "Unknown cookie choice", id="no-choice"),
    pytest.param({"choice": ["accept_all", "reject_all"]}, 400, "more than once", id="two-choices"),
    pytest.param({"choice": "accept_all", "marketing": "1"}, 400, "Unknown field", id="unknown-category"),
    pytest.param({"choice": "choose", "layer": "choose", "functional": "0"}, 400, "Unknown field", id="functional-off"),
    pytest.param({"choice": "choose", "layer": "choose", "performance": "true"}, 400, "tick box", id="wrong-type"),
    pytest.param({"choice": "choose", "layer": "choose", "advertising": ["1", "1"]}, 400, "more than once", id="list"),
    pytest.param({"choice": "accept_all", "layer": "third"}, 400, "where it was made", id="unknown-layer"),
    pytest.param({"choice": "choose", "layer": "first"}, 400, "Choose layer", id="choose-on-first-layer"),
    pytest.param({"choice": "accept_all", "next": "x" * 5000}, 413, "too large", id="large-body"),
]


@pytest.mark.policy("K1")
@pytest.mark.parametrize("json_mode", [False, True], ids=["form", "json"])
@pytest.mark.parametrize(("fields", "status", "message"), BAD_POSTS)
def test_malformed_posts_are_refused_and_record_nothing(client, shop, fields, status, message, json_mode):
    data = {"layer": "first", **fields}
    headers = {"accept": "application/json"} if json_mode else {}
    response = client.post(CHOOSE_URL, data, headers=headers)
    assert response.status_code == status
    if json_mode:
        assert message in response.json()["error"]
    else:
        body = response.content.decode()
        assert "Your cookie choice was not saved" in body and message in body
    assert settings.CONSENT_COOKIE_NAME not in response.cookies
    assert not ConsentRecord.objects.exists()
    assert not ConsentNotice.objects.exists()


@pytest.mark.policy("K1")
def test_a_body_beyond_djangos_own_limit_is_refused(client, shop, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post(CHOOSE_URL, {"layer": "first", "choice": "accept_all", "next": "x" * 20_000})
    assert response.status_code in (400, 413)
    assert not ConsentRecord.objects.exists()


@pytest.mark.policy("K1")
def test_a_post_without_csrf_token_is_forbidden_with_a_clear_page(shop):
    client = Client(enforce_csrf_checks=True)
    response = client.post(CHOOSE_URL, {"layer": "first", "choice": "accept_all"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "This form has expired" in body and "Nothing was saved" in body
    assert not ConsentRecord.objects.exists()


@pytest.mark.policy("K1")
def test_get_and_post_only(client, shop):
    assert client.put(CHOOSE_URL).status_code == 405
    assert client.delete(CHOOSE_URL).status_code == 405
    assert not ConsentRecord.objects.exists()


# --- the cookie settings page (K6) ------------------------------------------------------------------------


@pytest.mark.policy("K6")
def test_every_page_links_to_the_cookie_settings(client, shop):
    for path in ("/en/", "/en/c/rings/", "/en/p/olive-ring/", "/en/search/?q=ring", "/en/privacy/"):
        response = client.get(path, follow=True)
        body = response.content.decode()
        assert re.search(
            r'<a href="/en/cookies/\?next=[^"]*" id="cookie-settings-link"[^>]*>Cookie settings</a>', body
        ), path
    decided = decided_client(performance=True)
    assert 'id="cookie-settings-link"' in decided.get("/en/").content.decode()


@pytest.mark.policy("K6")
def test_settings_page_shows_the_current_choice_ticked(shop):
    client = decided_client(performance=True, advertising=False)
    body = client.get("/en/cookies/?next=/en/c/rings/").content.decode()
    elements = Elements(body)
    assert "checked" in elements.where("input", name="performance")[0]
    assert "checked" not in elements.where("input", name="advertising")[0]
    # No banner on the settings page, even before a choice: the page is the choice.
    assert banner_of(body) is None
    assert banner_of(Client().get("/en/cookies/").content.decode()) is None
    # Back to where the visitor came from; an off-site `next` is not kept.
    assert 'name="next" value="/en/c/rings/"' in body
    assert 'name="next" value="/en/"' in client.get("/en/cookies/?next=https://evil.example/").content.decode()


@pytest.mark.policy("K6")
def test_withdrawing_is_one_click_on_the_same_page(shop):
    client = decided_client(performance=True, advertising=True)
    body = client.get(CHOOSE_URL).content.decode()
    assert '<button type="submit" name="choice" value="reject_all" class="consent-button">Reject all</button>' in body
    response = client.post(CHOOSE_URL, {"layer": "choose", "choice": "reject_all", "next": "/en/"})
    assert response.status_code == 303
    record = ConsentRecord.objects.get()
    assert (record.performance, record.advertising) == (False, False)
    body = client.get(CHOOSE_URL).content.decode()
    assert "checked" not in Elements(body).where("input", name="performance")[0]


@pytest.mark.policy("K6")
def test_settings_page_is_private_and_not_page_cached(client, shop):
    response = client.get(CHOOSE_URL)
    assert "private" in response["Cache-Control"]
    assert "X-Page-Cache" not in response


@pytest.mark.policy("K6")
def test_settings_page_query_count(client, shop, django_assert_num_queries):
    client.get(CHOOSE_URL)
    with django_assert_num_queries(1):
        assert client.get(CHOOSE_URL).status_code == 200


@pytest.mark.policy("K1")
def test_choice_query_count(client, shop, django_assert_num_queries):
    post_choice(client, choice="reject_all")
    # The notice exists now; a second choice reads it and appends a record, inside the service's transaction
    # (a savepoint under the test's own): savepoint, notice, insert, release.
    with django_assert_num_queries(4):
        assert post_choice(client, choice="accept_all").status_code == 303


# --- the page cache ----------------------------------------------------------------------------------------


@pytest.mark.policy("K1")
def test_cached_home_carries_a_working_token_and_varies_by_choice(shop):
    client = Client(enforce_csrf_checks=True)
    first = client.get("/en/")
    second = client.get("/en/")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    banner = banner_of(second.content.decode())
    assert banner is not None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', banner).group(1)
    assert "placeholder" not in token
    response = client.post(
        CHOOSE_URL, {"csrfmiddlewaretoken": token, "layer": "first", "choice": "reject_all", "next": "/en/"}
    )
    assert response.status_code == 303
    assert ConsentRecord.objects.count() == 1
    after = client.get("/en/")
    assert banner_of(after.content.decode()) is None
    assert after["X-Page-Cache"] == "miss"
    assert client.get("/en/")["X-Page-Cache"] == "hit"
    # A visitor who has not chosen still gets the banner from the cache.
    assert banner_of(Client().get("/en/").content.decode()) is not None


# --- K4, K5 ------------------------------------------------------------------------------------------------

FUNCTIONAL_COOKIES = {"csrftoken", "allegra_consent", "sessionid", "django_language"}


@pytest.mark.policy("K4")
@pytest.mark.parametrize(
    "path", ["/en/", "/el/", "/en/c/rings/", "/en/p/olive-ring/", "/en/search/?q=ring", CHOOSE_URL]
)
def test_browsing_sets_only_functional_cookies(shop, path):
    client = Client()
    for _visit in range(2):  # a miss and a hit of the page cache
        response = client.get(path)
        assert response.status_code == 200
        assert set(response.cookies) <= FUNCTIONAL_COOKIES, set(response.cookies)
    assert set(client.cookies) <= FUNCTIONAL_COOKIES


@pytest.mark.policy("K5")
def test_referrer_policy_keeps_the_path_from_other_sites(client, shop):
    for path in ("/en/", "/en/p/olive-ring/", CHOOSE_URL):
        assert client.get(path)["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.policy("K5")
@pytest.mark.policy("K3")
def test_share_links_are_plain_marked_links(rf, shop):
    from django.template.loader import render_to_string

    request = rf.get("/en/p/olive-ring/")
    with translation.override("en"):
        html = render_to_string("consent/share_links.html", {"product": shop, "request": request})
    elements = Elements(html)
    links = elements.where("a")
    hrefs = [link["href"] for link in links]
    assert [href.split("?")[0] for href in hrefs] == [
        "https://www.facebook.com/sharer/sharer.php",
        "https://www.pinterest.com/pin/create/button/",
        "https://x.com/intent/post",
        "mailto:",
    ]
    assert "http%3A%2F%2Ftestserver%2Fen%2Fp%2Folive-ring%2F" in hrefs[0]
    assert all(link["rel"] == "noopener noreferrer external" for link in links)
    assert html.count("(opens another site)") == 3 and "(opens your email program)" in html
    # Nothing loads from the networks: no script, image, frame or style in the links.
    assert not any(tag in ("script", "img", "iframe", "link", "object", "embed") for tag, _attrs in elements.found)


def test_json_body_is_valid_json(client, shop):
    response = post_choice(client, json_mode=True, choice="reject_all")
    assert response["Content-Type"] == "application/json"
    json.loads(response.content)


@pytest.mark.policy("K1")
def test_pages_carry_no_inline_script(client, shop):
    # The banner's behaviour is in static/js/consent.js, loaded with defer: a strict Content-Security-Policy
    # (script-src 'self') would not break it.
    for path in ("/en/", CHOOSE_URL):
        body = client.get(path).content.decode()
        assert re.findall(r"<script\b(?![^>]*\bsrc=)", body) == []
        assert re.search(r'<script src="[^"]*js/consent\.js"[^>]*\bdefer></script>', body)
        assert not re.search(r"\son[a-z]+=", banner_of(body) or "")


@pytest.mark.policy("K3")
@pytest.mark.policy("K2")
def test_analytics_tag_is_rendered_only_with_performance_consent(shop):
    assert "js/analytics.js" not in Client().get("/en/").content.decode()
    assert "js/analytics.js" not in decided_client(performance=False, advertising=True).get("/en/").content.decode()
    assert "js/analytics.js" in decided_client(performance=True).get("/en/").content.decode()


@pytest.mark.policy("S5")
def test_gpc_notice_stays_once_honoured(shop):
    client = Client()
    first = client.get("/en/", headers={"sec-gpc": "1"})
    assert "Global Privacy Control" in banner_of(first.content.decode())
    # The browser's cookie now says the signal was honoured: the notice is shown without the header too.
    assert "Global Privacy Control" in banner_of(client.get("/en/").content.decode())
    assert "Global Privacy Control" in client.get(CHOOSE_URL).content.decode()


@pytest.mark.policy("K5")
def test_product_page_shares_by_plain_links(client, shop):
    body = client.get("/en/p/olive-ring/").content.decode()
    section = re.search(r'<section class="share-links".*?</section>', body, re.S).group(0)
    assert section.count('rel="noopener noreferrer external"') == 4
    assert "https%3A" not in section and "http%3A%2F%2Ftestserver%2Fen%2Fp%2Folive-ring%2F" in section

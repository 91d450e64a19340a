"""Greek and English: URL prefixes, a language switcher that keeps the page, hreflang links, euro amounts
written the way each language writes them, Athens time, and a Greek translation with nothing missing.
"""

import re
import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from allegra.core.templatetags.money import format_euro
from tests.catalog import conftest as catalog_fixtures

# The storefront's factories, as fixtures of this module too.
make_category = catalog_fixtures.make_category
make_collection = catalog_fixtures.make_collection
make_product = catalog_fixtures.make_product

LOCALE = Path(settings.BASE_DIR) / "locale" / "el" / "LC_MESSAGES"


@pytest.fixture
def shop(make_category, make_product, make_collection):
    rings = make_category(slug="rings", name_el="Δαχτυλίδια", name_en="Rings")
    aegean = make_collection(slug="aegean", name_el="Αιγαίο", name_en="Aegean")
    make_product(category=rings, collection=aegean, slug="olive-ring", name_el="Δαχτυλίδι Ελιά", name_en="Olive ring")
    return rings


def switcher_links(body: str) -> dict[str, str]:
    nav = re.search(r'<nav class="language-switcher".*?</nav>', body, re.S).group(0)
    return {code: href.replace("&amp;", "&") for href, code in re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', nav)}


def alternates(body: str) -> dict[str, str]:
    return {
        code: href.replace("&amp;", "&")
        for code, href in re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', body)
    }


# --- URL prefixes and the switcher -----------------------------------------------------------------------


@pytest.mark.django_db
def test_both_prefixes_serve_the_shop_in_their_language(client, shop):
    greek = client.get("/el/")
    english = client.get("/en/")
    assert greek.status_code == english.status_code == 200
    assert '<html lang="el"' in greek.content.decode() and "Νέες αφίξεις" in greek.content.decode()
    assert '<html lang="en"' in english.content.decode() and "New arrivals" in english.content.decode()


@pytest.mark.django_db
def test_the_bare_address_leads_to_a_language(client, shop):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/el/"
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert response["Location"] == "/en/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/el/",
        "/el/c/rings/?metal=gold-18k&sort=price_asc&page=1",
        "/el/collections/aegean/",
        "/el/p/olive-ring/?variant=SKU-1",
        "/el/search/?q=%CE%B4%CE%B1%CF%87%CF%84%CF%85%CE%BB%CE%AF%CE%B4%CE%B9",
    ],
)
def test_language_switcher_keeps_the_page_and_the_query(client, shop, path):
    links = switcher_links(client.get(path).content.decode())
    assert links["el"] == path
    assert links["en"] == "/en/" + path.removeprefix("/el/")
    # And back again from English.
    english = switcher_links(client.get(links["en"]).content.decode())
    assert english == links


@pytest.mark.django_db
def test_switcher_marks_the_current_language_and_names_each_in_itself(client, shop):
    body = client.get("/en/c/rings/").content.decode()
    assert '<a href="/el/c/rings/" hreflang="el" lang="el">Ελληνικά</a>' in body
    assert '<a href="/en/c/rings/" hreflang="en" lang="en" aria-current="true">English</a>' in body


@pytest.mark.django_db
def test_switcher_on_a_page_that_does_not_exist_leads_home(client, shop):
    links = switcher_links(client.get("/en/no/such/page/").content.decode())
    assert links == {"el": "/el/", "en": "/en/"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/el/", "/en/c/rings/", "/el/p/olive-ring/", "/en/search/?q=ring", "/el/collections/aegean/", "/en/p/missing/"],
)
def test_every_page_names_its_alternates_with_hreflang(client, shop, path):
    links = alternates(client.get(path).content.decode())
    rest = path[4:]
    assert links == {
        "el": f"http://testserver/el/{rest}",
        "en": f"http://testserver/en/{rest}",
        "x-default": f"http://testserver/el/{rest}",  # Greek, the shop's own language
    }


@pytest.mark.django_db
def test_product_names_follow_the_language(client, shop):
    assert "Δαχτυλίδι Ελιά" in client.get("/el/p/olive-ring/").content.decode()
    assert "Olive ring" in client.get("/en/p/olive-ring/").content.decode()


# --- money ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "greek", "english"),
    [
        (Decimal("1234.5"), "1.234,50\u00a0€", "€1,234.50"),
        (Decimal("0"), "0,00\u00a0€", "€0.00"),
        (Decimal("0.005"), "0,01\u00a0€", "€0.01"),
        (Decimal("999.994"), "999,99\u00a0€", "€999.99"),
        (Decimal("999.995"), "1.000,00\u00a0€", "€1,000.00"),
        (Decimal("1234567.89"), "1.234.567,89\u00a0€", "€1,234,567.89"),
        (Decimal("-42.1"), "-42,10\u00a0€", "-€42.10"),
        (12, "12,00\u00a0€", "€12.00"),
        ("1500", "1.500,00\u00a0€", "€1,500.00"),
    ],
)
def test_euro_amounts_per_language(amount, greek, english):
    assert format_euro(amount, "el") == greek
    assert format_euro(amount, "en") == english


@pytest.mark.parametrize("nonsense", [None, "", "abc", 1.5, True, Decimal("NaN"), Decimal("Infinity"), "1e40", []])
def test_euro_of_nonsense_is_empty_rather_than_an_error(nonsense):
    assert format_euro(nonsense, "el") == ""
    assert format_euro(nonsense, "en") == ""


def test_euro_filter_follows_the_active_language():
    template = Template("{% load money %}{{ price|euro }}|{{ price|euro:'en' }}")
    with translation.override("el"):
        assert template.render(Context({"price": Decimal("1234.50")})) == "1.234,50\u00a0€|€1,234.50"
    with translation.override("en"):
        assert template.render(Context({"price": Decimal("1234.50")})) == "€1,234.50|€1,234.50"


def test_unknown_language_is_written_the_english_way():
    assert format_euro(Decimal("1234.5"), "de") == "€1,234.50"


# --- time ----------------------------------------------------------------------------------------------


def test_times_are_shown_in_athens_time():
    # 22:30 UTC on New Year's Eve is already half past midnight of the new year in Athens (UTC+2 in winter).
    moment = datetime(2025, 12, 31, 22, 30, tzinfo=UTC)
    rendered = Template("{{ moment|date:'Y-m-d H:i' }}").render(Context({"moment": moment}))
    assert rendered == "2026-01-01 00:30"
    summer = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert Template("{{ moment|time:'H:i' }}").render(Context({"moment": summer})) == "12:00"


# --- the Greek translation ---------------------------------------------------------------------------------


def test_greek_catalogue_is_complete_and_compiled():
    po = LOCALE / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    assert (LOCALE / "django.mo").exists()
    assert (LOCALE / "django.mo").stat().st_mtime >= po.stat().st_mtime - 1, "compile the catalogue again"


def test_every_storefront_template_string_is_marked_for_translation():
    """No bare English between tags in the storefront templates: each sentence goes through {% translate %}."""
    templates = Path(settings.BASE_DIR) / "templates"
    # Names are not translated: the shop's, and its email address.
    names = ("Allegra Jewels", "Allegra", "shop@allegra.example")
    for path in [*templates.glob("*.html"), *templates.glob("catalog/*.html"), *templates.glob("includes/*.html")]:
        text = re.sub(r"{% blocktranslate.*?{% endblocktranslate %}", " ", path.read_text(), flags=re.S)
        text = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", " ", text, flags=re.S)
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
        for chunk in re.findall(r">([^<>]+)<", text):
            words = chunk
            for name in names:
                words = words.replace(name, "")
            if re.search(r"[A-Za-z]{3,}", words):
                pytest.fail(f"{path.name}: untranslated text {words!r}")


@pytest.mark.django_db
def test_greek_pages_carry_no_english_interface_text(client, shop):
    body = client.get("/el/c/rings/").content.decode()
    for english in (
        "Filter",
        "Sort by",
        "Apply filters",
        "In stock only",
        "Search the shop",
        "New arrivals",
        "Skip to content",
        "Newest",
    ):
        assert f">{english}<" not in body, english

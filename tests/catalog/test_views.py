"""The storefront pages in both languages: they answer, show what they are for, and are marked up as agreed."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from allegra.catalog.models import Metal, Stone
from tests.catalog.conftest import variant_spec

pytestmark = pytest.mark.django_db


def url(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def shop(make_category, make_collection, make_product):
    rings = make_category(
        slug="rings",
        name_el="Δαχτυλίδια",
        name_en="Rings",
        has_ring_sizes=True,
        position=1,
        description_en="Rings made by hand.",
        description_el="Δαχτυλίδια στο χέρι.",
    )
    necklaces = make_category(slug="necklaces", name_el="Κολιέ", name_en="Necklaces", position=2)
    aegean = make_collection(
        slug="aegean",
        name_el="Αιγαίο",
        name_en="Aegean",
        is_featured=True,
        description_en="Sea light.",
        description_el="Φως της θάλασσας.",
    )
    ring = make_product(
        category=rings,
        collection=aegean,
        slug="olive-ring",
        name_el="Δαχτυλίδι Ελιά",
        name_en="Olive ring",
        description_en="A branch of olive leaves.",
        description_el="Ένα κλαδί ελιάς.",
        age_days=1,
        variants=[
            variant_spec(price="420.00", ring_size=52, stock=4),
            variant_spec(metal=Metal.SILVER_925, price="95.50", ring_size=54, stock=0),
        ],
    )
    necklace = make_product(
        category=necklaces,
        collection=aegean,
        slug="wave-necklace",
        name_el="Κολιέ Κύμα",
        name_en="Wave necklace",
        age_days=2,
        variants=[variant_spec(stone=Stone.SAPPHIRE, price="1234.50")],
    )
    return {"rings": rings, "necklaces": necklaces, "aegean": aegean, "ring": ring, "necklace": necklace}


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("el", ["Νέες αφίξεις", "Δαχτυλίδι Ελιά", "Αιγαίο", "Δαχτυλίδια"]),
        ("en", ["New arrivals", "Olive ring", "Aegean", "Rings"]),
    ],
)
def test_home_shows_collections_categories_and_new_arrivals(client, shop, language, texts):
    response = client.get(url("catalog:home", language))
    assert response.status_code == 200
    assert f'<html lang="{language}"' in html(response)
    for text in texts:
        assert text in html(response)
    assert html(response).count('class="product-card"') == 2
    assert "catalog/home.html" in [template.name for template in response.templates]


def test_home_without_any_product_still_welcomes(client, db):
    response = client.get("/en/")
    assert response.status_code == 200
    assert "New pieces are on their way" in html(response)


@pytest.mark.parametrize(
    ("language", "heading", "price"),
    [
        ("el", "Δαχτυλίδια", "από 95,50\u00a0€"),
        ("en", "Rings", "from €95.50"),
    ],
)
def test_category_page_lists_its_products_with_price_from(client, shop, language, heading, price):
    response = client.get(url("catalog:category", language, slug="rings"))
    assert response.status_code == 200
    body = html(response)
    assert f"<h1>{heading}</h1>" in body
    assert price in body
    assert "wave-necklace" not in body, "a necklace is not a ring"
    assert '<form id="filters" method="get"' in body
    assert re.search(rf'<a href="/{language}/c/rings/" aria-current="page">', body), "the nav marks the page"


@pytest.mark.parametrize("language", ["el", "en"])
def test_collection_page_lists_pieces_of_every_category_in_it(client, shop, language):
    response = client.get(url("catalog:collection", language, slug="aegean"))
    assert response.status_code == 200
    body = html(response)
    assert "/p/olive-ring/" in body and "/p/wave-necklace/" in body
    assert ("Αιγαίο" if language == "el" else "Aegean") in body


@pytest.mark.parametrize(
    ("language", "name", "price", "vat_note"),
    [
        ("el", "Δαχτυλίδι Ελιά", "420,00\u00a0€", "338,71\u00a0€ χωρίς ΦΠΑ και 81,29\u00a0€ ΦΠΑ"),
        ("en", "Olive ring", "€420.00", "€338.71 before VAT and €81.29 VAT"),
    ],
)
def test_product_page_shows_price_vat_breakdown_stock_and_choice(client, shop, language, name, price, vat_note):
    response = client.get(url("catalog:product", language, slug="olive-ring"))
    assert response.status_code == 200
    body = html(response)
    assert f'<h1 id="product-name">{name}</h1>' in body
    assert f'<p class="price">{price}</p>' in body
    assert vat_note in body
    assert '<p class="stock stock-in">' in body
    assert '<form id="variant-choice" method="get"' in body
    assert 'type="radio" name="variant" value="SKU-' in body
    assert "/p/wave-necklace/" in body, "a piece of the same collection is suggested"


def test_product_page_suggests_nothing_twice_and_never_itself(client, shop, make_product):
    for _ in range(6):
        make_product(category=shop["rings"])
    response = client.get("/en/p/olive-ring/")
    related = response.context["related"]
    assert len(related) == 4
    assert shop["ring"] not in related
    assert related[0] == shop["necklace"], "the same collection comes before the same category"
    assert len({product.pk for product in related}) == 4


@pytest.mark.parametrize("path", ["/el/c/no-such/", "/en/collections/no-such/", "/el/p/no-such/", "/en/nowhere/"])
def test_unknown_slugs_give_the_styled_404(client, shop, path):
    response = client.get(path)
    assert response.status_code == 404
    names = [template.name for template in response.templates]
    assert "404.html" in names and "base.html" in names
    assert "Allegra" in html(response)


def test_inactive_product_is_not_found_and_not_listed(client, shop, make_product):
    hidden = make_product(category=shop["rings"], slug="withdrawn", is_active=False)
    assert client.get(f"/en/p/{hidden.slug}/").status_code == 404
    assert "/p/withdrawn/" not in html(client.get("/en/c/rings/"))


def test_every_page_has_landmarks_skip_link_and_labelled_search(client, shop):
    for path in ["/el/", "/en/c/rings/", "/el/p/olive-ring/", "/en/search/?q=ring", "/el/collections/aegean/"]:
        body = html(client.get(path))
        for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
            assert landmark in body, (path, landmark)
        assert '<a class="skip-link" href="#main">' in body
        assert '<form role="search"' in body and 'name="q" type="search"' in body
        assert '<label for="site-search-q"' in body


def test_every_form_field_has_a_label(client, shop):
    for path in ["/en/c/rings/", "/en/p/olive-ring/", "/en/search/"]:
        body = html(client.get(path))
        ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', body)
        assert ids
        for field_id in ids:
            assert f'for="{field_id}"' in body, (path, field_id)


def test_product_images_have_alt_text_and_srcset(client, shop):
    body = html(client.get("/en/p/olive-ring/"))
    image = re.search(r'<img src="([^"]+)" srcset="([^"]+)" sizes="([^"]+)" alt="([^"]*)"', body)
    assert image, "the product photograph carries a srcset"
    src, srcset, sizes, alt = image.groups()
    assert src.endswith("-640w.jpg")
    assert [entry.split()[-1] for entry in srcset.split(", ")] == ["320w", "640w", "1024w"]
    assert "100vw" in sizes
    assert alt == "Olive ring, photograph 1"


def test_real_renditions_are_served_in_srcset(client, shop, make_real_image):
    make_real_image(product=shop["necklace"], width=800, height=800, alt_en="Wave necklace on linen")
    body = html(client.get("/en/p/wave-necklace/"))
    srcset = re.search(r'srcset="([^"]+)" sizes="[^"]+" alt="Wave necklace on linen"', body).group(1)
    assert "/media/products/wave-necklace/real-320w.jpg 320w" in srcset
    assert "real-640w.jpg 640w" in srcset
    assert "1024w" not in srcset, "no rendition is larger than the original"


def test_no_page_loads_anything_from_another_host(client, shop):
    for path in ["/el/", "/en/c/rings/", "/el/p/olive-ring/", "/en/search/?q=ring", "/en/p/missing/"]:
        body = html(client.get(path))
        # What the browser loads by itself: sources, stylesheets and icons, preloads, form targets. Links to
        # other sites (the share links, K5) load nothing until clicked, and are marked as leaving the shop.
        loaded = re.findall(r'(?:src|srcset|action|data)="([^"]+)"', body)
        loaded += re.findall(r'<link\b[^>]*\bhref="([^"]+)"', body)
        for attribute in loaded:
            assert not re.match(r"(https?:)?//", attribute) or attribute.startswith("http://testserver/"), attribute
        for anchor in re.findall(r'<a\b[^>]*\bhref="(?:https?:)?//(?!testserver/)[^"]*"[^>]*>', body):
            assert 'rel="noopener noreferrer external"' in anchor, anchor


def test_pages_are_marked_up_for_the_browser_tests(client, shop):
    """The markup contract that the browser tests and the benchmark rely on (see the team brief)."""
    body = html(client.get("/el/c/rings/"))
    assert '<a class="product-card" href="/el/p/olive-ring/">' in body
    assert '<nav class="language-switcher"' in body
    assert '<a href="/en/c/rings/" hreflang="en" lang="en">' in body
    assert '<form role="search" class="site-search" action="/el/search/"' in body


def test_favicon_ico_leads_to_the_shop_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"

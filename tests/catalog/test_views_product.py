"""The product page: choosing a variant without JavaScript, its price, stock and VAT breakdown."""

import re

import pytest

from allegra.catalog.models import Metal, Stone
from tests.catalog.conftest import variant_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def ring(make_category, make_product):
    rings = make_category(slug="rings", name_en="Rings", name_el="Δαχτυλίδια", has_ring_sizes=True)
    return make_product(
        category=rings,
        slug="solitaire",
        name_en="Solitaire",
        name_el="Μονόπετρο",
        variants=[
            variant_spec(
                sku="SOL-G-52", metal=Metal.GOLD_18K, stone=Stone.DIAMOND, price="1290.00", ring_size=52, stock=0
            ),
            variant_spec(
                sku="SOL-G-54", metal=Metal.GOLD_18K, stone=Stone.DIAMOND, price="1290.00", ring_size=54, stock=2
            ),
            variant_spec(
                sku="SOL-P-54", metal=Metal.PLATINUM, stone=Stone.DIAMOND, price="2480.00", ring_size=54, stock=9
            ),
        ],
    )


def body(response) -> str:
    return response.content.decode()


def chosen(page: str) -> str:
    """The SKU the variant form shows as chosen, whether it is a list of radio buttons or a drop-down."""
    match = re.search(r'name="variant" value="([^"]+)" id="[^"]+" checked', page) or re.search(
        r'<option value="([^"]+)" selected>', page
    )
    return match.group(1)


def test_default_variant_is_the_first_in_stock(client, ring):
    response = client.get("/en/p/solitaire/")
    assert response.context["variant"].sku == "SOL-G-54"
    assert chosen(body(response)) == "SOL-G-54"


def test_variant_by_sku_changes_price_and_stock(client, ring):
    response = client.get("/en/p/solitaire/?variant=SOL-P-54")
    page = body(response)
    assert '<p class="price">€2,480.00</p>' in page
    assert '<p class="stock stock-in">In stock</p>' in page
    assert chosen(page) == "SOL-P-54"
    assert "<dd>Platinum</dd>" in page and "<dd>54</dd>" in page and "<dd>SOL-P-54</dd>" in page


def test_variant_by_id_works_too(client, ring):
    platinum = ring.variants.get(sku="SOL-P-54")
    response = client.get(f"/el/p/solitaire/?variant={platinum.pk}")
    assert response.context["variant"] == platinum
    assert '<p class="price">2.480,00\u00a0€</p>' in body(response)


@pytest.mark.parametrize(
    ("sku", "language", "label", "level"),
    [
        ("SOL-G-52", "en", "Out of stock", "out"),
        ("SOL-G-54", "en", "Only 2 left", "low"),
        ("SOL-P-54", "en", "In stock", "in"),
        ("SOL-G-52", "el", "Εξαντλημένο", "out"),
        ("SOL-G-54", "el", "Έμειναν μόνο 2", "low"),
        ("SOL-P-54", "el", "Διαθέσιμο", "in"),
    ],
)
def test_stock_wording(client, ring, sku, language, label, level):
    page = body(client.get(f"/{language}/p/solitaire/?variant={sku}"))
    assert f'<p class="stock stock-{level}">{label}</p>' in page


def test_one_left_is_singular(client, make_product):
    make_product(slug="last-one", variants=[variant_spec(stock=1)])
    assert '<p class="stock stock-low">Only 1 left</p>' in body(client.get("/en/p/last-one/"))
    assert '<p class="stock stock-low">Έμεινε μόνο 1</p>' in body(client.get("/el/p/last-one/"))


@pytest.mark.parametrize("requested", ["NOPE", "99999999", "-1", "' OR 1=1 --", "x" * 3000, "SOL-G-54\x00"])
def test_unknown_variant_falls_back_with_a_message(client, ring, make_product, requested):
    other = make_product(variants=[variant_spec(sku="OTHER-1")])
    for value in (requested, "OTHER-1", str(other.variants.get().pk)):
        response = client.get("/en/p/solitaire/", {"variant": value})
        assert response.status_code == 200
        assert response.context["variant"].sku == "SOL-G-54", "another product's variant is never shown"
        assert "That option does not exist for this piece" in body(response)


def test_few_variants_are_radio_buttons_with_price_and_stock(client, ring):
    page = body(client.get("/en/p/solitaire/"))
    assert '<legend class="choice-title">Choose metal, stone and ring size</legend>' in page
    assert page.count('type="radio" name="variant"') == 3
    assert re.search(
        r'<span class="option-name">18K gold · Diamond · Size 52</span>\s*'
        r'<span class="option-price">€1,290.00</span>\s*'
        r'<span class="option-stock stock-out">Out of stock</span>',
        page,
    )
    page_el = body(client.get("/el/p/solitaire/"))
    assert '<span class="option-name">Πλατίνα · Διαμάντι · Μέγεθος 54</span>' in page_el
    assert '<span class="option-price">2.480,00\u00a0€</span>' in page_el


def test_many_variants_are_one_drop_down(client, make_category, make_product):
    rings = make_category(has_ring_sizes=True)
    sizes = range(48, 63, 2)  # eight sizes
    make_product(
        category=rings,
        slug="band",
        variants=[
            variant_spec(sku=f"BAND-{size}", ring_size=size, price="180", stock=0 if size == 48 else 3)
            for size in sizes
        ],
    )
    page = body(client.get("/en/p/band/?variant=BAND-56"))
    assert '<label for="variant" class="choice-title">Choose metal, stone and ring size</label>' in page
    assert '<select id="variant" name="variant">' in page
    assert "18K gold · Size 48 · €180.00 · out of stock</option>" in page
    assert chosen(page) == "BAND-56"
    assert '<button type="submit" class="button js-hide">Show</button>' in page


def test_variant_form_is_get_and_has_a_submit_button_for_no_javascript(client, ring):
    page = body(client.get("/en/p/solitaire/"))
    assert '<form id="variant-choice" method="get" action="/en/p/solitaire/"' in page
    assert '<button type="submit" class="button button-quiet js-hide">Show</button>' in page


def test_vat_breakdown_adds_up(client, ring):
    response = client.get("/en/p/solitaire/?variant=SOL-P-54")
    price = response.context["price"]
    assert price.net + price.vat == price.gross
    assert "Price includes 24% VAT: €2,000.00 before VAT and €480.00 VAT." in body(response)


def test_product_without_variants_says_it_is_unavailable(client, make_product):
    make_product(slug="no-variants", variants=[])
    response = client.get("/en/p/no-variants/?variant=anything")
    assert response.status_code == 200
    assert "This piece is not available at the moment." in body(response)
    assert 'id="variant-choice"' not in body(response)


def test_product_without_images_shows_a_placeholder(client, make_product):
    make_product(slug="no-photo", images=0)
    page = body(client.get("/en/p/no-photo/"))
    assert '<span class="image-placeholder" role="img" aria-label="No photograph yet"></span>' in page


def test_all_images_are_shown_with_their_alt_text(client, make_product):
    make_product(slug="three-photos", name_en="Hoops", images=3)
    page = body(client.get("/en/p/three-photos/"))
    for number in (1, 2, 3):
        assert f'alt="Hoops, photograph {number}"' in page
    assert page.count('loading="eager"') == 1, "only the main photograph loads at once"


def test_breadcrumbs_lead_back_to_the_category(client, ring):
    page = body(client.get("/el/p/solitaire/"))
    assert '<nav class="breadcrumbs" aria-label="Διαδρομή">' in page
    assert '<a href="/el/c/rings/">Δαχτυλίδια</a>' in page

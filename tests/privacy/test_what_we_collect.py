"""The public "What we collect" page, generated from the personal-data map."""

from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import translation

from allegra.privacy.registry import Processor, personal_data_map
from allegra.privacy.selectors import what_we_collect

pytestmark = pytest.mark.django_db

# The header's categories and the active processor agreements (S1); nothing for the map, which lives in code.
PAGE_QUERIES = 2
# The page cache's generation asks for the catalogue version (the header shows the catalogue's categories) and
# the registry of processors' version (the page lists the processors).
GENERATION_QUERIES = 2


def test_the_url_is_under_each_language():
    with translation.override("en"):
        assert reverse("privacy:what-we-collect") == "/en/privacy/what-we-collect/"
    with translation.override("el"):
        assert reverse("privacy:what-we-collect") == "/el/privacy/what-we-collect/"


@pytest.mark.policy("R2")
def test_the_english_page_says_what_why_how_long_and_with_whom(client):
    response = client.get("/en/privacy/what-we-collect/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>What we collect</h1>" in page
    assert "Email address" in page
    assert "The email address you log in with" in page
    assert "to let you log in securely" in page
    assert "our contract with you (GDPR Art. 6(1)(b))" in page
    assert "while your account exists — erased with the account" in page
    # The one processor so far: the payment provider, which receives card details directly (S1, C4).
    assert "Payment service provider (card processing)" in page
    assert "We share personal data with no other company" not in page
    # Staff-only data (two-factor devices, back-office log) belongs in the records of processing, not here.
    assert "authenticator" not in page
    assert "Back-office activity" not in page


def test_the_greek_page_speaks_greek(client):
    page = client.get("/el/privacy/what-we-collect/").content.decode()
    assert 'lang="el"' in page
    assert "Η διεύθυνση email με την οποία συνδέεστε" in page
    assert "<h1>Τι συλλέγουμε</h1>" in page
    assert "Διεύθυνση email" in page
    assert "όσο υπάρχει ο λογαριασμός σας — διαγράφονται μαζί με τον λογαριασμό" in page
    assert "η σύμβασή μας μαζί σας (ΓΚΠΔ άρθρο 6 παρ. 1 στοιχ. β)" in page
    assert "The email address you log in with" not in page


def test_every_public_category_of_the_map_is_on_the_page(client):
    with translation.override("en"):
        collected = what_we_collect()
    page = client.get("/en/privacy/what-we-collect/").content.decode()
    assert collected
    for category in collected:
        assert f'id="{category.key.replace(".", "")}"' in page or category.name in page


def test_the_footer_links_to_the_page(client):
    page = client.get("/en/").content.decode()
    assert 'href="/en/privacy/what-we-collect/"' in page


def test_the_page_does_no_query_of_its_own(client, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    with django_assert_num_queries(PAGE_QUERIES):
        client.get("/en/privacy/what-we-collect/")


def test_the_page_is_cached_for_visitors_without_a_session(client, django_assert_num_queries):
    with django_assert_num_queries(GENERATION_QUERIES + PAGE_QUERIES):
        assert client.get("/en/privacy/what-we-collect/")["X-Page-Cache"] == "miss"
    with django_assert_num_queries(GENERATION_QUERIES):
        assert client.get("/en/privacy/what-we-collect/")["X-Page-Cache"] == "hit"


def test_processors_are_listed_when_the_map_has_some(client, monkeypatch):

    processor = Processor(
        key="courier",
        name="Example Courier",
        purpose_el="παράδοση παραγγελιών",
        purpose_en="delivering orders",
        country="GR",
    )
    monkeypatch.setitem(personal_data_map.processors, "courier", processor)
    user = personal_data_map.models["accounts.User"]
    fields = tuple(replace(f, processors=("courier",)) if f.field == "email" else f for f in user.fields)
    monkeypatch.setitem(personal_data_map.models, "accounts.User", replace(user, fields=fields))
    page = client.get("/en/privacy/what-we-collect/").content.decode()
    assert "Example Courier (delivering orders)" in page
    assert "We share personal data with no other company" not in page

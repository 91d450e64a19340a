import pytest
from django.core.management import call_command

from allegra.catalog.search import search_products

pytestmark = pytest.mark.django_db


def test_reindex_search_finds_products_written_around_the_services(make_category, make_product, capsys):
    rings = make_category(slug="rings", name_en="Rings", name_el="Δαχτυλίδια")
    make_product(category=rings, slug="olive-ring", name_en="Olive ring", name_el="Δαχτυλίδι Ελιά")
    assert search_products(query="olive", language="en").total == 0, "written with the ORM alone: not indexed"

    call_command("reindex_search")

    assert "Indexed 1 products." in capsys.readouterr().out
    assert search_products(query="elia", language="el").total == 1

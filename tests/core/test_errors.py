"""Error pages in the shop's style: a 404 that helps the shopper on, and a 500 that needs nothing to render."""

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path

from allegra.core.views import server_error
from tests.catalog import conftest as catalog_fixtures

make_category = catalog_fixtures.make_category  # the storefront's factory, as a fixture of this module


def _boom(request):
    raise RuntimeError("a bug in a view")


# This module doubles as a URLconf for the 500 tests: a view that fails, and the shop's own handlers.
urlpatterns = i18n_patterns(path("boom/", _boom), prefix_default_language=True)
handler404 = "allegra.core.views.page_not_found"
handler500 = "allegra.core.views.server_error"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/el/p/no-such-piece/", "Δεν βρήκαμε αυτή τη σελίδα"),
        ("/en/c/no-such-category/", "We could not find this page"),
        ("/en/collections/no-such/", "We could not find this page"),
        ("/en/nothing/here/", "We could not find this page"),
    ],
)
def test_not_found_uses_the_styled_page(client, make_category, path, heading):
    make_category(slug="rings", name_en="Rings", name_el="Δαχτυλίδια")
    response = client.get(path)
    assert response.status_code == 404
    names = [template.name for template in response.templates]
    assert names[0] == "404.html" and "base.html" in names
    body = response.content.decode()
    assert f"<h1>{heading}</h1>" in body
    assert 'href="/static/css/shop.css"' in body
    assert '<form role="search"' in body, "the shopper can search from the 404 page"
    assert "/c/rings/" in body, "and find the categories"


@pytest.mark.django_db
def test_a_failing_view_gives_the_styled_500(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/boom/")
    assert response.status_code == 500
    assert [template.name for template in response.templates] == ["500.html"]
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert 'href="/en/"' in body
    assert len(queries) == 0, "the 500 page never touches the database"


def test_the_500_page_renders_with_no_database_at_all(rf):
    """No django_db mark: any database access here would fail the test."""
    request = rf.get("/el/anything/")
    request.LANGUAGE_CODE = "el"
    response = server_error(request)
    assert response.status_code == 500
    body = response.content.decode()
    assert "Allegra" in body
    assert "a bug in a view" not in body, "no error detail is shown to the shopper"


@pytest.mark.django_db
def test_the_500_page_is_greek_on_greek_urls(settings):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/el/boom/")
    assert response.status_code == 500
    assert "Κάτι πήγε στραβά από τη δική μας πλευρά" in response.content.decode()
    assert '<html lang="el">' in response.content.decode()

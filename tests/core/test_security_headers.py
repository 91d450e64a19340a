"""Headers every page carries for the visitor's protection."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.policy("K5")
@pytest.mark.parametrize("path", ["/el/", "/en/search/?q=ring", "/en/p/no-such-piece/"])
def test_links_to_other_sites_never_carry_the_visitors_path(client, path):
    # strict-origin-when-cross-origin: another site learns at most our origin, never the page or its query.
    assert client.get(path)["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", ["/el/", "/healthz"])
def test_pages_cannot_be_framed_or_sniffed(client, path):
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"

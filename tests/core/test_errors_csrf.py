"""A form posted without its CSRF token gets the shop's own 403 page, in the visitor's language."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "heading"), [("en", "This form has expired"), ("el", "Η φόρμα έχει λήξει")])
def test_a_post_without_its_token_is_refused_with_a_clear_page(language, heading):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/{language}/account/login/", {"username": "x@example.com", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert heading in body
    assert "CSRF" not in body, "the developer's reason stays out of the page"

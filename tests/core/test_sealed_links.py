"""Sealed email links: one record's public ID under one purpose, never readable under another, expiring."""

import time
import uuid

import pytest

from allegra.core import sealed_links


def test_a_sealed_id_comes_back_under_its_own_purpose_only():
    public_id = uuid.uuid4()
    token = sealed_links.seal(public_id, purpose="orders.lookup-link")
    assert sealed_links.unseal(token, purpose="orders.lookup-link", max_age=60) == str(public_id)
    assert str(public_id) not in token
    with pytest.raises(sealed_links.InvalidSeal):
        sealed_links.unseal(token, purpose="checkout.pay-link")


@pytest.mark.parametrize("token", ["", "forged", "x" * 2000])
def test_forged_or_oversized_tokens_are_refused(token):
    with pytest.raises(sealed_links.InvalidSeal):
        sealed_links.unseal(token, purpose="orders.lookup-link")


def test_an_old_token_is_refused_when_an_age_is_given():
    token = sealed_links.seal(uuid.uuid4(), purpose="p", now=time.time() - 120)
    with pytest.raises(sealed_links.InvalidSeal):
        sealed_links.unseal(token, purpose="p", max_age=60)
    assert sealed_links.unseal(token, purpose="p")  # the record's own lifetime decides

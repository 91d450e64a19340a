"""Helpers shared by the authentication tests: customers, and links read from the mail that arrived."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.utils import timezone

PASSWORD = "Velvet-Orchid-Lantern-42"
LINK = re.compile(r"https?://[^\s\"<>]+")


def make_customer(email: str = "eleni@example.com", *, password: str = PASSWORD, **fields):
    fields.setdefault("screen_name", "Ελένη")
    fields.setdefault("email_verified_at", timezone.now())
    return get_user_model().objects.create_user(email=email, password=password, **fields)


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def mail_to(smtp_server, address: str) -> list:
    return [m for m in smtp_server.messages if address in str(m["To"])]


def link_in(message, fragment: str) -> str:
    """The first link in the plain-text part whose path holds `fragment`, as a path the test client can open."""
    for url in LINK.findall(text_of(message)):
        if fragment in url:
            return re.sub(r"^https?://[^/]+", "", url)
    raise AssertionError(f"no link with {fragment!r} in: {text_of(message)}")

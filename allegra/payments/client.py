"""The thin HTTP client to the payment provider.

In production this sends HTTPS requests to PAYMENTS_PSP_BASE_URL. The bundled test provider runs in this
process, so when no base URL is set the same request (method, path, headers, JSON body) is handed to the
provider's URL routing directly, as its web server would: the shop still knows nothing of the provider but its
API, and never imports its code or reads its tables.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.test import RequestFactory
from django.urls import Resolver404, resolve

from allegra.payments import conf

API_PREFIX = "/psp"


class Unreachable(Exception):
    """The provider did not answer (network error, timeout)."""


def call(method: str, path: str, *, body: dict | None = None, idempotency_key: str = "") -> tuple[int, dict]:
    """One API call; returns the HTTP status and the decoded JSON answer."""
    headers = {"Authorization": f"Bearer {conf.api_key()}"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    data = json.dumps(body).encode() if body is not None else None
    base = conf.base_url()
    if base:
        return _over_http(method, base.rstrip("/") + path, data, headers)
    return _in_process(method, API_PREFIX + path, data, headers)


def _decode(raw: bytes) -> dict:
    try:
        decoded = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return decoded if isinstance(decoded, dict) else {}


def _over_http(method: str, url: str, data: bytes | None, headers: dict) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - the configured https URL of the provider
        url, data=data, method=method, headers={**headers, "Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return response.status, _decode(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _decode(error.read())
    except OSError as error:
        raise Unreachable(str(error)) from None


def _in_process(method: str, path: str, data: bytes | None, headers: dict) -> tuple[int, dict]:
    try:
        match = resolve(path)
    except Resolver404:
        return 404, {}
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    factory = RequestFactory()
    if method == "GET":
        request = factory.get(path, **meta)
    else:
        request = factory.generic(method, path, data or b"", content_type="application/json", **meta)
    response = match.func(request, *match.args, **match.kwargs)
    return response.status_code, _decode(response.content)

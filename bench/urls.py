"""The shop's URLconf plus `/bench/trivial`, the yardstick every page is compared with."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from allegra.urls import handler404, handler500
from allegra.urls import urlpatterns as shop_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


@require_GET
def trivial(request):
    """As little as a Django view can do: the cost of the middleware stack, routing and a response."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial, name="bench-trivial"), *shop_urlpatterns]

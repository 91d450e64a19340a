from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from allegra.catalog import views as catalog_views
from allegra.consent import wellknown
from allegra.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers may ask for /favicon.ico despite the icon link (Chromium does on error pages).
    path("favicon.ico", catalog_views.favicon),
    path(".well-known/gpc.json", wellknown.gpc_json, name="gpc-json"),
    # First-party analytics: no language prefix, the script and pixels call them from any page.
    path("a/", include("allegra.analytics.urls")),
    path("psp/", include("allegra.psp.urls")),
    path("payments/", include("allegra.payments.urls")),
]

urlpatterns += i18n_patterns(
    path("account/consent/", include("allegra.consent.urls_account")),
    path("account/orders/", include("allegra.orders.urls_account")),
    path("account/privacy/", include("allegra.privacy.urls_account")),
    path("account/", include("allegra.accounts.urls")),
    path("cookies/", include("allegra.consent.urls")),
    path("wishlist/", include("allegra.wishlist.urls")),
    path("cart/", include("allegra.cart.urls")),
    path("checkout/", include("allegra.checkout.urls")),
    path("orders/", include("allegra.orders.urls")),
    path("privacy/requests/", include("allegra.privacy.urls_requests")),
    path("privacy/", include("allegra.privacy.urls")),
    path("", include("allegra.catalog.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from allegra.core import outbox

    # The development outbox: mail sent in `make run`, readable in the browser.
    urlpatterns += [
        path("dev/outbox/", outbox.outbox_list, name="dev-outbox"),
        path("dev/outbox/<str:name>/", outbox.outbox_message, name="dev-outbox-message"),
        path("dev/outbox/<str:name>/html", outbox.outbox_message_html, name="dev-outbox-html"),
    ]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", core_views.media),
    ]

handler404 = "allegra.core.views.page_not_found"
handler500 = "allegra.core.views.server_error"

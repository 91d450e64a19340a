"""Public privacy pages."""

from django.shortcuts import render

from allegra.catalog.selectors import catalogue_version
from allegra.core.pagecache import cache_public_page
from allegra.privacy import selectors
from allegra.privacy.registry import personal_data_map


def _generation() -> str:
    # The page shows the map (fixed while the code runs) inside the storefront's header and footer, whose
    # categories change with the catalogue: both versions make the cache key.
    return f"privacy-map-{personal_data_map.version()}-{catalogue_version()}"


@cache_public_page(generation=_generation)
def what_we_collect(request):
    return render(
        request,
        "privacy/what_we_collect.html",
        {"collected": selectors.what_we_collect(), "processors": list(personal_data_map.processors.values())},
    )

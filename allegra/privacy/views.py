"""Public privacy pages."""

from django.shortcuts import render

from allegra.catalog.selectors import catalogue_version
from allegra.core.pagecache import cache_public_page
from allegra.privacy import processors, selectors
from allegra.privacy.registry import personal_data_map


def _generation() -> str:
    # The page shows the map (fixed while the code runs), the registry of processors (kept in the back office)
    # and the storefront's header, whose categories change with the catalogue: all three make the cache key.
    return f"privacy-map-{personal_data_map.version()}-{processors.registry_version()}-{catalogue_version()}"


@cache_public_page(generation=_generation)
def what_we_collect(request):
    return render(
        request,
        "privacy/what_we_collect.html",
        {"collected": selectors.what_we_collect(), "recipients": processors.recipients()},
    )

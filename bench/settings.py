"""Settings for `make bench` only: the shop's own settings plus one URLconf with a trivial view.

Nothing in production imports this module; the trivial route exists only when gunicorn is started with
`bench.trivial_wsgi`, which `bench/run.py` does.
"""

from allegra.settings import *  # noqa: F403 - the very same shop, one setting changed

ROOT_URLCONF = "bench.urls"

"""The shop's WSGI application served with bench settings: every shop page, plus `/bench/trivial`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
application = get_wsgi_application()

"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
application = get_wsgi_application()
# Import the URLconf (and the API schemas it builds, ~2.5 s) now: with `--preload` once
# before gunicorn forks, else when a worker boots, never inside a visitor's first request.
_ = get_resolver().url_patterns
# Likewise the CQL2 grammar of OGC API filters (seconds to build): once, before the fork.
from layers.ogc.cql2_parsing import text_parser  # noqa: E402

text_parser()

# Later pages of an OGC items request skip Django's request cycle (layers/ogc/replay.py).
from layers.ogc.replay import KeptPagesApplication  # noqa: E402

application = KeptPagesApplication(application)

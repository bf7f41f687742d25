"""Settings of the fault tests' gunicorn: the project's, with static files from the finders
(a checkout under test has no collectstatic manifest)."""

from gis.settings import *  # noqa: F403
from gis.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

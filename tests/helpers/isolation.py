"""A private cache and media directory for a test."""

import uuid


def private_cache_and_media(settings, tmp_path, name: str) -> None:
    """Give the test its own in-memory cache (kept counts; rate limits are in the database) and its
    own media directory, so that no test sees another's counters or files."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"{name}-{uuid.uuid4().hex}",
        }
    }
    settings.MEDIA_ROOT = tmp_path / "media"

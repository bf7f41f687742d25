"""The report form as an installable web app that works without signal: its web app
manifest and its service worker (Workbox, loaded from our own static files).

The worker is rendered here, not kept as a static file, so that its scope is /reports/
(a worker controls the pages under its own URL) and every URL it needs comes from the
URL configuration rather than being written in JavaScript.
"""

import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

# Bump when the worker's caching rules change: old page caches are dropped on activation.
WORKER_VERSION = "2"


@require_safe
def manifest(request):
    """/reports/manifest.webmanifest: name, icons and start page of the installable form."""
    icons = [
        {
            "src": static(f"reports/icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any maskable",
        }
        for size in (192, 512)
    ]
    body = {
        "name": _("Report a problem — Dmytrivska community"),
        "short_name": _("Report a problem"),
        "start_url": reverse("reports:new"),
        "scope": reverse("reports:new").rsplit("/", 2)[0] + "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0057b7",
        "lang": request.LANGUAGE_CODE,
        "icons": icons,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_safe
def service_worker(request):
    """/reports/sw.js: the form's service worker (see templates/reports/offline/sw.js)."""
    context = {
        "config": json.dumps(_worker_config(), ensure_ascii=False),
        "workbox_sw": static("vendor/workbox/workbox-sw.js"),
    }
    body = render_to_string("reports/offline/sw.js", context)
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def _worker_config() -> dict:
    # Our vector tiles and the basemap's (the local vector basemap and the raster proxy
    # share one prefix): without the basemap's prefix its kept tiles were never served
    # and the map lost its basemap offline.
    tile_prefixes = [
        reverse("tiles:style").rsplit("/", 1)[0] + "/",
        reverse("basemap:vector", kwargs={"z": 0, "x": 0, "y": 0}).removesuffix("0/0/0.pbf"),
    ]
    return {
        "version": WORKER_VERSION,
        "workboxPrefix": static("vendor/workbox/workbox-sw.js").rsplit("/", 1)[0] + "/",
        "formPath": reverse("reports:new"),
        # STATIC_URL itself: static() of a name that is not a file fails under the
        # manifest storage of production (every hashed name lies under it).
        "staticPrefix": settings.STATIC_URL,
        # The style document first: the tile route below tells it apart by this place.
        # The manifest too: the browser fetches it for every page that links it, and an
        # installed form must still describe itself without signal.
        "keptPaths": [
            reverse("tiles:style"),
            reverse("api:category_list"),
            reverse("reports:manifest"),
        ],
        "tilePrefixes": tile_prefixes,
    }

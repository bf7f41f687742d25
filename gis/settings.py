"""Settings for Hromada GIS.

Every setting that varies between machines comes from an environment variable, read here
once; `.env.example` lists them all. `./hromada` sets DATABASE_URL for the project-local
PostgreSQL cluster when it is not set.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from gis.env import env_bool, env_int, env_list, env_raw, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_raw("HROMADA_VAR_DIR", BASE_DIR / "var"))


DEBUG = env_bool("DEBUG")
SECRET_KEY = secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    # naturaltime: "2 години тому" / "2 hours ago", "щойно" / "now" (the moderation queue).
    "django.contrib.humanize",
    "ninja",
    "simple_history",
    "core",
    "layers",
    "addresses",
    "reports",
    "coverage",
    "maps",
    "ops",
    # Django's Tasks framework (backport) with its queue in PostgreSQL (DESIGN.md §5);
    # after the project's apps, so that core's `db_worker` (warm-up, then this one's
    # worker) is the command found.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # HTML pages gzipped, after every middleware below on the way out (core/http.py).
    "core.http.HtmlGZipMiddleware",
    # request.csp_nonce for inline scripts; the header when CONTENT_SECURITY_POLICY is set.
    "core.csp.ContentSecurityPolicyMiddleware",
    # A body cut off before its Content-Length is refused, never parsed as a shorter form.
    "core.middleware.CompleteBodyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A fresh basemap tile on disk is sent here, as WhiteNoise sends static files.
    "layers.basemap.middleware.CachedBasemapMiddleware",
    # So is a vector tile of public layers, held or rendered (layers/tiles/middleware.py).
    "layers.tiles.middleware.PublicTileMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    # Public reads (OGC filters!) never run a query past PUBLIC_READ_STATEMENT_TIMEOUT_MS.
    "core.timeouts.PublicReadStatementTimeoutMiddleware",
    # Control characters and non-characters are removed from query strings and forms.
    "core.middleware.CleanInputMiddleware",
    # Tiles: no Vary on Accept-Language (nor Cookie when public); outside the two below.
    "layers.tiles.middleware.LanguageIndependentMiddleware",
    # The API's JSON gzipped, with an ETag and no-cache: a reloaded map gets 304s.
    "core.http.RevalidatedApiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A body over the endpoint's limit answers 413 before it is read (REQUEST_BODY_*).
    "core.middleware.BodySizeLimitMiddleware",
    # Access-Control-Allow-Origin: * on anonymous reads of the public APIs (core/cors.py).
    "core.cors.PublicReadCorsMiddleware",
    # A refused (locked-out or rate-limited) login answers 429 with a clear message.
    "core.auth.LoginThrottleMiddleware",
    # Password changes and resets: PASSWORD_RATE_LIMIT POSTs per address per window.
    "core.auth.PasswordThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records the signed-in user on every history entry (addresses register).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gis.urls"
WSGI_APPLICATION = "gis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # {% load hromada %} everywhere: the header, local_name, user content marks.
            "builtins": ["core.templatetags.hromada"],
        },
    },
]

# The local cluster is reached on a Unix socket; see ./hromada.
DATABASES = {
    "default": dj_database_url.config(
        default="postgis:///hromada", conn_max_age=60, conn_health_checks=True
    )
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
# pytest-django's throw-away database; a name of its own lets test runs go side by side.
DATABASES["default"]["TEST"] = {"NAME": env_raw("HROMADA_TEST_DB") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The throttle comes first: it refuses locked-out attempts before a password is checked.
AUTHENTICATION_BACKENDS = [
    "core.auth.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login lock-out (core/auth.py): LOGIN_FAILURE_LIMIT failures of one username from one
# address within LOGIN_FAILURE_WINDOW_S lock that pair for LOGIN_LOCKOUT_S seconds; one
# address may try at most LOGIN_RATE_LIMIT logins per LOGIN_RATE_WINDOW_S seconds.
LOGIN_FAILURE_LIMIT = int(env_raw("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_S = int(env_raw("LOGIN_FAILURE_WINDOW_S", "900"))
LOGIN_LOCKOUT_S = int(env_raw("LOGIN_LOCKOUT_S", "900"))
LOGIN_RATE_LIMIT = int(env_raw("LOGIN_RATE_LIMIT", "30"))
LOGIN_RATE_WINDOW_S = int(env_raw("LOGIN_RATE_WINDOW_S", "600"))
# Password change and reset POSTs per client address per window (core.auth).
PASSWORD_RATE_LIMIT = env_int("PASSWORD_RATE_LIMIT", 10)
PASSWORD_RATE_WINDOW_S = env_int("PASSWORD_RATE_WINDOW_S", 3600)
# Staff pages (core.roles.role_required) send anonymous visitors to the service's own
# sign-in page; after signing in without a `next`, core.navigation.home_url decides.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Ukrainian first, English second.
LANGUAGE_CODE = "uk"
LANGUAGES = [("uk", "Українська"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Kyiv"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_raw("STATIC_ROOT", VAR_DIR / "staticfiles"))
# Front-end packages installed by npm at set-up (./hromada runs `npm ci`); no CDN.
NODE_MODULES = BASE_DIR / "node_modules"
# collectstatic leaves out the front-end packages' unused builds (core/staticfiles.py).
STATICFILES_FINDERS = [
    "core.staticfiles.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [
    # The map client: Leaflet, and protomaps-leaflet drawing our vector tiles on its
    # canvas tiles (labels with collision handling); supercluster groups the reports.
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/protomaps-leaflet", NODE_MODULES / "protomaps-leaflet" / "dist"),
    ("vendor/supercluster", NODE_MODULES / "supercluster" / "dist"),
    # Drawing and reshaping coverage areas on the planners' map (coverage/planning-draw.js).
    ("vendor/terra-draw", NODE_MODULES / "terra-draw" / "dist"),
    ("vendor/terra-draw", NODE_MODULES / "terra-draw-leaflet-adapter" / "dist"),
    # ./hromada copies ol.css next to ol.js so that one folder holds the admin map widget.
    ("vendor/ol", NODE_MODULES / "ol" / "dist"),
    # Workbox (the report form's offline service worker): workbox-sw loads its modules
    # from one folder (modulePathPrefix), so every package's build/ shares one prefix.
    *(
        ("vendor/workbox", NODE_MODULES / package / "build")
        for package in (
            "workbox-sw",
            "workbox-core",
            "workbox-routing",
            "workbox-strategies",
            "workbox-expiration",
            "workbox-cacheable-response",
        )
    ),
    # The site-wide stylesheet and icon of templates/base.html.
    BASE_DIR / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# WhiteNoise sends .br (brotli, installed) or .gz beside each static file; source maps,
# fetched only by developers' tools, are not worth seconds of brotli at each collectstatic.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_raw("MEDIA_ROOT", VAR_DIR / "media"))

# Long work (the council pack) is queued in PostgreSQL and run by `manage.py db_worker`,
# which `./hromada up` starts beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Processes that draw the pages of a council pack or atlas at once (maps/printing/
# parallel.py): 0 = one per core, at most 4 (each holds ~250 MB); 1 = all in the caller.
PRINT_PROCESSES = env_int("PRINT_PROCESSES", 0)

# Spatial conventions (DESIGN.md §3): storage in EPSG:4326, metric work in UCS-2000 /
# Ukraine TM zone 11, tiles in EPSG:3857.
STORAGE_SRID = 4326
METRIC_SRID = 6385
# Paths whose anonymous GET/HEAD answers any origin may read (core/cors.py).
CORS_PUBLIC_PREFIXES = ("/ogc/", "/tiles/", "/open311/", "/api/v1/")
# No query of a GET under those prefixes runs longer (core/timeouts.py); 0 = no limit.
PUBLIC_READ_STATEMENT_TIMEOUT_MS = env_int("PUBLIC_READ_STATEMENT_TIMEOUT_MS", 15_000)
TILE_SRID = 3857

# Basemap of the web maps (layers/basemap/). BASEMAP_URL: empty = OpenStreetMap's tiles
# (BASEMAP_UPSTREAM) through our caching proxy at /basemap/; an XYZ template = that source
# through the same proxy; "local" = the imported OSM extract, else our own data, with no
# outside request; "off" or "none" = no basemap. Browsers only ever load /basemap/ URLs.
BASEMAP_URL = env_raw("BASEMAP_URL", "")
BASEMAP_ATTRIBUTION = env_raw("BASEMAP_ATTRIBUTION", "")
BASEMAP_UPSTREAM = env_raw("BASEMAP_UPSTREAM", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
# Proxied tiles kept on disk, and the cap of that folder in MB (least recently used go).
BASEMAP_CACHE_DIR = Path(env_raw("BASEMAP_CACHE_DIR", VAR_DIR / "basemap"))
BASEMAP_CACHE_MB = float(env_raw("BASEMAP_CACHE_MB", "512"))
# Seconds to wait for the upstream (connect + read, at most 5) before a placeholder tile.
# Below zoom 8 the proxy serves tiles anywhere; deeper, only over the territories grown by
# this margin (km). A client's upstream fetches are capped per hour (OSM's tile policy:
# no bulk download through us); over the cap, stored tiles or the placeholder are served.
BASEMAP_MARGIN_KM = float(env_raw("BASEMAP_MARGIN_KM", "30"))
BASEMAP_FETCHES_PER_HOUR = int(env_raw("BASEMAP_FETCHES_PER_HOUR", "3000"))
BASEMAP_TIMEOUT_S = min(float(env_raw("BASEMAP_TIMEOUT_S", "5")), 5.0)

# Reverse proxies in front of gunicorn that append to X-Forwarded-For (nginx, Traefik):
# rate limits and login lock-outs then key on the real client, not on the proxy.
TRUSTED_PROXY_COUNT = int(env_raw("TRUSTED_PROXY_COUNT", "0"))

# /api/v1/locate: how far to look for the nearest settlement when a point is in none, m.
LOCATE_NEAREST_MAX_M = 2000

# Problem reports (reports/): e-mail, rate limits, public links.
# Mail goes out by SMTP when EMAIL_HOST is set (STARTTLS with EMAIL_USE_TLS, or implicit
# TLS with EMAIL_USE_SSL), else to the console; EMAIL_BACKEND overrides either.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_raw("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# STARTTLS by default whenever there is a server; Django refuses TLS and SSL together.
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", bool(EMAIL_HOST)) and not EMAIL_USE_SSL
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "hromada-gis@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Absolute base of links in e-mails (follow a report, unsubscribe), without a trailing slash.
SITE_URL = env_raw("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Shared by every gunicorn worker (kept counts, small lookups); rate limits and lock-outs
# live in PostgreSQL (core.ratelimit). A directory under var/
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_raw("CACHE_DIR", str(VAR_DIR / "cache")),
    }
}
# Rendered vector tiles kept by each web worker until the data changes, MB; 0 = none.
TILE_CACHE_MB = int(env_raw("TILE_CACHE_MB", "48"))
# New reports per client address per window, and the window in seconds.
# Request bodies (core.middleware.BodySizeLimitMiddleware): small everywhere, room for
# three 10 MB photos on the report forms, and for imports sent by signed-in staff.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 1024 * 1024)
REQUEST_BODY_LIMITS = [
    (prefix, env_int("REQUEST_BODY_REPORTS_MAX_BYTES", 32 * 1024 * 1024))
    for prefix in ("/api/v1/reports/", "/reports/", "/open311/")
]
REQUEST_BODY_STAFF_MAX_BYTES = env_int("REQUEST_BODY_STAFF_MAX_BYTES", 256 * 1024 * 1024)
REPORTS_RATE_LIMIT = int(env_raw("REPORTS_RATE_LIMIT", "5"))
REPORTS_RATE_WINDOW_S = int(env_raw("REPORTS_RATE_WINDOW_S", "600"))
# "pre": a reporter's comment waits for a moderator; "post": public at once, deletable.
REPORTS_COMMENT_MODERATION = env_raw("REPORTS_COMMENT_MODERATION", "post")
# Open311 GeoReport v2: the one jurisdiction this endpoint serves.
OPEN311_JURISDICTION_ID = env_raw("OPEN311_JURISDICTION_ID", "dmytrivska-gromada.gov.ua")
# The OSM tile usage policy asks for a User-Agent naming the deployment and a contact.
BASEMAP_USER_AGENT = env_raw(
    "BASEMAP_USER_AGENT", f"HromadaGIS/0.1 (+{SITE_URL}; {DEFAULT_FROM_EMAIL})"
)

# Internet coverage (coverage/): speed tiers as (download, upload) in Mbit/s, advertised.
# Served: at least COVERAGE_SERVED_MBPS; underserved: at least COVERAGE_UNDERSERVED_MBPS.
COVERAGE_SERVED_MBPS = (100, 20)
COVERAGE_UNDERSERVED_MBPS = (25, 3)
# A village counts as connected when this share (0-1) of its households is served by
# fixed broadband.
COVERAGE_VILLAGE_CONNECTED_SHARE = 0.5
# The strategy's priority villages (Makarykha, Tsybuleve), by KATOTTG code.
COVERAGE_PRIORITY_VILLAGES = ("UA35040090090035423", "UA35040090130084929")
# Public H3 hexagons show a household share only when at least this many addresses lie
# inside (fewer would tell about single homes).
COVERAGE_H3_MIN_ADDRESSES = 5

# Content-Security-Policy (core/csp.py): {directive: [sources]}, "{nonce}" filled per
# request. Empty = no header (development); the production profile below sets it.
CONTENT_SECURITY_POLICY: dict[str, list[str]] = {}

# LOG_FORMAT=json writes one JSON object per line (core/logs.py); production's default.
LOG_FORMAT = env_raw("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_raw("LOG_LEVEL", "INFO")},
}

# gis.W001: GDAL 3.6 (Debian 12) cannot block file/network access from spatial reference
# definitions. Imports run on staff-supplied files on a machine without outbound network;
# the warning would otherwise print on every command. Revisit with GDAL >= 3.9.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]


# ---------------------------------------------------------------- production profile
# HROMADA_PROFILE=production (docker-compose sets it): no debug, a SECRET_KEY that must be
# given, HTTPS only (behind a TLS proxy that sends X-Forwarded-Proto), secure cookies,
# security headers, a Content-Security-Policy and JSON logs. `manage.py check --deploy`
# passes with no warnings (tests/security/test_production.py).
PROFILE = env_raw("HROMADA_PROFILE", "development")
if PROFILE not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"HROMADA_PROFILE must be development or production, not {PROFILE!r}"
    )


# The production policy; tests/security run the pages under it in a browser.
CSP_PRODUCTION = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'nonce-{nonce}'"],
    # folium and Leaflet set inline style attributes; styles cannot run code.
    "style-src": ["'self'", "'unsafe-inline'"],
    # Basemap tiles come through our own proxy (/basemap/): no outside image origin.
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    # The report form's service worker (Workbox) is our own script; the map client
    # (Leaflet, protomaps-leaflet) starts no worker.
    "worker-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

if PROFILE == "production":
    if not env_raw("SECRET_KEY"):
        raise ImproperlyConfigured("HROMADA_PROFILE=production needs the SECRET_KEY variable.")
    if DEBUG:
        raise ImproperlyConfigured("HROMADA_PROFILE=production cannot run with DEBUG=1.")
    # The TLS proxy in front (nginx, Caddy) says the original request was HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Health checks come over plain HTTP from inside the host or container.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(env_raw("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    CONTENT_SECURITY_POLICY = CSP_PRODUCTION
    LOG_FORMAT = env_raw("LOG_FORMAT", "json")

LOGGING["handlers"]["console"]["formatter"] = "json" if LOG_FORMAT == "json" else "plain"

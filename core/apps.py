from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: errors, access, middleware, logging, rate limits; no domain."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.models.signals import post_migrate

        from core import audit, checks  # noqa: F401 — importing registers the system checks
        from core.roles import roles_ensure_after_migrate

        audit.install()  # every admin write lands in the audit trail
        # Keeps the role groups' permissions in step when an app adds a model.
        post_migrate.connect(roles_ensure_after_migrate, dispatch_uid="core.roles")


class StaticFilesConfig(BaseStaticFilesConfig):
    """django.contrib.staticfiles, leaving out what no page loads: MapLibre's development
    builds, its CSP build (layers/map.js uses the standard bundle) and type declarations.
    collectstatic then hashes and compresses (gzip and brotli) a few megabytes, not forty.
    Source maps of the files kept stay: the manifest storage checks their references."""

    ignore_patterns = [
        *BaseStaticFilesConfig.ignore_patterns,
        "*-dev.js",
        "*-dev.js.map",
        "maplibre-gl-csp*",
        "*.d.ts",
    ]

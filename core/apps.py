from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: errors, access, middleware, logging, rate limits; no domain."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from core import audit, checks  # noqa: F401 — importing registers the system checks

        audit.install()  # every admin write lands in the audit trail

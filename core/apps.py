from django.apps import AppConfig
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

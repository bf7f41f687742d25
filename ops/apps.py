from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: backups and restores of the database and uploaded media."""

    name = "ops"
    verbose_name = _("Operations")

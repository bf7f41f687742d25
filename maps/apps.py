from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    name = "maps"
    verbose_name = _("Maps")

    def worker_warm_up(self) -> None:
        """Load the printing stack before the task worker's first council pack (called by
        `manage.py db_worker`, core/management/commands/db_worker.py)."""
        from maps.printing.warm import warm_up

        warm_up()

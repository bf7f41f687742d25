from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Problem reports")

    def ready(self):
        from layers import demo
        from reports import demo as reports_demo
        from reports.services import intake, photos
        from reports.specs import register_reports_layer

        demo.register("reports", reports_demo.load, order=30)
        register_reports_layer()
        intake.connect_signals()
        photos.connect_signals()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Problem reports")

    def ready(self):
        from django.db.models.signals import post_migrate

        from layers import demo
        from reports import demo as reports_demo
        from reports.roles import moderators_group_ensure
        from reports.specs import register_reports_layer

        demo.register("reports", reports_demo.load, order=30)
        post_migrate.connect(moderators_group_ensure, sender=self)
        register_reports_layer()

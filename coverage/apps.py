from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = _("Internet coverage")

    def ready(self):
        from django.db.models.signals import post_migrate

        from coverage import demo as coverage_demo
        from coverage import layers as coverage_layers
        from coverage.roles import planners_group_ensure
        from layers import demo

        demo.register("coverage", coverage_demo.load, order=40)
        coverage_layers.register_all()
        post_migrate.connect(planners_group_ensure, sender=self)

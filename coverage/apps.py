from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _demo_load(log) -> None:
    """Load the coverage demo (coverage.demo.load). Imported when called: the demo runs the
    whole computation, whose modules start-up does not need."""
    from coverage import demo

    demo.load(log)


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = _("Internet coverage")

    def ready(self):
        from django.db.models.signals import post_save

        from coverage import specs as coverage_layers
        from coverage.challenges import report_saved
        from layers import demo

        demo.register("coverage", _demo_load, order=40)
        coverage_layers.register_all()
        # coverage listens to reports; reports never imports coverage (DESIGN.md §2).
        post_save.connect(report_saved, sender="reports.Report", dispatch_uid="coverage_challenge")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LayersConfig(AppConfig):
    name = "layers"
    verbose_name = _("Territory and base layers")

    def ready(self):
        from layers import checks, demo, tilecache  # noqa: F401 — importing registers the checks
        from layers.specs import register_base_layers

        demo.register("layers", demo.load_layers, order=10)
        register_base_layers()
        tilecache.connect_signals()

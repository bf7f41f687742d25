from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LayersConfig(AppConfig):
    name = "layers"
    verbose_name = _("Territory and base layers")

    def ready(self):
        from layers import demo
        from layers.specs import register_base_layers
        from layers.tiles import cache as tilecache

        demo.register("layers", demo.load_layers, order=10)
        register_base_layers()
        tilecache.connect_signals()

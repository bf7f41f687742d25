from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _demo_load(log) -> None:
    """Load the demo address register (addresses.demo.load). Imported when called: pyproj,
    which it needs, takes a noticeable time to import."""
    from addresses import demo

    demo.load(log)


class AddressesConfig(AppConfig):
    name = "addresses"
    verbose_name = _("Address register")

    def ready(self):
        from addresses.specs import register_address_layers
        from layers import demo

        demo.register("addresses", _demo_load, order=20)
        register_address_layers()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AddressesConfig(AppConfig):
    name = "addresses"
    verbose_name = _("Address register")

    def ready(self):
        from addresses import demo as addresses_demo
        from addresses.specs import register_address_layers
        from layers import demo

        demo.register("addresses", addresses_demo.load, order=20)
        register_address_layers()

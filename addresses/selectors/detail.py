"""One address as a GeoJSON Feature with its version (the API's ETag)."""

from django.utils.translation import gettext as _

from addresses.models import Address
from addresses.selectors.search import ADDRESS_PROPERTIES
from core.errors import NotFound
from layers import geojson


def address_feature_geojson(address_id: int) -> tuple[int, str]:
    """Return (version, Feature JSON text) of an address, retired ones included; raise
    NotFound when there is none. `version` is core.locking's, sent as the ETag."""
    queryset = Address.objects.filter(pk=address_id)
    properties = {**ADDRESS_PROPERTIES, "version": "version"}
    text = geojson.feature(queryset, geometry="location", properties=properties)
    if text is None:
        raise NotFound(_("No address with id %(id)s.") % {"id": address_id})
    return queryset.values_list("version", flat=True).get(), text

"""Forms of the planners' page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coverage.compute import WIFI_SITES_MAX_K
from coverage.selectors.sites import WIFI_SITES_MAX_RADIUS_M


class WifiSitesForm(forms.Form):
    """How many new Free Wi-Fi zones to place, and how far one reaches (metres)."""

    k = forms.IntegerField(
        label=_("Number of sites"), min_value=1, max_value=WIFI_SITES_MAX_K, initial=3
    )
    radius_m = forms.IntegerField(
        label=_("Reach of one zone, m"),
        min_value=1,
        max_value=int(WIFI_SITES_MAX_RADIUS_M),
        initial=500,
    )
    include_served = forms.BooleanField(
        label=_("Also places that already have fixed broadband"), required=False
    )

"""HTML map pages."""

from django.http import HttpResponse


def landing(request):
    """The landing page with an overview map (placeholder until the map builder lands)."""
    return HttpResponse("Hromada GIS")

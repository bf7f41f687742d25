"""Chainable query pieces for reports."""

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D

from layers.querysets import SpatialQuerySet
from reports.compute import degree_box
from reports.states import OPEN_STATUSES


class ReportQuerySet(SpatialQuerySet):
    geometry_field = "location"

    def public(self):
        """Reports anyone may see: approved by moderation (or not needing it), not hidden,
        not in a private category."""
        return self.filter(is_approved=True, is_hidden=False, is_private=False)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def closed(self):
        return self.exclude(status__in=OPEN_STATUSES)

    def near(self, point: Point, radius_m: float):
        """Reports within `radius_m` metres of the point (EPSG:4326), nearest first.

        A degree box lets the spatial index pick candidates; the exact test is on the
        spheroid, good to centimetres at the scale of a village.
        """
        box_deg = degree_box(point.y, radius_m)
        return (
            self.filter(location__dwithin=(point, box_deg))
            .filter(location__distance_lte=(point, D(m=radius_m)))
            .annotate(distance=Distance("location", point))
            .order_by("distance")
        )

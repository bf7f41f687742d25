"""Chainable spatial query pieces for the base layers."""

from django.conf import settings
from django.contrib.gis.db.models import MultiPolygonField
from django.contrib.gis.db.models.functions import Area, Distance, Transform
from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.db import models
from django.db.models import F, Func
from django.db.models.functions import Coalesce


class SpatialQuerySet(models.QuerySet):
    """Queries shared by every layer with one geometry column, named by `geometry_field`."""

    geometry_field = "location"

    def in_bbox(self, bbox: tuple[float, float, float, float]):
        """Rows whose geometry intersects (min lon, min lat, max lon, max lat), EPSG:4326."""
        envelope = Polygon.from_bbox(bbox)
        envelope.srid = 4326
        return self.filter(**{f"{self.geometry_field}__intersects": envelope})

    def within(self, geom: GEOSGeometry):
        """Rows whose geometry lies inside `geom` (EPSG:4326)."""
        return self.filter(**{f"{self.geometry_field}__within": geom})


class SettlementQuerySet(SpatialQuerySet):
    geometry_field = "boundary"

    def containing(self, point: Point):
        """Settlements whose boundary contains the point (EPSG:4326)."""
        return self.filter(boundary__intersects=point)

    def with_distance_m(self, point: Point):
        """Annotate `distance` to the point, in metres in METRIC_SRID; boundary, else centre."""
        shape = Coalesce("boundary", "centre", output_field=self.model._meta.get_field("centre"))
        return self.annotate(
            distance=Distance(Transform(shape, settings.METRIC_SRID), point)
        ).order_by("distance")

    def with_area_m2(self):
        """Annotate `area_m2`: the boundary's area, square metres, measured in the metric
        CRS of the settlement's territory (Territory.metric_srid, an УСК-2000 zone)."""
        metric = Func(
            F("boundary"),
            F("territory__metric_srid"),
            function="ST_Transform",
            # Every zone is in metres: the field's SRID only tells Area its unit.
            output_field=MultiPolygonField(srid=settings.METRIC_SRID),
        )
        return self.annotate(area_m2=Area(metric))


class FacilityQuerySet(SpatialQuerySet):
    geometry_field = "location"

    def connected(self):
        return self.filter(internet="connected")

"""System checks: the geospatial stack is new enough (`manage.py check --database default`)."""

from django.contrib.gis import gdal, geos
from django.core.checks import Error, Tags, register
from django.db import connections

MINIMUM = {"GDAL": (3, 6), "GEOS": (3, 11), "PostGIS": (3, 3), "PostgreSQL": (15,)}


def version_tuple(text: str) -> tuple[int, ...]:
    """'3.11.1-CAPI-1.17.1' → (3, 11, 1)."""
    head = text.split("-")[0].split()[0]
    return tuple(int(part) for part in head.split(".") if part.isdigit())


def too_old(name: str, found: str) -> Error | None:
    if version_tuple(found) >= MINIMUM[name]:
        return None
    wanted = ".".join(map(str, MINIMUM[name]))
    return Error(f"{name} {found} is too old; {wanted} or newer is needed.", id="core.E001")


@register(Tags.compatibility)
def check_libraries(app_configs, **kwargs):
    """GDAL and GEOS as loaded by Django."""
    found = {"GDAL": gdal.gdal_version().decode(), "GEOS": geos.geos_version().decode()}
    return [error for name, text in found.items() if (error := too_old(name, text))]


@register(Tags.database)
def check_database(app_configs, databases=None, **kwargs):
    """PostgreSQL and PostGIS of each database the check is run against."""
    errors = []
    for alias in databases or []:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version'), PostGIS_Lib_Version()")
            postgres, postgis = cursor.fetchone()
        errors += [e for e in (too_old("PostgreSQL", postgres), too_old("PostGIS", postgis)) if e]
    return errors

"""Walk every URL pattern of the project and turn each into a concrete path.

`routes()` enumerates `get_resolver().url_patterns` recursively, so a new app's URLs are
walked without touching this file. Path parameters are filled from real objects through
a small table keyed by parameter name (and by route name where one name means several
things, like `token`); anything unknown gets "1". `concrete_path` checks that the filled
path resolves back to the same view, so a table gap shows as a clear failure.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.urls import URLResolver, get_resolver, resolve
from django.utils.regex_helper import normalize

DEFAULT = "1"


@dataclass(frozen=True)
class Route:
    """One URL pattern with its full regex, namespaced name and view."""

    name: str
    regex: str
    callback: Callable

    @property
    def template(self) -> tuple[str, list[str]]:
        """The path as a %-format string and the names of its parameters."""
        return normalize(self.regex)[0]


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        regex = pattern.pattern.regex.pattern.removeprefix("^")
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + regex.removesuffix("$"), inner)
        else:
            name = f"{namespace}{pattern.name}" if pattern.name else namespace
            yield Route(name=name, regex=prefix + regex, callback=pattern.callback)


def routes() -> list[Route]:
    """Every URL pattern of the project, in resolution order."""
    return list(_walk(get_resolver().url_patterns))


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    """The XYZ (Web Mercator) tile holding a point, EPSG:4326 degrees."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def admin_model(route_name: str):
    """The model an admin URL name (admin:<app>_<model>_<view>) is about, or None."""
    short = route_name.removeprefix("admin:")
    for model in admin.site._registry:
        key = f"{model._meta.app_label}_{model._meta.model_name}_"
        if short.startswith(key):
            return model, short.removeprefix(key)
    return None, ""


def _admin_object_id(route: Route, world: dict) -> str:
    model, _view = admin_model(route.name)
    if model is None:
        return DEFAULT
    first = model._default_manager.order_by("pk").first()
    return str(first.pk) if first is not None else DEFAULT


def parameter_table(world: dict) -> tuple[dict, dict]:
    """(by parameter name, by (route name, parameter name)) -> value-making functions."""
    from django.contrib.contenttypes.models import ContentType

    from layers import registry

    report, settlement = world["report"], world["settlement"]
    z, x, y = tile_of(settlement.centre.x, settlement.centre.y, 12)
    by_name = {
        "number": lambda r: report.number,
        "katottg": lambda r: settlement.katottg,
        "collection_id": lambda r: "reports",
        "feature_id": lambda r: str(getattr(report, registry.get("reports").id_field)),
        "layers": lambda r: "territory,settlements,facilities,reports",
        "z": lambda r: str(z),
        "x": lambda r: str(x),
        "y": lambda r: str(y),
        "area_id": lambda r: str(world["area"].pk),
        "service_code": lambda r: world["category"].code,
        "service_request_id": lambda r: report.number,
        "fmt": lambda r: "json",
        "rest": lambda r: "no-such-thing",
        "url": lambda r: "no-such-page/",
        "path": lambda r: "no-such-file.jpg",
        "app_label": lambda r: "reports",
        "object_id": lambda r: _admin_object_id(r, world),
        "_0": lambda r: _admin_object_id(r, world),
        "token": lambda r: report.follow_token,
    }
    by_route = {
        ("reports:subscribe_confirm", "token"): lambda r: world["subscription"].token,
        ("reports:unsubscribe", "token"): lambda r: world["subscription"].token,
        ("open311:token", "token"): lambda r: str(report.open311_token),
        ("admin:view_on_site", "content_type_id"): lambda r: str(
            ContentType.objects.get_for_model(report).pk
        ),
        ("admin:view_on_site", "object_id"): lambda r: str(report.pk),
    }
    return by_name, by_route


def concrete_path(route: Route, tables: tuple[dict, dict], *, check: bool = True) -> str:
    """Fill the route's parameters; raise AssertionError when the path resolves elsewhere.

    `check=False` for a route whose path an earlier route already serves (django-ninja
    adds one pattern per operation of a path: the first one answers every method).
    """
    by_name, by_route = tables
    template, params = route.template
    values = {}
    for param in params:
        make = by_route.get((route.name, param)) or by_name.get(param)
        values[param] = make(route) if make else DEFAULT
    path = "/" + template % values
    if not check:
        return path
    match = resolve(path)
    assert match.func == route.callback, f"{route.name or route.regex}: {path} resolves elsewhere"
    return path

"""The layer registry: every public layer of every app, described once.

The OGC API - Features service, the vector tiles, the map legends and popups and the
printed maps all read their layers from here, so they agree. An app registers its layers
in its `AppConfig.ready()`:

    from layers import registry
    registry.register(registry.LayerSpec(id="addresses", queryset=_addresses, ...))

`queryset` is a callable, so that `layers` never imports the apps above it (DESIGN.md §2).

Visibility is "public" (anyone, anonymous too), "staff" (`is_staff` users) or the name of
a Django group (`planners`, `moderators`, …). Superusers see every layer. A layer a user
may not see is neither listed nor served to them; it answers 404 as if it did not exist.
"""

import pickle
import re
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from types import MappingProxyType

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import Max, QuerySet
from django.utils.translation import get_language, override

# Re-exported: apps declare their layers' looks through the registry module.
from layers.styles import SYMBOLS, LayerLabel, LayerStyle
from layers.styles import Ramp as Ramp
from layers.styles import register_marker as register_marker

PUBLIC = "public"
STAFF = "staff"
LAYER_ID = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
PROPERTY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


@dataclass(frozen=True)
class LayerSpec:
    """One layer: what it is, which rows and fields it exposes, who sees it, how it looks.

    * `queryset`: a callable returning the base queryset (rows of the layer, any order).
    * `geometry`: the geometry field path (EPSG:4326); `id_field`: the feature id field.
    * `properties`: output name → field path ("settlement__katottg") or a Django
      expression, as in `layers.geojson`. Properties given as field paths are
      *queryable*: OGC items accept `?name=value` equality filters on them.
    * `property_titles`: output name → a (lazy) translated label for popups and tables;
      missing names fall back to the model field's verbose name, then to the name.
    * `value_labels`: output name → {stored value: (lazy) translated label}, for a
      property whose model field has no choices or whose choices' labels are not
      words (codes); otherwise the field's choices label the values.
    * `popup`: the properties shown in map popups, in order (default: every property).
    * `temporal`: a date/datetime field path for OGC `datetime` filters and the
      temporal extent; None when the layer has no time.
    * `data_date`: a callable returning the data's date, or a field path whose maximum
      is the date; None when unknown.
    * `min_zoom`/`max_zoom`: the zoom range where tiles carry the layer;
      `tile_feature_cap`: at most this many features in one tile;
      `tile_properties`: the properties put in tiles (default: `popup`; the label's
      properties are always added).
    * `label`: the text written on the web maps for each feature, or None.
    """

    id: str
    title_uk: str
    title_en: str
    queryset: Callable[[], QuerySet]
    geometry: str
    properties: Mapping[str, object]
    description: str = ""
    description_en: str = ""
    id_field: str = "pk"
    property_titles: Mapping[str, object] = field(default_factory=dict)
    value_labels: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    popup: tuple[str, ...] | None = None
    visibility: str = PUBLIC
    style: LayerStyle = field(default_factory=LayerStyle)
    source: str = ""
    source_en: str = ""
    data_date: Callable[[], date | datetime | None] | str | None = None
    temporal: str | None = None
    min_zoom: int = 0
    max_zoom: int = 22
    tile_feature_cap: int = 10_000
    tile_properties: tuple[str, ...] | None = None
    label: LayerLabel | None = None

    def __post_init__(self):
        # Read-only views: a spec is shared by every request and thread.
        object.__setattr__(self, "properties", MappingProxyType(dict(self.properties)))
        object.__setattr__(self, "property_titles", MappingProxyType(dict(self.property_titles)))
        labels = {name: MappingProxyType(dict(v)) for name, v in self.value_labels.items()}
        object.__setattr__(self, "value_labels", MappingProxyType(labels))

    @property
    def is_public(self) -> bool:
        return self.visibility == PUBLIC

    def title(self, language: str | None = None) -> str:
        """Return the title in `language` (default: the active one); Ukrainian first."""
        language = language or get_language() or "uk"
        return self.title_en if language.startswith("en") and self.title_en else self.title_uk

    def text(self, language: str | None = None) -> str:
        """Return the description in `language` (default: the active one)."""
        language = language or get_language() or "uk"
        if language.startswith("en") and self.description_en:
            return self.description_en
        return self.description

    def source_text(self, language: str | None = None) -> str:
        """Return the data source in `language` (default: the active one): the attribution
        of the web maps, TileJSON and OGC API; Ukrainian first."""
        language = language or get_language() or "uk"
        return self.source_en if language.startswith("en") and self.source_en else self.source

    def queryable(self) -> dict[str, str]:
        """Return {property name: field path} of the properties that accept filters."""
        return {name: expr for name, expr in self.properties.items() if isinstance(expr, str)}

    def popup_fields(self) -> tuple[str, ...]:
        return self.popup if self.popup is not None else tuple(self.properties)

    def tile_fields(self) -> tuple[str, ...]:
        fields = self.tile_properties if self.tile_properties is not None else self.popup_fields()
        extra = tuple(name for name in (self.label.fields() if self.label else ()) if name)
        # A popup titled by the Ukrainian name shows the English one on English pages.
        if "name_uk" in fields and "name_en" in self.properties:
            extra += ("name_en",)
        return tuple(dict.fromkeys(fields + extra))

    @cached_property
    def model(self):
        """The model the queryset reads (built once: a queryset costs ~0.3 ms to make)."""
        return self.queryset().model

    def model_field(self, path: str):
        """Return the model field at a `__` path from the queryset's model, or None."""
        model = self.model
        *relations, last = path.split("__")
        try:
            for name in relations:
                model = model._meta.get_field(name).related_model
            return model._meta.pk if last == "pk" else model._meta.get_field(last)
        except (FieldDoesNotExist, AttributeError):
            return None

    def property_title(self, name: str) -> str:
        """Return the label of a property: the registered title, else the field's name."""
        if name in self.property_titles:
            return str(self.property_titles[name])
        expr = self.properties.get(name)
        model_field = self.model_field(expr) if isinstance(expr, str) else None
        return str(model_field.verbose_name) if model_field is not None else name

    def geometry_type(self) -> str:
        """Return the geometry field's OGC type name: Point, MultiPolygon, LineString…"""
        geom_class = self.model_field(self.geometry).geom_class
        return geom_class.__name__ if geom_class else "Geometry"

    def latest_date(self) -> date | datetime | None:
        """Return the data date: the callable's answer or the maximum of the field."""
        if self.data_date is None:
            return None
        if callable(self.data_date):
            return self.data_date()
        return self.queryset().aggregate(latest=Max(self.data_date))["latest"]

    def property_choices(self, name: str) -> dict[str, str]:
        """Return {stored value: label in the active language} of a property with choices."""
        if name in self.value_labels:
            return {str(value): str(label) for value, label in self.value_labels[name].items()}
        expr = self.properties.get(name)
        model_field = self.model_field(expr) if isinstance(expr, str) else None
        choices = getattr(model_field, "flatchoices", None) or ()
        return {str(value): str(label) for value, label in choices}

    def legend(self, language: str | None = None) -> dict:
        """Return what a map legend and a popup need, as JSON-ready values.

        Popup fields and the style carry the labels of stored values (`choices`,
        `category_labels`) in `language` when the active one is not wanted.
        """
        # Built once per language: every part is a constant of the spec or of its model's
        # fields (the style document asks for every layer's legend on each map opened).
        key = language or get_language() or "uk"
        built = self._legends.get(key)
        if built is None:
            with override(language) if language else nullcontext():
                built = self._legends[key] = self._legend(language)
        # A copy, since callers may add to it; pickle copies plain data ~10x faster than deepcopy.
        return pickle.loads(pickle.dumps(built, pickle.HIGHEST_PROTOCOL))  # noqa: S301 (our own data)

    @cached_property
    def _legends(self) -> dict[str, dict]:
        return {}

    def _legend(self, language: str | None) -> dict:
        colour_by = self.style.colour_by
        return {
            "id": self.id,
            "title": self.title(language),
            "description": self.text(language),
            "geometry_type": self.geometry_type(),
            "style": {
                **self.style.as_dict(),
                "category_labels": self.property_choices(colour_by) if colour_by else {},
            },
            "popup": [
                {"name": n, "title": self.property_title(n), "choices": self.property_choices(n)}
                for n in self.popup_fields()
            ],
            "source": self.source_text(),
            "min_zoom": self.min_zoom,
            "max_zoom": self.max_zoom,
            "label": self.label.as_dict() if self.label else None,
        }


_LAYERS: dict[str, LayerSpec] = {}
# The JSON endpoints the web maps read, by a short name: name → URL name for reverse().
_ENDPOINTS: dict[str, str] = {}


def _check(spec: LayerSpec) -> None:
    """Raise ImproperlyConfigured when a spec cannot be served."""
    problems = []
    if not LAYER_ID.match(spec.id):
        problems.append("id must be lower-case letters, digits, '_' or '-'")
    if not spec.visibility:
        problems.append("visibility must be 'public', 'staff' or a group name")
    if spec.style.symbol not in SYMBOLS:
        problems.append(f"symbol must be one of {', '.join(SYMBOLS)}")
    if not 0 <= spec.min_zoom <= spec.max_zoom <= 22:
        problems.append("zoom range must satisfy 0 <= min_zoom <= max_zoom <= 22")
    if spec.tile_feature_cap < 1:
        problems.append("tile_feature_cap must be positive")
    bad_names = [name for name in spec.properties if not PROPERTY_NAME.match(name)]
    if bad_names:
        problems.append(f"property names must be identifiers: {bad_names}")
    unknown = set(spec.popup or ()) | set(spec.tile_properties or ())
    unknown |= set(spec.label.fields()) if spec.label else set()
    if unknown - set(spec.properties):
        problems.append(f"popup/tile/label properties not in properties: {sorted(unknown)}")
    unlabelled = (set(spec.property_titles) | set(spec.value_labels)) - set(spec.properties)
    if unlabelled:
        problems.append(f"titles/value labels of unknown properties: {sorted(unlabelled)}")
    if problems:
        raise ImproperlyConfigured(f"layer '{spec.id}': " + "; ".join(problems))


def register(spec: LayerSpec, *, replace: bool = False) -> LayerSpec:
    """Add a layer to the registry; ImproperlyConfigured on a bad spec or a taken id."""
    _check(spec)
    if spec.id in _LAYERS and not replace:
        raise ImproperlyConfigured(f"layer '{spec.id}' is already registered")
    _LAYERS[spec.id] = spec
    return spec


def unregister(layer_id: str) -> None:
    """Remove a layer (tests and app reloads); nothing happens when it is not there."""
    _LAYERS.pop(layer_id, None)


def get(layer_id: str) -> LayerSpec:
    """Return the layer with this id; KeyError when there is none."""
    return _LAYERS[layer_id]


def all_layers() -> list[LayerSpec]:
    """Return every registered layer in registration order, whoever may see it."""
    return list(_LAYERS.values())


def _group_names(user) -> frozenset[str]:
    # Cached on the user object: one query per request however many layers are checked.
    names = getattr(user, "_layer_group_names", None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        user._layer_group_names = names
    return names


def can_see(spec: LayerSpec, user) -> bool:
    """Tell whether `user` (possibly anonymous or None) may list and read the layer."""
    if spec.is_public:
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if spec.visibility == STAFF:
        return user.is_staff
    return spec.visibility in _group_names(user)


def visible_to(user) -> list[LayerSpec]:
    """Return the layers `user` may see, in registration order."""
    return [spec for spec in _LAYERS.values() if can_see(spec, user)]


def get_visible(layer_id: str, user) -> LayerSpec | None:
    """Return the layer when it exists and `user` may see it, else None (never tell which)."""
    spec = _LAYERS.get(layer_id)
    return spec if spec is not None and can_see(spec, user) else None


def register_endpoint(name: str, url_name: str) -> None:
    """Declare an API the web maps read ("reports" → "api:report_list"), for the style
    document's metadata, so that no script writes a URL of its own."""
    _ENDPOINTS[name] = url_name


def endpoints() -> dict[str, str]:
    """Return {name: URL name} of every declared endpoint."""
    return dict(_ENDPOINTS)

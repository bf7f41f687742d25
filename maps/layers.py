"""The downloadable map's layers, read from the layer registry (layers.registry).

Every registry layer the visitor may see becomes one `ExportLayer`: its features as a
GeoJSON FeatureCollection (at most `FEATURE_CAP` of them, so that the file stays a few
megabytes), its registry style, and its popup rows with titles and value labels in the
active language. Build layers inside a request (or `translation.override`).
"""

import json
from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import get_language

from layers import registry
from layers.geojson import feature_collection

# Features per layer in the file: enough for a community's villages, facilities and
# reports; the big layers (addresses, hexagons) are cut and the page says so.
FEATURE_CAP = 2000
# Popup value properties are written next to the raw ones (kept for the colours).
LABEL_PREFIX = "_label_"


@dataclass(frozen=True)
class PopupRow:
    """A popup row: the feature property holding the display text, and its title."""

    key: str
    title: str


@dataclass(frozen=True)
class ExportLayer:
    """A registry layer's features and looks, ready for the folium builder."""

    id: str
    title: str
    geometry_type: str
    data: dict
    style: dict
    popup: tuple[PopupRow, ...]
    total: int
    legend: dict

    @property
    def capped(self) -> bool:
        return self.total > len(self.data["features"])


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _popup_fields(spec: registry.LayerSpec) -> list[str]:
    """The popup's properties, the English name in place of the Ukrainian one in English."""
    fields = list(spec.popup_fields())
    if _english() and fields and fields[0] == "name_uk" and "name_en" in spec.properties:
        fields[0] = "name_en"
    return fields


def _read_fields(spec: registry.LayerSpec) -> dict:
    """The properties read from the database: the popup's and the ones picking colours."""
    names = set(_popup_fields(spec)) | set(spec.popup_fields())
    style = spec.style
    names |= {style.colour_by} if style.colour_by else set()
    names |= {style.ramp.property} if style.ramp else set()
    return {name: spec.properties[name] for name in spec.properties if name in names}


def _features(spec: registry.LayerSpec) -> tuple[dict, int]:
    """The layer's first FEATURE_CAP features and the layer's total count."""
    queryset = spec.queryset()
    total = queryset.count()
    text = feature_collection(
        queryset[:FEATURE_CAP],
        geometry=spec.geometry,
        properties=_read_fields(spec),
        id_field=spec.id_field,
    )
    return json.loads(text), total


def _popup(spec: registry.LayerSpec, legend: dict) -> tuple[PopupRow, ...]:
    titles = {row["name"]: row["title"] for row in legend["popup"]}
    titles.setdefault("name_en", titles.get("name_uk", "name"))
    return tuple(
        PopupRow(LABEL_PREFIX + name, capfirst(str(titles[name]))) for name in _popup_fields(spec)
    )


def _add_labels(data: dict, spec: registry.LayerSpec, legend: dict) -> None:
    """Write each popup value as display text: choices as words, missing values as "—"."""
    choices = {row["name"]: row["choices"] for row in legend["popup"]}
    for feature in data["features"]:
        properties = feature["properties"]
        for name in _popup_fields(spec):
            value = properties.get(name)
            text = "—" if value in (None, "") else str(value)
            properties[LABEL_PREFIX + name] = choices.get(name, {}).get(text, text)


def export_layer(spec: registry.LayerSpec) -> ExportLayer:
    legend = spec.legend()
    data, total = _features(spec)
    _add_labels(data, spec, legend)
    return ExportLayer(
        id=spec.id,
        title=spec.title(),
        geometry_type=legend["geometry_type"],
        data=data,
        style=legend["style"],
        popup=_popup(spec, legend),
        total=total,
        legend=legend,
    )


def export_layers(user) -> list[ExportLayer]:
    """The layers `user` may see, in registry order (bottom to top), empty ones left out."""
    layers = [export_layer(spec) for spec in registry.visible_to(user)]
    return [layer for layer in layers if layer.data["features"]]

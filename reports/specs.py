"""The public "reports" layer in the layer registry (OGC API - Features, vector tiles, maps).

Only public reports, and only properties without contact data (DESIGN.md §7).
"""

from django.utils.translation import gettext_lazy as _

from layers import registry
from layers.registry import LayerSpec, LayerStyle
from reports.models import Report

# Colours of the statuses, the same as reports/static/reports/reports.css.
STATUS_COLOURS = (
    ("new", "#d73027"),
    ("acknowledged", "#f46d43"),
    ("in_progress", "#e6ab02"),
    ("fixed", "#1a9850"),
    ("closed_not_fixed", "#762a83"),
    ("duplicate", "#8c8c8c"),
    ("not_responsible", "#4575b4"),
)
LAYER_PROPERTIES = (
    "number",
    "category_code",
    "category_name",
    "status",
    "open311_status",
    "settlement_katottg",
    "settlement_name",
    "address",
    "summary",
    "supporters",
    "created_at",
    "url",
)


def _public_reports():
    return Report.objects.public()


# The visitor's own position, once the browser has told it.
LOCATED = LayerStyle(
    colour="#0057b7", outline_colour="#0057b7", line_width=3, fill_opacity=0.6, radius=8
)
# A cluster of reports on /map/: a dark circle, its count written in the outline colour.
CLUSTER = LayerStyle(
    colour="#37474f", outline_colour="#ffffff", line_width=2, fill_opacity=0.85, radius=14
)
ENDPOINTS = {
    "reports": "api:report_list",
    "reports-nearby": "api:report_nearby",
    # The offline form: the categories it keeps, where its drafts are sent.
    "reports-categories": "api:category_list",
    "reports-create": "api:report_create",
}


def register_reports_layer() -> None:
    from reports.selectors import REPORT_PROPERTIES

    registry.register_marker("located", LOCATED)
    registry.register_marker("report-cluster", CLUSTER)
    for name, url_name in ENDPOINTS.items():
        registry.register_endpoint(name, url_name)

    registry.register(
        LayerSpec(
            id="reports",
            title_uk="Звернення про проблеми",
            title_en="Problem reports",
            description="Публічні звернення мешканців: ями, освітлення, сміття, зв'язок…",
            description_en="Residents' public problem reports.",
            queryset=_public_reports,
            geometry="location",
            id_field="number",
            properties={name: REPORT_PROPERTIES[name] for name in LAYER_PROPERTIES},
            property_titles={
                "category_name": _("category"),
                "supporters": _("“me too”"),
                "summary": _("summary"),
                "settlement_name": _("settlement"),
                "open311_status": _("Open311 status"),
                "url": _("link"),
            },
            popup=("number", "category_name", "status", "settlement_name", "summary"),
            style=LayerStyle(
                colour="#d73027",
                symbol="circle",
                radius=6,
                line_width=1,
                colour_by="status",
                categories=STATUS_COLOURS,
            ),
            source="Звернення мешканців Дмитрівської громади",
            source_en="Residents' reports, Dmytrivska community",
            temporal="created_at",
        ),
        replace=True,
    )

"""The landing page's overview map: which registry layers it shows, toggles and hides.

The map itself is drawn in the browser by layers/static/layers/map.js (HromadaMap) from
the one style document; this module only says, per visitor, what the page asks of it.
"""

import json

from layers import registry
from layers.basemap.selectors import basemap_attribution, basemap_browser_url

# Listed among the toggles but off when the map opens: they would cover the villages.
HIDDEN_BY_DEFAULT = ("coverage-areas", "coverage-hexagons", "coverage-gaps", "coverage-challenges")


def overview_config(user) -> str:
    """Return the overview map's options (JSON for the page's data-config).

    `toggles`: every registry layer `user` may see; `hidden`: those of them off at first.
    """
    visible = [spec.id for spec in registry.visible_to(user)]
    return json.dumps(
        {
            "toggles": visible,
            "hidden": [layer for layer in HIDDEN_BY_DEFAULT if layer in visible],
            "basemapUrl": basemap_browser_url(),
            "basemapAttribution": basemap_attribution(),
        }
    )

"""One printed map sheet: validate the options, read the layers, draw, return PDF bytes.

Nothing here writes to the database; the council pack (pack.py) builds on it.
"""

import io
from collections.abc import Callable
from dataclasses import replace

from django.utils.translation import ngettext

from layers import registry
from layers.models import Territory
from layers.registry import LayerSpec
from maps.printing import data, furniture
from maps.printing.document import Document, rendering, today
from maps.printing.georef import Frame, georeference
from maps.printing.keys import key_chunks, key_page
from maps.printing.options import (
    DEFAULT_LAYERS,
    DEFAULT_VILLAGE_LAYERS,
    PrintError,
    PrintOptions,
    options_check,
)
from maps.printing.page import Page
from maps.printing.render import MapJob, map_page

Progress = Callable[[str], None]
# The caller is the command line, an operator of the server: every layer is printable.
SYSTEM = object()
# The preview on /maps/print/: enough to judge the layout, quick to draw and to send.
PREVIEW_DPI = 40


def print_layers(user) -> list[LayerSpec]:
    """Return the registry's layers `user` may print (SYSTEM: all), in registry order."""
    return registry.all_layers() if user is SYSTEM else registry.visible_to(user)


def print_layer(layer_id: str, user) -> LayerSpec | None:
    """Return the layer with this id when `user` may print it, else None."""
    return next((spec for spec in print_layers(user) if spec.id == layer_id), None)


def default_layers(user, extent_kind: str = "territory") -> tuple[str, ...]:
    """Return the default layers of an extent kind that exist and `user` may print."""
    printable = {spec.id for spec in print_layers(user)}
    wanted = DEFAULT_LAYERS if extent_kind == "territory" else DEFAULT_VILLAGE_LAYERS
    return tuple(layer for layer in wanted if layer in printable)


def layers_resolve(layer_ids, user) -> list:
    """Return the printable LayerSpecs for the ids; PrintError naming the unknown ones
    (a layer the user may not see is unknown to them)."""
    specs, unknown = [], []
    for layer_id in dict.fromkeys(layer_ids):
        spec = print_layer(layer_id, user)
        (specs if spec else unknown).append(spec or layer_id)
    if unknown:
        message = ngettext(
            "Unknown layer: %(layers)s.", "Unknown layers: %(layers)s.", len(unknown)
        )
        raise PrintError(message % {"layers": ", ".join(unknown)}, code="unknown_layer")
    return specs


def community_name() -> str:
    territory = Territory.objects.order_by("pk").first()
    return territory.name_uk if territory else ""


# Ukrainian abbreviations of the settlement kinds before a name: "с. Іванківці".
KIND_PREFIX = {"village": "с.", "rural_settlement": "с-ще", "urban_settlement": "смт", "city": "м."}


def village_title(village) -> str:
    """Return a settlement's name as maps write it: "с. Іванківці"."""
    return f"{KIND_PREFIX.get(village.kind, '')} {village.name_uk}".strip()


def default_title(area: data.Area) -> str:
    if area.village is not None:
        return village_title(area.village)
    return community_name() or "Карта громади"


# Layers every map has: a subtitle names the others.
BASE_LAYERS = ("territory", "settlements", "streets", "addresses")


def default_subtitle(specs: list[LayerSpec]) -> str:
    """Return "Покриття інтернетом, комунальні заклади, …": the thematic layers shown."""
    names = [s.title_uk for s in specs if s.id not in BASE_LAYERS] or [s.title_uk for s in specs]
    # Lower-case the later titles' first letter unless it starts an acronym (ЦНАП).
    later = [n[:1].lower() + n[1:] if n[1:2].islower() else n for n in names[1:]]
    return ", ".join(names[:1] + later)


def map_prepare(
    options: PrintOptions, user, *, layout: str = "map", shared: dict | None = None
) -> MapJob:
    """Validate the options for `user` and read everything the page draws.

    `shared` (a dict the caller keeps across the pages of one document) holds the reads
    every page of it has in common: the inset's outlines and the layers' data date are
    then read once per council pack, not once per village.

    PrintError for a bad paper or orientation, an unknown layer or village, an empty
    extent or an extent without any part of the territory.
    """
    shared = {} if shared is None else shared
    layer_ids = options.layers or default_layers(user, options.extent.kind)
    options_check(
        paper=options.paper,
        orientation=options.orientation,
        layers=layer_ids,
        title=options.title,
        subtitle=options.subtitle,
    )
    specs = layers_resolve(layer_ids, user)
    area = data.area_resolve(options.extent)
    box = Page(*options.page_mm).box(layout, "map")
    bounds, scale = furniture.fit_extent(area.bounds, (box[2], box[3]))
    filters = {}
    for layer, path, values in options.filters:
        filters.setdefault(layer, []).append((path, values))
    frames = {s.id: data.layer_read(s, bounds, filters.get(s.id, ())) for s in specs}
    labelled = next((s for s in specs if s.id in data.LABEL_BY), specs[0])
    labels = data.labels_read(labelled, bounds)
    return MapJob(
        options=options,
        specs=specs,
        area=area,
        bounds=bounds,
        scale=scale,
        frames=frames,
        labels=labels,
        context=_once(shared, "context", lambda: data.context_read(bounds)),
        map_date=options.map_date or today(),
        data_date=_once(shared, ("data_date", *layer_ids), lambda: data.data_date(specs)),
        title=options.title or default_title(area),
        subtitle=options.subtitle or default_subtitle(specs),
        layout=layout,
        srid=data.metric_srid(),
    )


def _once(shared: dict, key, read: Callable):
    if key not in shared:
        shared[key] = read()
    return shared[key]


def map_frame(job: MapJob, page: Page, index: int) -> Frame:
    """Return the georeferencing of a job's map frame on page `index` (0-based)."""
    return Frame(index, page.box(job.layout, "map"), job.bounds, job.srid)


def map_frames(job: MapJob, page: Page, index: int) -> list[Frame]:
    """Return the georeferencing of every frame of a drawn map page on page `index`
    (0-based): the map, then the locator inset (both in the job's metric CRS). GDAL reads the
    largest, the map; a PDF viewer with GeoPDF support measures in either."""
    frames = [map_frame(job, page, index)]
    if job.inset is not None:
        box, bounds = job.inset
        frames.append(Frame(index, box, bounds, job.srid, name="inset"))
    return frames


def map_pdf(options: PrintOptions, user, *, progress: Progress | None = None) -> bytes:
    """Return the georeferenced PDF (bytes) of one map page; see map_prepare for the errors."""
    progress = progress or (lambda step: None)
    with data.srid_fixed():
        options = orientation_resolve(options)
        job = map_prepare(options, user)
    progress("read")
    with Document(job.title, grayscale=options.grayscale) as document:
        page = document.page(*options.page_mm)
        # The page count is known once the map is labelled: the numbered list follows
        # when anything was numbered.
        map_page(page, job, 1, None)
        progress("drawn")
        chunks = key_chunks(page, job)
        document.add(page)
        for part, rows in enumerate(chunks):
            # A long list goes on over several pages, each under its own header row.
            page = document.page(*options.page_mm)
            key_page(page, job, 2 + part, 1 + len(chunks), rows, part)
            document.add(page)
    progress("written")
    return georeference(document.pdf, map_frames(job, page, 0))


def map_png(options: PrintOptions, user, *, dpi: int = PREVIEW_DPI) -> bytes:
    """Return a PNG preview of the page `map_pdf` prints, drawn by the same code at
    `dpi` (dots per inch; 40 makes an A4 page 331 × 468 px)."""
    with data.srid_fixed():
        options = orientation_resolve(options)
        job = map_prepare(options, user)
    with rendering():
        page = Page(*options.page_mm)
        map_page(page, job, 1, 1)
        buffer = io.BytesIO()
        page.figure.savefig(buffer, format="png", dpi=dpi)
        page.figure.clear()
    return buffer.getvalue()


def sheet_check(options: PrintOptions, user) -> PrintOptions:
    """Return the options with their orientation resolved, after the checks map_prepare
    makes (paper, orientation, layers, village, extent) but without reading the layers:
    the page shows a bad option before it asks for a preview. PrintError as map_prepare."""
    options = orientation_resolve(options)
    layer_ids = options.layers or default_layers(user, options.extent.kind)
    options_check(
        paper=options.paper,
        orientation=options.orientation,
        layers=layer_ids,
        title=options.title,
        subtitle=options.subtitle,
    )
    layers_resolve(layer_ids, user)
    data.area_resolve(options.extent)
    return options


def sheet_place(options: PrintOptions) -> str:
    """Return what a sheet shows, for its file name: the village's Ukrainian name,
    "territory" or "area" (a drawn extent); PrintError for an unknown village."""
    if options.extent.kind == "village":
        return data.village_find(options.extent.village).name_uk
    return "area" if options.extent.kind == "bbox" else "territory"


def orientation_resolve(options: PrintOptions) -> PrintOptions:
    """Return the options with orientation "auto" replaced by the one the extent fits:
    landscape when the extent is wider than tall, else portrait. PrintError as map_prepare
    for an unknown village or an empty extent."""
    if options.orientation != "auto":
        return options
    minx, miny, maxx, maxy = data.area_resolve(options.extent).bounds
    orientation = "landscape" if (maxx - minx) > (maxy - miny) else "portrait"
    return replace(options, orientation=orientation)

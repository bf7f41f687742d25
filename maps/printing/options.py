"""What a printed map is asked for: paper, orientation, extent, layers, titles.

Options are validated before any drawing; every bad option raises PrintError (an
InvalidInput, 400) with a message a member of staff can act on.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from core.errors import InvalidInput

# ISO 216 paper sizes, millimetres (width, height) in portrait.
PAPERS_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
ORIENTATIONS = ("portrait", "landscape")
EXTENT_KINDS = ("territory", "village", "bbox")
DEFAULT_LAYERS = (
    "territory",
    "settlements",
    "coverage-areas",
    "coverage-gaps",
    "wifi-hotspots",
    "facilities",
    "reports",
)
# A village is large enough on paper for its streets and houses.
DEFAULT_VILLAGE_LAYERS = DEFAULT_LAYERS[:2] + ("streets", "addresses") + DEFAULT_LAYERS[2:]
TITLE_MAX_CHARS = 120
_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_BBOX = re.compile(rf"^\s*({_NUMBER})\s*,\s*({_NUMBER})\s*,\s*({_NUMBER})\s*,\s*({_NUMBER})\s*$")


class PrintError(InvalidInput):
    """An option of a printed map is wrong: unknown layer or village, bad paper, empty extent."""

    code = "invalid_print_option"


@dataclass(frozen=True)
class Extent:
    """The area a map shows: the whole territory, one village (by KATOTTG code or name),
    or a bbox (west, south, east, north) in degrees, EPSG:4326."""

    kind: str = "territory"
    village: str = ""
    bbox: tuple[float, float, float, float] | None = None

    def __str__(self) -> str:
        if self.kind == "village":
            return f"village:{self.village}"
        if self.kind == "bbox":
            return "bbox:" + ",".join(f"{v:g}" for v in self.bbox)
        return "territory"


@dataclass(frozen=True)
class PrintOptions:
    """One printed map. `map_date` is the date printed as the map's date (default: today,
    or the day of SOURCE_DATE_EPOCH). `filters` narrow a layer's rows:
    {layer id: {field path: allowed values}} (the atlas shows only open reports)."""

    paper: str = "A4"
    orientation: str = "portrait"
    extent: Extent = field(default_factory=Extent)
    layers: tuple[str, ...] = ()  # empty: DEFAULT_LAYERS the user may print
    title: str = ""
    subtitle: str = ""
    map_date: date | None = None
    filters: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    # Print in greys: classes are then told apart by hatch and marker shape.
    grayscale: bool = False

    @property
    def page_mm(self) -> tuple[float, float]:
        """Return the page (width, height) in millimetres."""
        width, height = PAPERS_MM[self.paper]
        return (height, width) if self.orientation == "landscape" else (width, height)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """Parse "west,south,east,north" in degrees; PrintError when malformed or empty."""
    match = _BBOX.match(text or "")
    if not match:
        raise PrintError(
            _("The bbox must be four numbers: west,south,east,north in degrees (EPSG:4326)."),
            code="bad_bbox",
        )
    west, south, east, north = (float(value) for value in match.groups())
    lons_ok = -180 <= west <= 180 and -180 <= east <= 180
    if not (lons_ok and -90 <= south <= 90 and -90 <= north <= 90):
        raise PrintError(
            _("The bbox is outside longitude −180…180, latitude −90…90."), code="bad_bbox"
        )
    if east <= west or north <= south:
        raise PrintError(
            _("The extent is empty: east must be greater than west and north than south."),
            code="empty_extent",
        )
    return west, south, east, north


def parse_extent(text: str) -> Extent:
    """Parse "territory", "village:<KATOTTG code or name>" or "bbox:w,s,e,n"."""
    kind, _colon, rest = (text or "territory").strip().partition(":")
    kind = kind.strip().lower()
    if kind == "territory" and not rest:
        return Extent()
    if kind == "village" and rest.strip():
        return Extent(kind="village", village=rest.strip())
    if kind == "bbox":
        return Extent(kind="bbox", bbox=parse_bbox(rest))
    raise PrintError(
        _("The extent must be 'territory', 'village:<code or name>' or 'bbox:w,s,e,n'."),
        code="bad_extent",
    )


def options_check(
    *, paper: str, orientation: str, layers: tuple[str, ...], title: str = "", subtitle: str = ""
) -> None:
    """Raise PrintError for a paper, orientation or text the renderer cannot print; its
    message is in the active language (the print page and the pack endpoint show it)."""
    if paper not in PAPERS_MM:
        raise PrintError(
            _("Paper %(paper)r is not supported; choose A4 or A3.") % {"paper": paper},
            code="bad_paper",
        )
    if orientation not in ORIENTATIONS:
        raise PrintError(_("Orientation must be portrait or landscape."), code="bad_orientation")
    if not layers:
        raise PrintError(_("Choose at least one layer."), code="no_layers")
    if len(title) > TITLE_MAX_CHARS or len(subtitle) > 2 * TITLE_MAX_CHARS:
        raise PrintError(
            _("The title is longer than %(count)d characters.") % {"count": TITLE_MAX_CHARS},
            code="long_title",
        )

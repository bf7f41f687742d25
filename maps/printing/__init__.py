"""Printed maps (PDF) for council sessions: one map, or the council pack of every village.

from maps import printing
pdf = printing.map_pdf(printing.PrintOptions(paper="A3", ...), request.user)
"""

from maps.printing.options import (
    DEFAULT_LAYERS,
    ORIENTATIONS,
    PAPERS_MM,
    Extent,
    PrintError,
    PrintOptions,
    parse_extent,
)
from maps.printing.sheet import (
    SYSTEM,
    default_layers,
    map_pdf,
    map_png,
    orientation_resolve,
    print_layers,
    sheet_check,
    sheet_place,
)

__all__ = [
    "DEFAULT_LAYERS",
    "ORIENTATIONS",
    "PAPERS_MM",
    "SYSTEM",
    "default_layers",
    "Extent",
    "PrintError",
    "PrintOptions",
    "map_pdf",
    "map_png",
    "orientation_resolve",
    "sheet_check",
    "sheet_place",
    "parse_extent",
    "print_layers",
]

"""The engine's own words about files, in gettext; a kind may reword or silence any.

A phrase is a %-format template; None means "say nothing" (for notes).
"""

from django.utils.translation import gettext_lazy as _

PHRASES = {
    # the file cannot be read at all: InvalidInput
    "no_file": _("No such file: %(path)s."),
    "empty": _("The file %(name)s is empty."),
    "binary": _("The file is not a text CSV file (it holds binary data)."),
    "unknown_format": _("Cannot import '%(name)s': use one of %(known)s."),
    "unreadable": _("Cannot read %(name)s: %(error)s"),
    "malformed_csv": _("Malformed CSV: %(error)s."),
    "no_coordinates": _("no coordinate columns (lon/lat or wkt): rows without points"),
    "encoding_unknown": _(
        "The text of %(name)s does not read as Ukrainian in UTF-8, Windows-1251, KOI8-U "
        "or the DOS code pages, so it would import garbled; nothing was read. If you know "
        "its encoding, give it (--encoding)."
    ),
    "encoding_wrong": _("%(name)s cannot be read as %(encoding)s: %(error)s."),
    "conflict": _("The data changed while importing; nothing was written (%(error)s)."),
    # notes about the file
    "no_crs": _("the file has no CRS: EPSG:4326 (lon/lat) assumed"),
    "reprojected": _("reprojected from %(crs)s to EPSG:4326"),
    "csv_crs": _("CSV coordinates read as EPSG:4326 (lon, lat)"),
    "csv_reprojected": _("CSV coordinates reprojected from EPSG:%(srid)s to EPSG:4326"),
    "encoding": _("encoding: %(encoding)s (not UTF-8)"),
    "encoding_given": _("encoding: %(encoding)s (as given)"),
    "delimiter": _("CSV delimiter: '%(delimiter)s'"),
    "unknown_columns": None,
    "reader_warning": None,
    # one row
    "field_count": _("expected %(expected)d fields, found %(found)d"),
    "not_numbers": _("not numbers: '%(x)s', '%(y)s'"),
    "not_finite": _("coordinates must be finite numbers"),
    "bad_wkt": _("unreadable WKT: %(error)s"),
}

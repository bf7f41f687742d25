"""The planners' downloads as files: the connection plan (CSV or an Excel workbook) and a
chart's numbers (CSV), named after the community and the snapshot's date.

CSV is UTF-8 with a byte-order mark, so that Excel shows Cyrillic; the headers are in
the request's language (gettext at call time).
"""

import csv
import io

from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.translit import to_latin

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filename(stem: str, ext: str, snapshot) -> str:
    """Return the download's file name: the community's Latin name without its kind
    ("dmytrivska-connection-plan-2026-12-05.csv"), from the snapshot's results."""
    territory = snapshot.results["territory"]
    name = territory.get("name_en") or to_latin(territory.get("name_uk") or "hromada")
    words = [w for w in slugify(name).split("-") if w not in ("rural", "territorial", "community")]
    return f"{'-'.join(words) or 'hromada'}-{stem}-{snapshot.as_of:%Y-%m-%d}.{ext}"


def csv_text(headers: list[str], rows: list[list]) -> str:
    """Return the table as CSV text, starting with the byte-order mark."""
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 with a byte-order mark as UTF-8
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def xlsx_bytes(title: str, headers: list[str], rows: list[list]) -> bytes:
    """Return the table as an Excel workbook of one sheet named `title` (cut to Excel's
    31 characters), its header row in bold."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.column_dimensions["B"].width = 20
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def village_chart_table(villages: list[dict]) -> tuple[list[str], list[list]]:
    """Return the headers and rows of the villages chart (shares in %, one decimal)."""
    headers = [
        _("Village"),
        _("KATOTTG code"),
        _("Served by fixed broadband, %"),
        _("Can get fibre, %"),
        _("Households without fixed broadband"),
    ]
    rows = [
        [
            r["name"],
            r["katottg"],
            round(r["served_pct"], 1),
            round(r["fibre_pct"], 1),
            r["households_unserved"],
        ]
        for r in villages
    ]
    return headers, rows


def progress_chart_table(rows: list[list]) -> tuple[list[str], list[list]]:
    """Return the headers and rows of the progress chart (the strategy's indicators)."""
    return [_("Indicator"), _("Year"), _("Actual"), _("Target")], rows

"""The council pack's page of the residents' problem reports: a table by category (rows)
and status (columns) with totals, and how many are open."""

from django.db.models import Count, Max
from django.utils import timezone, translation

from maps.printing import tables
from maps.printing.page import INK, Page, footer_lines, uk_sort_key
from maps.printing.sheet import print_layer
from maps.printing.tables import Cell
from reports import states
from reports.states import Status

# Open states in their life-cycle order (new, acknowledged, in progress).
OPEN_STATUSES = tuple(status.value for status in Status if status in states.OPEN_STATUSES)


def _report_counts(spec) -> tuple[list, list, dict]:
    rows = spec.queryset().order_by().values("category__name_uk", "status").annotate(n=Count("pk"))
    counts = {(r["category__name_uk"], r["status"]): r["n"] for r in rows}
    categories = sorted({c for c, _ in counts}, key=uk_sort_key)
    statuses = [value for value, _ in spec.style.categories if any(s == value for _, s in counts)]
    return categories, statuses, counts


def _status_labels(spec) -> dict[str, str]:
    from maps.printing.style import category_labels

    with translation.override("uk"):
        return category_labels(spec, "status")


def summary_page(page: Page, user, number: int, total: int, map_date) -> None:
    """Draw the problem reports by category (rows) and status (columns), with totals."""
    s = page.scale
    page.header("Звернення мешканців про проблеми", "За категоріями та станом розгляду")
    spec = print_layer("reports", user)
    y = page.height_mm - 34 * s
    if spec is None:
        page.text(10 * s, y, "Шар звернень недоступний.", 10, va="top")
        page.footer([], number, total)
        return
    categories, statuses, counts = _report_counts(spec)
    labels = _status_labels(spec)
    header = ["Категорія", *[labels.get(v, v) for v in statuses], "Усього"]
    rows = []
    for category in categories:
        values = [counts.get((category, v), 0) for v in statuses]
        rows.append([category, *[Cell(str(n), align="right") for n in values],
                     Cell(str(sum(values)), align="right", weight="bold")])  # fmt: skip
    totals = [sum(counts.get((c, v), 0) for c in categories) for v in statuses]
    rows.append([Cell("Усього", weight="bold"),
                 *[Cell(str(n), align="right", weight="bold") for n in totals],
                 Cell(str(sum(totals)), align="right", weight="bold")])  # fmt: skip
    share = 0.70 / max(len(statuses) + 1, 1)
    box = (10 * s, 30 * s, page.width_mm - 20 * s, y - 30 * s)
    used = tables.table(page, box, header, rows, [0.30] + [share] * (len(statuses) + 1), size=7.5)
    _open_note(page, y - used - 8 * s, totals, statuses)
    latest = spec.queryset().aggregate(latest=Max("created_at"))["latest"]
    page.footer(footer_lines(scale_text="", sources=[spec.source] if spec.source else [],
                             map_date=map_date, data_date=latest and timezone.localdate(latest)),
                number, total)  # fmt: skip


def _open_note(page: Page, y: float, totals, statuses) -> None:
    open_total = sum(n for n, v in zip(totals, statuses, strict=True) if v in OPEN_STATUSES)
    text = f"Відкритих звернень (нові, прийняті, у роботі): {open_total} з {sum(totals)}."
    page.text(10 * page.scale, y, text, 9, va="top", color=INK)

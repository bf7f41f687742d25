"""The council pack: one PDF with a cover (the strategy's indicators against its targets),
an overview coverage map, one atlas page per village (by name) and a page of the problem
reports by category and status."""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from coverage.models import CoverageSnapshot
from coverage.selectors import targets_table
from layers.models import Settlement
from maps.printing import tables
from maps.printing.data import srid_fixed
from maps.printing.document import Document, today
from maps.printing.georef import georeference
from maps.printing.keys import (
    KEY_CONTINUED,
    KEY_HEADER,
    KEY_WIDTHS,
    KeyHeading,
    key_box,
    key_rows,
    list_chunks,
)
from maps.printing.options import Extent, PrintOptions, options_check
from maps.printing.page import MUTED, Page, footer_lines, mm_date, thousands, uk_sort_key
from maps.printing.parallel import render_pages
from maps.printing.render import map_page, numbered_keys
from maps.printing.sheet import (
    community_name,
    map_frames,
    map_prepare,
    print_layer,
    print_layers,
    village_title,
)
from maps.printing.summary import OPEN_STATUSES, summary_page
from maps.printing.tables import Cell

OVERVIEW_LAYERS = (
    "territory", "settlements", "coverage-areas", "coverage-gaps", "wifi-hotspots", "facilities",
)  # fmt: skip
ATLAS_LAYERS = (
    "territory", "settlements", "streets", "addresses", "coverage-areas", "coverage-gaps",
    "wifi-hotspots", "facilities", "reports",
)  # fmt: skip
# The strategy's indicators as the council reads them.
INDICATORS_UK = {
    "territory_coverage_pct": "Покриття території інтернетом, %",
    "villages_connected_pct": "Населені пункти з фіксованим швидкісним інтернетом, %",
    "priority_villages_connected": "Макариха і Цибулеве на швидкісному інтернеті (з 2)",
    "facilities_high_speed_pct": "Комунальні заклади на швидкісному інтернеті, %",
    "new_wifi_zones": "Нові зони Free Wi-Fi з 2020 року",
    "e_appeals_pct": "Звернення, подані в електронній формі, %",
}
COVER_SOURCE = (
    "розрахунок покриття Hromada GIS за даними провайдерів і громади; "
    "цілі — ІТ-стратегія громади на 2020–2022 роки"
)
GREEN, RED = "#1a7837", "#b2182b"
Progress = Callable[[str], None]


def villages_sorted() -> list[Settlement]:
    return sorted(Settlement.objects.all(), key=lambda s: (uk_sort_key(s.name_uk), s.katottg))


def _printable(layer_ids, user) -> tuple[str, ...]:
    return tuple(layer for layer in layer_ids if print_layer(layer, user))


def _number(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}".replace(".", ",") if digits else thousands(value)


# --- cover ---------------------------------------------------------------------------------


def _target_rows() -> list[list]:
    rows = []
    order = list(INDICATORS_UK)
    targets = sorted(
        targets_table(),
        key=lambda r: (order.index(r["indicator"]) if r["indicator"] in order else 99, r["year"]),
    )
    for row in targets:
        sign = "> " if row["comparison"] == "gt" else "≥ "
        digits = 1 if row["indicator"].endswith("_pct") else 0
        met = row["met"]
        status = Cell(
            "немає даних" if met is None else ("виконано" if met else "не виконано"),
            colour=MUTED if met is None else (GREEN if met else RED),
            weight="bold",
        )
        rows.append([
            INDICATORS_UK.get(row["indicator"], row["label"]), str(row["year"]),
            Cell(sign + _number(row["target"], digits if row["target"] % 1 else 0), align="right"),
            Cell(_number(row["actual"], digits), align="right"), status,
        ])  # fmt: skip
    return rows


def _key_figures(snapshot) -> list[tuple[str, str]]:
    if snapshot is None:
        return [("Покриття ще не розраховано", "—")]
    r = snapshot.results
    any_ = r["territory"]["groups"]["any"]
    return [
        ("Територія з будь-яким інтернетом", f"{_number(any_['covered']['area_pct'], 1)} %"),
        ("Домогосподарства з інтернетом ≥ 100/20 Мбіт/с",
         f"{_number(any_['served']['households_pct'], 1)} %"),
        ("Населені пункти з фіксованим швидкісним інтернетом",
         f"{r['villages']['connected']} з {r['villages']['total']}"),
        ("Комунальні заклади на швидкісному інтернеті",
         f"{_number(r['territory']['facilities']['high_speed_pct'], 1)} %"),
        ("Зони Free Wi-Fi", str(r["wifi_zones"].get("open", "—"))),
    ]  # fmt: skip


def cover_page(page: Page, snapshot, number: int, total: int, map_date) -> None:
    """Draw the cover: title, the key figures and the strategy's targets table."""
    s = page.scale
    page.header("Звіт про виконання ІТ-стратегії громади", community_name())
    as_of = mm_date(snapshot.as_of) if snapshot else "—"
    page.text(10 * s, page.height_mm - 40 * s, f"Покриття інтернетом станом на {as_of}", 11,
              va="top", weight="bold")  # fmt: skip
    y = page.height_mm - 50 * s
    for label, value in _key_figures(snapshot):
        page.text(14 * s, y, label, 9, va="top")
        page.text(page.width_mm - 14 * s, y, value, 9, va="top", ha="right", weight="bold")
        y -= 6 * s
    y -= 6 * s
    page.text(10 * s, y, "Показники стратегії та цілі", 11, va="top", weight="bold")
    box = (10 * s, 30 * s, page.width_mm - 20 * s, y - 36 * s)
    header = ["Показник", "Рік", "Ціль", "Факт", "Стан"]
    tables.table(page, box, header, _target_rows(), [0.50, 0.08, 0.12, 0.12, 0.18], size=8)
    lines = footer_lines(
        scale_text="",
        sources=[COVER_SOURCE],
        map_date=map_date,
        data_date=snapshot.as_of if snapshot else None,
    )
    page.footer(lines, number, total)


# --- atlas pages --------------------------------------------------------------------------


def _village_rows(figures: dict | None, open_reports: int | None, village) -> list[list]:
    def n(value):
        return Cell(_number(value), align="right")

    rows = [["Населення", n(village.population)]]
    if figures:
        households = figures["groups"]["any"]
        rows += [
            ["Домогосподарства, усього", n(figures.get("households_total"))],
            ["забезпечені (≥ 100/20 Мбіт/с)", n(households["served"]["households"])],
            ["з повільним інтернетом", n(households["underserved"]["households"])],
            ["не забезпечені", n(households["unserved"]["households"])],
            ["Заклади: усього / з високошвидкісним",
             Cell(f"{figures['facilities']['total']} / {figures['facilities']['high_speed']}",
                  align="right")],
        ]  # fmt: skip
    if open_reports is not None:
        rows.append(["Відкриті звернення", n(open_reports)])
    return rows


def village_table(page: Page, box, snapshot, village, open_reports) -> None:
    figures = None
    if snapshot is not None:
        figures = next(
            (v for v in snapshot.results["settlements"] if v["katottg"] == village.katottg), None
        )
    rows = _village_rows(figures, open_reports, village)
    tables.table(page, box, [village.name_uk, "кількість"], rows, [0.72, 0.28], size=7)


def _open_reports(user, village) -> int | None:
    spec = print_layer("reports", user)
    if spec is None:
        return None
    return spec.queryset().filter(settlement=village, status__in=OPEN_STATUSES).count()


def atlas_job(user, village, *, paper, map_date, ordinal: int, count: int,
              shared: dict | None = None):  # fmt: skip
    """Read a village's atlas map (open reports only): its MapJob. `ordinal` of `count`
    villages; `shared`: see map_prepare."""
    options = PrintOptions(
        paper=paper,
        extent=Extent(kind="village", village=village.katottg),
        layers=_printable(ATLAS_LAYERS, user),
        title=village_title(village),
        subtitle=f"Атлас громади: покриття інтернетом, заклади, відкриті звернення · "
        f"{ordinal} з {count}",
        map_date=map_date,
        filters=(("reports", "status", OPEN_STATUSES),),
    )
    return map_prepare(options, user, layout="atlas", shared=shared)


def atlas_page(page: Page, user, village, job, *, snapshot, number: int, total: int) -> None:
    """Draw a village's atlas page: its map (`job`, see atlas_job) and its table."""
    map_page(page, job, number, total)
    village_table(page, page.box("atlas", "table"), snapshot, village, _open_reports(user, village))


# --- the numbered lists ---------------------------------------------------------------


def key_sections(sheets: list[tuple[int, object]], page: Page) -> list[list]:
    """Return the rows of the pack's numbered lists: for each map (its page number and
    MapJob) that numbers anything, a heading row naming the map and its page, then its
    facilities and reports (render.key_rows), placed or not."""
    rows = []
    for number, job in sheets:
        keys = key_rows(job, numbered_keys(job, page))
        if keys:
            heading = KeyHeading(f"{job.title}, сторінка {number}", weight="bold", page=number)
            rows += [["", heading, ""], *keys]
    return rows


KEYS_TITLE = "Додаток. Пронумеровані об'єкти карт"
KEYS_NOTE = "Сірим — номери, для яких на карті не знайшлося місця."


def keys_page(page: Page, rows: list, placed: dict, part: int, number: int, total: int) -> None:
    """Draw part `part` of the numbered lists; a number its map found no room for (not
    in `placed`: {map's page number: numbers placed}) is grey, and a note says so."""
    s = page.scale
    page.header(KEYS_TITLE + (KEY_CONTINUED if part else ""), community_name())
    marked, map_page_number, grey = [], None, False
    for row in rows:
        if isinstance(row[1], KeyHeading):
            map_page_number = row[1].page
        elif row[0] not in placed.get(map_page_number, ()):
            row, grey = [Cell(row[0], colour=MUTED), *row[1:]], True
        marked.append(row)
    tables.table(page, key_box(page), KEY_HEADER, marked, KEY_WIDTHS, size=7.5)
    if grey:
        page.text(10 * s, 12 * s, KEYS_NOTE, 7, va="baseline", color=MUTED)
    page.footer([], number, total)


# --- the pack -----------------------------------------------------------------------------


def council_pack_pdf(
    user, *, paper: str = "A4", map_date=None, progress: Progress | None = None,
    grayscale: bool = False,
) -> bytes:  # fmt: skip
    """Return the council pack (PDF bytes), in greys when `grayscale`; `progress` is
    called once per page drawn.

    PrintError for a paper other than A4/A3; layers `user` may not see are left out.
    """
    options_check(paper=paper, orientation="portrait", layers=("territory",))
    with srid_fixed():
        return _pack_pdf(user, paper, map_date or today(), progress, grayscale)


def _pack_pdf(user, paper: str, map_date, progress: Progress | None, grayscale: bool) -> bytes:
    pack = _Pack(
        user=user,
        paper=paper,
        map_date=map_date,
        grayscale=grayscale,
        snapshot=CoverageSnapshot.objects.filter(is_current=True).first(),
    )
    groups = pack.plan(villages_sorted())
    pdf, frames = render_pages(groups, pack.render, progress or (lambda step: None),
                               last=pack.keys_pages, last_count=len(pack.key_chunks))  # fmt: skip
    return georeference(pdf, frames)


@dataclass(frozen=True)
class _Sheet:
    """One page of the pack: the cover, a map (the overview or a village's) or the
    reports."""

    kind: str  # "cover", "map", "reports"
    job: object = None  # MapJob of a map
    village: Settlement | None = None


@dataclass
class _Pack:
    """One council pack's pages. `plan` reads every map before any page is drawn (so
    that the page count, numbered lists included, is known for every footer); `render`
    draws any of the pages but the lists (several processes may each draw a share) and
    notes the numbers each map placed; `keys_pages` then draws the lists at the end."""

    user: object
    paper: str
    map_date: object
    grayscale: bool
    snapshot: CoverageSnapshot | None
    sheets: list[_Sheet] = field(default_factory=list)
    key_chunks: list[list] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.sheets) + len(self.key_chunks)

    def plan(self, villages: list[Settlement]) -> list[list[int]]:
        """Read the maps; return the page groups of render_pages (one page each)."""
        width, height = PrintOptions(paper=self.paper).page_mm
        shared: dict = {}  # see map_prepare
        overview = PrintOptions(
            paper=self.paper, layers=_printable(OVERVIEW_LAYERS, self.user),
            map_date=self.map_date, title="Покриття інтернетом території громади",
            subtitle=community_name(),
        )  # fmt: skip
        self.sheets = [
            _Sheet("cover"),
            _Sheet("map", map_prepare(overview, self.user, shared=shared)),
        ]
        for ordinal, village in enumerate(villages, start=1):
            job = atlas_job(self.user, village, paper=self.paper, map_date=self.map_date,
                            ordinal=ordinal, count=len(villages), shared=shared)  # fmt: skip
            self.sheets.append(_Sheet("map", job, village))
        self.sheets.append(_Sheet("reports"))
        sizing = Page(width, height)
        maps = [(n, sheet.job) for n, sheet in enumerate(self.sheets, start=1) if sheet.job]
        rows = key_sections(maps, sizing)
        self.key_chunks = list_chunks(sizing, rows)
        return [[index] for index in range(len(self.sheets))]

    def render(self, indices, progress: Progress) -> tuple[bytes, list, dict]:
        """Draw the pages `indices` (0-based, ascending) into one PDF; return it, the
        frames of its maps (numbered as pages of the whole pack) and {page number: the
        numbers it placed} of each map drawn."""
        frames, placed = [], {}
        with self._document() as (document, width, height):
            for index in indices:
                sheet, page = self.sheets[index], document.page(width, height)
                frames += self._draw(page, sheet, index)
                document.add(page)
                if sheet.job is not None:
                    placed[index + 1] = [key[0] for key in sheet.job.keys]
                progress(self._step(sheet))
        return document.pdf, frames, placed

    def keys_pages(self, notes: list[dict]) -> tuple[bytes, list]:
        """Draw the numbered lists (the last pages), greying what no map placed; they
        too are shared out among the page processes (the atlas has dozens)."""
        placed = {page: set(numbers) for note in notes for page, numbers in note.items()}
        first = len(self.sheets) + 1

        def render(indices, progress) -> tuple[bytes, list, None]:
            with self._document() as (document, width, height):
                for part in indices:
                    page = document.page(width, height)
                    keys_page(page, self.key_chunks[part], placed, part, first + part, self.total)
                    document.add(page)
            return document.pdf, [], None

        groups = [[part] for part in range(len(self.key_chunks))]
        return render_pages(groups, render, lambda step: None)

    @contextmanager
    def _document(self):
        width, height = PrintOptions(paper=self.paper).page_mm
        title = f"Звіт для сесії ради: {community_name()}"
        with Document(title, grayscale=self.grayscale) as document:
            yield document, width, height

    @staticmethod
    def _step(sheet: _Sheet) -> str:
        if sheet.kind == "map":
            return sheet.village.name_uk if sheet.village else "overview"
        return sheet.kind

    def _draw(self, page: Page, sheet: _Sheet, index: int) -> list:
        number, total = index + 1, self.total
        if sheet.kind == "cover":
            cover_page(page, self.snapshot, number, total, self.map_date)
            return []
        if sheet.kind == "reports":
            summary_page(page, self.user, number, total, self.map_date)
            return []
        if sheet.village is None:
            map_page(page, sheet.job, number, total)
        else:
            atlas_page(page, self.user, sheet.village, sheet.job, snapshot=self.snapshot,
                       number=number, total=total)  # fmt: skip
        return map_frames(sheet.job, page, index)


__all__ = ["council_pack_pdf", "print_layers"]

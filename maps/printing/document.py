"""A PDF of printed pages, the same bytes for the same data and options (a council pack:
and the same number of page processes, maps/printing/parallel.py).

Text is TrueType embedded (pdf.fonttype 42: DejaVu Sans, Cyrillic included), so it can be
selected, searched and extracted. The creation date is SOURCE_DATE_EPOCH when set and
left out otherwise; nothing else in the file depends on the clock.
"""

import io
import logging
import os
import threading
from contextlib import contextmanager
from datetime import UTC, date, datetime

import matplotlib
from django.utils import timezone
from matplotlib.backends.backend_pdf import PdfPages

from maps.printing import draw, fonts
from maps.printing.page import PRODUCER, SOFTWARE, Page

RC = {
    "pdf.fonttype": 42,
    "font.family": "DejaVu Sans",
    "font.sans-serif": ["DejaVu Sans"],
    "hatch.linewidth": 0.45,
    "axes.unicode_minus": True,
    "path.simplify": True,
    "svg.hashsalt": "hromada",
}
# fontTools reports every table it subsets at INFO: noise in the server's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)
# rcParams are process-wide: one render at a time per process.
_LOCK = threading.RLock()


def _epoch() -> datetime | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(value), tz=UTC) if value.isdigit() else None


def creation_date() -> datetime | None:
    """Return the PDF creation date: SOURCE_DATE_EPOCH, or None (left out of the file)."""
    return _epoch()


def today() -> date:
    """Return the map's date by default: SOURCE_DATE_EPOCH's day, else today (local)."""
    epoch = _epoch()
    return epoch.date() if epoch else timezone.localdate()


@contextmanager
def rendering():
    """Hold the render lock with the printed pages' settings (fonts, hatching) applied:
    for drawing a page outside a Document (the PNG preview)."""
    with _LOCK, matplotlib.rc_context(RC):
        yield


class Document:
    """Collect pages into one PDF; use as a context manager, then read `.pdf` (bytes)."""

    def __init__(self, title: str, grayscale: bool = False):
        self.title = title
        # Every page in greys (draw.grayscale) as it is written.
        self.grayscale = grayscale
        self.pdf = b""
        self._buffer = io.BytesIO()

    def __enter__(self):
        _LOCK.acquire()
        self._rc = matplotlib.rc_context(RC)
        self._rc.__enter__()
        self._text = fonts.pdf_text()
        self._text.__enter__()
        metadata = {
            "Title": self.title,
            "Author": PRODUCER,
            "Creator": SOFTWARE,
            "CreationDate": creation_date(),
        }
        self._pages = PdfPages(self._buffer, metadata=metadata)
        return self

    def page(self, width_mm: float, height_mm: float) -> Page:
        """Return a new blank page (inside the document's font settings)."""
        return Page(width_mm, height_mm)

    def add(self, page: Page) -> None:
        """Write a finished page (in greys for a grayscale document) and let its figure go."""
        if self.grayscale:
            draw.grayscale(page.figure)
        self._pages.savefig(page.figure)
        # Dropped, not cleared: Figure.clear() resets every axes one by one (their ticks
        # and spines built anew) only to throw them away, a tenth of a second a page.
        page.figure = None
        page._sheet = None

    def __exit__(self, *exc):
        try:
            try:
                self._pages.close()  # writes the fonts, subset for this document's glyphs
            finally:
                self._text.__exit__(*exc)
                self._rc.__exit__(*exc)
        finally:
            _LOCK.release()
        self.pdf = self._buffer.getvalue()
        return False

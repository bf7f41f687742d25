"""Text in a printed PDF: DejaVu subsets without the OpenType layout tables, and each
text measured once per process.

A Type 42 (TrueType) font in a PDF is drawn glyph by glyph where the page's text
operators put each glyph (matplotlib lays the text out, kerning included, before it writes
it); PDF viewers never read the font's substitution, positioning or kerning tables, and
text is extracted through the ToUnicode map, not the font. Subsetting those tables is most
of what fontTools spends on a face (DejaVu Sans: 0.28 → 0.07 CPU-s), once per face per
document, six faces in a council pack.

matplotlib measures every text again on every page (its metrics cache belongs to one
renderer, and the PDF backend makes a renderer per page), though the legend, footer,
grid and house numbers repeat from page to page; the measure is a pure function of the
text and its font, so one process-wide cache serves every page and document.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

from fontTools import subset

# The one matplotlib internal used: where its PDF backend subsets fonts (pinned version).
from matplotlib.backends import _backend_pdf_ps  # noqa: PLC2701
from matplotlib.backends.backend_pdf import RendererPdf

# OpenType layout: substitution, positioning, glyph classes, justification, baselines,
# maths; and the legacy kerning table.
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "JSTF", "BASE", "MATH", "kern")


class _LeanOptions(subset.Options):
    """fontTools' subsetting options with the layout tables dropped as well."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.drop_tables = [*self.drop_tables, *LAYOUT_TABLES]


_LEAN = SimpleNamespace(
    Options=_LeanOptions, load_font=subset.load_font, Subsetter=subset.Subsetter
)


# Text sizes (width, height, descent in points) by (text, font properties); cleared when
# it grows past MEASURED_MAX (a process prints many communities' names over its life).
_MEASURED: dict = {}
MEASURED_MAX = 50_000
_MEASURE = RendererPdf.get_text_width_height_descent


def _measure(renderer, s, prop, ismath):
    if ismath:
        return _MEASURE(renderer, s, prop, ismath)
    # A copy: FontProperties compare by value, and the caller's may change later.
    key = (s, prop.copy())
    if key not in _MEASURED:
        if len(_MEASURED) >= MEASURED_MAX:
            _MEASURED.clear()
        _MEASURED[key] = _MEASURE(renderer, s, prop, ismath)
    return _MEASURED[key]


@contextmanager
def pdf_text() -> Iterator[None]:
    """Inside the block (a document being drawn and written, under the render lock), let
    the PDF backend measure each text once per process and subset fonts without their
    layout tables."""
    # matplotlib's subsetting reads fontTools through this module attribute only.
    saved = _backend_pdf_ps.subset
    _backend_pdf_ps.subset = _LEAN
    RendererPdf.get_text_width_height_descent = _measure
    try:
        yield
    finally:
        _backend_pdf_ps.subset = saved
        RendererPdf.get_text_width_height_descent = _MEASURE

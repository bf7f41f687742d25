"""The printing stack loaded ahead of the first print of a long-lived process.

A worker's first council pack otherwise spends about two seconds importing matplotlib,
geopandas, fontTools and pypdf and loading the fonts, on top of drawing. `warm_up` draws
one small page with a word in each face the pages use into a PDF that is thrown away: no
database read, so it runs on an empty database too.
"""


def warm_up() -> None:
    """Import the printing modules and write a one-page PDF (fonts embedded, subset)."""
    from django.conf import settings

    from maps.printing import pack, parallel  # noqa: F401 — imported for their libraries
    from maps.printing.document import Document
    from maps.printing.georef import Frame, georeference

    with Document("warm-up") as document:
        page = document.page(210, 297)
        page.text(10, 280, "Дмитрівка 0123", 9)
        page.text(10, 270, "Дмитрівка 0123", 9, weight="bold")
        document.add(page)
    # One frame, so that pypdf's writer and the metric CRS's transformer are set up too.
    frame = Frame(0, (10, 10, 100, 100), (500_000, 5_400_000, 501_000, 5_401_000),
                  int(settings.METRIC_SRID))  # fmt: skip
    georeference(document.pdf, [frame])

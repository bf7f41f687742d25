"""Shared fixtures and helpers of the printed-map tests (no tests here).

The demo community is loaded once per test module inside a transaction that is rolled
back when the module ends, so other modules never see it; each test still runs in its own
savepoint for what it adds (users, groups).
"""

import io
import re
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from pypdf import PdfReader

MAP_DATE = date(2026, 11, 26)
A4 = (595.28, 841.89)
A3 = (841.89, 1190.55)
MM_TO_PT = 72 / 25.4


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The Dmytrivska demo community with its coverage snapshot and reports (module-long)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def pdf_reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_size_pt(page) -> tuple[float, float]:
    box = page.mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


def squeeze(text: str) -> str:
    """Text without whitespace: extraction may break lines where the page wrapped them."""
    return re.sub(r"\s+", "", text)


def rasterise(pdf: bytes, dpi: int = 30) -> list:
    """Return every page as a PIL image (pdftoppm, poppler-utils)."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(  # noqa: S603
            ["pdftoppm", "-r", str(dpi), "-png", str(source), str(Path(tmp) / "p")],  # noqa: S607
            check=True,
            capture_output=True,
        )
        return [Image.open(p).convert("L") for p in sorted(Path(tmp).glob("p-*.png"))]


def ink_share(image, box_mm, page_mm) -> float:
    """Return the share of non-white pixels inside a box (mm from the lower-left corner)."""
    x, y, w, h = box_mm
    scale = image.width / page_mm[0]
    left, right = int(x * scale) + 2, int((x + w) * scale) - 2
    top, bottom = int((page_mm[1] - y - h) * scale) + 2, int((page_mm[1] - y) * scale) - 2
    crop = image.crop((left, top, right, bottom))
    histogram = crop.histogram()
    return sum(histogram[:235]) / max(sum(histogram), 1)

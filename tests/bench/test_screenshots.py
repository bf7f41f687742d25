"""The screenshots command's cheap parts: which pictures, their names, the JPEG fallback."""

from PIL import Image

from bench.pages import PAGES, WIDTHS, page_named, shot_name
from bench.screenshots import as_jpeg_when_heavy, shots_to_take


def test_every_page_is_taken_in_ukrainian_and_the_main_ones_in_english_at_both_widths():
    shots = shots_to_take(PAGES)
    names = {shot_name(page, language, width) for page, language, width in shots}
    main = [page for page in PAGES if page.main]
    assert len(shots) == len(names) == (len(PAGES) + len(main)) * len(WIDTHS)
    assert {"map-uk-1366.png", "map-uk-360.png", "map-en-360.png"} <= names
    assert "verification-en-1366.png" not in names


def test_a_report_page_url_takes_the_report_number():
    page = page_named("report")
    assert page.url("http://127.0.0.1:8123/", "2026-00001") == (
        "http://127.0.0.1:8123/reports/2026-00001/"
    )


def test_a_light_set_stays_png_and_a_heavy_one_becomes_jpeg(tmp_path):
    paths = []
    for index in range(2):
        path = tmp_path / f"page-uk-{index}.png"
        Image.new("RGB", (40, 30), (0, 87, 183)).save(path)
        paths.append(path)
    assert as_jpeg_when_heavy(paths, limit=10_000_000) == paths
    converted = as_jpeg_when_heavy(paths, limit=10)
    assert [path.name for path in converted] == ["page-uk-0.jpg", "page-uk-1.jpg"]
    assert all(path.exists() for path in converted) and not any(p.exists() for p in paths)

"""Photo intake: decoded, re-encoded without EXIF (GPS), thumbnails; bad files refused."""

import io

import pytest
from PIL import Image

from reports.images import PHOTO_MAX_BYTES, PhotoError, photo_check, photo_clean
from tests.reports.conftest import gps_exif, image_bytes


def test_a_photo_with_gps_exif_comes_back_without_any_exif():
    original = image_bytes(exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the input has GPS
    clean = photo_clean(original)
    for data in (clean.image, clean.thumbnail):
        picture = Image.open(io.BytesIO(data))
        assert picture.format == "JPEG"
        assert len(picture.getexif()) == 0
        assert "exif" not in picture.info
    assert b"SecretPhone" not in clean.image
    assert b"GPS" not in clean.image


def test_exif_orientation_is_applied_before_it_is_stripped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    clean = photo_clean(image_bytes(size=(400, 200), exif=exif.tobytes()))
    assert (clean.width, clean.height) == (200, 400)


def test_png_with_transparency_and_webp_are_accepted_and_stored_as_jpeg():
    png = photo_clean(image_bytes("PNG", mode="RGBA", color=(0, 0, 0, 0)))
    webp = photo_clean(image_bytes("WEBP"))
    assert Image.open(io.BytesIO(png.image)).getpixel((0, 0)) == (255, 255, 255)
    assert Image.open(io.BytesIO(webp.image)).format == "JPEG"


def test_big_photos_are_scaled_down_and_get_a_small_thumbnail():
    clean = photo_clean(image_bytes(size=(4000, 3000)))
    assert max(clean.width, clean.height) == 2560
    assert max(Image.open(io.BytesIO(clean.thumbnail)).size) == 400


def test_a_truncated_jpeg_is_refused():
    data = image_bytes(size=(800, 600))
    with pytest.raises(PhotoError, match="damaged"):
        photo_clean(data[: len(data) // 2])


def test_a_text_file_named_jpg_is_refused():
    with pytest.raises(PhotoError, match="not a JPEG"):
        photo_clean(b"I am not a photo, just text renamed to photo.jpg\n" * 10)


def test_a_gif_is_refused_even_though_it_is_an_image():
    with pytest.raises(PhotoError, match="Only JPEG"):
        photo_clean(image_bytes("GIF", mode="P"))


def test_a_photo_over_10_mb_is_refused_before_decoding():
    with pytest.raises(PhotoError, match="10 MB"):
        photo_clean(b"\xff\xd8" + b"\0" * PHOTO_MAX_BYTES)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_check_refuses_a_cut_photo_by_its_structure(fmt):
    """photo_check decodes nothing, yet a file cut anywhere is refused as by photo_clean."""
    data = image_bytes(fmt, size=(1200, 900))
    assert photo_check(data) == (1200, 900)
    for cut in (len(data) - 2, len(data) - 300, len(data) // 2, 200):
        with pytest.raises(PhotoError, match="damaged|not a JPEG"):
            photo_check(data[:cut])


def test_the_check_skips_an_exif_thumbnail_and_allows_a_motion_photos_video():
    """The EOI looked for is the image's: the one of an EXIF thumbnail (in APP1, before
    the scan) does not count, and data after the image's EOI (the video of a phone's
    motion photo) does not matter."""
    exif = Image.Exif()
    exif[0x0110] = "Phone"
    thumb = image_bytes(size=(160, 120))
    data = image_bytes(size=(1200, 900), exif=exif.tobytes() + thumb)
    scan = data.rindex(b"\xff\xda")
    with pytest.raises(PhotoError, match="damaged"):
        photo_check(data[: scan + 400])
    assert photo_check(data + b"\x00\x00\x00\x18ftypmp42" + bytes(500)) == (1200, 900)

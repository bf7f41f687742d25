"""Photo intake: decode, re-encode as JPEG without any metadata, make a thumbnail.

Re-encoding from decoded pixels is what strips EXIF (with its GPS position), XMP, ICC
and comments: nothing of the uploaded file but its pixels survives.

In two steps, so that a report with a photo is filed in milliseconds: while the report
is filed, `photo_check` reads the file's header and structure only (the format, the
pixel count, and that the file is whole: a JPEG's scan ends in its EOI marker, a PNG has
its IEND chunk, a WebP its RIFF length), which refuses what a phone or a cut upload
sends wrong; the task worker then makes the stored copy and the thumbnail with
`photo_clean` (~370 ms of CPU for a 12-megapixel photo) from the file as sent. A file
whole in structure whose pixels do not decode is found only there (the photo is then
dropped, reports.services.photos).
"""

import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext_noop
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_MAX_BYTES = 10 * 1024 * 1024
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
MAX_PIXELS = 50_000_000  # a 50-megapixel phone photo; bigger is a decompression bomb here
# PNG (screenshots) has no reduced-scale decoding: a 7000 × 7000 PNG costs seconds of
# CPU, so lossless images are held to what a phone's screen or camera makes.
MAX_PIXELS_LOSSLESS = 16_000_000
# Every Image.open in the service refuses (DecompressionBombError) above twice this.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
STORED_MAX_PX = 2560
THUMBNAIL_PX = 400
JPEG_QUALITY = 85


class PhotoError(ValueError):
    """The upload is not an acceptable photo; the message says why, for the user."""


@dataclass(frozen=True)
class CleanPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int


def photo_clean(data: bytes) -> CleanPhoto:
    """Return the photo re-encoded (JPEG, ≤ 2560 px, no metadata) and a 400 px thumbnail.

    Raise PhotoError when the bytes exceed 10 MB, are not JPEG/PNG/WebP, or do not
    decode completely (truncated or corrupt).
    """
    return _copies(data, STORED_MAX_PX, Image.Resampling.LANCZOS)


def photo_check(data: bytes) -> tuple[int, int]:
    """Return the photo's (width, height) in pixels without decoding it; PhotoError, with
    photo_clean's messages, when it is over 10 MB, not a JPEG, PNG or WebP, has too many
    pixels, or is not whole (cut short)."""
    if len(data) > PHOTO_MAX_BYTES:
        raise PhotoError(gettext_noop("A photo may be at most 10 MB."))
    picture = _opened(data)
    if not _whole(data, picture.format):
        raise PhotoError(gettext_noop("The photo is damaged or incomplete."))
    return picture.size


def _copies(data: bytes, longest_px: int, resample: Image.Resampling) -> CleanPhoto:
    """The photo at most `longest_px` long (JPEG, no metadata) and its thumbnail."""
    if len(data) > PHOTO_MAX_BYTES:
        raise PhotoError(gettext_noop("A photo may be at most 10 MB."))
    picture = _decode(data, longest_px)
    picture = _to_rgb(ImageOps.exif_transpose(picture))
    picture.thumbnail((longest_px, longest_px), resample)
    thumbnail = picture.copy()
    thumbnail.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX), resample)
    return CleanPhoto(
        image=_jpeg(picture), thumbnail=_jpeg(thumbnail), width=picture.width, height=picture.height
    )


def _decode(data: bytes, longest_px: int) -> Image.Image:
    """Open and decode the image (a JPEG at the smallest of 1/1–1/8 scale whose long side
    still reaches `longest_px`); PhotoError on any other format or a broken file."""
    picture = _opened(data)
    try:
        if picture.format == "JPEG":
            # Decode at 1/2, 1/4 or 1/8 scale when the copy is smaller anyway.
            picture.draft("RGB", _draft_size(picture.size, max(longest_px, THUMBNAIL_PX)))
        picture.load()
    except (OSError, SyntaxError, ValueError):
        raise PhotoError(gettext_noop("The photo is damaged or incomplete.")) from None
    return picture


def _opened(data: bytes) -> Image.Image:
    """The image opened from its header (nothing decoded), its format and pixel count
    checked; PhotoError otherwise."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(gettext_noop("The file is not a JPEG, PNG or WebP photo.")) from None
    except (OSError, SyntaxError, ValueError):
        raise PhotoError(gettext_noop("The photo is damaged or incomplete.")) from None
    if picture.format not in ACCEPTED_FORMATS:
        raise PhotoError(gettext_noop("Only JPEG, PNG and WebP photos are accepted."))
    limit = MAX_PIXELS if picture.format == "JPEG" else MAX_PIXELS_LOSSLESS
    if picture.width * picture.height > limit:
        raise PhotoError(gettext_noop("The photo has too many pixels."))
    return picture


def _whole(data: bytes, image_format: str) -> bool:
    """Whether the file is whole by its own structure (the end a cut upload lacks)."""
    if image_format == "PNG":
        return data.find(b"IEND\xaeB`\x82") != -1
    if image_format == "WEBP":
        return len(data) >= 8 + int.from_bytes(data[4:8], "little")
    return _jpeg_whole(data)


def _jpeg_whole(data: bytes) -> bool:
    """Whether the JPEG's image data ends in its EOI marker: the segments before the first
    scan are skipped by their lengths (an EXIF thumbnail has an EOI of its own), and in
    the scans a 0xFF byte is always followed by 0x00 or a restart marker, so the first
    0xFF 0xD9 after the first SOS is the image's end (a motion photo's video may follow)."""
    position = 2  # after SOI
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return False
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if marker == 0xDA:  # SOS: the entropy-coded data follows its header
            return data.find(b"\xff\xd9", position + 2 + length) != -1
        position += 2 + length
    return False


def _draft_size(size: tuple[int, int], longest_px: int) -> tuple[int, int]:
    """The size to ask Image.draft for so that the decoded long side stays ≥ longest_px
    (draft keeps both sides at least what is asked: ask the short side in proportion)."""
    width, height = size
    ratio = min(1.0, longest_px / max(width, height, 1))
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def _to_rgb(picture: Image.Image) -> Image.Image:
    """Flatten transparency onto white and return an RGB image without metadata."""
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        picture = picture.convert("RGBA")
        background = Image.new("RGB", picture.size, "white")
        background.paste(picture, mask=picture.getchannel("A"))
        picture = background
    else:
        picture = picture.convert("RGB")
    clean = Image.new("RGB", picture.size)
    clean.paste(picture)
    return clean


def _jpeg(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()

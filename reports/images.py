"""Photo intake: decode fully, re-encode as JPEG without any metadata, make a thumbnail.

Re-encoding from decoded pixels is what strips EXIF (with its GPS position), XMP, ICC
and comments: nothing of the uploaded file but its pixels survives.
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
    if len(data) > PHOTO_MAX_BYTES:
        raise PhotoError(gettext_noop("A photo may be at most 10 MB."))
    picture = _decode(data)
    picture = _to_rgb(ImageOps.exif_transpose(picture))
    picture.thumbnail((STORED_MAX_PX, STORED_MAX_PX), Image.Resampling.LANCZOS)
    thumbnail = picture.copy()
    thumbnail.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX), Image.Resampling.LANCZOS)
    return CleanPhoto(
        image=_jpeg(picture), thumbnail=_jpeg(thumbnail), width=picture.width, height=picture.height
    )


def _decode(data: bytes) -> Image.Image:
    """Open and fully decode the image; PhotoError on any other format or a broken file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
            if picture.format not in ACCEPTED_FORMATS:
                raise PhotoError(gettext_noop("Only JPEG, PNG and WebP photos are accepted."))
            # Dimensions come from the header: nothing is decoded before this check.
            limit = MAX_PIXELS if picture.format == "JPEG" else MAX_PIXELS_LOSSLESS
            if picture.width * picture.height > limit:
                raise PhotoError(gettext_noop("The photo has too many pixels."))
            if picture.format == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 scale when the stored copy is smaller anyway.
                picture.draft("RGB", (STORED_MAX_PX, STORED_MAX_PX))
            picture.load()
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(gettext_noop("The file is not a JPEG, PNG or WebP photo.")) from None
    except (OSError, SyntaxError, ValueError):
        raise PhotoError(gettext_noop("The photo is damaged or incomplete.")) from None
    return picture


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

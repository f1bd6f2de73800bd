"""Uploaded images: validation, metadata stripping and responsive renditions.

An upload goes through validate_image_upload() and sanitize_upload() before it is stored;
make_renditions() then writes the resized WebP and fallback files, whose URLs
MediaImage.rendition_url() and MediaImage.srcset give.
ImageUploadField is the model field that stores them, and checks only new uploads.
"""

import hashlib
import os
import posixpath
import warnings
from io import BytesIO
from itertools import groupby
from typing import IO, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.encoding import filepath_to_uri
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000  # our own limit, checked before any pixel data is decoded
RENDITION_WIDTHS = (480, 800, 1200, 1600)
SHARE_WIDTH = 1200  # of the rendition link previews, search engines and feed readers show
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
ALLOWED_EXTENSIONS = ("jpg", "jpeg", "png", "webp", "gif")

# How every file is written, sanitised originals and renditions alike.
_ENCODER_OPTIONS: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 88, "progressive": True, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 80},
    "GIF": {},
}
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Modes whose colours are RGB, so that an embedded ICC profile still describes them once converted to RGB(A).
_RGB_MODES = {"RGB", "RGBA", "P", "PA"}

_NOT_AN_IMAGE = _("الملف ليس صورة صالحة.")
_TOO_MANY_BYTES = _("حجم الصورة يتجاوز الحد المسموح (%(limit)s ميغابايت).")
_TOO_MANY_PIXELS = _("أبعاد الصورة كبيرة جداً: الحد الأقصى %(limit)s مليون بكسل (العرض × الارتفاع).")

validate_image_extension = FileExtensionValidator(
    allowed_extensions=ALLOWED_EXTENSIONS,
    message=_("امتداد الملف «%(extension)s» غير مقبول؛ الامتدادات المقبولة: %(allowed_extensions)s."),
)


def validate_image_upload(uploaded: File) -> None:
    """Raise ValidationError unless `uploaded` is a complete JPEG, PNG, WebP or GIF within our limits.

    The byte size and the pixel count are checked before any pixel data is decoded.
    The file is left at position 0.
    """
    if uploaded.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _TOO_MANY_BYTES, code="file_too_large", params={"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    try:
        # Pillow only warns about decompression bombs; treat the warning as the error it is.
        with warnings.catch_warnings(action="error", category=Image.DecompressionBombWarning):
            _check_image(uploaded)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels() from error
    # The exceptions Pillow raises for malformed files; UnidentifiedImageError is an OSError.
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_NOT_AN_IMAGE, code="invalid_image") from error
    finally:
        uploaded.seek(0)


class ImageUploadFormField(forms.FileField):
    """A new upload, checked by our rules alone: Django's own image check names every format Pillow
    reads and reports Pillow's decompression bomb limit as a broken file."""

    def to_python(self, data):
        uploaded = super().to_python(data)
        if uploaded is not None:
            validate_image_extension(uploaded)
            validate_image_upload(uploaded)
        return uploaded

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ",".join(f".{extension}" for extension in ALLOWED_EXTENSIONS)
        return attrs


class ImageUploadField(models.ImageField):
    """An ImageField whose form checks new uploads with ImageUploadFormField. The stored file is not
    checked again when only its description changes: it was checked on upload, and reading it back
    (from S3, say) would be slow."""

    default_validators = []

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ImageUploadFormField, **kwargs})


def url_paths(name: str) -> set[str]:
    """What any URL of the stored image `name`, or of one of its renditions, contains, whatever the storage."""
    paths = {name, f"{_renditions_folder(name)}/"}
    return paths | {filepath_to_uri(path) for path in paths}


def sanitize_upload(uploaded: File) -> ContentFile:
    """Re-encode a validated upload in its own format, upright and without EXIF, GPS, XMP or comments.

    The ICC profile is kept, since it defines the colours. Animated GIF and WebP files keep
    their first frame only, as their renditions do.
    """
    uploaded.seek(0)
    with _open(uploaded) as original:
        image_format = _format_of(original)
        image = ImageOps.exif_transpose(original)
    uploaded.seek(0)
    icc_profile = image.info.get("icc_profile")
    # Drop all metadata; only a palette's transparent colour is part of the picture itself.
    image.info = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
    return ContentFile(_encode(image, image_format, icc_profile), name=os.path.basename(uploaded.name))


def make_renditions(name: str, storage: Storage | None = None) -> dict[str, Any]:
    """Write the WebP and fallback renditions of the stored image `name`, and describe them.

    They go to 'renditions/<stem>-<hash of name>/' next to the original, one pair per width of
    RENDITION_WIDTHS that does not upscale it (or at the original width if it is narrower than
    all of them). Renditions that already exist are not encoded again. The original is expected
    to have been through sanitize_upload(), so it is upright.
    """
    storage = default_storage if storage is None else storage
    folder = _renditions_folder(name)
    with storage.open(name) as stored, _open(stored) as original:
        width, height = original.size
        fallback_format = "PNG" if _format_of(original) in {"PNG", "GIF"} else "JPEG"
        renditions: dict[str, Any] = {
            "width": width,
            "height": height,
            "fallback_format": fallback_format.lower(),
            "webp": [],
            "fallback": [],
        }
        missing: list[tuple[dict[str, Any], str]] = []
        for rendition_width in _rendition_widths(width):
            rendition_height = max(1, round(height * rendition_width / width))
            for kind, image_format in (("webp", "WEBP"), ("fallback", fallback_format)):
                rendition = {
                    "width": rendition_width,
                    "height": rendition_height,
                    "name": f"{folder}/{rendition_width}w.{_EXTENSIONS[image_format]}",
                }
                renditions[kind].append(rendition)
                if not storage.exists(rendition["name"]):
                    missing.append((rendition, image_format))
        if missing:
            _write_renditions(original, missing, storage)
    return renditions


def _open(fp: IO[bytes]) -> ImageFile.ImageFile:
    """Open an image lazily (header only), trying only the parsers of the allowed formats."""
    return Image.open(fp, formats=sorted(ALLOWED_FORMATS))


def _format_of(image: Image.Image) -> str:
    """Return the image's format, counting multi-picture JPEGs (MPO, written by many cameras) as JPEG."""
    return "JPEG" if image.format == "MPO" else image.format


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _TOO_MANY_PIXELS, code="too_many_pixels", params={"limit": f"{MAX_PIXELS / 1_000_000:g}"}
    )


def _check_image(uploaded: File) -> None:
    """Check the pixel count from the header, then the file's structure, then that it decodes to the end."""
    uploaded.seek(0)
    with _open(uploaded) as image:
        if image.width * image.height > MAX_PIXELS:
            raise _too_many_pixels()
        image.verify()
    # verify() does not decode, so it misses truncated JPEGs; a full decode on a fresh open does not.
    uploaded.seek(0)
    with _open(uploaded) as image:
        image.draft(None, (1, 1))  # JPEG only: decode at 1/8 scale, which still reads all of the data
        image.load()


def _encode(image: Image.Image, image_format: str, icc_profile: bytes | None) -> bytes:
    """Encode `image` with our options for `image_format`; no metadata but the ICC profile is written."""
    buffer = BytesIO()
    image.save(buffer, format=image_format, icc_profile=icc_profile, **_ENCODER_OPTIONS[image_format])
    return buffer.getvalue()


def _rendition_widths(width: int) -> tuple[int, ...]:
    """Return the widths of RENDITION_WIDTHS up to `width`, or `width` itself if it is narrower."""
    return tuple(w for w in RENDITION_WIDTHS if w <= width) or (width,)


def _renditions_folder(name: str) -> str:
    """'photos/news.jpg' -> 'photos/renditions/news-<8 hex digits of the SHA-256 of the name>'."""
    directory, filename = posixpath.split(name)
    stem = posixpath.splitext(filename)[0]
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return posixpath.join(directory, "renditions", f"{stem}-{digest}")


def _write_renditions(
    original: ImageFile.ImageFile, missing: list[tuple[dict[str, Any], str]], storage: Storage
) -> None:
    """Decode `original` once, then encode and save the `missing` renditions (in ascending width order).

    Each rendition's "name" is updated to the name the storage actually saved it under.
    """
    icc_profile = original.info.get("icc_profile") if original.mode in _RGB_MODES else None
    largest = missing[-1][0]
    # JPEG only: decode at the smallest DCT scale that is still at least as large as needed.
    original.draft(None, (largest["width"], largest["height"]))
    source = _web_ready(original)
    for size, group in groupby(missing, key=lambda item: (item[0]["width"], item[0]["height"])):
        resized = source.resize(size, Image.Resampling.LANCZOS)
        for rendition, image_format in group:
            image = _on_white(resized) if image_format == "JPEG" else resized
            content = ContentFile(_encode(image, image_format, icc_profile))
            rendition["name"] = storage.save(rendition["name"], content)


def _web_ready(image: Image.Image) -> Image.Image:
    """Return `image` as RGB, or RGBA if it has transparency: modes that resize smoothly and suit WebP."""
    if image.mode in ("I", "I;16"):  # 16-bit greyscale PNG: scale to 8 bits rather than clip to white
        image = image.point(lambda value: value / 256, "L")
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


def _on_white(image: Image.Image) -> Image.Image:
    """Flatten an RGBA image onto white, since JPEG has no alpha channel."""
    if image.mode != "RGBA":
        return image
    flattened = Image.new("RGB", image.size, "white")
    flattened.paste(image, mask=image.getchannel("A"))
    return flattened

import json
import os
import posixpath
import re
import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from articles import images

NOT_AN_IMAGE = "الملف ليس صورة صالحة."
RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)
SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def picture(size: tuple[int, int] = (60, 40), mode: str = "RGB") -> Image.Image:
    """A blue picture with a red top-left corner, so that a rotation shows."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, 10, 10))
    return image.convert(mode)


def encode(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def decode(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def too_many_pixels(limit: str = "40") -> str:
    return f"أبعاد الصورة كبيرة جداً: الحد الأقصى {limit} مليون بكسل (العرض × الارتفاع)."


def blank_png(width: int, height: int) -> bytes:
    """A complete black-and-white PNG, a hundred times smaller than its pixels even at 30000×30000."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = bytes(1 + (width + 7) // 8)  # the filter byte, then one bit per pixel
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row * 1000) for _ in range(height // 1000))
    pixels += compressor.compress(row * (height % 1000)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def truncated_jpeg() -> bytes:
    """The first half of a 256x256 JPEG: a complete header, then the pixel data breaks off."""
    data = encode(Image.radial_gradient("L").convert("RGB"), "JPEG")
    return data[: len(data) // 2]


def is_close(colour: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    """Compare colours loosely, as lossy formats shift them a little."""
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


def rejection(upload: SimpleUploadedFile) -> ValidationError:
    """Validate `upload`, expecting it to be rejected and rewound; return the error."""
    with pytest.raises(ValidationError) as caught:
        images.validate_image_upload(upload)
    assert upload.tell() == 0
    return caught.value


def rendition_files(renditions: dict) -> list[dict]:
    return renditions["webp"] + renditions["fallback"]


def count_encodings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the format of every Image.save() call from now on."""
    formats: list[str] = []
    save = Image.Image.save

    def counting_save(image, fp, *args, **params):
        formats.append(params.get("format"))
        save(image, fp, *args, **params)

    monkeypatch.setattr(Image.Image, "save", counting_save)
    return formats


@pytest.fixture
def storage(tmp_path) -> FileSystemStorage:
    return FileSystemStorage(location=tmp_path, base_url="/media/")


# --- sanitize_upload --------------------------------------------------------------------


def test_a_phone_photo_comes_out_upright_without_exif_gps_xmp_or_comment():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored on its side: turn 90° clockwise to display
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (24.0, 42.0, 7.0),
    }
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><photoshop:City>Riyadh</photoshop:City></x:xmpmeta>'
    data = encode(picture((60, 40)), "JPEG", exif=exif, xmp=xmp, comment=b"secret note")
    assert decode(data).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the fixture really carries GPS

    sanitized = images.sanitize_upload(SimpleUploadedFile("phone.jpg", data))

    cleaned = sanitized.read()
    image = decode(cleaned)
    assert sanitized.name == "phone.jpg"
    assert image.format == "JPEG"
    assert image.info.get("progressive") == 1
    assert image.size == (40, 60)
    assert is_close(image.getpixel((35, 4)), RED)  # the red corner turned to the top right
    assert not image.getexif()
    assert not {"exif", "xmp", "comment"} & image.info.keys()
    for trace in (b"Exif\x00\x00", b"PhoneMaker", b"Riyadh", b"secret note"):
        assert trace not in cleaned


def test_a_png_keeps_its_icc_profile_and_transparency_but_loses_its_text_and_exif():
    image = picture(mode="RGBA")
    image.putpixel((59, 39), (0, 0, 0, 0))
    text = PngInfo()
    text.add_text("Author", "Someone Private")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "ScannerMaker"
    data = encode(image, "PNG", icc_profile=SRGB_PROFILE, pnginfo=text, exif=exif)

    cleaned = images.sanitize_upload(SimpleUploadedFile("chart.png", data)).read()

    result = decode(cleaned)
    assert (result.format, result.mode, result.size) == ("PNG", "RGBA", (60, 40))
    assert result.info["icc_profile"] == SRGB_PROFILE
    assert result.getpixel((59, 39))[3] == 0
    assert "Author" not in result.info
    assert not result.getexif()
    assert b"Someone Private" not in cleaned
    assert b"ScannerMaker" not in cleaned


def test_a_gif_keeps_its_transparent_colour():
    image = picture(mode="P")
    image.info["transparency"] = image.getpixel((0, 0))  # the red corner

    result = decode(images.sanitize_upload(SimpleUploadedFile("icon.gif", encode(image, "GIF"))).read())

    assert result.format == "GIF"
    assert result.convert("RGBA").getpixel((0, 0))[3] == 0
    assert result.convert("RGBA").getpixel((30, 30)) == (*BLUE, 255)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_sanitizing_keeps_the_format_size_and_file_name(image_format):
    upload = SimpleUploadedFile("upload.img", encode(picture(), image_format))

    sanitized = images.sanitize_upload(upload)

    assert upload.tell() == 0
    assert sanitized.name == "upload.img"
    result = decode(sanitized.read())
    assert (result.format, result.size) == (image_format, (60, 40))


def test_a_multi_picture_jpeg_from_a_camera_is_accepted_and_saved_as_a_plain_jpeg():
    data = encode(picture(), "MPO", save_all=True, append_images=[picture((30, 20))])
    upload = SimpleUploadedFile("camera.jpg", data)

    images.validate_image_upload(upload)
    result = decode(images.sanitize_upload(upload).read())

    assert (result.format, result.size) == ("JPEG", (60, 40))
    assert "mp" not in result.info  # no multi-picture index, so the second picture is gone


# --- validate_image_upload --------------------------------------------------------------


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_a_valid_image_passes_and_is_rewound(image_format):
    upload = SimpleUploadedFile("picture", encode(picture(), image_format))
    upload.read(10)

    images.validate_image_upload(upload)

    assert upload.tell() == 0


def test_a_text_file_renamed_to_jpg_is_rejected():
    upload = SimpleUploadedFile("notes.jpg", "هذه ليست صورة".encode())
    error = rejection(upload)
    assert error.messages == [NOT_AN_IMAGE]
    assert error.code == "invalid_image"


def test_a_truncated_jpeg_is_rejected():
    assert rejection(SimpleUploadedFile("cut.jpg", truncated_jpeg())).messages == [NOT_AN_IMAGE]


def test_a_png_with_a_corrupt_chunk_is_rejected():
    data = bytearray(encode(picture(), "PNG"))
    data[-20] ^= 0xFF  # inside the image data, so its checksum no longer matches
    assert rejection(SimpleUploadedFile("broken.png", bytes(data))).messages == [NOT_AN_IMAGE]


def test_an_image_of_a_format_we_do_not_serve_is_rejected():
    assert rejection(SimpleUploadedFile("scan.bmp", encode(picture(), "BMP"))).messages == [NOT_AN_IMAGE]


def test_an_image_with_too_many_pixels_is_rejected(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 60 * 40 - 1)
    error = rejection(SimpleUploadedFile("huge.png", encode(picture(), "PNG")))
    assert error.messages == [too_many_pixels("0.002399")]
    assert error.code == "too_many_pixels"


def test_an_image_exactly_at_the_pixel_limit_passes(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 60 * 40)
    images.validate_image_upload(SimpleUploadedFile("large.png", encode(picture(), "PNG")))


def test_the_pixel_limit_is_checked_before_the_pixels_are_decoded(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 100)
    assert rejection(SimpleUploadedFile("huge.jpg", truncated_jpeg())).messages == [too_many_pixels("0.0001")]


@pytest.mark.parametrize("pillow_limit", [2000, 1000], ids=["pillow-warns", "pillow-refuses"])
def test_a_decompression_bomb_by_pillows_own_limit_is_rejected(monkeypatch, pillow_limit):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", pillow_limit)  # the picture has 2400 pixels
    assert rejection(SimpleUploadedFile("bomb.png", encode(picture(), "PNG"))).messages == [too_many_pixels()]


def test_a_30000_by_30000_png_is_too_large_and_the_message_says_the_limit():
    upload = SimpleUploadedFile("poster.png", blank_png(30000, 30000))
    assert upload.size < 200_000
    assert rejection(upload).messages == [too_many_pixels("40")]


def test_a_small_picture_of_the_same_kind_passes():
    images.validate_image_upload(SimpleUploadedFile("poster.png", blank_png(3000, 2000)))


def test_a_file_over_the_byte_limit_is_rejected_before_it_is_read(monkeypatch):
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 1024 * 1024)
    upload = SimpleUploadedFile("big.jpg", b"\0" * (1024 * 1024 + 1))
    error = rejection(upload)
    assert error.messages == ["حجم الصورة يتجاوز الحد المسموح (1 ميغابايت)."]
    assert error.code == "file_too_large"


# --- make_renditions --------------------------------------------------------------------


def test_a_wide_jpeg_gets_webp_and_jpeg_renditions_at_every_width(storage):
    name = storage.save("photos/2026/news.jpg", ContentFile(encode(picture((2000, 1000)), "JPEG")))

    renditions = images.make_renditions(name, storage)

    assert json.loads(json.dumps(renditions)) == renditions
    assert (renditions["width"], renditions["height"], renditions["fallback_format"]) == (2000, 1000, "jpeg")
    for kind, image_format in (("webp", "WEBP"), ("fallback", "JPEG")):
        sizes = [(rendition["width"], rendition["height"]) for rendition in renditions[kind]]
        assert sizes == [(480, 240), (800, 400), (1200, 600), (1600, 800)]
        for rendition in renditions[kind]:
            with storage.open(rendition["name"]) as stored, Image.open(stored) as image:
                assert (image.format, image.size) == (image_format, (rendition["width"], rendition["height"]))
    folders = {posixpath.dirname(rendition["name"]) for rendition in rendition_files(renditions)}
    assert len(folders) == 1
    assert re.fullmatch(r"photos/2026/renditions/news-[0-9a-f]{8}", folders.pop())


def test_a_narrow_png_gets_one_rendition_at_its_own_width_with_transparency_kept(storage):
    image = picture((300, 150), mode="RGBA")
    image.paste((0, 0, 0, 0), (200, 0, 300, 150))
    name = storage.save("logo.png", ContentFile(encode(image, "PNG")))

    renditions = images.make_renditions(name, storage)

    assert renditions["fallback_format"] == "png"
    assert renditions["webp"] == [{"width": 300, "height": 150, "name": renditions["webp"][0]["name"]}]
    assert [(r["width"], r["height"]) for r in renditions["fallback"]] == [(300, 150)]
    for rendition, image_format in ((renditions["webp"][0], "WEBP"), (renditions["fallback"][0], "PNG")):
        with storage.open(rendition["name"]) as stored, Image.open(stored) as result:
            assert (result.format, result.mode) == (image_format, "RGBA")
            assert result.getpixel((250, 75))[3] == 0


def test_a_transparent_webp_gets_a_jpeg_fallback_on_white(storage):
    image = picture((800, 400), mode="RGBA")
    image.paste((0, 0, 0, 0), (0, 200, 800, 400))
    name = storage.save("cutout.webp", ContentFile(encode(image, "WEBP", lossless=True)))

    renditions = images.make_renditions(name, storage)

    assert renditions["fallback_format"] == "jpeg"
    assert [r["width"] for r in renditions["fallback"]] == [480, 800]
    with storage.open(renditions["fallback"][0]["name"]) as stored, Image.open(stored) as result:
        assert (result.format, result.mode, result.size) == ("JPEG", "RGB", (480, 240))
        assert is_close(result.getpixel((240, 200)), WHITE)
        assert is_close(result.getpixel((240, 50)), BLUE)


def test_a_palette_gif_gets_a_png_fallback(storage):
    name = storage.save("badge.gif", ContentFile(encode(picture((500, 250), mode="P"), "GIF")))

    renditions = images.make_renditions(name, storage)

    assert renditions["fallback_format"] == "png"
    assert [(r["width"], r["height"]) for r in renditions["fallback"]] == [(480, 240)]
    with storage.open(renditions["fallback"][0]["name"]) as stored, Image.open(stored) as result:
        assert (result.format, result.mode) == ("PNG", "RGB")
        assert is_close(result.getpixel((240, 120)), BLUE, tolerance=2)


def test_a_16_bit_greyscale_png_is_scaled_to_8_bits_rather_than_clipped(storage):
    name = storage.save("scan.png", ContentFile(encode(Image.new("I;16", (500, 100), 32768), "PNG")))

    renditions = images.make_renditions(name, storage)

    with storage.open(renditions["fallback"][0]["name"]) as stored, Image.open(stored) as result:
        assert is_close(result.getpixel((240, 50)), (128, 128, 128), tolerance=2)


def test_renditions_keep_the_icc_profile(storage):
    name = storage.save("p3.jpg", ContentFile(encode(picture((600, 300)), "JPEG", icc_profile=SRGB_PROFILE)))

    renditions = images.make_renditions(name, storage)

    for rendition in rendition_files(renditions):
        with storage.open(rendition["name"]) as stored, Image.open(stored) as result:
            assert result.info.get("icc_profile") == SRGB_PROFILE


def test_making_renditions_again_encodes_and_writes_nothing(storage, monkeypatch):
    name = storage.save("photos/news.jpg", ContentFile(encode(picture((2000, 1000)), "JPEG")))
    first = images.make_renditions(name, storage)
    paths = [storage.path(rendition["name"]) for rendition in rendition_files(first)]
    modified = [os.stat(path).st_mtime_ns for path in paths]
    encodings = count_encodings(monkeypatch)

    assert images.make_renditions(name, storage) == first

    assert encodings == []
    assert [os.stat(path).st_mtime_ns for path in paths] == modified


def test_only_a_missing_rendition_is_encoded_again(storage, monkeypatch):
    name = storage.save("photos/news.jpg", ContentFile(encode(picture((2000, 1000)), "JPEG")))
    first = images.make_renditions(name, storage)
    storage.delete(first["webp"][1]["name"])
    encodings = count_encodings(monkeypatch)

    assert images.make_renditions(name, storage) == first

    assert encodings == ["WEBP"]
    assert storage.exists(first["webp"][1]["name"])


def test_renditions_use_the_default_storage_unless_told_otherwise(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("news.png", ContentFile(encode(picture((480, 240)), "PNG")))

    renditions = images.make_renditions(name)

    assert (tmp_path / renditions["webp"][0]["name"]).is_file()
